"""Plain-text renderings of reports for the terminal (and the ribbon's message boxes)."""
from __future__ import annotations

from .balances import Balances
from .checks.findings import Severity
from .checks.report import CheckReport
from .descriptions.loader import load
from .money import pounds


def _pct(p) -> str:
    return "" if p is None else f"{p:.2f}%"


def balances_text(b: Balances) -> str:
    desc = load(b.template)
    lines = [f"{b.hwb or 'HWB not chosen'}: {desc.name} (Version {desc.version})", "", "Running balances"]
    show_pct = any(r.percent_spent is not None for r in b.running_balances)
    head = f"  {'Funding source':38} {'Income':>14} {'Expenditure':>14} {'Balance':>14}" + (
        f" {'% spent':>9}" if show_pct else "")
    lines.append(head)
    for r in [*b.running_balances, b.total]:
        lines.append(f"  {r.source:38} {pounds(r.income):>14} {pounds(r.expenditure):>14} {pounds(r.balance):>14}"
                     + (f" {_pct(r.percent_spent):>9}" if show_pct else ""))
    if b.minimum_spend:
        lines += ["", "Minimum spend"]
        for m in b.minimum_spend:
            verdict = "met" if m.met else f"NOT met: {pounds(m.shortfall)} short"
            lines.append(f"  {m.label}: {pounds(m.spend)} against a minimum of {pounds(m.minimum)} ({verdict})")
    return "\n".join(lines)


def check_text(r: CheckReport) -> str:
    desc = load(r.template)
    lines = [f"{r.hwb or 'HWB not chosen'}: {desc.name} (Version {desc.version})", "", "Checklist"]
    for s in r.sheets:
        lines.append(f"  {s.sheet:34} {'Yes' if s.complete else 'No'}")
    lines.append(f"  {'Template':34} {'Template Complete' if r.complete else 'Incomplete Template'}")
    lines += findings_lines(r.findings, "Whole return", 8)
    if r.skipped:
        lines += ["", f"Not checked here (the workbook was read without what they need): {', '.join(r.skipped)}"]
    return "\n".join(lines)


def findings_lines(findings, whole: str, width: int) -> list[str]:
    """The count of each severity, then the findings grouped by sheet (or section), in the order
    given, so the officer can work through one sheet at a time."""
    counts = [sum(1 for f in findings if f.severity is s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)]
    errors, warnings, notes = counts
    lines = ["", f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}, "
                 f"{notes} note{'s' * (notes != 1)}"]
    by_sheet: dict[str, list] = {}
    for f in findings:
        by_sheet.setdefault(f.sheet or whole, []).append(f)
    for sheet, found in by_sheet.items():
        lines += ["", f"{sheet}"]
        for f in found:
            lines.append(f"  {f.severity.value:7} {f.code}  {f.cell or '':{width}} {f.message}")
            lines.append(f"  {'':7} {'':4}  {'':{width}} Fix: {f.hint}")
    return lines
