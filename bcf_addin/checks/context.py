"""What every rule reads: the located template, its balances, its lists, and last year's return."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Iterator, NamedTuple

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


class InputCell(NamedTuple):
    """One input cell of the template with what the description says about it.

    A tuple: a large return has tens of thousands of input cells, made on every check.
    """

    sheet: str                  # workbook sheet name
    description_sheet: str
    row: int
    col: int
    value: Value
    type: str
    list: str | None
    requirement: bool | Requirement
    named: str | None           # its label (below), or None for a line of an open table
    table: Table | None = None
    table_row: Row | None = None
    line: int | None = None     # 1-based line of an open table
    column: Column | None = None
    field: Field | None = None
    blank: bool = True          # nothing in it but spaces

    @property
    def cell(self) -> str:
        return cell_ref(self.row, self.col)

    @property
    def label(self) -> str:
        """Plain words for messages: "'E-mail:'", "'DFG': 'Actual income'", "line 3: 'Scheme ID'".
        An open table's are made when a message wants one, not kept for each of its lines."""
        return self.named if self.named is not None else f"line {self.line}: '{self.column.header}'"


def _blank(value: Value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


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
    def inputs(self) -> list[InputCell]:
        """Every input cell the description declares, with its requirement, in sheet order; an
        open table gives its lines in use."""
        return self._inputs

    @cached_property
    def _inputs(self) -> list[InputCell]:
        return list(self._walk_inputs(every_line=False))

    def formula_inputs(self) -> Iterator[InputCell]:
        """The input cells, on every line of every table, that hold a formula: the few there are,
        without an InputCell made for each of a large table's empty lines."""
        return self._walk_inputs(every_line=True, formulas=True)

    def _walk_inputs(self, *, every_line: bool, formulas: bool = False) -> Iterator[InputCell]:
        tpl = self.template
        for sheet in self.description.sheets:
            if sheet.name not in tpl.layout.sheets:
                continue
            wb_sheet = tpl.layout.workbook_sheet(sheet.name)
            values = tpl.workbook.sheets[wb_sheet]
            for item in sheet.items:
                if isinstance(item, Field) and item.role == "input":
                    at = tpl.layout.fields[item.id]
                    cell = values.get(at.row, at.col)
                    if formulas and not cell.formula:
                        continue
                    yield InputCell(wb_sheet, sheet.name, at.row, at.col, cell.value,
                                    item.type, item.list, item.required, f"'{_short(item.label.rstrip(':'))}'",
                                    field=item, blank=_blank(cell.value))
                elif isinstance(item, Table):
                    yield from self._table_inputs(item, sheet.name, wb_sheet, values, every_line, formulas)

    def _table_inputs(self, table: Table, desc_sheet: str, wb_sheet: str, values, every_line: bool,
                      formulas: bool) -> Iterator[InputCell]:
        at = self.template.layout.tables[table.id]
        cells, new = values.cells, tuple.__new__
        if table.rows is None:
            # An open table's lines all take the same inputs: what each column asks is worked out once.
            asked = [(column, at.columns[column.id], column.required) for column in table.columns
                     if column.role == "input" and column.id in at.columns]
            # (0-based line, row): every line the template has, or only those in use.
            lines = enumerate(at.rows) if every_line else \
                ((line.index, line.row) for line in self.template.lines(table.id))
            if formulas:
                # Only the lines with a formula in an input: a sheet has few formula cells, and
                # looking those up is quicker than looking at every input of every line.
                columns = {col for _, col, _ in asked}
                held = {r for (r, c), cell in cells.items() if cell.formula and c in columns}
                lines = [(i, r) for i, r in lines if r in held]
            for i, r in lines:
                line = i + 1
                for column, col, requirement in asked:
                    cell = cells.get((r, col))
                    if formulas and (cell is None or not cell.formula):
                        continue
                    value = None if cell is None else cell.value
                    # Made as the tuple it is, for speed: the fields in InputCell's order.
                    yield new(InputCell, (wb_sheet, desc_sheet, r, col, value, column.type, column.list, requirement,
                                          None, table, None, line, column, None,
                                          value is None or (isinstance(value, str) and not value.strip())))
            return
        for i, r in enumerate(at.rows):
            row = table.rows[i] if i < len(table.rows) else None
            for column in table.columns:
                if table.role(row, column) != "input" or column.id not in at.columns:   # an optional column this file lacks
                    continue
                col = at.columns[column.id]
                cell = values.get(r, col)
                if formulas and not cell.formula:
                    continue
                requirement = row.required.get(column.id, column.required) if row else column.required
                label = f"'{row.name}': '{column.header}'" if row else f"line {i + 1}: '{column.header}'"
                yield InputCell(wb_sheet, desc_sheet, r, col, cell.value, column.type, column.list, requirement,
                                label, table=table, table_row=row, column=column, blank=_blank(cell.value))

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
