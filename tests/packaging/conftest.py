"""Loads the stand-alone scripts under packaging/ as modules (packaging/ is not a package: the
name would shadow the PyPI ``packaging`` library)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def load_packaging_module(name: str) -> ModuleType:
    key = f"leaselab_packaging_{name}"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, PACKAGING / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def frozen() -> ModuleType:
    return load_packaging_module("frozen")


@pytest.fixture(scope="session")
def appmeta() -> ModuleType:
    return load_packaging_module("appmeta")


@pytest.fixture(scope="session")
def make_icons() -> ModuleType:
    return load_packaging_module("make_icons")
