"""Values written into the workbook open in Excel, a block per call, and put back on refusal.

Writes never touch a cell the engine did not name, never unprotect a sheet and never save.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any, Iterable, Iterator

from ..errors import BcfError
from ..workbook import Cell, CellWrite, Sheet, Value, Workbook
from .blocks import Block, blocks
from .read import MAX_EXACT_INT, ExcelWorkbook

log = logging.getLogger("bcf_addin.excelbook")


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
        if value == value.to_integral_value() and abs(value) < MAX_EXACT_INT:
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
