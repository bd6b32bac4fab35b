"""Sums the template states or implies: district DFG, total rows, C&D surpluses, and every formula's result."""
from __future__ import annotations

from decimal import Decimal

from ...evaluate import Unsupported, evaluate
from ...model import cell_ref
from ...money import pounds
from ...template import amount
from ..findings import Severity
from ..rule import Family, Rule


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
    from ...capacity_demand import figures_for, shown_surpluses

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


def _surplus_cells(ctx) -> set[tuple[str, str]]:
    from ...capacity_demand import shown_surpluses

    return {(shown.sheet, shown.cell) for cd in ctx.description.capacity_demand
            for _, _, shown, _ in shown_surpluses(ctx.template, cd)}


def _index(table, row_id: str) -> int:
    return next(i for i, r in enumerate(table.rows) if r.id == row_id)


def _same(cached, computed) -> bool:
    if computed in (None, "") and cached in (None, ""):
        return True
    if isinstance(computed, bool) or isinstance(cached, bool):
        return computed == cached
    if isinstance(computed, str) or isinstance(cached, str):
        return str(computed or "").strip().casefold() == str(cached or "").strip().casefold()
    if not isinstance(cached, Decimal):
        return False
    computed = amount(computed)
    # Excel keeps 15 significant digits; allow that and no more.
    return abs(cached - computed) <= max(abs(computed), Decimal(1)) * Decimal("1e-12")


def _formula_results(ctx, rule):
    """Every formula cell of the description: present, and (when its result is cached) right."""
    from ...evaluate import formula_cells

    surpluses = _surplus_cells(ctx)
    for sheet, row, col, key in formula_cells(ctx.template):
        cell = ctx.template.workbook.sheets[sheet].get(row, col)
        try:
            computed = evaluate(ctx.evaluator, key)
        except Unsupported:
            continue
        shown = _show(computed)
        if cell.formula is None:
            if cell.value is None and computed in (None, "", Decimal(0)):
                continue
            yield rule.finding(sheet, cell_ref(row, col),
                               f"The template's formula here has been replaced by the value {_show(cell.value)}"
                               + ("" if _same(cell.value, computed) else f"; it should be {shown}") + ".",
                               "Paste over template cells with 'Paste Special > Values' into yellow cells only; "
                               "ask the national BCF team for a clean template if a formula is lost.",
                               severity=Severity.ERROR)
        elif (not ctx.stale_caches and cell.value is not None and not _same(cell.value, computed)
              and (sheet, cell_ref(row, col)) not in surpluses):       # A503 says why, figure by figure
            yield rule.finding(sheet, cell_ref(row, col),
                               f"The template shows {_show(cell.value)} here, but its inputs give {shown}.",
                               "Recalculate the workbook (F9 in Excel); if it persists, the formula has been "
                               "changed and the template needs replacing.", severity=Severity.WARNING)


def _show(v) -> str:
    if isinstance(v, Decimal):
        return pounds(v) if v == v.to_integral_value() and abs(v) >= 1000 else f"{v.normalize():f}"
    return "blank" if v in (None, "") else f"'{v}'"


DFG_BREAKDOWN = Rule(
    "A501", "dfg-breakdown", Family.ARITHMETIC, Severity.ERROR,
    "The district DFG breakdown does not add up to the DFG total",
    "In two-tier areas the DFG amounts per district council add up to the HWB's DFG contribution.",
    "DFG is passported in full to the district councils; a difference means money is missing or "
    "double-counted.",
    "Seven Leicestershire districts adding up to £5,518,000 against a DFG of £5,518,288.",
    "Check each district's amount against the published allocations.",
    _dfg_breakdown)

TOTAL_ROWS = Rule(
    "A502", "total-row", Family.ARITHMETIC, Severity.ERROR,
    "A total row is not the sum of its rows",
    "Rows the template declares as totals (C&D 'Total' referrals per pathway) equal the sum of the "
    "rows under them, month by month.",
    "Published returns carry transcription errors in these totals; the capacity surplus is worked "
    "out from them.",
    "P3 July: Total 30, referral sources 7 + 3 + 0 = 10.",
    "Correct the total or the rows it sums.",
    _total_rows)

CAPACITY_SURPLUS = Rule(
    "A503", "capacity-surplus", Family.ARITHMETIC, Severity.ERROR,
    "A capacity surplus disagrees with its own capacity and demand",
    "Each capacity surplus the return shows (C&D step-down, not including and including spot "
    "purchasing, and step-up), per service or pathway and month, equals capacity (plus spot-purchased "
    "capacity) less demand, with demand the referral sources added up rather than the 'Total' row. "
    "Which rows are capacity, spot purchasing and demand is the description's capacity_demand section.",
    "The surplus is the figure the national team reads for gaps in intermediate care; a figure typed "
    "or transcribed by hand, or worked out from a wrong total, misstates the shortfall.",
    "Pathway 1 reablement at home, Jul-25, including spot purchasing: -38 published, while 531 + 105 "
    "less 654 is -18.",
    "Correct the surplus (or restore the template's formula), or the capacity or demand it comes from.",
    _capacity_surplus)

FORMULA_RESULTS = Rule(
    "X601", "template-formula", Family.CROSS_SHEET, Severity.ERROR,
    "A template formula is missing, or its result disagrees with its inputs",
    "Every cell the template calculates (running balances, totals, required spend, the Summary sheet, "
    "metric rates, composite measures, C&D surpluses, actual total income) still holds its formula, "
    "and where the file carries the formula's last result, that result equals what the inputs give, "
    "evaluated independently with exact decimals.",
    "A formula pasted over with a value stops updating: the Summary can disagree with Income and "
    "Expenditure without anyone seeing it, and the national aggregation reads the wrong figure.",
    "The Summary's NHS Minimum Contribution expenditure is a typed £57,070,979 while the scheme lines "
    "give £56,776,363.",
    "Restore the formula (ask the national BCF team for a clean template) and paste only values, only "
    "into yellow cells.",
    _formula_results,
    needs=frozenset({"formulas"}))

RULES = (DFG_BREAKDOWN, TOTAL_ROWS, CAPACITY_SURPLUS, FORMULA_RESULTS)
