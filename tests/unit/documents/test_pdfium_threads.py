"""PDFium is not thread-safe, and the app reads PDFs on several threads at once (intake, an
evaluation, the vision pages, the viewer). Every call goes through one lock
(``domain/pdfium_lock.py``). Four threads here open, scan, render and extract the corpus's PDFs at
once, in a child process so that a crash fails this test instead of ending the run. Without the
lock the child died (SIGSEGV / SIGTRAP) in about one run in three of this size."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

CHILD = textwrap.dedent("""
    import sys, threading
    from pathlib import Path
    from leaselab_desktop.screening.documents import ocr_intake
    from leaselab_desktop.gui.workspace.preview import render_pdf_page

    corpus = Path(sys.argv[1])
    files = [p.read_bytes() for p in sorted((corpus / "scans").glob("*image_pdf.pdf"))[:4]]
    files += [p.read_bytes() for p in sorted((corpus / "paystubs").glob("*.pdf"))[:4]]
    failed = []

    def work(k: int) -> None:
        try:
            for i in range(25):
                data = files[(k + i) % len(files)]
                pages = ocr_intake.image_only_pages(data)
                ocr_intake.render_pages(data, [0])
                if pages and k == 0:  # one thread also extracts scanned images (forensics)
                    ocr_intake.inspect_pdf_pages(data, pages[:1])
                render_pdf_page(data, 0, 300)  # the viewer's rendering, on its own thread
        except Exception as exc:
            failed.append(repr(exc))

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("failed:", failed)
    sys.exit(1 if failed else 0)
""")


def test_pdfs_read_on_four_threads_at_once_do_not_crash_the_process() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT / "tests" / "corpus" / "files")],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert proc.returncode == 0, (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
