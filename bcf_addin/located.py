"""A workbook read, recognised and located: its values addressed by the description's names."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .descriptions.schema import Table, TemplateDescription
from .layout import Layout, TableAt
from .workbook import Value, Workbook, cell_ref


@dataclass(frozen=True)
class Located:
    sheet: str          # the workbook's sheet name
    row: int
    col: int
    value: Value

    @property
    def cell(self) -> str:
        return cell_ref(self.row, self.col)


@dataclass
class Line:
    """One line of a table: its position and its values by column id."""

    index: int          # 0-based within the table
    row: int
    values: dict[str, Value]
    row_id: str | None = None


@dataclass(frozen=True)
class TemplateName:
    """Which template a result is about, as NHS England titles it: results carry it so that
    whoever presents them need not reopen the description."""

    kind: str
    name: str
    version: str

    def __str__(self) -> str:
        return f"{self.name} (Version {self.version})"


@dataclass
class OpenTemplate:
    workbook: Workbook
    description: TemplateDescription
    layout: Layout

    def __post_init__(self):
        # Rules ask for the same tables and lines thousands of times on a large return.
        self._items = {it.id: it for sheet in self.description.sheets for it in sheet.items
                       if isinstance(it, Table) or getattr(it, "kind", "") == "field"}
        self._lines: dict[tuple[str, bool], list[Line]] = {}
        self._read_answers_where_excel_shows_them()

    def _read_answers_where_excel_shows_them(self) -> None:
        """An answer cell merged down over several rows keeps its answer in the merge's top-left.

        NHS England's metrics merge one rationale cell beside a metric's actual and plan rows, and
        the description reads it on the plan's row: there the cell is hidden inside the merge.
        Each input cell of a table so hidden is read as the merge's top-left, the cell Excel shows.
        """
        for table_id, at in self.layout.tables.items():
            table = self._items.get(table_id)
            sheet = self.workbook.sheets.get(self.layout.workbook_sheet(at.sheet))
            if table is None or sheet is None or not sheet.merges:
                continue
            rows = table.rows or [None] * len(at.rows)
            for row, r in zip(rows, at.rows):
                for column in table.columns:
                    col = at.columns.get(column.id)
                    if col is None or table.role(row, column) != "input" or sheet.value(r, col) not in (None, ""):
                        continue
                    merge = sheet.merge_at(r, col)
                    if merge and (merge[0], merge[1]) != (r, col):
                        sheet.cells[(r, col)] = sheet.get(r, col)._replace(value=sheet.value(merge[0], merge[1]))

    @property
    def title(self) -> TemplateName:
        d = self.description
        return TemplateName(d.kind, d.name, d.version)

    @property
    def hwb(self) -> str | None:
        if "hwb" not in self.layout.fields:
            return None
        value = self.ref("hwb").value
        return str(value).strip() if value not in (None, "") else None

    def ref(self, name: str) -> Located:
        """A field id, or table.row_id.column, as a located value."""
        parts = name.split(".")
        if len(parts) == 1:
            at = self.layout.fields[name]
            row, col, sheet = at.row, at.col, at.sheet
        else:
            table = self.layout.tables[parts[0]]
            row, col = table.cell(parts[1], parts[2])
            sheet = table.sheet
        wb_sheet = self.layout.workbook_sheet(sheet)
        return Located(wb_sheet, row, col, self.workbook.sheets[wb_sheet].value(row, col))

    def total(self, refs: list[str]) -> Decimal:
        """The sum of fields, cells (table.row.column) and whole columns (table.column)."""
        total = Decimal(0)
        for name in refs:
            parts = name.split(".")
            if len(parts) == 2:
                _, at = self.table(parts[0])
                total += sum((amount(self.located(parts[0], r, parts[1]).value) for r in at.rows), Decimal(0))
            else:
                total += amount(self.ref(name).value)
        return total

    def table(self, table_id: str) -> tuple[Table, TableAt]:
        return self._items[table_id], self.layout.tables[table_id]

    def item(self, item_id: str):
        return self._items[item_id]

    def lines(self, table_id: str, *, in_use_only: bool = True) -> list[Line]:
        """An open table's lines that hold anything in an input cell (or every fixed row)."""
        key = (table_id, in_use_only)
        if key not in self._lines:
            self._lines[key] = self._read_lines(table_id, in_use_only)
        return self._lines[key]

    def _read_lines(self, table_id: str, in_use_only: bool) -> list[Line]:
        table, at = self.table(table_id)
        sheet = self.workbook.sheets[self.layout.workbook_sheet(at.sheet)]
        ids = {r: rid for rid, r in at.row_ids.items()}
        lines = []
        for i, r in enumerate(at.rows):
            values = {cid: sheet.value(r, col) for cid, col in at.columns.items()}
            if table.rows is None and in_use_only:
                inputs = [values.get(c.id) for c in table.columns if c.role == "input"]
                if all(v in (None, "") for v in inputs):
                    continue
            lines.append(Line(i, r, values, ids.get(r)))
        return lines

    def located(self, table_id: str, row: int, column: str) -> Located:
        _, at = self.table(table_id)
        sheet = self.layout.workbook_sheet(at.sheet)
        col = at.columns[column]
        return Located(sheet, row, col, self.workbook.sheets[sheet].value(row, col))


def amount(value: Value) -> Decimal:
    """A money cell's value as Decimal; blank counts as 0. Text is the values rules' business."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or value is None:
        return Decimal(0)
    try:
        return Decimal(str(value).replace(",", "").replace("£", "").strip() or "0")
    except ArithmeticError:
        return Decimal(0)
