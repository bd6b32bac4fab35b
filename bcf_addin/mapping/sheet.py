"""The column mapping as a workbook, for the officer to check in Excel: the ribbon's mapping step.

'Column mapping' lists each template column beside the register column proposed for it; the
officer corrects column B, saves, and presses Populate again, which reads it back.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from ..files import save_atomically
from .propose import Proposal
from .store import COLUMNS_HEAD, COLUMNS_SHEET, VALUES_HEAD, VALUES_SHEET


def write_mapping_workbook(proposal: Proposal, out: Path) -> Path:
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
