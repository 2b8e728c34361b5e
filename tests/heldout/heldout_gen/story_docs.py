"""PyMuPDF Story documents (HTML + CSS laid out by MuPDF): a French-Canadian pay stub with
"1 234,56 $" amounts and an English employment letter in prose."""

from __future__ import annotations

import html
import io
from datetime import date

import pymupdf

from .data import Employer, Person, Stub, fr, us

_CSS = """
body { font-family: sans-serif; font-size: 9.5pt; }
h1 { font-size: 15pt; margin: 0; }
h2 { font-size: 11.5pt; text-align: right; margin: 4pt 0; }
table { border-collapse: collapse; width: 100%; margin-top: 8pt; }
th { background-color: #dfe6ee; text-align: left; padding: 2pt 5pt; }
td { padding: 2pt 5pt; }
td.n, th.n { text-align: right; }
p { margin: 5pt 0; line-height: 1.35; }
"""


def _render(body: str, made: date, title: str) -> bytes:
    story = pymupdf.Story(html=f"<html><body>{body}</body></html>", user_css=_CSS)
    buf = io.BytesIO()
    writer = pymupdf.DocumentWriter(buf)
    page = pymupdf.paper_rect("letter")
    where = pymupdf.Rect(page.x0 + 50, page.y0 + 50, page.x1 - 50, page.y1 - 50)
    more = True
    while more:
        device = writer.begin_page(page)
        more, _ = story.place(where)
        story.draw(device)
        writer.end_page()
    writer.close()
    doc = pymupdf.open("pdf", buf.getvalue())
    stamp = made.strftime("D:%Y%m%d091500+00'00'")
    doc.set_metadata({"title": title, "producer": "MuPDF Story", "creator": "Portail RH",
                      "creationDate": stamp, "modDate": stamp})
    out = doc.tobytes(garbage=3, deflate=True, no_new_id=True)
    doc.close()
    return out


def _e(text: str) -> str:
    return html.escape(text)


def _fr_day(day: date) -> str:
    return day.isoformat()


def stub_qc(s: Stub) -> bytes:
    e = s.employer
    hours, rate = s.earnings[0][1], s.earnings[0][2]
    earn = "".join(
        f"<tr><td>{_e(label)}</td><td class='n'>{h}</td><td class='n'>{fr(r) if r else ''}</td>"
        f"<td class='n'>{fr(cur)}</td><td class='n'>{fr(ytd)}</td></tr>"
        for label, h, r, cur, ytd in s.earnings
    )
    ded = "".join(f"<tr><td>{_e(label)}</td><td class='n'>{fr(cur)}</td><td class='n'>{fr(ytd)}</td></tr>"
                  for label, cur, ytd in s.deductions)
    body = f"""
<h1>{_e(e.name)}</h1><p>{_e(e.street)}<br/>{_e(e.city)}</p>
<h2>Relevé de paie</h2>
<table>
<tr><td><b>Employé(e) :</b> {_e(s.person.name)}</td><td><b>Date du versement :</b> {_fr_day(s.pay_date)}</td></tr>
<tr><td><b>Matricule :</b> {len(s.person.last) * 1013}</td>
<td><b>Période :</b> du {_fr_day(s.period_start)} au {_fr_day(s.period_end)}</td></tr>
<tr><td><b>Fréquence :</b> aux deux semaines</td><td><b>Taux horaire :</b> {fr(rate) if rate else ''}</td></tr>
</table>
<table>
<tr><th>Gains</th><th class='n'>Heures</th><th class='n'>Taux</th><th class='n'>Montant</th>
<th class='n'>Cumul annuel</th></tr>
{earn}
<tr><td><b>Salaire brut</b></td><td></td><td></td><td class='n'><b>{fr(s.gross)}</b></td>
<td class='n'>{fr(s.ytd_gross)}</td></tr>
</table>
<table>
<tr><th>Retenues</th><th class='n'>Montant</th><th class='n'>Cumul annuel</th></tr>
{ded}
<tr><td><b>Total des retenues</b></td><td class='n'><b>{fr(s.total_deductions)}</b></td>
<td class='n'>{fr(s.ytd_deductions)}</td></tr>
</table>
<table>
<tr><td><b>Salaire net</b></td><td class='n'><b>{fr(s.net)}</b></td><td class='n'>{fr(s.ytd_net)}</td></tr>
</table>
<p style="font-size: 8pt">Heures travaillées : {hours}. Dépôt direct effectué dans votre compte.</p>
"""
    return _render(body, s.pay_date, "Relevé de paie")


def letter_en(person: Person, employer: Employer, title: str, start: date, salary: object,
              signed: date, pronoun: str) -> bytes:
    body = f"""
<h1>{_e(employer.name)}</h1><p>{_e(employer.street)}<br/>{_e(employer.city)}</p>
<p style="text-align: right">{signed.strftime('%B %-d, %Y')}</p>
<p><b>Employment Confirmation</b></p>
<p>To whom it may concern,</p>
<p>This letter is to confirm that {_e(person.name)} has been employed with our firm since
{start.strftime('%B %-d, %Y')}, and currently holds the full-time, permanent position of {_e(title)}.</p>
<p>{pronoun} current annual base salary is ${us(salary)} (CAD), paid bi-weekly, and {pronoun.lower()}
employment is in good standing.</p>
<p>Please contact our People &amp; Culture office at 306 555 0199 should you need anything further.</p>
<p>Sincerely,</p>
<p>Harold Beckett<br/>Director, People &amp; Culture</p>
"""
    return _render(body, signed, "Employment Confirmation")  # type: ignore[arg-type]
