"""Five independent PDF makers for one small block model (text lines, tables, page breaks).

Layouts (layouts.py) decide what goes where; each tool then lays it out its own way, with its own
fonts, table engine and PDF writer, which is the point: the app must read what other software made.

    reportlab  platypus Table                        -> PDF (Producer "ReportLab ...")
    docx       python-docx table -> LibreOffice      -> PDF (Producer "LibreOffice ...")
    xlsx       openpyxl sheet    -> LibreOffice Calc -> PDF
    qt         QTextDocument HTML tables -> QPdfWriter (offscreen)
    weasy      HTML + CSS -> WeasyPrint (pango layout, its own PDF writer)
"""

from __future__ import annotations

import hashlib
import html
import io
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


@dataclass
class Text:
    lines: list[str]
    size: float = 9.5
    bold: bool = False
    align: str = "left"  # left | center | right


@dataclass
class Table:
    rows: list[list[str]]
    widths: list[float]  # fractions of the text width
    align: str = ""  # one letter per column: l | r | c (default: first l, rest r)
    header: int = 1  # header rows (bold, shaded)
    grid: bool = True
    bold_rows: list[int] = field(default_factory=list)  # negative counts from the end
    size: float = 8.5

    def col_align(self, i: int) -> str:
        return (self.align or ("l" + "r" * (len(self.widths) - 1)))[i]

    def is_bold(self, r: int) -> bool:
        n = len(self.rows)
        return r < self.header or any((b if b >= 0 else n + b) == r for b in self.bold_rows)


@dataclass
class Space:
    pt: float = 8


@dataclass
class PageBreak:
    pass


Block = Text | Table | Space | PageBreak


@dataclass
class Doc:
    blocks: list[Block]
    title: str
    author: str = ""
    letter: bool = True  # US Letter, else A4
    created: datetime = datetime(2026, 3, 31, 12, 0)  # when the issuer "made" it (stamped in metadata)


_PDF_DATE = re.compile(rb"D:\d{14}")
_ISO_TIME = re.compile(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
_UUID = re.compile(rb"uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_CHECKSUM = re.compile(rb"/DocChecksum /([0-9A-F]+)")
_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def restamp(pdf: bytes, created: datetime) -> bytes:
    """Replace the conversion time, random document UUID and /ID that LibreOffice and Qt write with
    ``created`` and values derived from the content, byte for byte the same length (so offsets and
    stream lengths stay valid): reruns then give byte-identical files."""
    out = _PDF_DATE.sub(b"D:" + created.strftime("%Y%m%d%H%M%S").encode(), pdf)
    out = _ISO_TIME.sub(created.strftime("%Y-%m-%dT%H:%M:%S").encode(), out)
    body = _UUID.sub(b"uuid:", out[: out.rfind(b"trailer")])  # before /ID and LibreOffice's /DocChecksum
    digest = hashlib.sha256(body).hexdigest()
    uid = f"uuid:{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}".encode()
    out = _UUID.sub(uid, out)

    def ids(m: re.Match[bytes]) -> bytes:
        a, b = m.group(1), m.group(2)
        ha = (digest * 4)[: len(a)].upper().encode()
        hb = (digest[::-1] * 4)[: len(b)].upper().encode()
        return m.group(0).replace(a, ha, 1).replace(b, hb, 1) if a != b else m.group(0).replace(a, ha)

    out = _ID.sub(ids, out)
    out = _CHECKSUM.sub(lambda m: b"/DocChecksum /" + digest[: len(m.group(1))].upper().encode(), out)
    assert len(out) == len(pdf)
    return out


def _text_width_pt(doc: Doc) -> float:
    return (612 if doc.letter else 595) - 2 * 54


# --- reportlab -------------------------------------------------------------------------------------


def reportlab_pdf(doc: Doc) -> bytes:
    from reportlab import rl_config
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak as RLPageBreak
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as RLTable

    rl_config.invariant = 1  # fixed creation date and document id: byte-identical reruns
    buf = io.BytesIO()
    tpl = SimpleDocTemplate(
        buf,
        pagesize=LETTER if doc.letter else A4,
        leftMargin=54,
        rightMargin=54,
        topMargin=48,
        bottomMargin=48,
        title=doc.title,
        author=doc.author,
    )
    width = _text_width_pt(doc)
    story: list = []
    aligns = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
    for b in doc.blocks:
        if isinstance(b, Text):
            st = ParagraphStyle(
                "t",
                fontName="Helvetica-Bold" if b.bold else "Helvetica",
                fontSize=b.size,
                leading=b.size * 1.25,
                alignment=aligns[b.align],
            )
            story += [Paragraph(html.escape(line), st) for line in b.lines]
        elif isinstance(b, Space):
            story.append(Spacer(1, b.pt))
        elif isinstance(b, PageBreak):
            story.append(RLPageBreak())
        else:
            cmds: list = [
                ("FONT", (0, 0), (-1, -1), "Helvetica", b.size),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
            for c in range(len(b.widths)):
                al = {"l": "LEFT", "r": "RIGHT", "c": "CENTER"}[b.col_align(c)]
                cmds.append(("ALIGN", (c, 0), (c, -1), al))
            for r in range(len(b.rows)):
                if b.is_bold(r):
                    cmds.append(("FONT", (0, r), (-1, r), "Helvetica-Bold", b.size))
            if b.header:
                cmds.append(("BACKGROUND", (0, 0), (-1, b.header - 1), colors.HexColor("#dde3ea")))
            if b.grid:
                cmds.append(("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#7f8a96")))
            else:
                cmds.append(
                    (
                        "LINEBELOW",
                        (0, b.header - 1 if b.header else 0),
                        (-1, b.header - 1 if b.header else 0),
                        0.8,
                        colors.black,
                    )
                )
            story.append(RLTable(b.rows, colWidths=[w * width for w in b.widths], style=TableStyle(cmds)))
    tpl.build(story)
    return buf.getvalue()


# --- LibreOffice (python-docx / openpyxl sources) --------------------------------------------------


def soffice_convert(src_name: str, data: bytes) -> bytes:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise RuntimeError("LibreOffice is needed: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui")
    with tempfile.TemporaryDirectory(prefix="corpus-lo-") as tmp:
        src = Path(tmp) / src_name
        src.write_bytes(data)
        # a private profile so parallel or earlier LibreOffice sessions do not interfere
        profile = Path(tmp) / "profile"
        env = dict(os.environ, HOME=tmp)
        subprocess.run(
            [
                exe,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(src),
            ],
            check=True,
            capture_output=True,
            timeout=180,
            env=env,
        )
        return (Path(tmp) / (src.stem + ".pdf")).read_bytes()


def docx_source(doc: Doc, font: str = "Liberation Sans") -> bytes:

    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt, RGBColor

    d = Document()
    d.core_properties.title = doc.title
    d.core_properties.author = doc.author
    d.core_properties.created = d.core_properties.modified = doc.created
    sec = d.sections[0]
    if not doc.letter:
        sec.page_width, sec.page_height = Pt(595), Pt(842)
    else:
        sec.page_width, sec.page_height = Pt(612), Pt(792)
    sec.left_margin = sec.right_margin = Pt(54)
    sec.top_margin = sec.bottom_margin = Pt(48)
    normal = d.styles["Normal"]
    normal.font.name = font
    normal.font.size = Pt(9.5)
    aligns = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}
    width = _text_width_pt(doc)
    for b in doc.blocks:
        if isinstance(b, Text):
            for line in b.lines:
                p = d.add_paragraph()
                p.paragraph_format.space_after = Pt(1)
                p.alignment = aligns[b.align]
                run = p.add_run(line)
                run.bold = b.bold
                run.font.size = Pt(b.size)
        elif isinstance(b, Space):
            d.add_paragraph().paragraph_format.space_after = Pt(b.pt / 2)
        elif isinstance(b, PageBreak):
            d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        else:
            t = d.add_table(rows=len(b.rows), cols=len(b.widths))
            if b.grid:
                t.style = "Table Grid"
            t.alignment = WD_TABLE_ALIGNMENT.CENTER
            t.autofit = False
            for c, w in enumerate(b.widths):
                t.columns[c].width = Pt(w * width)  # the tblGrid LibreOffice lays out from
                for cell in t.columns[c].cells:
                    cell.width = Pt(w * width)
            for r, row in enumerate(b.rows):
                for c, val in enumerate(row):
                    cell = t.cell(r, c)
                    p = cell.paragraphs[0]
                    p.alignment = {
                        "l": WD_ALIGN_PARAGRAPH.LEFT,
                        "r": WD_ALIGN_PARAGRAPH.RIGHT,
                        "c": WD_ALIGN_PARAGRAPH.CENTER,
                    }[b.col_align(c)]
                    run = p.add_run(val)
                    run.font.size = Pt(b.size)
                    run.bold = b.is_bold(r)
                    if r < b.header:
                        run.font.color.rgb = RGBColor(0x1F, 0x2A, 0x44)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def docx_pdf(doc: Doc, font: str = "Liberation Sans") -> bytes:
    return restamp(soffice_convert("document.docx", docx_source(doc, font)), doc.created)


def xlsx_source(doc: Doc) -> bytes:

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.pagebreak import Break

    wb = Workbook()
    wb.properties.creator = doc.author or "Payroll"
    wb.properties.title = doc.title
    wb.properties.created = wb.properties.modified = doc.created
    ws = wb.active
    ws.title = "Statement"
    ncols = max((len(b.widths) for b in doc.blocks if isinstance(b, Table)), default=4)
    total_chars = 78  # sheet width in characters: wider sheets print smaller
    widest = [0.0] * ncols
    for b in doc.blocks:
        if isinstance(b, Table):
            for i, w in enumerate(b.widths):
                widest[i] = max(widest[i], w)
    for i, w in enumerate(widest):
        ws.column_dimensions[chr(65 + i)].width = max(8, w * total_chars)
    thin = Side(style="thin", color="8A96A3")
    row = 1
    for b in doc.blocks:
        if isinstance(b, Text):
            for line in b.lines:
                cell = ws.cell(row=row, column=1, value=line)
                cell.font = Font(name="Liberation Sans", size=b.size + 0.5, bold=b.bold)
                row += 1
        elif isinstance(b, Space):
            row += 1
        elif isinstance(b, PageBreak):
            ws.row_breaks.append(Break(id=row - 1))
        else:
            for r, vals in enumerate(b.rows):
                for c, val in enumerate(vals):
                    cell = ws.cell(row=row, column=c + 1, value=val)
                    cell.font = Font(name="Liberation Sans", size=b.size + 0.5, bold=b.is_bold(r))
                    cell.alignment = Alignment(horizontal={"l": "left", "r": "right", "c": "center"}[b.col_align(c)])
                    if b.grid:
                        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
                    if r < b.header:
                        cell.fill = PatternFill("solid", fgColor="E4E9F0")
                row += 1
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_LETTER if doc.letter else ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_pdf(doc: Doc) -> bytes:
    return restamp(soffice_convert("statement.xlsx", xlsx_source(doc)), doc.created)


# --- HTML (Qt and WeasyPrint) ---------------------------------------------------------------------


def to_html(doc: Doc, css: str, *, qt: bool = False) -> str:
    out = [
        f"<html><head><meta charset='utf-8'><title>{html.escape(doc.title)}</title>"
        f"<meta name='author' content='{html.escape(doc.author)}'>"
        f"<meta name='dcterms.created' content='{doc.created:%Y-%m-%dT%H:%M:%S}Z'>"
        f"<meta name='dcterms.modified' content='{doc.created:%Y-%m-%dT%H:%M:%S}Z'><style>{css}</style></head><body>"
    ]
    for b in doc.blocks:
        if isinstance(b, Text):
            tag = "h2" if b.size >= 13 else "p"
            style = f"text-align:{b.align};font-size:{b.size}pt;" + ("font-weight:bold;" if b.bold else "")
            out.append(f"<{tag} style='{style}'>" + "<br/>".join(html.escape(x) for x in b.lines) + f"</{tag}>")
        elif isinstance(b, Space):
            out.append(f"<div style='height:{b.pt}pt'>&nbsp;</div>" if not qt else "<p>&nbsp;</p>")
        elif isinstance(b, PageBreak):
            out.append(
                "<div style='page-break-after: always'></div>"
                if not qt
                else "<p style='page-break-before: always'></p>"
            )
        else:
            attrs = (
                " border='1' cellspacing='0' cellpadding='3'"
                if (qt and b.grid)
                else (" cellspacing='0' cellpadding='3'" if qt else "")
            )
            cls = "grid" if b.grid else "plain"
            out.append(f"<table class='{cls}' width='100%'{attrs}>")
            for r, vals in enumerate(b.rows):
                out.append("<tr>")
                for c, val in enumerate(vals):
                    tag = "th" if r < b.header else "td"
                    al = {"l": "left", "r": "right", "c": "center"}[b.col_align(c)]
                    bold = ";font-weight:bold" if b.is_bold(r) else ""
                    w = f" width='{round(b.widths[c] * 100)}%'" if r == 0 else ""
                    bg = " bgcolor='#e3e8ef'" if (qt and r < b.header) else ""
                    out.append(
                        f"<{tag}{w}{bg} align='{al}' style='text-align:{al};font-size:{b.size}pt{bold}'>"
                        f"{html.escape(val)}</{tag}>"
                    )
                out.append("</tr>")
            out.append("</table>")
    out.append("</body></html>")
    return "".join(out)


QT_CSS = "body { font-family: 'DejaVu Sans'; font-size: 9pt; } p { margin: 1px 0; } h2 { margin: 2px 0; }"


def qt_pdf(doc: Doc) -> bytes:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSizeF
    from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument

    _ = QGuiApplication.instance() or QGuiApplication([])
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buf)
    writer.setTitle(doc.title)
    writer.setCreator(doc.author or "Qt")
    writer.setResolution(1200)
    size = QPageSize(QPageSize.PageSizeId.Letter if doc.letter else QPageSize.PageSizeId.A4)
    writer.setPageLayout(
        QPageLayout(size, QPageLayout.Orientation.Portrait, QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
    )
    tdoc = QTextDocument()
    tdoc.documentLayout().setPaintDevice(writer)  # lay out at the writer's dpi, or 9 pt prints as 0.7 pt
    tdoc.setDefaultStyleSheet(QT_CSS)
    tdoc.setHtml(to_html(doc, QT_CSS, qt=True))
    tdoc.setPageSize(QSizeF(writer.width(), writer.height()))
    tdoc.print_(writer)
    del writer
    buf.close()
    return restamp(bytes(data.data()), doc.created)


WEASY_CSS = """
@page { size: __SIZE__; margin: 16mm 17mm; @bottom-right { content: "Page " counter(page) " of " counter(pages);
  font-size: 7.5pt; color: #555; } }
body { font-family: 'Liberation Serif', serif; font-size: 9.5pt; color: #1b1b1b; }
h2 { font-family: 'Liberation Sans', sans-serif; color: #0b3d63; margin: 0 0 4pt 0; }
p { margin: 0 0 2pt 0; }
table { border-collapse: collapse; margin: 4pt 0 6pt 0; width: 100%; }
table.grid td, table.grid th { border: 0.6pt solid #8c99a6; padding: 2.5pt 4pt; }
table.plain td, table.plain th { padding: 2pt 4pt; border-bottom: 0.4pt dotted #bbb; }
th { background: #0b3d63; color: white; font-family: 'Liberation Sans', sans-serif; }
"""


def weasy_pdf(doc: Doc) -> bytes:
    from weasyprint import HTML

    css = WEASY_CSS.replace("__SIZE__", "Letter" if doc.letter else "A4")
    return HTML(string=to_html(doc, css)).write_pdf()


RENDERERS = {
    "reportlab": reportlab_pdf,
    "docx_libreoffice": docx_pdf,
    "xlsx_libreoffice": xlsx_pdf,
    "qt_qtextdocument": qt_pdf,
    "html_weasyprint": weasy_pdf,
}
