"""Sums the template states or implies: district DFG, total rows, C&D surpluses."""
from __future__ import annotations

from decimal import Decimal

from ...capacity_demand import figures_for, shown_surpluses
from ...workbook import cell_ref
from ...money import pounds
from ...located import amount
from ..findings import Severity
from ..rule import Rule


def _dfg_breakdown(ctx, rule):
    fin = ctx.description.finance
    if not fin or not fin.dfg_breakdown or fin.dfg_breakdown not in ctx.template.layout.tables:
        return
    table, at = ctx.template.table(fin.dfg_breakdown)
    column = table.columns[0].id
    parts = [ctx.template.located(table.id, r, column).value for r in at.rows]
    if all(v is None for v in parts):
        return                       # single-tier areas have no breakdown
    districts = sum((amount(v) for v in parts), Decimal(0))
    total = ctx.evaluator.field(fin.dfg_total) if fin.dfg_total else None
    total = amount(total)
    if districts != total:
        where = ctx.template.ref(fin.dfg_total)
        yield rule.finding(where.sheet, where.cell,
                           f"The district DFG amounts add up to {pounds(districts)}, but the DFG total is "
                           f"{pounds(total)} ({pounds(districts - total)} apart).",
                           "DFG is passported in full to the districts: check each district's amount.")


def _total_rows(ctx, rule):
    """Rows declared as the sum of other rows (C&D 'Total' referral rows) add up."""
    for sheet in ctx.description.sheets:
        for item in sheet.items:
            if getattr(item, "rows", None) is None or getattr(item, "kind", "") != "table":
                continue
            at = ctx.template.layout.tables.get(item.id)
            if at is None:
                continue
            for i, row in enumerate(item.rows):
                if not row.total_of:
                    continue
                wb_sheet = ctx.template.layout.workbook_sheet(at.sheet)
                values = ctx.template.workbook.sheets[wb_sheet]
                for column in item.columns:
                    if column.id not in at.columns:
                        continue
                    # What the file shows (typed, or a formula's saved result), not what it should be.
                    total = values.value(at.rows[i], at.columns[column.id])
                    if total in (None, ""):
                        continue
                    parts = [ctx.evaluator.cell(item.id, _index(item, rid), column.id) for rid in row.total_of]
                    expected = sum((amount(p) for p in parts), Decimal(0))
                    if amount(total) != expected:
                        yield rule.finding(wb_sheet, cell_ref(at.rows[i], at.columns[column.id]),
                                           f"'{row.name}' {column.header} is {amount(total):,}, but its rows "
                                           f"add up to {expected:,}{_sum_of(parts)}.",
                                           "Correct the total or the rows it sums.")


def _sum_of(parts) -> str:
    """' (7 + 3 + 0)': the filled rows of a short sum, so the officer sees which figures were added."""
    filled = [amount(p) for p in parts if p not in (None, "")]
    return f" ({' + '.join(f'{p:,}' for p in filled)})" if 1 < len(filled) <= 8 else ""


def _capacity_surplus(ctx, rule):
    """The surplus the return shows, against capacity less demand worked out from the inputs."""
    computed = ctx.balances.capacity_demand
    for cd in ctx.description.capacity_demand:
        for service, month, shown, with_spot in shown_surpluses(ctx.template, cd):
            if shown.value in (None, "") or not isinstance(shown.value, Decimal):
                continue            # blank, or text: the values rules' business
            if ctx.stale_caches and _has_formula(ctx, shown):
                continue            # a formula's saved result, not yet recalculated
            figures = figures_for(computed, cd, service, month)
            expected = figures.surplus_with_spot if with_spot else figures.surplus
            if shown.value == expected:
                continue
            spot = f" + spot purchasing {figures.spot:,}" if with_spot else ""
            what = "including" if with_spot else "not including"
            yield rule.finding(shown.sheet, shown.cell,
                               f"'{service.service}' {month.month}: the capacity surplus ({what} spot purchasing) "
                               f"is {shown.value:,}, but capacity {figures.capacity:,}{spot} less demand "
                               f"{figures.demand:,} is {expected:,}.")


def _has_formula(ctx, at) -> bool:
    return ctx.template.workbook.sheets[at.sheet].get(at.row, at.col).formula is not None


def _index(table, row_id: str) -> int:
    return next(i for i, r in enumerate(table.rows) if r.id == row_id)


DFG_BREAKDOWN = Rule(
    code="A501", name="dfg-breakdown", severity=Severity.ERROR,
    title="The district DFG breakdown does not add up to the DFG total",
    what="In two-tier areas the DFG amounts per district council add up to the HWB's DFG contribution.",
    why="DFG is passported in full to the district councils; a difference means money is missing or "
    "double-counted.",
    example="Seven Leicestershire districts adding up to £5,518,000 against a DFG of £5,518,288.",
    fix="Check each district's amount against the published allocations.",
    check=_dfg_breakdown)

TOTAL_ROWS = Rule(
    code="A502", name="total-row", severity=Severity.ERROR,
    title="A total row is not the sum of its rows",
    what="Rows the template declares as totals (C&D 'Total' referrals per pathway) equal the sum of the "
    "rows under them, month by month.",
    why="Published returns carry transcription errors in these totals; the capacity surplus is worked "
    "out from them.",
    example="P3 July: Total 30, referral sources 7 + 3 + 0 = 10.",
    fix="Correct the total or the rows it sums.",
    check=_total_rows)

CAPACITY_SURPLUS = Rule(
    code="A503", name="capacity-surplus", severity=Severity.ERROR,
    title="A capacity surplus disagrees with its own capacity and demand",
    what="Each capacity surplus the return shows (C&D step-down, not including and including spot "
    "purchasing, and step-up), per service or pathway and month, equals capacity (plus spot-purchased "
    "capacity) less demand, with demand the referral sources added up rather than the 'Total' row. "
    "Which rows are capacity, spot purchasing and demand is the description's capacity_demand section.",
    why="The surplus is the figure the national team reads for gaps in intermediate care; a figure typed "
    "or transcribed by hand, or worked out from a wrong total, misstates the shortfall.",
    example="Pathway 1 reablement at home, Jul-25, including spot purchasing: -38 published, while 531 + 105 "
    "less 654 is -18.",
    fix="Correct the surplus (or restore the template's formula), or the capacity or demand it comes from.",
    check=_capacity_surplus)

RULES = (DFG_BREAKDOWN, TOTAL_ROWS, CAPACITY_SURPLUS)
