"""What the tools found in a workbook, as a workbook: one row per thing looked for, linked to its cell.

The ribbon's Inspect and Learn buttons open it. Things not found come first, each with the
nearest text on the sheet, so a renamed heading is one click away; after a template is learned,
the guesses to confirm have a sheet of their own.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .files import claimed, save_atomically, xlsx_target
from .inspection import Inspection, summary
from .inspection_items import FOUND, MISSING, NO_INPUT, NOTE, TWICE
from .report_workbook import cell_link, header_row

FILLS = {MISSING: PatternFill("solid", fgColor="FFC7CE"), NO_INPUT: PatternFill("solid", fgColor="FFC7CE"),
         TWICE: PatternFill("solid", fgColor="FFEB9C"), NOTE: PatternFill("solid", fgColor="DDEBF7")}
ORDER = {MISSING: 0, NO_INPUT: 1, TWICE: 2, NOTE: 3, FOUND: 4}
HEADERS = ("Status", "What", "Id", "Sheet", "Where", "Looked for", "Why", "Nearest text", "Nearest at")
WIDTHS = (14, 10, 24, 22, 12, 40, 50, 40, 12)


def write_inspection_report(ins: Inspection, out: str | Path, *, learned: Path | None = None,
                            to_confirm=()) -> Path:
    """The inspection as a workbook; a report already there is kept as a backup copy beside it.

    `learned` and `to_confirm` (a description's ToConfirm marks) add what `bcf learn` wrote and
    what it could not decide."""
    out = xlsx_target(Path(out))
    wb = Workbook()
    _summary(wb.active, ins, learned, len(to_confirm))
    _items(wb.create_sheet("What was found"), ins, out)
    if to_confirm:
        _to_confirm(wb.create_sheet("To confirm"), to_confirm)
    with claimed(out):
        save_atomically(wb, out, existing="backup")
    return out


def _summary(ws, ins: Inspection, learned: Path | None, marks: int) -> None:
    ws.title = "Summary"
    ws["A1"] = "What the Better Care Fund tools found in the workbook"
    ws["A1"].font = Font(bold=True, size=14)
    rec = ins.recognition
    rows = [("Workbook", ins.file), ("In short", summary(ins))]
    if rec is not None:
        rows += [("Compared with", f"{rec.name} (Version {rec.version})"),
                 ("Description from", ins.source or "the tools' own"),
                 ("Recognised by its title and version", "Yes" if rec.recognised else "No"),
                 ("Sheets found", f"{rec.sheets[0]} of {rec.sheets[1]}"),
                 ("Labels and headings found", f"{rec.labels[0]} of {rec.labels[1]}")]
    rows.append(("Not found", len(ins.problems)))
    if learned is not None:
        rows += [("Description learned", str(learned)), ("Guesses to confirm", marks)]
    for i, (k, v) in enumerate(rows, start=3):
        ws.cell(i, 1, k).font = Font(bold=True)
        cell = ws.cell(i, 2, v)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 36
    ws.column_dimensions["B"].width = 100


def _items(ws, ins: Inspection, out: Path) -> None:
    header_row(ws, HEADERS)
    outcomes = sorted(ins.outcomes, key=lambda o: ORDER.get(o.status, len(ORDER)))
    for i, o in enumerate(outcomes, start=2):
        values = (o.status, o.what, o.id, o.sheet, o.at, o.text, o.why, o.nearest, o.nearest_at)
        for j, v in enumerate(values, start=1):
            ws.cell(i, j, v).alignment = Alignment(wrap_text=j in (6, 7, 8), vertical="top")
        if o.status in FILLS:
            ws.cell(i, 1).fill = FILLS[o.status]
        for col, at in ((5, o.at), (9, o.nearest_at)):
            if at and o.sheet:
                cell = ws.cell(i, col)
                cell.hyperlink = cell_link(out, Path(ins.file), o.sheet, at)
                cell.font = Font(color="0563C1", underline="single")
    _finish(ws, len(HEADERS), len(outcomes))


def _to_confirm(ws, marks) -> None:
    header_row(ws, ("Where in the description", "What to look at"))
    for i, mark in enumerate(marks, start=2):
        ws.cell(i, 1, mark.at).alignment = Alignment(vertical="top")
        ws.cell(i, 2, mark.why).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 110
    ws.freeze_panes = "A2"


def _finish(ws, columns: int, rows: int) -> None:
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(columns)}{max(2, rows + 1)}"
    for j, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
