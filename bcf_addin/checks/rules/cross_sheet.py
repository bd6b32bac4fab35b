"""Signs that the template itself has been altered: a formula lost or disagreeing with its inputs, a sheet
unprotected, a formula typed into an input."""
from __future__ import annotations

from decimal import Decimal

from ...capacity_demand import shown_surpluses
from ...evaluate import Unsupported, evaluate, formula_cells
from ...workbook import cell_ref
from ...money import pounds
from ...located import amount
from ..findings import Severity
from ..rule import Rule


def _surplus_cells(ctx) -> set[tuple[str, str]]:
    return {(shown.sheet, shown.cell) for cd in ctx.description.capacity_demand
            for _, _, shown, _ in shown_surpluses(ctx.template, cd)}


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


def _sheet_unprotected(ctx, rule):
    """Only sheets the template protects: its description says which (C&D leaves every sheet open)."""
    tpl = ctx.template
    for sheet in ctx.description.sheets:
        if not sheet.protected or sheet.name not in tpl.layout.sheets:
            continue
        name = tpl.layout.workbook_sheet(sheet.name)
        if not tpl.workbook.sheets[name].protected:
            yield rule.finding(name, None,
                               f"The sheet '{name}' is not protected, but NHS England's template protects it; "
                               "NHS England may reject an altered template.")


def _formula_in_input(ctx, rule):
    sheets = ctx.template.workbook.sheets
    for cell in ctx.formula_inputs():
        formula = sheets[cell.sheet].get(cell.row, cell.col).formula
        yield rule.finding(cell.sheet, cell.cell, f"{cell.label} holds the formula ={formula} rather than a typed value.",
                           f"Type the value into {cell.cell} (or 'Paste Special > Values'), so the return "
                           "does not depend on other cells or workbooks.")


FORMULA_RESULTS = Rule(
    code="X601", name="template-formula", severity=Severity.ERROR,
    title="A template formula is missing, or its result disagrees with its inputs",
    what="Every cell the template calculates (running balances, totals, required spend, the Summary sheet, "
    "metric rates, composite measures, C&D surpluses, actual total income) still holds its formula, "
    "and where the file carries the formula's last result, that result equals what the inputs give, "
    "evaluated independently with exact decimals.",
    why="A formula pasted over with a value stops updating: the Summary can disagree with Income and "
    "Expenditure without anyone seeing it, and the national aggregation reads the wrong figure.",
    example="The Summary's NHS Minimum Contribution expenditure is a typed £57,070,979 while the scheme lines "
    "give £56,776,363.",
    fix="Restore the formula (ask the national BCF team for a clean template) and paste only values, only "
    "into yellow cells.",
    check=_formula_results,
    needs=frozenset({"formulas"}))

SHEET_UNPROTECTED = Rule(
    code="X602", name="sheet-unprotected", severity=Severity.WARNING,
    title="A sheet the template protects has been unprotected",
    what="Every sheet NHS England's template protects (all of them in the planning, quarterly and year-end "
    "templates; none in the capacity & demand template, which is left open for editing) is still "
    "protected in the return. Sheets the template leaves open are never reported.",
    why="Protection is what keeps the template's formulas, labels and layout as NHS England built them; "
    "the national team aggregates every return by position and may reject an altered template or ask "
    "for it again.",
    example="The '5. Expenditure' sheet was unprotected to insert a row and never protected again.",
    fix="Protect the sheet again (Review > Protect Sheet), or copy the answers into a clean template "
    "from the national BCF team; bcf populate never needs a sheet unprotected.",
    check=_sheet_unprotected,
    needs=frozenset({"protection"}))

FORMULA_IN_INPUT = Rule(
    code="X603", name="formula-in-input", severity=Severity.WARNING,
    title="A formula has been typed into an input cell",
    what="Every yellow input cell, on every sheet and every line of the input tables, holds a typed value "
    "rather than a formula.",
    why="NHS England reads the values of the input cells; a formula there may point at another sheet or "
    "workbook, show a stale or #REF! result once the return is sent on its own, and change without "
    "anyone typing in the return.",
    example="A scheme line's Expenditure is =[Budget.xlsx]Schemes!F12 instead of £781,800.",
    fix="Replace the formula with its value: copy the cell and 'Paste Special > Values' into it.",
    check=_formula_in_input,
    needs=frozenset({"formulas"}))

RULES = (FORMULA_RESULTS, SHEET_UNPROTECTED, FORMULA_IN_INPUT)
