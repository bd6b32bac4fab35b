"""Each input holds the kind of value its cell takes: a list value, an amount, a number."""
from __future__ import annotations

import re
from decimal import Decimal

from ...balances import share_fraction
from ...descriptions.lists import dependent_values
from ...folding import NOT_APPLICABLE, best_choice, closest, fold
from ...money import pounds
from ..findings import Severity
from ..rule import Rule

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _not_on_list(ctx, rule):
    for cell in ctx.inputs():
        if cell.blank or not cell.list:
            continue
        values = ctx.lists[cell.list]
        text = str(cell.value).strip() if not isinstance(cell.value, Decimal) else format(cell.value, "f")
        if text in values:
            continue
        fixed = best_choice(text, values, ctx.list_aliases(cell.list))
        if fixed is not None:
            yield rule.finding(cell.sheet, cell.cell,
                               f"{cell.label} holds '{text}', which is not exactly the list's '{fixed}'.",
                               f"Choose '{fixed}' from the drop-down in {cell.cell} so the national "
                               "aggregation recognises it.", severity=Severity.WARNING)
        else:
            near = closest(text, values)
            yield rule.finding(cell.sheet, cell.cell, f"{cell.label} holds '{text}', which is not on the list.",
                               f"Choose a value from the drop-down in {cell.cell}"
                               + (f"; the closest is '{near}'." if near else "."))


def _money_cell(ctx, rule):
    limit = ctx.description.money_max
    for cell in ctx.inputs():
        if cell.blank or cell.type != "money":
            continue
        if not isinstance(cell.value, Decimal):
            yield rule.finding(cell.sheet, cell.cell, f"{cell.label} holds the text '{cell.value}', not an amount.",
                               f"Type the amount as a number in {cell.cell} (no words; £ and commas are fine).")
        elif abs(cell.value) > limit:
            yield rule.finding(cell.sheet, cell.cell,
                               f"{cell.label} is {pounds(cell.value)}, beyond the template's range.",
                               "Check the amount: money is entered in whole pounds, not pence.")


def _number_cell(ctx, rule):
    for cell in ctx.inputs():
        if cell.blank or cell.type not in ("number", "integer", "percent"):
            continue
        if isinstance(cell.value, Decimal):
            continue
        if fold(cell.value) in NOT_APPLICABLE:
            continue
        yield rule.finding(cell.sheet, cell.cell, f"{cell.label} holds the text '{cell.value}', not a number.",
                           f"Enter a number in {cell.cell}.")


def _joint_shares(ctx, rule):
    fin = ctx.description.finance
    if not fin or not fin.commissioner or not fin.joint or len(fin.joint_shares) != 2:
        return
    nhs, la = fin.joint_shares
    for line in ctx.template.lines(fin.schemes):
        if fold(line.values.get(fin.commissioner)) != fold(fin.joint):
            continue
        total = share_fraction(line.values.get(nhs)) + share_fraction(line.values.get(la))
        if total != 1:
            at = ctx.template.located(fin.schemes, line.row, nhs)
            yield rule.finding(at.sheet, at.cell,
                               f"Scheme line {line.index + 1} is jointly commissioned but its % NHS and % LA add "
                               f"up to {total * 100:.4g}%, not 100%.",
                               "Enter the NHS and LA shares so that together they make 100%.")


def _dependent_value(ctx, rule):
    """A sub-type or unit that is on its list, but not among those of the line's scheme type."""
    lists = ctx.description.lists
    for cell in ctx.inputs():
        source = lists.get(cell.list) if cell.list else None
        if cell.blank or cell.table is None or source is None or not source.depends_on:
            continue
        parent = next((c for c in cell.table.columns if c.list == source.depends_on), None)
        if parent is None or parent.id not in ctx.template.layout.tables[cell.table.id].columns:
            continue
        kind = best_choice(ctx.template.located(cell.table.id, cell.row, parent.id).value,
                           ctx.lists[source.depends_on], ctx.list_aliases(source.depends_on))
        value = best_choice(cell.value, ctx.lists[cell.list], ctx.list_aliases(cell.list))
        if kind is None or value is None:
            continue                # blank, or not on its list: V201's business
        allowed = dependent_values(source, lists[source.depends_on], kind)
        if not allowed or value in allowed:
            continue
        shown = ", ".join(f"'{v}'" for v in allowed[:6]) + (" ..." if len(allowed) > 6 else "")
        yield rule.finding(cell.sheet, cell.cell,
                           f"{cell.label} is '{value}', which is not one of the {parent.header} '{kind}' "
                           f"(its {cell.column.header}: {shown}).",
                           f"Choose the {cell.column.header} from those of the {parent.header} in {cell.cell}, "
                           f"or correct the {parent.header} if the {cell.column.header} is right.")


def _email(ctx, rule):
    for cell in ctx.inputs():
        if not cell.blank and cell.type == "email" and not _EMAIL.match(str(cell.value).strip()):
            yield rule.finding(cell.sheet, cell.cell, f"{cell.label} '{cell.value}' does not look like an e-mail address.",
                               "Enter an address such as name@council.gov.uk.")


NOT_ON_LIST = Rule(
    code="V201", name="not-on-list", severity=Severity.ERROR,
    title="A drop-down cell holds a value that is not on its list",
    what="Every drop-down cell (activity, objective, area of spend, provider, source of funding, Yes/No...) "
    "holds exactly a value of its list. A value that matches only after ignoring case, spaces or "
    "dashes is a warning; anything else is an error.",
    why="Pasted values bypass Excel's validation; the national aggregation matches the list's text "
    "exactly, so 'social care' or 'Social Care ' is not counted as Social Care.",
    example="Area of Spend 'Social Cares' on scheme line 4.",
    fix="Choose the value from the cell's drop-down list.",
    check=_not_on_list)

MONEY_CELL = Rule(
    code="V202", name="money-not-amount", severity=Severity.ERROR,
    title="A money cell holds text or an amount out of range",
    what="Money inputs hold numbers within the range the template accepts.",
    why="Text in a money cell is treated as zero by the template's sums, silently.",
    example="Expenditure 'about 5k' on scheme line 9.",
    fix="Type the amount as a number of pounds.",
    check=_money_cell)

NUMBER_CELL = Rule(
    code="V203", name="number-not-number", severity=Severity.ERROR,
    title="A number cell holds text",
    what="Metric counts, populations, percentages and C&D figures are numbers ('n/a' is accepted where "
    "the template itself uses it).",
    why="The template's rates and surpluses are calculated from these cells.",
    example="Number of Admissions 65+ for May is 'about 2,600'.",
    fix="Enter a number.",
    check=_number_cell)

JOINT_SHARES = Rule(
    code="V204", name="joint-shares", severity=Severity.ERROR,
    title="A jointly commissioned line's NHS and LA shares do not make 100%",
    what="Scheme lines with Commissioner 'Joint' give % NHS and % LA that add up to 100%.",
    why="The NHS share decides how much of the line counts towards NHS-commissioned out-of-hospital spend.",
    example="Commissioner 'Joint', % NHS 60%, % LA 30%.",
    fix="Correct the shares so they add up to 100%.",
    check=_joint_shares)

DEPENDENT_VALUE = Rule(
    code="V206", name="not-of-scheme-type", severity=Severity.ERROR,
    title="A sub-type or unit that does not belong to the line's scheme type",
    what="On each scheme line, a value whose list depends on another column (the Sub-Types and Units of "
    "the line's Scheme Type, as the guidance lists them) is one of that column's value's. Which "
    "values belong to which is the reference file the description names (depends_on).",
    why="The template offers each scheme type's own sub-types and units in a dependent drop-down; a pasted "
    "value escapes it, and the national aggregation counts the line's outputs under the wrong heading.",
    example="Scheme Type 'Carers Services' with Sub-Type 'Handyperson services' (a DFG related scheme's).",
    fix="Choose the sub-type or unit from those of the line's scheme type, or correct the scheme type.",
    check=_dependent_value)

EMAIL = Rule(
    code="V205", name="email-format", severity=Severity.WARNING,
    title="An e-mail address does not look like one",
    what="E-mail cells hold something shaped like an address.",
    why="The national team uses these addresses to resolve queries about the return.",
    example="E-mail 'Lisa Carter'.",
    fix="Enter the address.",
    check=_email)

RULES = (NOT_ON_LIST, MONEY_CELL, NUMBER_CELL, JOINT_SHARES, DEPENDENT_VALUE, EMAIL)
