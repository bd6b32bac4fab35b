"""The column mapping as a workbook, for the officer to check in Excel: the ribbon's mapping step.

'Column mapping' lists each template column beside the register column proposed for it; the
officer corrects column B, saves, and presses Populate again, which reads it back.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import BcfError
from ..folding import fold
from ..register import as_text
from .propose import Proposal
from .store import ColumnMapping

COLUMNS_SHEET = "Column mapping"
VALUES_SHEET = "Values"
COLUMNS_HEAD = ("Template column", "Your column", "Confidence", "Why")
VALUES_HEAD = ("Template column", "Your spelling", "Template value")


def write_mapping_workbook(proposal: Proposal, out: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ..files import save_atomically

    wb = Workbook()
    ws = wb.active
    ws.title = COLUMNS_SHEET
    ws.append(COLUMNS_HEAD)
    for p in proposal.columns:
        ws.append([p.column.header, p.source, p.confidence if p.source else None, p.why])
        ws.cell(ws.max_row, 3).number_format = "0%"
    values = wb.create_sheet(VALUES_SHEET)
    values.append(VALUES_HEAD)
    for column, spellings in proposal.values.items():
        for local, value in spellings.items():
            values.append([column, local, value])
    for sheet, widths in ((ws, (44, 28, 12, 60)), (values, (44, 28, 44))):
        for i, width in enumerate(widths):
            sheet.column_dimensions["ABCD"[i]].width = width
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    return save_atomically(wb, out, existing="backup").named


def read_mapping_workbook(path: Path) -> ColumnMapping:
    from ..xlsx.reader import read_workbook

    wb = read_workbook(path)
    sheets = {fold(name): sheet for name, sheet in wb.sheets.items()}
    sheet = sheets.get(fold(COLUMNS_SHEET))
    if sheet is None or [fold(sheet.value(1, c)) for c in (1, 2)] != [fold(h) for h in COLUMNS_HEAD[:2]]:
        raise BcfError(f"is not a column mapping: it needs a sheet '{COLUMNS_SHEET}' headed "
                       f"'{COLUMNS_HEAD[0]}', '{COLUMNS_HEAD[1]}'", file=str(path))
    columns = {as_text(sheet.value(r, 1)): as_text(sheet.value(r, 2)) or None
               for r in range(2, sheet.max_row + 1) if as_text(sheet.value(r, 1))}
    values: dict[str, dict[str, str]] = {}
    spelt = sheets.get(fold(VALUES_SHEET))
    for r in range(2, (spelt.max_row if spelt else 1) + 1):
        column, local, value = (as_text(spelt.value(r, c)) for c in (1, 2, 3))
        if column and local and value:
            values.setdefault(column, {})[local] = value
    return ColumnMapping(columns=columns, values=values)
