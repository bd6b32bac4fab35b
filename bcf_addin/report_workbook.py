"""The findings as a workbook people can work from: one row per finding, each linked to its cell."""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .balances import Balances
from .checks.findings import Severity
from .checks.report import CheckReport
from .errors import BcfError
from .files import Existing, claimed, save_atomically, xlsx_target
from .money import pounds
from .present.reports import CD_TITLE, capacity_demand_rows
from .report_rows import finding_values, summary_rows

FILLS = {Severity.ERROR: PatternFill("solid", fgColor="FFC7CE"),
         Severity.WARNING: PatternFill("solid", fgColor="FFEB9C"),
         Severity.INFO: PatternFill("solid", fgColor="DDEBF7")}
HEADER = PatternFill("solid", fgColor="1F4E78")
MONEY = '"£"#,##0;-"£"#,##0'


def cell_link(report_path: Path, checked: Path, sheet: str, cell: str) -> str:
    """A hyperlink that opens the checked workbook at the cell (relative when they share a folder)."""
    try:
        target = os.path.relpath(checked.resolve(), report_path.resolve().parent)
    except ValueError:                      # another drive on Windows
        target = str(checked.resolve())
    first = cell.split(":")[0]
    return f"{target}#'{sheet.replace(chr(39), chr(39) * 2)}'!{first}"


def build_report(report: CheckReport, out: Path, balances: Balances | None = None) -> Workbook:
    wb = Workbook()
    summary = wb.active
    summary.title = "Summary"
    rows = summary_rows(report)
    summary["A1"] = "Better Care Fund return check"
    summary["A1"].font = Font(bold=True, size=14)
    for i, (k, v) in enumerate(rows, start=3):
        summary.cell(i, 1, k).font = Font(bold=True)
        summary.cell(i, 2, v)
    r = len(rows) + 4
    summary.cell(r, 1, "Checklist").font = Font(bold=True, size=12)
    for s in report.sheets:
        r += 1
        summary.cell(r, 1, s.sheet)
        c = summary.cell(r, 2, "Yes" if s.complete else "No")
        c.fill = PatternFill("solid", fgColor="C6EFCE" if s.complete else "FFC7CE")
    if balances and balances.running_balances:
        r += 2
        summary.cell(r, 1, "Running balances (from the scheme lines)").font = Font(bold=True, size=12)
        r += 1
        for j, h in enumerate(("Funding source", "Income", "Expenditure", "Balance"), start=1):
            summary.cell(r, j, h).font = Font(bold=True)
        for b in [*balances.running_balances, balances.total]:
            r += 1
            summary.cell(r, 1, b.source)
            for j, v in enumerate((b.income, b.expenditure, b.balance), start=2):
                cell = summary.cell(r, j, int(v) if v == v.to_integral_value() else float(v))
                cell.number_format = MONEY
        for m in balances.minimum_spend:
            r += 2
            summary.cell(r, 1, m.label).font = Font(bold=True)
            summary.cell(r + 1, 1, "Minimum")
            summary.cell(r + 1, 2, int(m.minimum)).number_format = MONEY
            summary.cell(r + 2, 1, "Spend")
            summary.cell(r + 2, 2, int(m.spend)).number_format = MONEY
            summary.cell(r + 3, 1, "Met" if m.met else f"Not met: {pounds(m.shortfall)} short")
            r += 3
    if balances and balances.capacity_demand:
        r = _capacity_demand(summary, balances.capacity_demand, r + 2)
    summary.column_dimensions["A"].width = 48
    for col in "BCD":
        summary.column_dimensions[col].width = 20

    _findings_sheet(wb, report.findings, lambda f: cell_link(out, Path(report.path), f.sheet, f.cell))
    return wb


def _capacity_demand(summary, comparisons, r: int) -> int:
    """Each service's months side by side, as bcf balances shows them: capacity, demand, surplus."""
    for c in comparisons:
        summary.cell(r, 1, f"{c.label}: {CD_TITLE}").font = Font(bold=True, size=12)
        for s in c.services:
            r += 2
            summary.cell(r, 1, s.service).font = Font(bold=True)
            for j, m in enumerate(s.months, start=2):
                summary.cell(r, j, m.month).font = Font(bold=True)
            for name, figure in capacity_demand_rows(c):
                r += 1
                summary.cell(r, 1, name)
                for j, m in enumerate(s.months, start=2):
                    value = figure(m)
                    summary.cell(r, j, int(value) if value == value.to_integral_value() else float(value))
        r += 2
    return r


def header_row(ws, headers) -> None:
    """The first row of a report sheet: its column names, white on dark blue."""
    for j, h in enumerate(headers, start=1):
        c = ws.cell(1, j, h)
        c.font, c.fill = Font(bold=True, color="FFFFFF"), HEADER


def _findings_sheet(wb: Workbook, findings, link=None, where=("Sheet", "Cell")) -> None:
    """One row per finding; `link(finding)`, when given, makes the place a hyperlink to it."""
    ws = wb.create_sheet("Findings")
    headers = ("Severity", "Code", *where, "Message", "How to fix")
    header_row(ws, headers)
    for i, f in enumerate(findings, start=2):
        values = finding_values(f)
        for j, v in enumerate(values, start=1):
            c = ws.cell(i, j, v)
            c.alignment = Alignment(wrap_text=j >= 5, vertical="top")
        ws.cell(i, 1).fill = FILLS[f.severity]
        if link and f.sheet and f.cell:
            cell = ws.cell(i, 4)
            cell.hyperlink = link(f)
            cell.font = Font(color="0563C1", underline="single")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(2, len(findings) + 1)}"
    for col, width in zip("ABCDEF", (10, 8, 26, 12, 70, 60)):
        ws.column_dimensions[col].width = width


def build_narrative_report(report) -> Workbook:
    """The narrative check's findings (a NarrativeReport) as a workbook like the return's."""
    wb = Workbook()
    summary = wb.active
    summary.title = "Summary"
    summary["A1"] = "Better Care Fund narrative check"
    summary["A1"].font = Font(bold=True, size=14)
    rows = [("Narrative checked", report.file), ("Health and Wellbeing Board(s)", ", ".join(report.hwbs) or "none named"),
            ("Figures compared with", "; ".join(report.returns) or "no return"),
            ("Checked on", datetime.now().strftime("%d/%m/%Y %H:%M")), ("Words", report.total_words),
            *((label, report.count(s)) for label, s in (("Errors", Severity.ERROR), ("Warnings", Severity.WARNING),
                                                       ("Notes", Severity.INFO)))]
    for i, (k, v) in enumerate(rows, start=3):
        summary.cell(i, 1, k).font = Font(bold=True)
        summary.cell(i, 2, v)
    summary.column_dimensions["A"].width = 32
    summary.column_dimensions["B"].width = 80
    _findings_sheet(wb, report.findings, where=("Section", "Where"))
    return wb


def write_narrative_report(report, out: str | Path) -> Path:
    out = xlsx_target(Path(out))
    with claimed(out):
        save_atomically(build_narrative_report(report), out, existing="backup")
    return out


def write_report(report: CheckReport, out: str | Path, balances: Balances | None = None, *,
                 existing: Existing = "backup") -> Path:
    """Write the report workbook via a temporary file, so a failure leaves nothing half-written;
    a report already there is kept as a backup copy beside it."""
    out = xlsx_target(Path(out))
    if out.exists() and Path(report.path).exists() and out.resolve() == Path(report.path).resolve():
        raise BcfError("is the return being checked; write the report to another file", file=str(out))
    with claimed(out):
        wb = build_report(report, out, balances if balances is not None else report.balances)
        save_atomically(wb, out, existing=existing)
    return out
