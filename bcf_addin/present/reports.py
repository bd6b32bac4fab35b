"""Check reports, balances and differences in words: full text for the terminal, summaries for
the ribbon's message boxes."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Callable

from ..balances import Balances
from ..capacity_demand import Comparison, MonthFigures
from ..checks.findings import Severity
from ..checks.registry import rule
from ..checks.report import CheckReport
from ..diff import ReturnDiff
from ..money import pounds


def count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def heading(result) -> str:
    """'Leicestershire: Better Care Fund 2025-26 Planning Template (Version 1.5)'."""
    return f"{result.hwb or 'HWB not chosen'}: {result.title}"


def _pct(p) -> str:
    # Half up, as Excel shows a percentage; Decimal's own format would round half to even.
    return "" if p is None else f"{p.quantize(Decimal('0.01'), ROUND_HALF_UP)}%"


def _money(value: Decimal) -> str:
    """As pounds() shows money, but a fraction of a penny (a typed 1239.568) is shown, not rounded
    away: the figures are exact, and the JSON of the same balances carries the same amount."""
    if value == value.quantize(Decimal("0.01")):
        return pounds(value)
    return f"{'-' if value < 0 else ''}£{abs(value).normalize():,f}"


# -- check ---------------------------------------------------------------------------------------

def check_text(r: CheckReport) -> str:
    lines = [heading(r), "", "Checklist"]
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
    lines = ["", severity_counts(findings)]
    by_sheet: dict[str, list] = {}
    for f in findings:
        by_sheet.setdefault(f.sheet or whole, []).append(f)
    for sheet, found in by_sheet.items():
        lines += ["", f"{sheet}"]
        for f in found:
            lines.append(f"  {f.severity.value:7} {f.code}  {f.cell or '':{width}} {f.message}")
            lines.append(f"  {'':7} {'':4}  {'':{width}} Fix: {f.hint}")
    return lines


def severity_counts(findings) -> str:
    """'3 errors, 1 warning, 0 notes'."""
    errors, warnings, notes = (sum(1 for f in findings if f.severity is s)
                               for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    return f"{count(errors, 'error')}, {count(warnings, 'warning')}, {count(notes, 'note')}"


# What a read through Excel may lack, as the officer would name it.
_UNREAD = {"formulas": "the template's own formulas", "protection": "sheet protection"}


def verdict(r: CheckReport) -> str:
    """Whether the return is ready, in a sentence or two for a message box."""
    errors, warnings = r.count(Severity.ERROR), r.count(Severity.WARNING)
    if r.complete:
        text = "The return is complete: no errors."
        if warnings:
            text += f" {count(warnings, 'warning')} to look at."
    else:
        text = (f"The return is not complete yet: {count(errors, 'error')} to fix"
                f" and {count(warnings, 'warning')} to look at.")
        todo = [s.sheet for s in r.sheets if not s.complete]
        if todo:
            text += "\nSheets still incomplete: " + ", ".join(todo) + "."
    if r.skipped:
        unread = sorted({_UNREAD.get(n, n) for code in r.skipped for n in rule(code).needs})
        one = len(r.skipped) == 1
        which = ("rule " if one else "rules ") + ", ".join(r.skipped)
        text += (f"\n{' and '.join(unread).capitalize()} cannot be read from this Excel, so {which} "
                 f"{'was' if one else 'were'} not applied (bcf check on the saved file applies "
                 f"{'it' if one else 'them'}).")
    return text


def check_summary(r: CheckReport) -> str:
    lines = [heading(r), "", verdict(r)]
    # Money left unallocated is what most often holds a plan back: its findings are shown as they are.
    lines += [f"{f.code}: {f.message}" for f in r.findings if f.code == "M301"]
    lines += ["", "The list of what to fix, with a link to each cell, is open in a new workbook."]
    return "\n".join(lines)


# -- balances ------------------------------------------------------------------------------------

def balances_text(b: Balances) -> str:
    lines = [heading(b)]
    if b.running_balances:
        lines += ["", "Running balances"]
        show_pct = any(r.percent_spent is not None for r in b.running_balances)
        head = f"  {'Funding source':38} {'Income':>14} {'Expenditure':>14} {'Balance':>14}" + (
            f" {'% spent':>9}" if show_pct else "")
        lines.append(head)
        for r in [*b.running_balances, b.total]:
            lines.append(f"  {r.source:38} {_money(r.income):>14} {_money(r.expenditure):>14} {_money(r.balance):>14}"
                         + (f" {_pct(r.percent_spent):>9}" if show_pct else ""))
        if b.unmatched_lines:
            lines += ["", "  " + _not_counted(b)]
    if b.minimum_spend:
        lines += ["", "Minimum spend"]
        for m in b.minimum_spend:
            verdict_ = "met" if m.met else f"NOT met: {_money(m.shortfall)} short"
            lines.append(f"  {m.label}: {_money(m.spend)} against a minimum of {_money(m.minimum)} ({verdict_})")
    # A metric whose inputs are not filled in yet has nothing to show.
    metrics = [m for m in b.metrics if any(f.value is not None for f in m.figures)]
    if metrics:
        lines += ["", "Metrics (computed from their inputs)"]
        for m in metrics:
            lines.append(f"  {m.label}")
            lines += [f"    {f.column:24} {'-' if f.value is None else f'{f.value:,}':>12}" for f in m.figures]
    for c in b.capacity_demand:
        lines += capacity_demand_lines(c)
    return "\n".join(lines)


def capacity_demand_lines(c: Comparison) -> list[str]:
    """A service's months side by side, as the template lays them out: capacity, demand, and the
    surplus (positive) or shortfall (negative), without and with spot purchasing."""
    lines = ["", f"{c.label}: {CD_TITLE}"]
    for s in c.services:
        lines += ["", f"  {s.service}", f"    {'':18}" + "".join(f" {m.month:>7}" for m in s.months)]
        for name, figure in capacity_demand_rows(c):
            lines.append(f"    {name:18}" + "".join(f" {figure(m):>7,}" for m in s.months))
    return lines


CD_TITLE = "capacity against demand (positive is a surplus, negative a shortfall)"


def capacity_demand_rows(c: Comparison) -> list[tuple[str, Callable[[MonthFigures], Decimal]]]:
    """The rows of a service's table, each with its month's figure."""
    rows = [("Capacity", lambda m: m.capacity)]
    if c.with_spot:
        rows += [("Spot purchasing", lambda m: m.spot), ("Capacity with spot", lambda m: m.capacity + m.spot)]
    rows += [("Demand", lambda m: m.demand), ("Surplus", lambda m: m.surplus)]
    if c.with_spot:
        rows.append(("Surplus with spot", lambda m: m.surplus_with_spot))
    return rows


def _not_counted(b: Balances) -> str:
    n = len(b.unmatched_lines)
    return (f"Not counted above: {_money(b.not_counted)} on {count(n, 'scheme line')} whose Source of Funding is "
            f"blank or not one of this template's (rows {', '.join(str(ln.row) for ln in b.unmatched_lines[:8])}"
            f"{', ...' if n > 8 else ''}); give each its source, and bcf check lists them.")


def balances_summary(b: Balances) -> str:
    lines = [heading(b), ""]
    if not b.running_balances and not b.capacity_demand:
        lines.append("This template has no running balances.")
    for x in b.running_balances:
        if x.income == 0 and x.expenditure == 0:
            continue
        if x.balance == 0:
            lines.append(f"{x.source}: all {pounds(x.income)} allocated.")
        elif x.balance > 0:
            lines.append(f"{x.source}: {pounds(x.expenditure)} of {pounds(x.income)} allocated; "
                         f"{pounds(x.balance)} unallocated.")
        else:
            lines.append(f"{x.source}: {pounds(x.expenditure)} planned against {pounds(x.income)} of income; "
                         f"{pounds(-x.balance)} too much.")
    if b.unmatched_lines:
        lines.append(_not_counted(b))
    for m in b.minimum_spend:
        verdict_ = "met" if m.met else f"NOT met, {pounds(m.shortfall)} short"
        lines.append(f"\n{m.label}: {pounds(m.spend)} against a minimum of {pounds(m.minimum)} ({verdict_}).")
    if b.capacity_demand:
        lines += capacity_demand_summary(b.capacity_demand)
    lines += ["", "The balances and the check's findings are open in a new workbook."]
    return "\n".join(lines)


SERVICE_WIDTH = 50       # a service's name in a message, where a message holds about a thousand characters


def capacity_demand_summary(comparisons: list[Comparison]) -> list[str]:
    """Each service's months short of capacity, and by how much at most, without and with spot
    purchasing; the services with enough capacity every month in one line. The month-by-month
    table is bcf balances' and the report workbook's: a message holds about a thousand characters."""
    months = [m.month for c in comparisons for s in c.services for m in s.months]
    lines = [f"Capacity against demand, {months[0]} to {months[-1]}:" if months else "Capacity against demand:"]
    for c in comparisons:
        lines.append(f"{c.label}:")
        enough = []
        for s in c.services:
            short = _short(s.months, lambda m: m.surplus)
            spot = _short(s.months, lambda m: m.surplus_with_spot, worst=False)
            if not short and not spot:
                enough.append(_service(s.service))
                continue
            text = f"  {_service(s.service)}: short {short or 'no month'}"
            if any(m.spot is not None for m in s.months):
                text += f"; with spot purchasing {spot or 'no month'}"
            lines.append(text)
        if enough:
            lines.append(f"  Enough every month: {'; '.join(enough)}")
    return lines


def _short(months, surplus, worst: bool = True) -> str:
    """'every month, up to 148 (Jan-26)': the months whose `surplus` is negative, and the largest
    shortfall (with its month, if `worst`)."""
    short = [m for m in months if surplus(m) is not None and surplus(m) < 0]
    if not short:
        return ""
    most = min(short, key=surplus)
    which = "every month" if len(short) == len(months) else count(len(short), "month")
    return f"{which}, up to {-surplus(most):,}" + (f" ({most.month})" if worst else "")


def _service(name: str) -> str:
    """'Short-term residential/nursing care for someone... (pathway 3)': long names cut, the pathway kept."""
    if len(name) <= SERVICE_WIDTH:
        return name
    tail = name[name.rfind(" ("):] if name.endswith(")") and " (" in name else ""
    head = name[:SERVICE_WIDTH - len(tail) - 3].rsplit(" ", 1)[0]
    return f"{head}...{tail}"


# -- differences ---------------------------------------------------------------------------------

def _shown(value) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, Decimal):
        return pounds(value) if value == value.quantize(Decimal("0.01")) else str(value)
    return f"'{value}'"


def _signed(delta: Decimal) -> str:
    return ("+" if delta > 0 else "") + pounds(delta)


def _change_counts(d: ReturnDiff) -> str:
    changed = len({c.key for c in d.changes if c.kind == "line"})
    answers = sum(1 for c in d.changes if c.kind != "line")
    return (f"{count(changed, 'line')} changed, {len(d.lines_added)} added, {len(d.lines_removed)} removed; "
            f"{count(answers, 'other answer')} changed")


def diff_text(d: ReturnDiff) -> str:
    lines = [heading(d), f"Comparing {d.old}", f"     with {d.new}", ""]
    if d.same:
        lines.append("No input cell differs.")
        return "\n".join(lines)
    line_changes = [c for c in d.changes if c.kind == "line"]
    answers = [c for c in d.changes if c.kind != "line"]
    lines.append(_change_counts(d))
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


def changes_summary(d: ReturnDiff, earlier: str) -> str:
    lines = [heading(d), "", f"Compared with {earlier}:"]
    if d.same:
        return "\n".join([*lines, "nothing has changed in the input cells."])
    lines.append(_change_counts(d) + ".")
    for m in d.moved():
        if m.old is not None and m.new is not None:
            lines.append(f"  {m.name}, {m.figure}: {pounds(m.old)} -> {pounds(m.new)}")
    lines += ["", "The list of changes, with a link to each cell, is open in a new workbook."]
    return "\n".join(lines)


# -- roll forward --------------------------------------------------------------------------------

def rollforward_lines(rolled, last_name: str) -> list[str]:
    """What rolling a return forward carried, and each thing it could not (a rollforward.RollForward)."""
    lines = []
    if rolled.lines is not None:
        lines.append(f"{rolled.lines.sheet}: {count(rolled.lines.lines, 'scheme line')} carried from {last_name}")
    lines.append(f"{count(len(rolled.answers), 'answer')} carried (contact details)")
    notes = rolled.all_notes
    if notes:
        lines += ["", f"Not carried, or carried under another name ({len(notes)}):"]
        lines += [f"  {note.severity}: {note}" for note in notes]
    return lines
