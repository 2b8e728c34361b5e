"""Combo boxes that show words and keep ids: the agent reads "Cloudflare Workers AI", the settings
store "workers-ai" (``currentData``, never ``currentText``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from leaselab_desktop.gui.qt import QtWidgets

# The Settings dialog's choices, in words (ids from config: BACKEND_KINDS, PROVIDER_KINDS, vision).
BACKEND_WORDS = {"local": "This computer (built-in engine)", "cloudflare": "Cloudflare (your team's server)"}
PROVIDER_WORDS = {"rules": "Built-in rules (no AI server)", "workers-ai": "Cloudflare Workers AI",
                  "openai-compatible": "Your AI server (OpenAI-compatible)"}
VISION_WORDS = {"auto": "When the model can read images", "on": "Always", "off": "Never"}


def fill(combo: QtWidgets.QComboBox, ids: Iterable[str], words: Callable[[str], str]) -> None:
    combo.clear()
    for value in ids:
        combo.addItem(words(value), value)


def pick(combo: QtWidgets.QComboBox, value: str) -> None:
    """Select the item whose id is ``value`` (the first item when none is)."""
    combo.setCurrentIndex(max(combo.findData(value), 0))


def chosen(combo: QtWidgets.QComboBox) -> str:
    return str(combo.currentData() or "")
