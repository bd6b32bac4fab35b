"""A sheet's questions and tables, found from its cells alone.

Rows whose value cells (inputs, pre-populated figures, formulas) stand in the same columns form
a block. A block under heading cells is a table: its headings may be split over two rows, merged
down over both, or grouped under a merged heading; text left of the values labels its rows
(fixed rows), and without such labels its rows are open lines. A block with no headings is a
list of questions, each labelled by the text to its left, or asked once above its answers.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..folding import fold
from ..workbook import column_letter
from .cells import FORMULA, INPUT, PREPOP, Grid, value_rows
from .lists import Lists, slug, unique

SCAN_LEFT = 8           # how far left of its answer a label may stand (the locator looks as far right)


@dataclass
class Learned:
    """One sheet's items as description data, with where each was found (keys starting '_')."""

    items: list[dict] = field(default_factory=list)
    confirm: list[tuple[str, str]] = field(default_factory=list)     # (YAML path, why)


def learn_sheet(grid: Grid, lists: Lists, formats: list[str], ids: set[str]) -> Learned:
    out = Learned()
    rows = value_rows(grid)
    for band in _bands(grid, rows):
        _describe(grid, band, rows, lists, formats, ids, out)
    return out


def _bands(grid: Grid, rows: dict[int, dict[int, str]]) -> list[list[int]]:
    """Runs of rows whose value cells stand in the same columns; one empty row may part them."""
    bands: list[list[int]] = []
    last_key, last_row = None, -9
    for r in sorted(rows):
        key = frozenset(rows[r])
        if key == last_key and (r == last_row + 1 or (r == last_row + 2 and not any(
                k[0] == last_row + 1 for k in grid.kinds))):
            bands[-1].append(r)
        else:
            bands.append([r])
        last_key, last_row = key, r
    return bands


def _describe(grid, band, rows, lists, formats, ids, out: Learned) -> None:
    cols = sorted(rows[band[0]])
    cols, label_cols = _label_lookups(grid, band, rows, cols, formats)
    head = _headings(grid, band[0] - 1, cols, rows, label_cols)
    if head is None:
        _questions(grid, band, rows, lists, formats, ids, out)
        return
    _table(grid, band, rows, cols, label_cols, head, lists, formats, ids, out)


def _label_lookups(grid: Grid, band, rows, cols: list[int], formats: list[str]):
    """A leading column of looked-up names (the HWB's districts, its ICBs) labels the rows."""
    first = cols[0]
    if len(cols) > 1 and all(rows[r].get(first) in (PREPOP, FORMULA) for r in band) and all(
            _shows_text(grid, r, first, formats) for r in band):
        return cols[1:], [first]
    return cols, []


def _shows_text(grid: Grid, r: int, c: int, formats: list[str]) -> bool:
    """Whether a formula cell gives text. A file saved without formula results (re-saved by
    openpyxl, or never opened in Excel) shows none, so then its number format tells."""
    value = grid.sheet.value(r, c)
    if value is None:
        return _format_type(grid, r, c, formats) is None
    return isinstance(value, str)


def _headings(grid: Grid, h: int, cols: list[int], rows, label_cols=()) -> dict | None:
    """Each column's heading from the row(s) above a block, or None when the block has none.

    Returns {'row': top heading row, 'depth': 1 or 2, 'text': {col: heading}, 'above': {col: group}}.
    """
    if h < 1 or h in rows and any(k != "spanned" for k in rows[h].values()):
        return None
    extent = max(c + grid.width(h + 1, c) - 1 for c in cols)
    bottom = {}
    for c in cols:
        merge = grid.sheet.merge_at(h, c)
        # A heading merged wider than the block is a title over the sheet, not a column's heading.
        bottom[c] = "" if merge and (merge[3] > extent or merge[1] < min(cols) and merge[0] == merge[2]) else grid.text(h, c)
    if not any(bottom.values()) and not (label_cols and grid.text(h, label_cols[0])):
        return None
    above_is_values = h - 1 in rows and any(k != "spanned" for k in rows[h - 1].values())
    text, above, depth = {}, {}, 1
    for c in cols:
        here = grid.top_left(h, c)
        top_cell = grid.top_left(h - 1, c)
        merge = grid.sheet.merge_at(h - 1, c) if h > 1 else None
        top = grid.text(h - 1, c) if h > 1 and not above_is_values else ""
        if here[0] == h - 1:                        # merged down over both heading rows
            text[c], depth = bottom[c], 2
        elif top and merge and merge[1] < merge[3] and sum(merge[1] <= x <= merge[3] for x in cols) > 1:
            text[c] = bottom[c]
            if top_cell[1] == c or merge[1] < min(cols) and c == min(cols):
                above[c] = top
        elif top and bottom[c]:
            text[c], depth = f"{top} {bottom[c]}", 2
        elif top and not bottom[c] and here == (h, c):
            text[c], depth = top, 2
        else:
            text[c] = bottom[c]
    return {"row": h - depth + 1, "depth": depth, "text": text, "above": above}


def _label_columns(grid: Grid, band, cols, head) -> list[int]:
    """Columns left of the values that name the rows: headed ones first, else the nearest with text."""
    left = range(1, min(cols))
    headed = [c for c in left if any(grid.text(r, c) and grid.top_left(r, c) == (r, c)
                                     for r in range(head["row"], head["row"] + head["depth"]))]
    with_text = [c for c in left if any(grid.text(r, c) for r in band)]
    if headed:
        return [c for c in headed if c in with_text or len(headed) == 1]
    return with_text[-1:]


def _table(grid, band, rows, cols, lookups, head, lists, formats, ids, out: Learned) -> None:
    label_cols = lookups or _label_columns(grid, band, cols, head)
    fixed = not lookups and bool(label_cols) and any(grid.text(r, c) for r in band for c in label_cols)
    hr, depth = head["row"], head["depth"]

    def head_of(c: int) -> str:
        return next((grid.text(r, c) for r in range(hr, hr + depth) if grid.text(r, c)), "")

    label_header = head_of(label_cols[0]) if label_cols else ""
    key_header = head_of(label_cols[1]) if fixed and len(label_cols) > 1 else ""
    extra = label_cols[2:] if fixed else []          # further headed text columns: shown, never typed
    table_id = unique(slug(label_header or head["text"][cols[0]] or f"{grid.name} table"), ids)
    columns, at_cols, col_ids = [], {}, set()
    for c in extra + cols:
        header = head["text"].get(c) or head_of(c)
        if not header and len(cols) == 1 and label_header:
            header = label_header
            out.confirm.append((f"tables.{table_id}.columns[{len(columns)}]",
                                "this column has no heading in the template; it is named after the heading left of it"))
        if not header:
            out.confirm.append((f"tables.{table_id}",
                                f"the column at {grid.name}!{column_letter(c)}{band[0]} has no heading and is left out"))
            continue
        cid = unique(slug(header), col_ids)
        column = {"id": cid, "header": header}
        if c in head["above"]:
            column["header_above"] = head["above"][c]
        kinds = [rows[r].get(c) for r in band if rows[r].get(c) in (INPUT, PREPOP, FORMULA)]
        role = "label" if c in extra else max(set(kinds), key=kinds.count) if kinds else INPUT
        if role != INPUT:
            column["role"] = role
        _typed(column, grid, band[0], c, lists, formats)
        width = grid.width(band[0], c)
        if width > 1:
            column["width"] = width
        columns.append(column)
        at_cols[cid] = c
    if not columns:
        return
    table = {"kind": "table", "id": table_id}
    if label_header:
        table["label_header"] = label_header
    if key_header:
        table["key_header"] = key_header
    table["columns"] = columns
    at = {"sheet": grid.name, "header_row": hr, "depth": depth, "columns": at_cols,
          "label_col": label_cols[0] if label_cols else None, "key_col": label_cols[1] if len(label_cols) > 1 else None}
    if fixed:
        _fixed_rows(grid, band, rows, table, at, label_cols)
    else:
        table["capacity"] = len(band)
        at["rows"] = list(band)
        if any(c.get("role", INPUT) == INPUT for c in columns) and len(band) > 1:
            table["column_checker"] = _has_column_checker(grid, hr)
    table["_at"] = at
    out.items.append(table)


def _fixed_rows(grid, band, rows, table, at, label_cols) -> None:
    label_col, key_col = label_cols[0], (label_cols[1] if len(label_cols) > 1 else None)
    described, row_ids, at_rows, ids = [], {}, [], set()
    for r in band:
        label = grid.text(r, label_col) if grid.top_left(r, label_col) == (r, label_col) else ""
        key = grid.text(r, key_col) if key_col and grid.top_left(r, key_col) == (r, key_col) else ""
        if not (label or key):
            continue
        rid = unique(slug(label or key[:40]), ids)
        row = {"id": rid, "label": label}
        if key:
            row["key"] = key
        roles = {}
        for column in table["columns"]:
            c = at["columns"][column["id"]]
            kind = rows[r].get(c)
            if kind in (INPUT, PREPOP, FORMULA) and kind != column.get("role", INPUT):
                roles[column["id"]] = kind
        if roles:
            row["roles"] = roles
        described.append(row)
        row_ids[rid] = r
        at_rows.append(r)
    if len(described) > 1 and fold(described[-1]["label"]) == "total":
        total = described.pop()
        table["total"] = total["label"]
        at["total_row"] = row_ids.pop(total["id"])
        at_rows.pop()
    table["rows"] = described
    at["rows"], at["row_ids"] = at_rows, row_ids


def _has_column_checker(grid: Grid, header_row: int) -> bool:
    return any(fold(grid.text(r, c)).startswith("column complete")
               for r in range(max(header_row - 3, 1), header_row) for c in range(1, 6))


def _questions(grid, band, rows, lists, formats, ids, out: Learned) -> None:
    """A block without headings: one question a row, labelled on its left; or answers under a question."""
    unlabelled = []
    for r in band:
        cols = sorted(c for c, k in rows[r].items() if k != "spanned")
        if not cols:
            continue
        c = cols[0]
        label_at = next((x for x in range(c - 1, max(c - SCAN_LEFT, 0), -1) if grid.text(r, x)), None)
        if label_at is None:
            unlabelled.append((r, c))
            continue
        label = grid.text(r, label_at)
        field = {"kind": "field", "id": unique(slug(label), ids), "label": label}
        if rows[r][c] != INPUT:
            field["role"] = rows[r][c]
        _typed(field, grid, r, c, lists, formats)
        width = grid.width(r, c)
        if width > 1:
            field["width"] = width
        field["_at"] = {"sheet": grid.name, "row": r, "col": c}
        out.items.append(field)
        for other in cols[1:]:
            out.confirm.append((f"fields.{field['id']}",
                                f"{grid.name}!{column_letter(other)}{r} stands beside it with no label of its own and is left out"))
    if unlabelled:
        _answers_under_a_question(grid, unlabelled, rows, lists, formats, ids, out)


def _answers_under_a_question(grid, cells, rows, lists, formats, ids, out: Learned) -> None:
    (r0, c0), inputs = cells[0], [x for x in cells if rows[x[0]][x[1]] == INPUT]
    question = next(((r0 - 1, x) for x in range(c0, 0, -1) if grid.text(r0 - 1, x)), None)
    if question is None or len({c for _, c in inputs}) != 1 or not inputs:
        for r, c in inputs:
            out.confirm.append((f"sheets.{grid.name}",
                                f"the input cell {column_letter(c)}{r} has no label beside or above it and is left out"))
        return
    text = grid.text(*question)
    table_id = unique(slug(text), ids)
    column = {"id": "answer", "header": text}
    _typed(column, grid, r0, c0, lists, formats)
    out.items.append({"kind": "table", "id": table_id, "capacity": len(inputs), "columns": [column],
                      "_at": {"sheet": grid.name, "header_row": question[0], "depth": 1,
                              "columns": {"answer": c0}, "rows": [r for r, _ in inputs], "label_col": None}})


def _typed(item: dict, grid: Grid, r: int, c: int, lists: Lists, formats: list[str]) -> None:
    """The value type: a drop-down's list, else what the cell's number format shows."""
    list_id = lists.cells.get((grid.name, r, c))
    if list_id:
        item["type"], item["list"] = "list", list_id
        return
    kind = _format_type(grid, r, c, formats)
    if kind:
        item["type"] = kind


def _format_type(grid: Grid, r: int, c: int, formats: list[str]) -> str | None:
    """'money', 'percent', 'date' or 'number' as the cell's number format shows it; None for text."""
    style = grid.sheet.get(r, c).style
    code = formats[style].lower() if 0 <= style < len(formats) else "general"
    code = code.split(";")[0]
    if "£" in code or "[$£" in code:
        return "money"
    if "%" in code:
        return "percent"
    if any(x in code.replace('"', "") for x in ("yy", "dd", "mmm")):
        return "date"
    if code not in ("general", "@") and "0" in code:
        return "number"
    return None
