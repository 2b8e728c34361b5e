"""Only what pyproject.toml cannot say: a built wheel carries ``resources/`` and ``ui/`` inside the
package, as ``leaselab_desktop/_data/{resources,ui}``, where ``leaselab_desktop.resources`` looks for
them. An editable install gets nothing copied (hatch's plain ``force-include`` would also copy them
into site-packages, and that half-package there hides the editable one); it reads them from the
checkout."""

from __future__ import annotations

from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SHIPPED = ("resources", "ui")


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version != "standard":
            return
        for name in SHIPPED:
            build_data["force_include"][name] = f"leaselab_desktop/_data/{name}"
