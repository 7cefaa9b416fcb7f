"""Points as every report writes them."""

from __future__ import annotations


def number(x: float | None) -> str:
    """A score as an LMS reads it: 25, 12.5, 8.333 (never 8.333333333 or -0); "-" for no value."""
    if x is None:
        return "-"
    value = round(float(x), 3)
    return f"{value:.15g}" if value != 0 else "0"
