"""The workbook open in Excel, read and written through xlwings in whole blocks.

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

Writes never touch a cell the engine did not name, never unprotect a sheet and never save.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterable, Iterator, Sequence

from ..errors import BcfError
from ..model import Cell, CellWrite, Sheet, Value, Workbook, cell_ref

log = logging.getLogger("bcf_addin.excel")

# What a read through xlwings can never know; see the module docstring.
NEVER_KNOWN = frozenset({"locked", "merges", "fills", "validations", "protection"})

_MAX_EXACT_INT = 2**53
_EXCEL_EPOCH = datetime(1899, 12, 30)


@dataclass
class ExcelWorkbook(Workbook):
    """A model.Workbook read from Excel, saying which metadata it could not read."""

    unknown: frozenset[str] = field(default=NEVER_KNOWN)


# -- reading -----------------------------------------------------------------------------------

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
    """A value as xlwings reads it, as the engine holds it (see bcf_addin.model.Value)."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return None
        if raw.is_integer() and -_MAX_EXACT_INT < raw < _MAX_EXACT_INT:
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


# -- writing -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Block:
    """A rectangle of cells written with one call: values[i][j] goes to (row + i, col + j)."""

    sheet: str
    row: int
    col: int
    values: tuple[tuple[Value, ...], ...]

    @property
    def last_row(self) -> int:
        return self.row + len(self.values) - 1

    @property
    def last_col(self) -> int:
        return self.col + len(self.values[0]) - 1

    @property
    def ref(self) -> str:
        first, last = cell_ref(self.row, self.col), cell_ref(self.last_row, self.last_col)
        return first if first == last else f"{first}:{last}"

    def cells(self) -> Iterator[tuple[int, int]]:
        for r in range(self.row, self.last_row + 1):
            for c in range(self.col, self.last_col + 1):
                yield r, c


def rectangles(cells: Iterable[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Cover exactly these (row, col) cells with few rectangles (min_row, min_col, max_row, max_col).

    Two covers are built, rows first (runs of adjacent columns, stacked while the rows below have
    the same run) and columns first (the same, turned), and the one with fewer rectangles wins:
    a table with an optional last column filled on some lines is then still one block for the
    full columns plus one per run of that column, instead of one block per line.
    """
    cells = set(cells)
    if not cells:
        return []
    by_rows = _stack(cells)
    by_cols = [(r1, c1, r2, c2) for (c1, r1, c2, r2) in _stack({(c, r) for r, c in cells})]
    best = by_cols if len(by_cols) < len(by_rows) else by_rows
    return sorted(best)


def _stack(cells: set[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    cols_of: dict[int, list[int]] = {}
    for r, c in cells:
        cols_of.setdefault(r, []).append(c)
    runs: dict[int, list[tuple[int, int]]] = {}
    for r in sorted(cols_of):
        cols = sorted(cols_of[r])
        start = prev = cols[0]
        row_runs = []
        for c in cols[1:]:
            if c != prev + 1:
                row_runs.append((start, prev))
                start = c
            prev = c
        row_runs.append((start, prev))
        runs[r] = row_runs
    done: list[tuple[int, int, int, int]] = []
    open_: dict[tuple[int, int], list[int]] = {}
    for r in sorted(runs):
        still_open: dict[tuple[int, int], list[int]] = {}
        for run in runs[r]:
            rect = open_.pop(run, None)
            if rect is not None and rect[1] == r - 1:
                rect[1] = r
            else:
                if rect is not None:
                    done.append((rect[0], run[0], rect[1], run[1]))
                rect = [r, r]
            still_open[run] = rect
        done.extend((rect[0], run[0], rect[1], run[1]) for run, rect in open_.items())
        open_ = still_open
    done.extend((rect[0], run[0], rect[1], run[1]) for run, rect in open_.items())
    return done


def blocks(writes: Iterable[CellWrite]) -> list[Block]:
    """The writes grouped by sheet (in the order sheets first appear) into rectangles.

    A cell named twice takes its last value, as it would if the writes were made one by one.
    """
    by_sheet: dict[str, dict[tuple[int, int], Value]] = {}
    for w in writes:
        by_sheet.setdefault(w.sheet, {})[(w.row, w.col)] = w.value
    out = []
    for sheet, cells in by_sheet.items():
        for r1, c1, r2, c2 in rectangles(cells):
            values = tuple(tuple(cells[(r, c)] for c in range(c1, c2 + 1)) for r in range(r1, r2 + 1))
            out.append(Block(sheet, r1, c1, values))
    return out


# Excel reads a typed-in string as a formula, number, date, boolean or error where it can; these
# are the strings it might read as something other than text. A leading apostrophe is Excel's own
# mark for "this is text": it is not part of the value, and Excel and Office.js both honour it.
_NOT_TEXT_STARTS = ("=", "+", "-", "@", "#", "'")
_WORDS_EXCEL_READS = {"true", "false"}


def excel_text(text: str) -> str:
    if (text.startswith(_NOT_TEXT_STARTS) or any(ch.isdigit() for ch in text)
            or text.strip().casefold() in _WORDS_EXCEL_READS):
        return "'" + text
    return text


def excel_value(value: Value) -> Any:
    """A value the engine planned, as it is handed to Excel: numbers as numbers (a Decimal would
    reach Excel as a currency value and change the cell's format), text always as text."""
    if isinstance(value, str):
        return excel_text(value)
    if isinstance(value, bool) or value is None or isinstance(value, datetime):
        return value
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and abs(value) < _MAX_EXACT_INT:
            return int(value)
        return float(value)
    return value


class WriteRefused(BcfError):
    """Excel would not take a block of writes (a locked cell on a protected sheet, usually)."""


def write_cells(book, writes: list[CellWrite], *, before: Workbook | None = None) -> int:
    """Write the planned values into the open workbook: one call per rectangular block.

    `before` is the workbook as read before planning; when Excel refuses a block part-way, the
    blocks already written are put back from it, so the return is left as it was. Screen updating
    and calculation are switched off while writing and always switched back. Returns the number
    of cells written.
    """
    todo = blocks(writes)
    written: list[Block] = []
    with excel_paused(book.app):
        for block in todo:
            try:
                put_block(book, block)
            except Exception as exc:
                restored = _put_back(book, written, before)
                raise _refused(block, exc, written, restored) from exc
            written.append(block)
    return sum(len(b.values) * len(b.values[0]) for b in written)


def put_block(book, block: Block) -> None:
    rng = book.sheets[block.sheet].range((block.row, block.col), (block.last_row, block.last_col))
    rng.value = [[excel_value(v) for v in row] for row in block.values]


def _put_back(book, written: list[Block], before: Workbook | None) -> bool | None:
    if not written:
        return True
    if before is None:
        return None
    try:
        for block in reversed(written):
            sheet = before.sheets[block.sheet]
            old = tuple(tuple(sheet.value(r, c) for c in range(block.col, block.last_col + 1))
                        for r in range(block.row, block.last_row + 1))
            put_block(book, Block(block.sheet, block.row, block.col, old))
    except Exception:
        log.debug("putting back the cells written before Excel refused a block failed", exc_info=True)
        return False
    return True


def _refused(block: Block, exc: Exception, written: list[Block], restored: bool | None) -> WriteRefused:
    if restored is True:
        after = "Nothing in the return was changed."
    else:
        cells = "; ".join(f"'{b.sheet}'!{b.ref}" for b in written)
        after = (f"These cells were already written and may hold the new values: {cells}. "
                 "Close the return without saving to go back to the saved version.")
    return WriteRefused(
        f"Excel would not accept the values for {block.ref} ({_reason(exc)}). {after}",
        sheet=block.sheet, cell=block.ref,
        hint="the cells the tool fills are the template's input cells, which NHS England leaves unlocked; "
             "if this is an older or changed template, download the current one")


def _reason(exc: Exception) -> str:
    args = getattr(exc, "args", ())
    # pywin32's com_error carries Excel's own message inside its excepinfo tuple.
    if len(args) >= 3 and isinstance(args[2], tuple) and len(args[2]) >= 3 and args[2][2]:
        return str(args[2][2]).strip()
    return str(exc) or exc.__class__.__name__


@contextmanager
def excel_paused(app) -> Iterator[None]:
    """Screen updating and automatic calculation off for the duration; always put back.

    Engines without a setting (xlwings' remote engine cannot read screen updating, older
    clients do not send the calculation mode) are left alone for it; one setting failing must
    neither stop the write nor keep the other from being put back.
    """
    restore: list[tuple[str, Any]] = []
    try:
        was_updating = _get(app, "screen_updating", True)
        if _set(app, "screen_updating", False):
            restore.append(("screen_updating", True if was_updating is None else was_updating))
        mode = _get(app, "calculation", None)
        if mode not in (None, "manual") and _set(app, "calculation", "manual"):
            restore.append(("calculation", mode))
        yield
    finally:
        for name, value in reversed(restore):
            _set(app, name, value)


def _get(app, name: str, default):
    try:
        return getattr(app, name)
    except Exception:
        return default


def _set(app, name: str, value) -> bool:
    try:
        setattr(app, name, value)
    except Exception:
        log.debug("Excel did not take %s = %r", name, value, exc_info=True)
        return False
    return True


# -- the model after a write -------------------------------------------------------------------

def with_writes(wb: Workbook, writes: Iterable[CellWrite]) -> Workbook:
    """The workbook as it reads after `writes`, without asking Excel again.

    Formula results are then those of before the write, as in a file written without Excel:
    check such a workbook with stale caches.
    """
    sheets = {name: Sheet(s.name, dict(s.cells), list(s.merges), s.protected, list(s.validations),
                          s.max_row, s.max_col) for name, s in wb.sheets.items()}
    for w in writes:
        sheet = sheets[w.sheet]
        old = sheet.cells.get((w.row, w.col))
        value = w.value if w.value != "" else None
        if value is None and (old is None or old == Cell(old.value)):
            sheet.cells.pop((w.row, w.col), None)
        else:
            locked, style, fill = (old.locked, old.style, old.fill) if old else (True, 0, None)
            sheet.cells[(w.row, w.col)] = Cell(value, None, locked, style, fill)
        sheet.max_row, sheet.max_col = max(sheet.max_row, w.row), max(sheet.max_col, w.col)
    if isinstance(wb, ExcelWorkbook):
        return ExcelWorkbook(wb.path, sheets, wb.unknown)
    return Workbook(wb.path, sheets)
