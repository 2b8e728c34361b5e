"""One lock for every call into PDFium in the process.

PDFium is not thread-safe: two threads must not call it at the same time, even on different
documents, and pypdfium2 does not serialise the calls. The app reads PDFs on several threads at
once: intake's analysis, an evaluation's, the vision pages and the viewer's rendering. Measured
here: with an evaluation and an intake both reading PDFs, the process crashed (SIGSEGV in
``PdfDocument.get_page``) about once in ten runs of the screenshot tour.

So every use takes this lock, opens its document, and closes its pages, bitmaps and document
before letting go. Nothing is left for the garbage collector to close, which could happen on
another thread at any moment, outside the lock.
"""

from __future__ import annotations

import threading

PDFIUM_LOCK = threading.RLock()  # re-entrant: a helper may call another under the same lock
