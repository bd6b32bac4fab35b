"""Build returns for the rule tests: every question answered, then one thing broken at a time."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

from bcf_addin.api import open_template
from bcf_addin.balances import compute
from bcf_addin.checks.context import CheckContext
from bcf_addin.descriptions.loader import lists_of
from bcf_addin.descriptions.schema import Table
from bcf_addin.workbook import CellWrite
from bcf_addin.xlsx.writer import write_cells


def _answer(type_: str, list_values: list[str] | None):
    if list_values:
        return "Yes" if "Yes" in list_values else list_values[0]
    return {
        "money": Decimal(0), "number": Decimal(10), "integer": Decimal(10), "percent": Decimal("0.5"),
        "date": datetime(2025, 3, 31), "email": "officer@council.gov.uk", "phone": "0116 305 0786",
    }.get(type_, "Answered")


def answer_everything(src: Path, dest: Path) -> Path:
    """Answer every question the description requires or may require (conditional answers too):
    fields, fixed rows, and the first line of each open table that must not be empty. Optional
    cells stay blank; open tables already holding lines keep them."""
    tpl = open_template(src)
    lists = lists_of(tpl.description)
    ctx = CheckContext(tpl)
    writes = []
    for cell in ctx.inputs():
        if cell.line is None and cell.blank and cell.requirement is not False:
            writes.append(CellWrite(cell.sheet, cell.row, cell.col, _answer(cell.type, lists.get(cell.list))))
    for sheet in tpl.description.sheets:
        for item in sheet.items:
            needs_line = item.min_rows or item.lines_when if isinstance(item, Table) else False
            if isinstance(item, Table) and item.rows is None and needs_line and not tpl.lines(item.id):
                at = tpl.layout.tables[item.id]
                wb_sheet = tpl.layout.workbook_sheet(at.sheet)
                for c in item.columns:
                    if c.role == "input":
                        writes.append(CellWrite(wb_sheet, at.rows[0], at.columns[c.id], _answer(c.type, lists.get(c.list))))
    write_cells(src, writes, dest)
    return dest


def balance_the_books(src: Path, dest: Path) -> Path:
    """Add one scheme line per funding source left with money unallocated, so every balance is £0."""
    tpl = open_template(src)
    fin = tpl.description.finance
    table, at = tpl.table(fin.schemes)
    lists = lists_of(tpl.description)
    used = {ln.index for ln in tpl.lines(fin.schemes)}
    free = iter(i for i in range(len(at.rows)) if i not in used)
    wb_sheet = tpl.layout.workbook_sheet(at.sheet)
    writes = []
    for b in compute(tpl).running_balances:
        if b.balance <= 0:
            continue
        i = next(free)
        for c in table.columns:
            if c.role != "input":
                continue
            value = _answer(c.type, lists.get(c.list))
            if c.id == fin.source:
                value = b.source
            elif c.id == fin.spend:
                value = b.balance
            elif c.id == fin.area:
                value = "Social Care"
            writes.append(CellWrite(wb_sheet, at.rows[i], at.columns[c.id], value))
    write_cells(src, writes, dest)
    return dest


def change(src: Path, dest: Path, where: dict) -> Path:
    """Write values by description names: {'field_id': v} or {('table', row_index, 'column'): v}."""
    tpl = open_template(src)
    writes = []
    for key, value in where.items():
        if isinstance(key, str):
            at = tpl.layout.fields[key]
            writes.append(CellWrite(tpl.layout.workbook_sheet(at.sheet), at.row, at.col, value))
        else:
            table, index, column = key
            at = tpl.layout.tables[table]
            writes.append(CellWrite(tpl.layout.workbook_sheet(at.sheet), at.rows[index], at.columns[column], value))
    write_cells(src, writes, dest)
    return dest
