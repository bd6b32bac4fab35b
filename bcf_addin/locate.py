"""Find a description's items in a workbook by their labels and headers.

Nothing here trusts a cell address: a template whose rows or columns have moved, whose headers
are split over two rows or merged, or whose labels differ in case, spacing or dashes is found
all the same. What cannot be found is reported by name, with the sheet: the first such thing
stops `locate`, while `bcf inspect` passes a recorder and is told of every one.
"""
from __future__ import annotations

import difflib
import re
from bisect import bisect_left
from datetime import datetime
from functools import lru_cache
from itertools import chain
from typing import Protocol

from .descriptions.schema import Field, Heading, SheetDescription, Table, TemplateDescription
from .errors import NotRecognised, WrongTemplate
from .folding import fold, fold_text
from .layout import FieldAt, Layout, SheetAt, TableAt
from .workbook import Sheet, Workbook

SCAN_RIGHT = 8          # how far right of a label its answer may sit
ROW_SLACK = 40          # how far below a header a fixed row may sit beyond its expected place
NEAR = 0.6              # how alike a sheet's text must be to a label to be offered as the nearest


class Index:
    """Folded text of every text cell of one sheet, for quick look-ups."""

    def __init__(self, sheet: Sheet):
        # Made for every sheet of every return located: written for speed.
        self.sheet = sheet
        self.text = text = {}
        for key, cell in sheet.cells.items():
            value = cell.value
            if isinstance(value, str):
                if value.strip():
                    text[key] = fold_text(value)
            elif isinstance(value, datetime):        # a month heading Excel made a date
                text[key] = fold(value)
        self.by_row: dict[int, list[int]] = {}
        # Where each text stands: a label is looked up, not searched for among every cell.
        self.cells_of: dict[str, list[tuple[int, int]]] = {}
        for key in sorted(text):
            if (cols := self.by_row.get(key[0])) is None:
                self.by_row[key[0]] = [key[1]]
            else:
                cols.append(key[1])
            if (places := self.cells_of.get(text[key])) is None:
                self.cells_of[text[key]] = [key]
            else:
                places.append(key)
        self._sorted_texts: list[str] | None = None

    def find(self, label: str, *, prefix: bool = False, after_row: int = 0, cols: range | None = None):
        want = fold(label)
        if prefix:
            places = [at for got in self._starting(want) for at in self.cells_of[got]]
        else:
            places = self.cells_of.get(want, [])
        return sorted(at for at in places if at[0] > after_row and (cols is None or at[1] in cols))

    def at(self, r: int, c: int) -> str:
        return self.text.get((r, c), "")

    def _starting(self, start: str) -> list[str]:
        """The sheet's texts that start with `start`, found in the sorted texts."""
        if self._sorted_texts is None:
            self._sorted_texts = sorted(self.cells_of)
        texts = self._sorted_texts
        first = i = bisect_left(texts, start)
        while i < len(texts) and texts[i].startswith(start):
            i += 1
        return texts[first:i]

    def heading_rows(self, start: int, heads: Heads) -> list[int]:
        """The rows at or below `start`, top to bottom, holding a text that could head a column
        of `heads`, alone or joined to the text below it: every row where heading_cells can find
        something (and a few where it finds nothing). The headings are looked up, so the rows of a
        table's lines are never read."""
        rows = {r for text in heads.whole for r, _ in self.cells_of.get(text, ())}
        for start_of in heads.prefixes:
            rows.update(r for text in self._starting(start_of) for r, _ in self.cells_of[text])
        return sorted(r for r in rows if r >= start)

    def heading_cells(self, r: int, depth: int, heads: Heads, not_headers=frozenset()) -> list[int]:
        """The columns of row `r`, left to right, whose text is one of `heads`. With depth 2 each
        text is joined to the one below it, for a heading split over two rows; a cell in
        `not_headers` heads nothing."""
        texts, by_row, exact, prefixes = self.text, self.by_row, heads.exact, heads.prefixes
        cols = by_row.get(r, ()) if depth == 1 else sorted({*by_row.get(r, ()), *by_row.get(r + 1, ())})
        found = []
        for c in cols:
            text = "" if (r, c) in not_headers else texts.get((r, c), "")
            if depth == 2 and text and (below := texts.get((r + 1, c))):
                text = f"{text} {below}"
            if text in exact or text.startswith(prefixes):
                found.append(c)
        return found

    def nearest(self, label: str, *, prefix: bool = False, rows: range | None = None) -> tuple[int, int] | None:
        """The cell whose text is most like `label` (a renamed heading, a reworded label), if any is close."""
        want = fold(label)
        texts: dict[str, tuple[int, int]] = {}
        for (r, c), got in sorted(self.text.items()):
            if rows is None or r in rows:
                texts.setdefault(got[:len(want) + 10] if prefix else got, (r, c))
        found = difflib.get_close_matches(want, list(texts), n=1, cutoff=NEAR)
        return texts[found[0]] if found else None


class Heads:
    """The headings of one or more columns, folded, made ready for looking them up."""

    def __init__(self, headings: tuple[tuple[str, tuple[str, ...], bool], ...]):
        heads = [(fold(h), prefix) for header, aliases, prefix in headings for h in (header, *aliases)]
        self.exact = frozenset(h for h, _ in heads)                 # texts that are a heading
        self.prefixes = tuple(h for h, prefix in heads if prefix)   # starts of texts that are one
        # Texts that are a heading or, with the text below joined on, may make one: a heading's
        # words up to a space ('scheme' above 'id' makes 'scheme id').
        self.whole = self.exact | {h[:i] for h, _ in heads for i, ch in enumerate(h) if ch == " "}


@lru_cache(maxsize=4096)
def heads_of(*headings: tuple[str, tuple[str, ...], bool]) -> Heads:
    """The Heads of columns given as (header, aliases, prefix): made once, for every workbook located."""
    return Heads(headings)


class NotFound(NotRecognised):
    """An item the locator cannot find, with what `bcf inspect` says about it."""

    def __init__(self, path: str, sheet: str, what: str, *, label: str = "", index: Index | None = None,
                 prefix: bool = False, rows: range | None = None):
        super().__init__(f"cannot find {what}; is this the right template and year?", file=path, sheet=sheet)
        self.what, self.label, self._index, self._prefix, self._rows = what, label, index, prefix, rows

    def nearest(self) -> tuple[str, int, int] | None:
        """(text, row, col) of the sheet's text most like the label looked for; worked out only when asked."""
        if not self.label or self._index is None:
            return None
        at = self._index.nearest(self.label, prefix=self._prefix, rows=self._rows)
        return (str(self._index.sheet.value(*at)).strip(), *at) if at else None


class Recorder(Protocol):
    """Told of every item not found, or found more than once, instead of stopping at the first."""

    def missing(self, sheet: SheetDescription, item: Field | Table | None, problem: NotFound) -> None: ...

    def twice(self, sheet: str, item: Field | Table, places: list[tuple[int, int]]) -> None: ...


def locate(wb: Workbook, desc: TemplateDescription, record: Recorder | None = None) -> Layout:
    """Where every item of `desc` is in `wb`. The first item not found raises NotFound, unless a
    recorder is given: then it is told of each, and the layout holds what was found."""
    layout = Layout(kind=desc.kind)
    for sheet_desc in desc.sheets:
        name = sheet_name(wb, sheet_desc)
        if name is None:
            if any(not isinstance(i, Heading) for i in sheet_desc.items):
                problem = NotFound(wb.path, "", f"the sheet '{sheet_desc.name}'")
                problem.message = f"has no sheet '{sheet_desc.name}', which a {desc.name} has"
                if record is None:
                    raise problem
                record.missing(sheet_desc, None, problem)
            continue
        layout.sheet_names[sheet_desc.name] = name
        _locate_sheet(wb.sheets[name], sheet_desc, layout, wb.path, record)
    return layout


def sheet_name(wb: Workbook, sheet: SheetDescription) -> str | None:
    wanted = {fold(n) for n in [sheet.name, *sheet.aliases]}
    for name in wb.sheets:
        if fold(name) in wanted:
            return name
    return None


def _locate_sheet(sheet: Sheet, desc: SheetDescription, layout: Layout, path: str, record: Recorder | None) -> None:
    index = Index(sheet)
    checklist = locate_checklist(index, desc.name)
    taken: set[tuple[int, int]] = set()
    # The sheet's own 'Complete:' is no table's heading, though the cover's checklist shares it.
    not_headers = {(checklist.complete[0] - 1, checklist.complete[1])} if checklist.complete else set()
    for item in desc.items:
        if isinstance(item, Table):
            try:
                at = locate_table(index, item, desc.name, path, not_headers)
            except NotFound as problem:
                if record is None:
                    raise
                record.missing(desc, item, problem)
                continue
            layout.tables[item.id] = at
            taken.update((at.header_row, c) for c in at.columns.values())
            if at.label_col:
                taken.add((at.header_row, at.label_col))
    for item in desc.items:
        if isinstance(item, Field):
            try:
                layout.fields[item.id] = locate_field(index, item, desc.name, taken, path, record)
            except NotFound as problem:
                if record is None:
                    raise
                record.missing(desc, item, problem)
    layout.sheets[desc.name] = checklist


def _fail(path: str, sheet: str, what: str, index: Index | None = None, label: str = "", **near) -> NotFound:
    return NotFound(path, sheet, what, label=label, index=index, **near)


def locate_field(index: Index, f: Field, sheet: str, taken, path: str, record: Recorder | None = None) -> FieldAt:
    hits = [h for h in index.find(f.label, prefix=f.prefix) if h not in taken]
    if not hits:
        shown = _showing_own_result(index, f)
        if shown:
            return FieldAt(f.id, sheet, *shown, *shown)
        raise _fail(path, sheet, f"the label '{f.label}'", index, f.label, prefix=f.prefix)
    if record is not None and len(hits) > 1:
        record.twice(sheet, f, hits)
    r, c = hits[0]
    taken.add((r, c))
    merge = index.sheet.merge_at(r, c)
    start = (merge[3] if merge else c) + 1
    col = _answer_column(index.sheet, r, start, f.role)
    return FieldAt(f.id, sheet, r, col, r, c)


def _showing_own_result(index: Index, f: Field) -> tuple[int, int] | None:
    """A formula cell with no label beside it, known by what it shows.

    NHS England's cover has no label for its status cell under the title: the cell is found as
    the formula giving the texts the description's formula gives ('Incomplete Template' /
    'Template Complete'), by its saved result or, where none was saved, by the formula itself.
    Short texts ("Yes", "No") are what checker cells give too, so they do not count.
    """
    if f.role != "formula" or not f.formula:
        return None
    results = [text for text in re.findall(r'"([^"]+)"', f.formula) if len(text) > 3]
    if not results:
        return None
    shown = {fold(text) for text in results}
    for (r, c), cell in sorted(index.sheet.cells.items()):
        if cell.formula and (fold(cell.value) in shown or all(f'"{text}"' in cell.formula for text in results)):
            return r, c
    return None


def _answer_column(sheet: Sheet, row: int, start: int, role: str) -> int:
    """The first cell right of a label that holds the answer: unlocked for an input, else filled."""
    for c in range(start, start + SCAN_RIGHT):
        cell = sheet.get(row, c)
        if role == "input" and not cell.locked:
            return c
        if role != "input" and (cell.formula or cell.value is not None or cell.fill):
            return c
    return start


def _header_matches(text: str, header: str, aliases: list[str], prefix: bool) -> bool:
    for h in (header, *aliases):
        want = fold(h)
        if text == want or (prefix and text.startswith(want)):
            return True
    return False


def locate_table(index: Index, t: Table, sheet: str, path: str, not_headers=frozenset()) -> TableAt:
    start = 0
    if t.title:
        titles = index.find(t.title)
        if not titles:
            raise _fail(path, sheet, f"the heading '{t.title}'", index, t.title)
        start = titles[0][0]
    # The same heading can stand elsewhere on the sheet ('Complete:'): take the first candidate
    # under which the table's rows are found. Candidates are found as they are tried, so the
    # sheet below the table's header (a few thousand lines) is read only when that one fails.
    error = None
    for header_row, columns, depth in chain(_header_rows(index, t, start, not_headers), _unheaded(index, t, start)):
        try:
            return _table_at(index, t, sheet, path, header_row, columns, depth)
        except WrongTemplate as exc:
            error = error or exc
    raise error or _missing_heading(index, t, start, path, sheet)


def headings_found(index: Index, t: Table, start: int = 0) -> tuple[set[str], int]:
    """The ids of the table's columns whose headings stand on the row (or pair of rows, for split
    headings) that has most of them, at or after `start`, and that row."""
    best, best_row = set(), start
    for r in sorted(index.by_row):
        if r < start:
            continue
        texts = []
        for c in {*index.by_row[r], *index.by_row.get(r + 1, [])}:
            top, below = index.at(r, c), index.at(r + 1, c)
            texts += [top, below, f"{top} {below}"]
        found = {col.id for col in t.columns
                 if any(_header_matches(text, col.header, col.aliases, col.prefix) for text in texts if text.strip())}
        if len(found) > len(best):
            best, best_row = found, r
    return best, best_row


def _missing_heading(index: Index, t: Table, start: int, path: str, sheet: str) -> NotFound:
    """The heading that stops a table being found: the first one missing from the row that has
    the most of the table's headings (a renamed heading among ones found)."""
    best, best_row = headings_found(index, t, start)
    # A required heading is what stops the table; an optional one missing besides it is not.
    missing = sorted((col for col in t.columns if col.id not in best),
                     key=lambda col: col.role == "input" and col.required is False)
    if not best or not missing:
        return _fail(path, sheet, f"the table headed '{t.columns[0].header}'", index, t.columns[0].header)
    col, more = missing[0], len(missing) - 1
    return _fail(path, sheet, f"the heading '{col.header}' of the table {t.id}" + (f" (and {more} more)" if more else ""),
                 index, col.header, prefix=col.prefix, rows=range(best_row, best_row + 2))


def _unheaded(index: Index, t: Table, start: int):
    """A one-column table whose value column has no heading: its values stand right of the label heading.

    NHS England's 2025-26 income sheet heads its DFG breakdown 'DFG breakdown for two-tier areas
    only (where applicable)' and leaves the amounts' heading cell blank.
    """
    if not t.label_header or len(t.columns) != 1:
        return
    for r, c in index.find(t.label_header, prefix=True, after_row=start - 1):
        merge = index.sheet.merge_at(r, c)
        yield r, {t.columns[0].id: (merge[3] if merge else c) + 1}, 1


def _table_at(index: Index, t: Table, sheet: str, path: str, header_row: int, columns: dict, depth: int) -> TableAt:
    first_data_col = min(columns.values())
    label_col = key_col = None
    if t.label_header:
        hits = [h for h in index.find(t.label_header, prefix=True, after_row=header_row - 1 - (depth - 1))
                if h[0] <= header_row + depth - 1 and h[1] < first_data_col]
        if hits:
            label_col = hits[0][1]
    if t.key_header:
        hits = [h for h in index.find(t.key_header, prefix=True, after_row=header_row - 1)
                if h[0] <= header_row + depth - 1 and h[1] < first_data_col]
        if hits:
            key_col = hits[0][1]
    data_start = header_row + depth
    if t.rows is None and len(columns) == 1:
        columns = _answers_beside(index.sheet, t, columns, data_start)
    if t.rows is not None:
        rows, row_ids, label_col, key_col = _fixed_rows(index, t, data_start, first_data_col, label_col, key_col, path, sheet)
    else:
        rows, row_ids = _open_rows(index.sheet, t, data_start, columns, label_col), {}
    total_row = None
    if t.total:
        hits = index.find(t.total, after_row=rows[-1], cols=range(1, first_data_col))
        total_row = hits[0][0] if hits else None
    checker_row = None
    if t.column_checker:
        # The Yes/No row sits between its 'Column complete:' label and the header.
        for r in range(header_row - 1, max(header_row - 4, 0), -1):
            if any(index.at(r, c).startswith("column complete") for c in index.by_row.get(r, [])):
                checker_row = r + 1 if r + 1 < header_row else r
                break
    return TableAt(t.id, sheet, header_row, columns, rows, row_ids, label_col, key_col, total_row, checker_row)


def _header_rows(index: Index, t: Table, start: int, not_headers=frozenset()):
    """Rows (at or after `start`) carrying every column's heading, top first.

    A heading may be split over two rows ("Scheme" / "ID"): those are joined before matching,
    while a heading merged down over both rows is read from the top one. Where the table has a
    label heading it must stand in the same row, left of the columns, which tells apart tables
    whose columns are alike ("Contribution").
    Yields (header_row, {column id: col}, depth) with depth 2 for split headings.
    """
    # Optional answers (a comments column, say) may be missing or renamed in another year's file;
    # the columns that hold required answers, labels the checks read, or formulas must be there.
    # Rows with every heading come first: an optional heading can be what tells two tables apart.
    optional = {c.id for c in t.columns if c.role == "input" and c.required is False}
    must = {c.id for c in t.columns} - optional or {c.id for c in t.columns}
    partial, unlabelled = [], []
    own = {column.id: (column.header, tuple(column.aliases), column.prefix) for column in t.columns}
    heads = heads_of(*own.values())
    own = {cid: heads_of(heading) for cid, heading in own.items()}
    label = heads_of((t.label_header, (), True)) if t.label_header else None
    # Only rows with a text that may head a column are looked at: most rows are table lines.
    for r in index.heading_rows(start, heads):
        for depth in (1, 2):
            if not index.heading_cells(r, depth, heads, not_headers):
                continue
            cols = {}
            for column in t.columns:
                c = next((c for c in index.heading_cells(r, depth, own[column.id], not_headers)
                          if c not in cols.values()), None)
                if c is not None:
                    cols[column.id] = c
                    continue
                if t.title and depth == 1 and cols:
                    shared = _heading_above(index, column, start, r, cols)
                    if shared:
                        cols[column.id] = shared
                        continue
                if column.id in must:
                    break
            if not must <= cols.keys() or not cols:
                continue
            if t.label_header and not any(c < min(cols.values()) for c in index.heading_cells(r, depth, label, not_headers)):
                # Under its own title a table is told apart already; NHS England's metric plan tables
                # leave the cell left of their month headings blank.
                if t.title:
                    unlabelled.append((r, cols, depth))
                break
            if len(cols) == len(t.columns):
                yield r, cols, depth
            else:
                partial.append((r, cols, depth))
            break
    yield from partial
    yield from unlabelled


def _answers_beside(sheet: Sheet, t: Table, columns: dict[str, int], data_start: int) -> dict[str, int]:
    """A one-column list of answers asked by a question heading: the yellow cells may stand right of it.

    NHS England's cover asks 'In addition to this template the HWB are submitting the following:'
    in the label column and takes the documents in the column beside it.
    """
    (cid, col), = columns.items()
    if t.column(cid).role != "input" or not sheet.get(data_start, col).locked:
        return columns
    for c in range(col + 1, col + SCAN_RIGHT):
        if not sheet.get(data_start, c).locked:
            return {cid: c}
    return columns


def _heading_above(index: Index, column, start: int, row: int, cols: dict[str, int]) -> int | None:
    """A heading on a row above, between the table's title and its header row, right of its columns.

    NHS England's metrics stack the plan under the actuals, and one rationale cell, merged down
    beside both, is headed once on the actuals' heading row.
    """
    for r in range(row - 1, start, -1):
        for c in index.by_row.get(r, []):
            if c > max(cols.values()) and _header_matches(index.at(r, c), column.header, column.aliases, column.prefix):
                return c
    return None


def _fixed_rows(index: Index, t: Table, data_start: int, first_data_col: int, label_col, key_col, path, sheet):
    rows, row_ids = [], {}
    last = data_start - 1
    limit = data_start + len(t.rows) + ROW_SLACK
    label_cols = range(1, first_data_col)
    for row in t.rows:
        found = None
        if row.slot is not None:
            # Its key is the HWB's own (a trust's name) or a blank: it is known by its place,
            # straight under the row before it.
            rows.append(last + 1)
            if row.id:
                row_ids[row.id] = last + 1
            last += 1
            continue
        for r in range(last + 1, limit):
            label_ok = not row.label or any(
                _header_matches(index.at(r, c), row.label, row.aliases, False)
                for c in ([label_col] if label_col else label_cols))
            key_ok = not row.key or any(index.at(r, c).startswith(fold(row.key)) for c in label_cols)
            if row.label and not any(index.at(r, c) for c in label_cols):
                continue
            if label_ok and key_ok and (row.label or row.key):
                found = r
                break
        if found is None:
            raise _fail(path, sheet, f"the row '{row.label or row.key}'", index, row.label or row.key,
                        prefix=not row.label, rows=range(last + 1, limit))
        if label_col is None and row.label:
            label_col = next(c for c in label_cols if _header_matches(index.at(found, c), row.label, row.aliases, False))
        if key_col is None and row.key:
            # A label may begin with its key's words ('Percentage of people ...' beside 'Percentage').
            key_col = next((c for c in label_cols if c != label_col and index.at(found, c).startswith(fold(row.key))),
                           None) or next(c for c in label_cols if index.at(found, c).startswith(fold(row.key)))
        rows.append(found)
        if row.id:
            row_ids[row.id] = found
        last = found
    for extra in range(t.blank_rows):
        rows.append(last + 1 + extra)
    return rows, row_ids, label_col, key_col


def _open_rows(sheet: Sheet, t: Table, data_start: int, columns: dict[str, int], label_col) -> list[int]:
    """The input lines under an open table's header: as far down as its cells stay unlocked."""
    inputs = [columns[c.id] for c in t.columns if c.role == "input" and c.id in columns]
    if not inputs:
        rows = []
        for r in range(data_start, data_start + t.capacity):
            label = sheet.value(r, label_col) if label_col else None
            if isinstance(label, str) and fold(label).startswith("total"):
                break
            rows.append(r)
        return rows
    probe = inputs[0]
    rows = []
    r = data_start
    while not sheet.get(r, probe).locked:
        rows.append(r)
        r += 1
    return rows or list(range(data_start, data_start + t.capacity))


def locate_checklist(index: Index, sheet: str) -> SheetAt:
    """The sheet's own 'Complete:' cell near the top, and so its checker column."""
    for (r, c) in sorted(index.text):
        if r > 8:
            break
        if index.at(r, c) == "complete":
            return SheetAt(sheet, c, (r + 1, c))
    return SheetAt(sheet)
