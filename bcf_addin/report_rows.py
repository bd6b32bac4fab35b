"""What a findings report says, row by row, whatever writes it: the report workbook (openpyxl) or
the findings sheet that xlwings Lite writes into the open workbook."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from .checks.findings import Finding, Severity
from .checks.report import CheckReport
from .diff import ReturnDiff

FINDING_HEADERS = ("Severity", "Code", "Sheet", "Cell", "Message", "How to fix")


def summary_rows(report: CheckReport) -> list[tuple[str, object]]:
    return [
        ("Return checked", str(report.path)),
        ("Template", str(report.title)),
        ("Health and Wellbeing Board", report.hwb or "not chosen"),
        ("Checked on", datetime.now().strftime("%d/%m/%Y %H:%M")),
        ("Result", "Template Complete" if report.complete else "Incomplete Template"),
        ("Errors", report.count(Severity.ERROR)),
        ("Warnings", report.count(Severity.WARNING)),
        ("Notes", report.count(Severity.INFO)),
    ]


def finding_values(f: Finding) -> tuple[str, ...]:
    return (f.severity.value, f.code, f.sheet or "", f.cell or "", f.message, f.hint)


CHANGE_HEADERS = ("What", "Sheet", "Cell", "Line or answer", "Field", "Old", "New", "Change (£)")


def change_rows(d: ReturnDiff) -> list[tuple]:
    """One row per change under CHANGE_HEADERS, then the return its cell is in (d.old or d.new)."""
    rows = [("changed", c.sheet, c.cell, c.key, c.field, c.old, c.new, c.delta, d.new) for c in d.changes]
    rows += [("added", x.sheet, x.cell, x.key, "", None, x.amount, x.amount, d.new) for x in d.lines_added]
    rows += [("removed", x.sheet, x.cell, x.key, "", x.amount, None,
              -x.amount if x.amount is not None else None, d.old) for x in d.lines_removed]
    return rows


def cell_value(v):
    # Excel has no decimal type: whole pounds stay integers, pence go as text so nothing is rounded.
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else format(v, "f")
    return v
