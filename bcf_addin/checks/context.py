"""What every rule reads: the located template, its balances, its lists, and last year's return."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Iterator

from ..balances import Balances, compute
from ..descriptions.loader import lists_of
from ..descriptions.schema import Column, Condition, Field, Requirement, Row, Table
from ..folding import fold
from ..workbook import Value, cell_ref
from ..located import OpenTemplate


def _short(label: str, limit: int = 90) -> str:
    """A long question named by its start, so a message stays readable; the cell says the rest."""
    if len(label) <= limit:
        return label
    return label[:limit].rsplit(" ", 1)[0].rstrip(" -,") + "..."


@dataclass(frozen=True)
class InputCell:
    """One input cell of the template with what the description says about it."""

    sheet: str                  # workbook sheet name
    description_sheet: str
    row: int
    col: int
    value: Value
    type: str
    list: str | None
    requirement: bool | Requirement
    label: str                  # plain words for messages: "'E-mail:'" or "'DFG': 'Actual income'"
    table: Table | None = None
    table_row: Row | None = None
    line: int | None = None     # 1-based line of an open table
    column: Column | None = None
    field: Field | None = None

    @property
    def cell(self) -> str:
        return cell_ref(self.row, self.col)

    @property
    def blank(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


@dataclass
class CheckContext:
    template: OpenTemplate
    previous: OpenTemplate | None = None
    stale_caches: bool = False          # formula results not recalculated since the last write
    _lists: dict = field(default_factory=dict)

    @property
    def description(self):
        return self.template.description

    @cached_property
    def balances(self) -> Balances:
        return compute(self.template)

    @cached_property
    def evaluator(self):
        from ..evaluate import Evaluator
        return Evaluator(self.template)

    @cached_property
    def previous_balances(self) -> Balances | None:
        return compute(self.previous) if self.previous else None

    @cached_property
    def lists(self) -> dict[str, list[str]]:
        return lists_of(self.description)

    def list_aliases(self, name: str) -> dict[str, str]:
        return self.description.lists[name].aliases

    def parameter(self, name: str):
        return self.description.parameters.get(name)

    # -- walking the inputs ---------------------------------------------------------------------
    def inputs(self, every_line: bool = False) -> list[InputCell]:
        """Every input cell the description declares, with its requirement, in sheet order.
        Open tables give their lines in use, or with `every_line` every line the template has."""
        return self._every_input if every_line else self._inputs

    @cached_property
    def _inputs(self) -> list[InputCell]:
        return list(self._walk_inputs(False))

    @cached_property
    def _every_input(self) -> list[InputCell]:
        return list(self._walk_inputs(True))

    def _walk_inputs(self, every_line: bool) -> Iterator[InputCell]:
        tpl = self.template
        for sheet in self.description.sheets:
            if sheet.name not in tpl.layout.sheets:
                continue
            wb_sheet = tpl.layout.workbook_sheet(sheet.name)
            values = tpl.workbook.sheets[wb_sheet]
            for item in sheet.items:
                if isinstance(item, Field) and item.role == "input":
                    at = tpl.layout.fields[item.id]
                    yield InputCell(wb_sheet, sheet.name, at.row, at.col, values.value(at.row, at.col),
                                    item.type, item.list, item.required, f"'{_short(item.label.rstrip(':'))}'",
                                    field=item)
                elif isinstance(item, Table):
                    yield from self._table_inputs(item, sheet.name, wb_sheet, values, every_line)

    def _table_inputs(self, table: Table, desc_sheet: str, wb_sheet: str, values,
                      every_line: bool) -> Iterator[InputCell]:
        at = self.template.layout.tables[table.id]
        fixed = table.rows is not None
        in_use = {ln.row for ln in self.template.lines(table.id)} if not (fixed or every_line) else None
        for i, r in enumerate(at.rows):
            row = table.rows[i] if fixed and i < len(table.rows) else None
            if in_use is not None and r not in in_use:
                continue
            for column in table.columns:
                role = table.role(row, column)
                if role != "input" or column.id not in at.columns:   # an optional column this file lacks
                    continue
                requirement = row.required.get(column.id, column.required) if row else column.required
                col = at.columns[column.id]
                if row:
                    label = f"'{row.name}': '{column.header}'"
                else:
                    label = f"line {i + 1}: '{column.header}'"
                yield InputCell(wb_sheet, desc_sheet, r, col, values.value(r, col), column.type, column.list,
                                requirement, label, table=table, table_row=row, line=None if fixed else i + 1,
                                column=column)

    # -- conditions -----------------------------------------------------------------------------
    def condition_holds(self, cond: Condition, cell: InputCell) -> bool:
        if cond.greater_than is not None:
            value = self._computed_value(cond.field, cell)
            return isinstance(value, Decimal) and value > cond.greater_than
        value = self._condition_value(cond.field, cell)
        if cond.equals is not None:
            return fold(value) == fold(cond.equals)
        if cond.not_equals is not None:
            return fold(value) != fold(cond.not_equals) and fold(value) != ""
        filled = fold(value) != ""
        return filled if cond.filled else not filled

    def _computed_value(self, name: str, cell: InputCell) -> Value:
        """A condition's value as the template's formulas give it: a balance's cached result may
        be stale, or missing, after values have been written into the file."""
        from ..evaluate import Unsupported
        try:
            if name.startswith("row."):
                index = self.template.layout.tables[cell.table.id].rows.index(cell.row)
                return self.evaluator.cell(cell.table.id, index, name.split(".", 1)[1])
            return self.evaluator.field(name)
        except Unsupported:
            return self._condition_value(name, cell)

    def _condition_value(self, name: str, cell: InputCell | None) -> Value:
        if name.startswith("row."):
            column = name.split(".", 1)[1]
            return self.template.located(cell.table.id, cell.row, column).value
        return self.template.ref(name).value
