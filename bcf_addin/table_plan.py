"""What populate plans to write into one table of the return: the cells, the notes, the register
lines applied; a cell is planned only where its value changes."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from .descriptions.schema import Column, Table
from .notes import Note
from .workbook import CellWrite


@dataclass
class TablePlan:
    table: str
    sheet: str
    lines: int
    mode: str = "replace"       # replace the table's lines, or update the lines already there
    writes: list[CellWrite] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    applied: set[int] = field(default_factory=set)     # register lines written to a line of the return
    reconciliation: object | None = None                # ledger.Reconciliation, for a ledger by cost centre


def is_input(table: Table, column: Column, row_index: int | None = None) -> bool:
    if table.rows is not None and row_index is not None and row_index < len(table.rows):
        return table.role(table.rows[row_index], column) == "input"
    return column.role == "input"


def put(result: TablePlan, sheet, sheet_name: str, row: int, col: int, value) -> None:
    if same(sheet.value(row, col), value):
        return
    result.writes.append(CellWrite(sheet_name, row, col, value))


def same(old, new) -> bool:
    if old is None or new is None:
        return old is None and new is None
    if isinstance(old, Decimal) and isinstance(new, Decimal):
        return old == new
    if isinstance(old, datetime) and isinstance(new, datetime):
        return old == new
    return type(old) is type(new) and old == new
