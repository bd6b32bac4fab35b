"""Turn a description's formula expressions into Excel formulas for one layout.

Placeholders, resolved against the layout:
  {field}                 the field's cell
  {table.column}          the column's data range
  {table.row_id.column}   one cell of a fixed row
  {row_id.column}         one cell of a fixed row of the same table
  {row.column}            this row's cell in another column; {row.label} its label; {row.id} its id
  {col}                   this column's data range (for totals)
  {complete:Sheet name}   that sheet's Complete Yes/No cell
"""
from __future__ import annotations

import re

from ..layout import Layout, TableAt
from ..workbook import cell_ref, column_letter

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def _abs(sheet: str, here: str, row: int, col: int) -> str:
    ref = f"${column_letter(col)}${row}"
    return ref if sheet == here else f"{quote_sheet(sheet)}!{ref}"


def _abs_range(sheet: str, here: str, table: TableAt, column: str) -> str:
    rng = table.column_range(column)
    return rng if sheet == here else f"{quote_sheet(sheet)}!{rng}"


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def resolve(expr: str, layout: Layout, sheet: str, *, table: TableAt | None = None,
            row: int | None = None, row_id: str | None = None,
            column: str | None = None) -> str:
    # Row-relative names first: they may build other placeholders ({running_balances.{row.id}.income}).
    if row_id is not None:
        expr = expr.replace("{row.id}", row_id)

    def one(match: re.Match) -> str:
        name = match.group(1)
        if name.startswith("complete:"):
            target = name.split(":", 1)[1]
            at = layout.sheets[target].complete
            return _abs(target, sheet, *at)
        if name == "col":
            return table.column_range(column)
        parts = name.split(".")
        if parts[0] == "row":
            if parts[1] == "label":
                return cell_ref(row, table.label_col)
            return cell_ref(row, table.columns[parts[1]])
        if len(parts) == 1:
            f = layout.fields[name]
            return _abs(f.sheet, sheet, f.row, f.col)
        if len(parts) == 2 and table is not None and parts[0] in table.row_ids:
            r = table.row_ids[parts[0]]
            return cell_ref(r, table.columns[parts[1]])
        if len(parts) == 2:
            t = layout.tables[parts[0]]
            return _abs_range(t.sheet, sheet, t, parts[1])
        t = layout.tables[parts[0]]
        return _abs(t.sheet, sheet, t.row_ids[parts[1]], t.columns[parts[2]])

    # Inner placeholders resolve first, so repeat until none are left.
    for _ in range(3):
        expr, n = _PLACEHOLDER.subn(one, expr)
        if not n:
            break
    return expr
