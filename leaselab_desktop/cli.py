"""Command-line entry (placeholder until the console lands)."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    print("leaselab-desktop: under construction")
    return 0
