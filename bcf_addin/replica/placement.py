"""Decide where a replica puts each item of a description.

Sheets read top to bottom like NHS England's: headings, then label/answer pairs, then tables,
with a checker column to the right. `spread` adds blank rows and `shift` moves the answers
right, so tests can build the same template with its rows and columns moved.
"""
from __future__ import annotations

from ..descriptions.schema import Field, Heading, SheetDescription, Table, TemplateDescription
from ..layout import FieldAt, Layout, SheetAt, TableAt

LABEL_COL = 2
FIRST_ROW = 2


def table_has_labels(table: Table) -> bool:
    return table.rows is not None or table.labels_from is not None or table.label_header is not None


def place(desc: TemplateDescription, *, spread: int = 0, shift: int = 0) -> Layout:
    layout = Layout(kind=desc.kind)
    for sheet in desc.sheets:
        _place_sheet(sheet, layout, spread, shift)
    return layout


def _place_sheet(sheet: SheetDescription, layout: Layout, spread: int, shift: int) -> None:
    r = FIRST_ROW
    value_col = LABEL_COL + 1 + shift
    widest = value_col
    headings = []
    for item in sheet.items:
        if isinstance(item, Heading):
            headings.append(r)
            r += 2 if item.style in ("title", "subtitle") else 1
            if item.table is not None:        # its header row, its rows and a blank row
                r += len(item.table.rows) + 2
        elif isinstance(item, Field):
            layout.fields[item.id] = FieldAt(item.id, sheet.name, r, value_col, r, LABEL_COL)
            widest = max(widest, value_col + item.width - 1)
            r += 1
        elif isinstance(item, Table):
            at, r = _place_table(item, sheet.name, r, shift)
            layout.tables[item.id] = at
            widest = max(widest, max(at.columns.values()) + max(c.width for c in item.columns) - 1)
            r += 1
        r += spread
    checker_col = widest + 2 if sheet.complete_cell or _has_checkers(sheet) else None
    # The sheet's Yes/No sits under 'Checklist' (row 1) and 'Complete:' (row 2).
    complete = (FIRST_ROW + 1, checker_col) if sheet.complete_cell and checker_col else None
    layout.sheets[sheet.name] = SheetAt(sheet.name, checker_col, complete, headings)
    layout.sheet_names[sheet.name] = sheet.name


def _has_checkers(sheet: SheetDescription) -> bool:
    """A sheet whose answers are checked has a checker column; a sheet of formulas, or one whose
    inputs go unchecked (the optional C&D figures), has none."""
    for item in sheet.items:
        if isinstance(item, Field) and item.role == "input" and item.checker:
            return True
        if not isinstance(item, Table):
            continue
        if item.rows is None:
            if item.column_checker or (item.row_checker and any(c.role == "input" and c.required for c in item.columns)):
                return True
        elif item.row_checker and any(item.role(r, c) == "input" for r in item.rows for c in item.columns):
            return True
    return False


def _place_table(table: Table, sheet: str, r: int, shift: int) -> tuple[TableAt, int]:
    if any(c.header_above for c in table.columns):
        r += 1
    checker_row = None
    if table.column_checker:
        checker_row = r + 1           # under its 'Column complete:' label
        r += 2
    header_row = r
    col = LABEL_COL
    label_col = key_col = None
    if table_has_labels(table):
        label_col = col
        col += 1 + shift
    if table.key_header or (table.rows and any(row.key for row in table.rows)):
        key_col = col
        col += 2                      # statements are long: give them two columns
    columns = {}
    for column in table.columns:
        columns[column.id] = col
        col += column.width
    n = len(table.rows) + table.blank_rows if table.rows is not None else table.capacity
    rows = list(range(header_row + 1, header_row + 1 + n))
    row_ids = {}
    if table.rows is not None:
        for row, at in zip(table.rows, rows):
            if row.id:
                row_ids[row.id] = at
    total_row = rows[-1] + 1 if table.total else None
    end = (total_row or rows[-1]) + 1
    return TableAt(table.id, sheet, header_row, columns, rows, row_ids, label_col, key_col, total_row, checker_row), end
