"""What the engine knows of a workbook: cell values and the metadata that says what may be written.

Both back ends produce these: the file reader (bcf_addin.xlsx) and the Excel reader
(bcf_addin.excelbook, through xlwings). Rows and columns are 1-based, as in Excel.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple, Union

Value = Union[str, Decimal, bool, datetime, None]


def column_letter(col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return col


def cell_ref(row: int, col: int) -> str:
    return f"{column_letter(col)}{row}"


def parse_ref(ref: str) -> tuple[int, int]:
    """'AB12' -> (12, 28). Absolute markers ($) are ignored."""
    ref = ref.replace("$", "")
    i = 0
    while i < len(ref) and ref[i].isalpha():
        i += 1
    return int(ref[i:]), column_index(ref[:i])


class Cell(NamedTuple):
    """One cell as stored. `value` is the cached value for a formula cell (stale until recalculated).

    A tuple rather than a dataclass: a large template has tens of thousands of cells, and tuples
    are several times cheaper to make.
    """

    value: Value = None
    formula: str | None = None
    locked: bool = True          # Excel's default: a cell is locked unless its style unlocks it
    style: int = 0               # index into the workbook's cell formats (cellXfs), 0 when unknown
    fill: str | None = None      # fill colour as RRGGBB, when it has one


@dataclass
class Sheet:
    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_row, min_col, max_row, max_col
    protected: bool = False
    validations: list[tuple[str, str]] = field(default_factory=list)     # (sqref, formula1) of list validations
    max_row: int = 0
    max_col: int = 0

    def get(self, row: int, col: int) -> Cell:
        return self.cells.get((row, col), _EMPTY)

    def value(self, row: int, col: int) -> Value:
        return self.cells.get((row, col), _EMPTY).value

    def merge_at(self, row: int, col: int) -> tuple[int, int, int, int] | None:
        for rng in self.merges:
            if rng[0] <= row <= rng[2] and rng[1] <= col <= rng[3]:
                return rng
        return None


_EMPTY = Cell()


@dataclass
class Workbook:
    path: str
    sheets: dict[str, Sheet]          # in workbook order
    # Facts the read could not get ("formulas", "protection"): the rules needing them are skipped.
    unknown: frozenset[str] = frozenset()

    def sheet(self, name: str) -> Sheet:
        return self.sheets[name]


@dataclass(frozen=True)
class CellWrite:
    """A value to put into one input cell. Strings are always written as text, never as formulas."""

    sheet: str
    row: int
    col: int
    value: Value

    @property
    def ref(self) -> str:
        return cell_ref(self.row, self.col)
