"""Entry script of the frozen app (PyInstaller runs this as ``__main__``).

Same behaviour as the ``leaselab-desktop`` console script and ``python -m leaselab_desktop``.
"""

from __future__ import annotations

import multiprocessing
import sys

from leaselab_desktop.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a no-op unless a worker process re-enters the frozen exe
    sys.exit(main())
