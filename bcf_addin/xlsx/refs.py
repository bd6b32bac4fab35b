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


class OutsideSheet(ValueError):
    """A cell reference past Excel's last row or column: no spreadsheet program writes one."""

    def __init__(self, ref: str):
        super().__init__(f"{ref} is outside the sheet")
        self.ref = ref


_COLUMNS: dict[str, int] = {}
_NONZERO = frozenset("123456789")


def position(ref: str) -> tuple[int, int]:
    """split_ref, quicker where the column letters were seen before and the row is in range."""
    letters = ref.rstrip("0123456789")
    col = _COLUMNS.get(letters)
    digits = ref[len(letters):]
    row = int(digits) if col is not None and digits.isascii() and digits[:1] in _NONZERO else 0
    return (row, col) if 0 < row <= MAX_ROW else split_ref(ref)


def split_ref(ref: str) -> tuple[int, int]:
    """'AB12' -> (12, 28), caching the column letters: a sheet has few distinct columns."""
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters):]
    col = _COLUMNS.get(letters)
    if col is None:
        bare = letters.replace("$", "").upper()
        if not (bare.isascii() and bare.isalpha() and len(bare) <= 3):
            raise ValueError(f"{ref!r} is not a cell reference")
        col = 0
        for ch in bare:
            col = col * 26 + ord(ch) - 64
        if col > MAX_COL:
            raise OutsideSheet(ref)
        _COLUMNS[letters] = col
    if not digits:
        raise ValueError(f"{ref!r} is not a cell reference")
    row = int(digits)
    if not 0 < row <= MAX_ROW:
        raise OutsideSheet(ref)
    return row, col
