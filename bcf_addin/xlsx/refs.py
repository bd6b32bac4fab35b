"""Reading the references and numbers that SpreadsheetML keeps in attributes."""
from __future__ import annotations

from ..workbook import parse_ref

MAX_ROW = 1_048_576                    # Excel's last row and column (XFD)
MAX_COL = 16_384


def cell_range(ref: str) -> tuple[int, int, int, int] | None:
    """'B2:D4' -> (2, 2, 4, 4), corners in either order; None for anything that is not a range."""
    first, _, last = ref.partition(":")
    try:
        r1, c1 = parse_ref(first)
        r2, c2 = parse_ref(last) if last else (r1, c1)
    except ValueError:
        return None
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def int_attr(text: str | None, default: int = 0) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default
