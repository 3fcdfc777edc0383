"""Figures in table cells: "61,605", "£50,000", "-5,000", "+753", "79%", "4.3m", "(1,200)", "-" for nil.

A header row names columns and holds no figures; a row that opens with figures is a table's data, so a table
whose first row holds them carries on the header of the table before it.
"""

from __future__ import annotations

import re

__all__ = ["is_figure"]

_FIGURE = re.compile(r"[(+\-–−]?\s*£?\s*\d[\d,]*(?:\.\d+)?\s*(?:%|bn|m|k)?\)?[#*†]?|[-–—]|nil", re.I)
_YEAR = re.compile(r"(?:19|20)\d\d(?:\s*[/\-–]\s*\d{2}(?:\d{2})?)?")  # "2026", "2025/26": a column's name


def is_figure(cell: str) -> bool:
    """Whether a cell holds only a figure (a year such as "2025/26" names a column; it is no figure)."""
    text = cell.strip()
    return bool(_FIGURE.fullmatch(text)) and not _YEAR.fullmatch(text)
