"""Signs that the template itself has been altered: a sheet unprotected, a formula typed into an input."""
from __future__ import annotations

from ..findings import Severity
from ..rule import Family, Rule


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
    for cell in ctx.inputs(every_line=True):
        formula = sheets[cell.sheet].get(cell.row, cell.col).formula
        if formula:
            yield rule.finding(cell.sheet, cell.cell,
                               f"{cell.label} holds the formula ={formula} rather than a typed value.",
                               f"Type the value into {cell.cell} (or 'Paste Special > Values'), so the return "
                               "does not depend on other cells or workbooks.")


SHEET_UNPROTECTED = Rule(
    "X602", "sheet-unprotected", Family.CROSS_SHEET, Severity.WARNING,
    "A sheet the template protects has been unprotected",
    "Every sheet NHS England's template protects (all of them in the planning, quarterly and year-end "
    "templates; none in the capacity & demand template, which is left open for editing) is still "
    "protected in the return. Sheets the template leaves open are never reported.",
    "Protection is what keeps the template's formulas, labels and layout as NHS England built them; "
    "the national team aggregates every return by position and may reject an altered template or ask "
    "for it again.",
    "The '5. Expenditure' sheet was unprotected to insert a row and never protected again.",
    "Protect the sheet again (Review > Protect Sheet), or copy the answers into a clean template "
    "from the national BCF team; bcf populate never needs a sheet unprotected.",
    _sheet_unprotected,
    needs=frozenset({"protection"}))

FORMULA_IN_INPUT = Rule(
    "X603", "formula-in-input", Family.CROSS_SHEET, Severity.WARNING,
    "A formula has been typed into an input cell",
    "Every yellow input cell, on every sheet and every line of the input tables, holds a typed value "
    "rather than a formula.",
    "NHS England reads the values of the input cells; a formula there may point at another sheet or "
    "workbook, show a stale or #REF! result once the return is sent on its own, and change without "
    "anyone typing in the return.",
    "A scheme line's Expenditure is =[Budget.xlsx]Schemes!F12 instead of £781,800.",
    "Replace the formula with its value: copy the cell and 'Paste Special > Values' into it.",
    _formula_in_input,
    needs=frozenset({"formulas"}))

RULES = (SHEET_UNPROTECTED, FORMULA_IN_INPUT)
