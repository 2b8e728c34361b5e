"""Read one of the JSON files under ``resources/`` that the worker reads too, validated by its model.
A missing or broken file raises the caller's error with the file named: the reading cannot go on
without it, and the message says which file to fix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


def read_model(model: type[M], where: Path, error: type[Exception], what: str) -> M:
    """``what`` names the file for a person ("the layout vocabulary")."""
    try:
        return model.model_validate(json.loads(where.read_text(encoding="utf-8")))
    except OSError as exc:
        raise error(f"{what} could not be read from {where}: {exc}") from exc
    except (ValueError, ValidationError) as exc:  # JSONDecodeError is a ValueError
        raise error(f"{what} in {where} is malformed: {exc}") from exc
