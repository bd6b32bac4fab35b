"""Everything the template's own checker tests, plus the conditional answers it misses."""
from __future__ import annotations

from ...descriptions.schema import Requirement, Table
from ...workbook import cell_ref
from ..findings import Severity
from ..rule import Rule


def _required_answer(ctx, rule):
    # A row of a table missing several answers (twelve monthly figures) is one finding, not twelve.
    by_row: dict[tuple, list] = {}
    for cell in ctx.inputs():
        if cell.line is None and cell.blank and (cell.requirement is True or (
                isinstance(cell.requirement, Requirement) and cell.requirement.when is None)):
            key = (cell.sheet, cell.row, cell.table.id) if cell.table_row else (cell.sheet, cell.row, cell.col)
            by_row.setdefault(key, []).append(cell)
    for cells in by_row.values():
        first = cells[0]
        if len(cells) == 1:
            yield rule.finding(first.sheet, first.cell, f"{first.label} is not answered.",
                               f"Fill in the yellow cell {first.cell}" + (
                                   " from the drop-down list." if first.list else "."))
            continue
        row_name = first.table_row.name
        headers = [c.column.header for c in cells]
        named = ", ".join(headers) if len(headers) <= 4 else f"{headers[0]} to {headers[-1]}"
        span = f"{first.cell}:{cells[-1].cell}"
        yield rule.finding(first.sheet, span, f"'{row_name}' has {len(cells)} answers missing ({named}).",
                           f"Fill in the yellow cells {span}.")


def _conditional_answer(ctx, rule):
    for cell in ctx.inputs():
        req = cell.requirement
        if not cell.blank or not isinstance(req, Requirement) or req.when is None:
            continue
        if ctx.condition_holds(req.when, cell):
            why = req.why or "an earlier answer requires it"
            yield rule.finding(cell.sheet, cell.cell, f"{cell.label} is empty, but {why}.",
                               f"Fill in {cell.cell}, or change the answer that asks for it.")


def _incomplete_line(ctx, rule):
    for cell in ctx.inputs():
        if cell.line is None or not cell.blank or cell.requirement is not True:
            continue
        ident = _line_name(ctx, cell)
        yield rule.finding(cell.sheet, cell.cell, f"{ident} has no '{cell.column.header}'.",
                           f"Fill in {cell.cell}" + (" from the drop-down list" if cell.list else "")
                           + ", or delete the whole line if it is not needed.")


def _line_name(ctx, cell) -> str:
    table: Table = cell.table
    first = table.columns[0]
    ident = ctx.template.located(table.id, cell.row, first.id).value
    name = "Scheme line" if ctx.description.finance and table.id == ctx.description.finance.schemes else "Line"
    return f"{name} {cell.line}" + (f" ({first.header} {ident})" if ident not in (None, "") else "")


def _too_few_lines(ctx, rule):
    for sheet in ctx.description.sheets:
        for item in sheet.items:
            if not isinstance(item, Table) or item.rows is not None or item.id not in ctx.template.layout.tables:
                continue
            needed, why = item.min_rows, ""
            if not needed and item.lines_when and ctx.condition_holds(item.lines_when.when, None):
                needed, why = 1, f", but {item.lines_when.why}"
            if needed and len(ctx.template.lines(item.id)) < needed:
                at = ctx.template.layout.tables[item.id]
                wb_sheet = ctx.template.layout.workbook_sheet(at.sheet)
                yield rule.finding(wb_sheet, cell_ref(at.rows[0], min(at.columns.values())),
                                   f"The table headed '{item.columns[0].header}' is empty{why}.",
                                   f"Enter at least {needed} line{'s' if needed > 1 else ''}"
                                   + (", or change the answer above." if why else "."))


REQUIRED_ANSWER = Rule(
    code="C101", name="required-answer", severity=Severity.ERROR,
    title="A question the template requires is not answered",
    what="Every yellow input the template's checker column tests, on every sheet: sign-off, contacts, "
    "named people, assurance statements, metrics, national conditions.",
    why="NHS England treats a return with any red 'No' in its checker column as incomplete and will ask "
    "for it again.",
    example="The cover's 'Health and Wellbeing Board chair' first name is blank.",
    fix="Fill in the yellow cell named in the finding.",
    check=_required_answer)

CONDITIONAL_ANSWER = Rule(
    code="C102", name="conditional-answer", severity=Severity.ERROR,
    title="An answer that another answer asks for is missing",
    what="Answers needed only because of another answer: a reason and expected date when the plan is not "
    "signed off, an explanation when an assurance or national condition is 'No', actions and a "
    "timeframe when an expectation is not met, what 'Other' means.",
    why="The template's own checker often misses these, so a return can show 'Template Complete' while "
    "the national team still has to ask for them.",
    example="'Signed off' is 'No' and the expected sign-off date is blank.",
    fix="Give the answer the finding names, or change the answer that asks for it.",
    check=_conditional_answer)

INCOMPLETE_LINE = Rule(
    code="C103", name="incomplete-line", severity=Severity.ERROR,
    title="A scheme line is missing a required column",
    what="Every line in use of an input table (scheme lines, contributions) has each required column filled.",
    why="A line without a source of funding or area of spend is left out of the running balances and "
    "minimum-spend sums, so the money does not add up.",
    example="Scheme line 12 has an amount but no 'Source of Funding'.",
    fix="Fill in the cell, or delete the whole line.",
    check=_incomplete_line)

TOO_FEW_LINES = Rule(
    code="C104", name="empty-table", severity=Severity.ERROR,
    title="A table that must have lines is empty",
    what="Tables that may not be left empty, such as the expenditure plan's scheme lines and the list of "
    "documents submitted.",
    why="A plan with no expenditure lines cannot show how the fund is spent.",
    example="The 5. Expenditure sheet has no scheme lines.",
    fix="Enter the lines (bcf populate can write them from your scheme register).",
    check=_too_few_lines)

RULES = (REQUIRED_ANSWER, CONDITIONAL_ANSWER, INCOMPLETE_LINE, TOO_FEW_LINES)
