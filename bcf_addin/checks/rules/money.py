"""Income against spend per funding source, computed from the scheme lines."""
from __future__ import annotations

from decimal import Decimal

from ...balances import running_balance_row
from ...folding import fold
from ...money import pounds
from ..findings import Severity
from ..rule import Rule


def balance_cell(ctx, source: str, column: str | None = None) -> tuple[str | None, str | None]:
    """The template's own running-balance cell for a source, to point the officer at."""
    fin = ctx.description.finance
    if not fin.running_balances or fin.running_balances not in ctx.template.layout.tables:
        return None, None
    table, at = ctx.template.table(fin.running_balances)
    row = running_balance_row(fin, table, source)
    if row is None:
        return None, None
    located = ctx.template.located(table.id, at.row_ids[row.id], column or fin.balance_column)
    return located.sheet, located.cell


def _unallocated(ctx, rule):
    fin = ctx.description.finance
    if not fin or not fin.unallocated_is_error:
        return
    for b in ctx.balances.running_balances:
        if b.balance == 0:
            continue
        sheet, cell = balance_cell(ctx, b.source)
        if b.balance > 0:
            yield rule.finding(sheet, cell,
                               f"{pounds(b.balance)} of the {b.source} ({pounds(b.income)}) is not allocated to any "
                               f"scheme: the lines add up to {pounds(b.expenditure)}.",
                               f"Add or increase scheme lines funded from {b.source} by {pounds(b.balance)}, so no "
                               "funds are left unallocated.")
        else:
            yield rule.finding(sheet, cell,
                               f"Scheme lines funded from {b.source} add up to {pounds(b.expenditure)}, "
                               f"{pounds(-b.balance)} more than its income of {pounds(b.income)}.",
                               f"Reduce the {b.source} lines by {pounds(-b.balance)} or fund the excess from "
                               "another source.")


def _overspent(ctx, rule):
    fin = ctx.description.finance
    if not fin or fin.unallocated_is_error:
        return
    grants = {fold(s.source) for s in fin.sources if s.grant}
    for b in ctx.balances.running_balances:
        if b.balance >= 0:
            continue
        sheet, cell = balance_cell(ctx, b.source)
        grant = fold(b.source) in grants
        yield rule.finding(sheet, cell,
                           f"Spend from {b.source} is {pounds(b.expenditure)}, {pounds(-b.balance)} more than its "
                           f"income of {pounds(b.income)}" + (" (over 100% of a grant)." if grant else "."),
                           "Grant spend cannot exceed 100% of the allocation: move the excess onto a new line "
                           "funded from another source." if grant else "Check the lines' amounts and sources.",
                           severity=Severity.ERROR if grant else Severity.WARNING)


def _underspend_reason(ctx, rule):
    fin = ctx.description.finance
    if not fin or not fin.reason_column or fin.running_balances not in ctx.template.layout.tables:
        return
    for b in ctx.balances.running_balances:
        if b.balance <= 0:
            continue
        sheet, cell = balance_cell(ctx, b.source, fin.reason_column)
        if sheet is None:
            continue
        table, at = ctx.template.table(fin.running_balances)
        row = running_balance_row(fin, table, b.source)
        reason = ctx.template.located(table.id, at.row_ids[row.id], fin.reason_column).value
        if reason in (None, "") or (isinstance(reason, str) and not reason.strip()):
            yield rule.finding(sheet, cell, f"{b.source} is underspent by {pounds(b.balance)} and no reason is given.",
                               f"Explain the underspend in {cell}.")


def _no_underspend(ctx, rule):
    fin = ctx.description.finance
    if not fin:
        return
    for src in fin.sources:
        if not src.no_underspend:
            continue
        b = ctx.balances.source(src.source)
        if b.balance > 0:
            sheet, cell = balance_cell(ctx, b.source)
            yield rule.finding(sheet, cell,
                               f"{b.source} is underspent by {pounds(b.balance)}; its grant conditions allow no "
                               "underspend.", "Account for the whole allocation within the year.")


def _unknown_source(ctx, rule):
    fin = ctx.description.finance
    if not fin:
        return
    for line in ctx.balances.unmatched_lines:
        at = ctx.template.located(fin.schemes, line.row, fin.source)
        amount = line.values.get(fin.spend)
        shown = pounds(amount) if isinstance(amount, Decimal) else str(amount)
        yield rule.finding(at.sheet, at.cell,
                           f"Scheme line {line.index + 1} ({shown}) has source of funding "
                           f"'{line.values.get(fin.source) or 'blank'}', so it counts towards no running balance.",
                           "Choose the source of funding from the drop-down list.")


def _discontinued_with_spend(ctx, rule):
    fin = ctx.description.finance
    if not fin or not fin.discontinued:
        return
    stopped = {fold(mark) for mark in fin.discontinued_marks}
    for line in ctx.template.lines(fin.schemes):
        amount = line.values.get(fin.spend)
        if fold(line.values.get(fin.discontinued)) in stopped and isinstance(amount, Decimal) and amount != 0:
            at = ctx.template.located(fin.schemes, line.row, fin.discontinued)
            yield rule.finding(at.sheet, at.cell,
                               f"Scheme line {line.index + 1} is marked as discontinued but has {pounds(amount)} "
                               "spent.",
                               "A discontinued scheme is one on which no money was or will be spent: clear "
                               "'Discontinue', or move the spend to the line that carries on.")


UNALLOCATED = Rule(
    code="M301", name="unallocated-funds", severity=Severity.ERROR,
    title="A plan leaves funding unallocated (or plans more than the income)",
    what="In a plan, each funding source's scheme lines add up to exactly its income: balance = income - "
    "expenditure = £0, computed from the lines and income cells, not the template's formulas.",
    why="Plans must account for full allocations: no unallocated funds may remain once the template is "
    "complete.",
    example="Leicestershire 2025-26: NHS Minimum Contribution £57,070,979, lines £56,776,363, £294,616 unallocated.",
    fix="Add, increase or re-source scheme lines until every balance is £0.",
    check=_unallocated)

OVERSPENT = Rule(
    code="M302", name="overspent-source", severity=Severity.ERROR,
    title="Spend from a source exceeds its income",
    what="In reporting templates, expenditure per funding source does not exceed its income; for grant "
    "funding (DFG, Local Authority Better Care Grant / iBCF, Discharge Funding) it is an error, for "
    "other sources a warning.",
    why="Grant-funded spend cannot go beyond 100% of the total allocation.",
    example="DFG income £5,518,288, actual spend £5,600,000.",
    fix="Move the excess onto a new line funded from another source.",
    check=_overspent)

UNDERSPEND_REASON = Rule(
    code="M303", name="underspend-reason", severity=Severity.ERROR,
    title="An underspent source has no reason given",
    what="Where a source's balance is above £0 at year end, the 'If underspent, please provide reasons' "
    "cell beside it is filled in.",
    why="The national team asks for the reasons for every underspend.",
    example="DFG underspent by £1,047,439 with the reason cell blank.",
    fix="Explain the underspend in the reason cell.",
    check=_underspend_reason)

NO_UNDERSPEND = Rule(
    code="M304", name="no-underspend-allowed", severity=Severity.ERROR,
    title="A grant that may not be underspent is underspent",
    what="Sources whose grant conditions allow no underspend (the 2024-25 Discharge Fund) are fully spent "
    "at year end.",
    why="The Discharge Fund grant conditions do not allow underspend within the financial year.",
    example="ICB Discharge Funding £4,355,513, actual spend £4,200,000.",
    fix="Account for the whole allocation within the year.",
    check=_no_underspend)

UNKNOWN_SOURCE = Rule(
    code="M305", name="line-without-source", severity=Severity.ERROR,
    title="A scheme line with money counts towards no funding source",
    what="Every scheme line with an amount has a source of funding that is one of the template's sources.",
    why="Such a line is in no running balance, so income and spend cannot be reconciled.",
    example="£120,000 on a line whose source is blank or 'Better Care Grant'.",
    fix="Choose the source of funding from the drop-down list.",
    check=_unknown_source)

DISCONTINUED_WITH_SPEND = Rule(
    code="M306", name="discontinued-with-spend", severity=Severity.WARNING,
    title="A scheme marked as discontinued has spend against it",
    what="In year-end returns, lines marked 'discontinue' (or Yes) in the 'Discontinue' column have no actual spend.",
    why="The template defines a discontinued scheme as one on which no money has been or will be spent; "
    "spend on it is either a wrong answer or spend that belongs to another line.",
    example="Discontinue 'discontinue' on a line with Actual Spend £120,000.",
    fix="Clear 'Discontinue', or move the spend to the line that carries on.",
    check=_discontinued_with_spend)

RULES = (UNALLOCATED, OVERSPENT, UNDERSPEND_REASON, NO_UNDERSPEND, UNKNOWN_SOURCE, DISCONTINUED_WITH_SPEND)
