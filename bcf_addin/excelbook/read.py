"""The workbook open in Excel, read through xlwings in whole blocks.

Every call from Python to Excel crosses a process boundary (COM on Windows, Apple events on a
Mac), so a sheet is read with one call for its values and one for its formulas, and the cells
populate writes are sent one rectangle at a time, however many cells each holds.

What a read knows, compared with the file reader (bcf_addin.xlsx.reader):

- values: everything Excel shows, as the engine's types (numbers as Decimal through repr, so
  money is exact; dates as datetime; error values as their text, e.g. '#N/A'). Formula results
  are Excel's own and current.
- formulas: known where the engine can read them in one call (desktop Excel on Windows and the
  Mac). xlwings' remote engine cannot read them synchronously; there `unknown` holds
  "formulas" and the rule that needs them (X601, a template formula pasted over) is left out by
  the commands rather than reporting every formula cell as pasted over.
- locked status, merged areas, fills, data validations and sheet protection: NOT known. Excel
  offers them only cell by cell (Range.Locked is Null for a mixed range), which is thousands of
  calls. Every cell reads as locked, unmerged and unfilled, and the engine copes: an input
  field's answer is taken to be the cell right of its label, and an open table's lines run to
  the capacity its description gives instead of as far as its cells are unlocked. On the NHS
  England templates this locates the same cells as the file reader does (the remote-engine tests
  compare the two on every template kind).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Sequence

from ..workbook import Cell, Sheet, Value, Workbook

# What a read through xlwings can never know; see the module docstring.
NEVER_KNOWN = frozenset({"locked", "merges", "fills", "validations", "protection"})

MAX_EXACT_INT = 2**53      # beyond this a float no longer holds every whole number
_EXCEL_EPOCH = datetime(1899, 12, 30)


@dataclass
class ExcelWorkbook(Workbook):
    """A model.Workbook read from Excel, saying which metadata it could not read."""

    unknown: frozenset[str] = field(default=NEVER_KNOWN)


def read_book(book) -> ExcelWorkbook:
    """Every worksheet of an xlwings Book as the engine's in-memory workbook.

    Per sheet: one call for the used range, one bulk read of its values and one of its formulas
    (tried once per book: an engine that cannot read formulas is not asked again).
    """
    sheets: dict[str, Sheet] = {}
    formulas_readable = True
    for xl_sheet in book.sheets:
        used = xl_sheet.used_range
        grid = used.options(ndim=2, err_to_str=True).value
        formulas = None
        if formulas_readable:
            try:
                formulas = used.formula
            except NotImplementedError:
                formulas_readable = False
        sheet = _sheet(xl_sheet.name, used.row, used.column, grid, formulas)
        sheets[sheet.name] = sheet
    unknown = NEVER_KNOWN if formulas_readable else NEVER_KNOWN | {"formulas"}
    return ExcelWorkbook(path=_fullname(book), sheets=sheets, unknown=unknown)


def _fullname(book) -> str:
    try:
        return book.fullname
    except Exception:       # a book never saved, or a client that sends only its name
        return book.name


def _sheet(name: str, row0: int, col0: int, grid, formulas) -> Sheet:
    grid = grid or [[]]
    formula_grid = _as_grid(formulas)
    cells: dict[tuple[int, int], Cell] = {}
    for i, values in enumerate(grid):
        frow = formula_grid[i] if formula_grid and i < len(formula_grid) else ()
        for j, raw in enumerate(values):
            value = engine_value(raw)
            formula = _formula(frow[j] if j < len(frow) else None, value)
            if value is None and formula is None:
                continue
            cells[(row0 + i, col0 + j)] = Cell(value, formula)
    n_rows = len(grid)
    n_cols = max((len(r) for r in grid), default=0)
    max_row = row0 + n_rows - 1 if cells else 0
    max_col = col0 + n_cols - 1 if cells else 0
    return Sheet(name=name, cells=cells, max_row=max_row, max_col=max_col)


def _as_grid(formulas) -> list[Sequence] | None:
    if formulas is None:
        return None
    if isinstance(formulas, str):           # xlwings gives a single cell's formula as a scalar
        return [(formulas,)]
    return [row if isinstance(row, (list, tuple)) else (row,) for row in formulas]


def _formula(text, value: Value) -> str | None:
    if not isinstance(text, str) or not text.startswith("="):
        return None
    # Excel's Formula of a text cell typed as '=... is that text, which is also its value.
    if isinstance(value, str) and value == text:
        return None
    return text[1:]


def engine_value(raw: Any) -> Value:
    """A value as xlwings reads it, as the engine holds it (see bcf_addin.workbook.Value)."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return None
        if raw.is_integer() and -MAX_EXACT_INT < raw < MAX_EXACT_INT:
            return Decimal(int(raw))
        # repr is the shortest text that round-trips, so 0.45 stays 0.45.
        return Decimal(repr(raw))
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, Decimal):        # desktop Excel hands a currency-formatted cell over as one
        return raw
    if isinstance(raw, str):
        return raw or None
    if isinstance(raw, datetime):
        raw = raw.replace(tzinfo=None)
        # A time-formatted cell: the file reader keeps it as a fraction of a day, and so do we.
        if raw.date() in (_EXCEL_EPOCH.date(), date(1899, 12, 31)):
            return engine_value((raw - _EXCEL_EPOCH).total_seconds() / 86400)
        return raw
    if isinstance(raw, date):
        return datetime(raw.year, raw.month, raw.day)
    return str(raw)
