"""Plain-text renderings of reports for the terminal (and the ribbon's message boxes)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .balances import Balances
from .capacity_demand import Comparison
from .checks.findings import Severity
from .checks.report import CheckReport
from .descriptions.loader import load
from .diff import ReturnDiff
from .money import pounds


def _pct(p) -> str:
    # Half up, as Excel shows a percentage; Decimal's own format would round half to even.
    return "" if p is None else f"{p.quantize(Decimal('0.01'), ROUND_HALF_UP)}%"


def _money(value: Decimal) -> str:
    """As pounds() shows money, but a fraction of a penny (a typed 1239.568) is shown, not rounded
    away: the figures are exact, and the JSON of the same balances carries the same amount."""
    if value == value.quantize(Decimal("0.01")):
        return pounds(value)
    return f"{'-' if value < 0 else ''}£{abs(value).normalize():,f}"


def balances_text(b: Balances) -> str:
    desc = load(b.template)
    lines = [f"{b.hwb or 'HWB not chosen'}: {desc.name} (Version {desc.version})"]
    if desc.finance is not None:
        lines += ["", "Running balances"]
        show_pct = any(r.percent_spent is not None for r in b.running_balances)
        head = f"  {'Funding source':38} {'Income':>14} {'Expenditure':>14} {'Balance':>14}" + (
            f" {'% spent':>9}" if show_pct else "")
        lines.append(head)
        for r in [*b.running_balances, b.total]:
            lines.append(f"  {r.source:38} {_money(r.income):>14} {_money(r.expenditure):>14} {_money(r.balance):>14}"
                         + (f" {_pct(r.percent_spent):>9}" if show_pct else ""))
    if b.minimum_spend:
        lines += ["", "Minimum spend"]
        for m in b.minimum_spend:
            verdict = "met" if m.met else f"NOT met: {_money(m.shortfall)} short"
            lines.append(f"  {m.label}: {_money(m.spend)} against a minimum of {_money(m.minimum)} ({verdict})")
    for c in b.capacity_demand:
        lines += capacity_demand_lines(c)
    return "\n".join(lines)


def capacity_demand_lines(c: Comparison) -> list[str]:
    """A service's months side by side, as the template lays them out: capacity, demand, and the
    surplus (positive) or shortfall (negative), without and with spot purchasing."""
    lines = ["", f"{c.label}: capacity against demand (positive is a surplus, negative a shortfall)"]
    rows = [("Capacity", lambda m: m.capacity)]
    if c.with_spot:
        rows += [("Spot purchasing", lambda m: m.spot), ("Capacity with spot", lambda m: m.capacity + m.spot)]
    rows += [("Demand", lambda m: m.demand), ("Surplus", lambda m: m.surplus)]
    if c.with_spot:
        rows.append(("Surplus with spot", lambda m: m.surplus_with_spot))
    for s in c.services:
        lines += ["", f"  {s.service}", f"    {'':18}" + "".join(f" {m.month:>7}" for m in s.months)]
        for name, figure in rows:
            lines.append(f"    {name:18}" + "".join(f" {figure(m):>7,}" for m in s.months))
    return lines


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


def _shown(value) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, Decimal):
        return pounds(value) if value == value.quantize(Decimal("0.01")) else str(value)
    return f"'{value}'"


def _signed(delta: Decimal) -> str:
    return ("+" if delta > 0 else "") + pounds(delta)


def diff_text(d: ReturnDiff) -> str:
    desc = load(d.template)
    lines = [f"{d.hwb or 'HWB not chosen'}: {desc.name} (Version {desc.version})",
             f"Comparing {d.old}", f"     with {d.new}", ""]
    if d.same:
        lines.append("No input cell differs.")
        return "\n".join(lines)
    line_changes = [c for c in d.changes if c.kind == "line"]
    answers = [c for c in d.changes if c.kind != "line"]
    changed_lines = len({c.key for c in line_changes})
    lines.append(f"{changed_lines} line{'s' * (changed_lines != 1)} changed, {len(d.lines_added)} added, "
                 f"{len(d.lines_removed)} removed; {len(answers)} other answer{'s' * (len(answers) != 1)} changed")
    if line_changes or d.lines_added or d.lines_removed:
        lines += ["", "Lines"]
        for c in line_changes:
            delta = c.delta
            moved = f" ({_signed(delta)})" if delta else ""
            lines.append(f"  changed  '{c.sheet}'!{c.cell:7} {c.key}: {c.field}: {_shown(c.old)} -> {_shown(c.new)}{moved}")
        for x, verb in [*((x, "added") for x in d.lines_added), *((x, "removed") for x in d.lines_removed)]:
            money = f": {pounds(x.amount)}" if x.amount is not None else ""
            lines.append(f"  {verb:8} '{x.sheet}'!{x.cell:7} {x.key}{money}")
    if answers:
        lines += ["", "Answers"]
        for c in answers:
            lines.append(f"  '{c.sheet}'!{c.cell:7} {c.key}: {_shown(c.old)} -> {_shown(c.new)}")
    moved = d.moved()
    if moved:
        lines += ["", "Figures that moved"]
        for m in moved:
            change = f" ({_signed(m.new - m.old)})" if m.old is not None and m.new is not None else ""
            old = pounds(m.old) if m.old is not None else "(none)"
            new = pounds(m.new) if m.new is not None else "(none)"
            lines.append(f"  {m.name}, {m.figure}: {old} -> {new}{change}")
    return "\n".join(lines)
