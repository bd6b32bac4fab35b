"""What changed, as a workbook a reviewer can filter: one row per change, linked to its cell."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .diff import ReturnDiff
from .errors import BcfError
from .files import claimed, save_atomically, xlsx_target
from .report_workbook import MONEY, cell_link, header_row

from .report_rows import CHANGE_HEADERS as HEADERS, cell_value as _cell_value, change_rows


def write_diff_report(d: ReturnDiff, out: str | Path) -> Path:
    """The changes as a workbook; a report already there is kept as a backup copy beside it."""
    out = xlsx_target(Path(out))
    for path in (d.old, d.new):
        if out.exists() and out.resolve() == Path(path).resolve():
            raise BcfError("is one of the returns being compared; write the report to another file", file=str(out))
    wb = Workbook()
    ws = wb.active
    ws.title = "What changed"
    header_row(ws, HEADERS)
    rows = [(*values, Path(path)) for *values, path in change_rows(d)]
    for i, (*values, target) in enumerate(rows, start=2):
        for j, v in enumerate(values, start=1):
            c = ws.cell(i, j, _cell_value(v))
            c.alignment = Alignment(wrap_text=j in (4, 5), vertical="top")
            if j >= 6 and isinstance(v, Decimal):
                c.number_format = MONEY
        link = ws.cell(i, 3)
        link.hyperlink = cell_link(out, target, values[1], values[2])
        link.font = Font(color="0563C1", underline="single")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{max(2, len(rows) + 1)}"
    for col, width in zip("ABCDEFGH", (10, 22, 8, 48, 30, 18, 18, 14)):
        ws.column_dimensions[col].width = width
    moved = wb.create_sheet("Figures that moved")
    header_row(moved, ("Funding source or minimum", "Figure", "Old", "New", "Change"))
    for i, m in enumerate(d.moved(), start=2):
        delta = m.new - m.old if m.old is not None and m.new is not None else None
        for j, v in enumerate((m.name, m.figure, m.old, m.new, delta), start=1):
            c = moved.cell(i, j, _cell_value(v))
            if j >= 3:
                c.number_format = MONEY
    moved.column_dimensions["A"].width = 60
    with claimed(out):
        save_atomically(wb, out, existing="backup")
    return out
