"""Only what pyproject.toml cannot say: a built wheel carries ``resources/`` and ``ui/`` inside the
package, as ``leaselab_desktop/_data/{resources,ui}``, where ``leaselab_desktop.resources`` looks for
them. The source tree keeps them at the top (the worker, the packager and the docs use those paths);
an editable install reads them there and copies nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = ("resources", "ui")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".DS_Store")


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        for name in SHIPPED:
            target = Path(self.build_lib, "leaselab_desktop", "_data", name)
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(ROOT / name, target, ignore=SKIP)


setup(cmdclass={"build_py": BuildWithData})
