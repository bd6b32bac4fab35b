"""Each item of a description looked for in a workbook, as `bcf inspect` reports it: the sheet, field,
table, column, list or formula where the locator found it, or what it met instead.

Location is the locator's own (bcf_addin.locate, run with a recorder), so inspect says exactly
what populate and check would meet.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .descriptions.loader import list_values
from .descriptions.schema import Field, Heading, SheetDescription, Table, TemplateDescription
from .errors import BcfError
from .folding import fold
from .layout import Layout, TableAt
from .locate import Index, NotFound, headings_found, locate
from .workbook import Sheet, Workbook, cell_ref, column_letter, parse_ref

FOUND, TWICE, MISSING, NO_INPUT, NOTE = "found", "found twice", "not found", "no input cells", "note"
PROBLEMS = (MISSING, NO_INPUT)


@dataclass
class Outcome:
    """One thing looked for: a sheet, field, table, column, list or formula."""

    what: str                    # sheet, field, table, column, list, formula
    id: str
    sheet: str
    text: str                    # the label or heading looked for
    status: str
    at: str = ""                 # cell or range where found
    why: str = ""
    nearest: str = ""            # the sheet's text most like it, where one is close
    nearest_at: str = ""
    also: list[str] = field(default_factory=list)    # the other places, when found twice


class _Recorder:
    def __init__(self, wb: Workbook):
        self.wb = wb
        self.missing_items: list[tuple[SheetDescription, Field | Table | None, NotFound]] = []
        self.twice_items: dict[str, list[tuple[int, int]]] = {}

    def missing(self, sheet, item, problem) -> None:
        self.missing_items.append((sheet, item, problem))

    def twice(self, sheet, item, places) -> None:
        self.twice_items[item.id] = places


def outcomes(wb: Workbook, desc: TemplateDescription) -> list[Outcome]:
    record = _Recorder(wb)
    layout = locate(wb, desc, record)
    out: list[Outcome] = []
    missing = {(s.name, item.id if item else None): p for s, item, p in record.missing_items}
    for sheet_desc in desc.sheets:
        items = [i for i in sheet_desc.items if not isinstance(i, Heading)]
        if not items:
            continue
        if (sheet_desc.name, None) in missing:
            out.append(_sheet_missing(wb, sheet_desc))
            continue
        name = layout.workbook_sheet(sheet_desc.name)
        sheet = wb.sheets[name]
        for item in items:
            problem = missing.get((sheet_desc.name, item.id))
            if problem is not None:
                out += _not_found(item, sheet, problem)
            elif isinstance(item, Field):
                out += _field(desc, sheet, layout, item, record.twice_items.get(item.id, []))
            else:
                out += _table(desc, sheet, layout.tables[item.id], item)
    return out


def _sheet_missing(wb: Workbook, sheet_desc: SheetDescription) -> Outcome:
    import difflib

    names = {fold(n): n for n in wb.sheets}
    close = difflib.get_close_matches(fold(sheet_desc.name), list(names), n=1, cutoff=0.6)
    items = sum(1 for i in sheet_desc.items if not isinstance(i, Heading))
    return Outcome("sheet", sheet_desc.name, sheet_desc.name, sheet_desc.name, MISSING,
                   why=f"no sheet of this name (nor {', '.join(repr(a) for a in sheet_desc.aliases)})"
                   if sheet_desc.aliases else f"no sheet of this name, so its {items} items were not looked for",
                   nearest=names[close[0]] if close else "")


def _not_found(item: Field | Table, sheet: Sheet, problem: NotFound) -> list[Outcome]:
    text = item.label if isinstance(item, Field) else (item.title or item.columns[0].header)
    out = Outcome("field" if isinstance(item, Field) else "table", item.id, sheet.name, problem.label or text, MISSING,
                  why=f"cannot find {problem.what}")
    near = problem.nearest()
    if near:
        out.nearest, out.nearest_at = near[0], cell_ref(near[1], near[2])
    missing = _headings_missing(item, sheet, problem, near)
    if len(missing) < 2:
        return [out]
    # The locator names the first heading it misses; each is said here, with the text nearest it.
    out.text = text
    out.nearest = out.nearest_at = ""
    out.why = (f"cannot find {len(missing)} of its {len(item.columns)} headings, each listed below as a column "
               "not found")
    return [out, *missing]


def _headings_missing(item: Field | Table, sheet: Sheet, problem: NotFound, near) -> list[Outcome]:
    """A table found by some of its headings but not all: a column outcome for each heading missing."""
    if not isinstance(item, Table) or problem.label not in {c.header for c in item.columns}:
        return []
    index = Index(sheet)
    found, row = headings_found(index, item, max(near[1] - 1, 0) if near else 0)
    if not found:
        return []
    out = []
    for column in item.columns:
        if column.id in found:
            continue
        optional = column.role == "input" and column.required is False
        o = Outcome("column", f"{item.id}.{column.id}", sheet.name, column.header, NOTE if optional else MISSING,
                    why="heading not found" + (" (an optional column: left out)" if optional else ""))
        at = index.nearest(column.header, prefix=column.prefix, rows=range(row, row + 2))
        if at:
            o.nearest, o.nearest_at = str(sheet.value(*at)).strip(), cell_ref(*at)
        out.append(o)
    return out


def _field(desc: TemplateDescription, sheet: Sheet, layout: Layout, f: Field, twice: list) -> list[Outcome]:
    at = layout.fields[f.id]
    cell = sheet.get(at.row, at.col)
    found = Outcome("field", f.id, sheet.name, f.label, FOUND, at.ref)
    if (at.label_row, at.label_col) != (at.row, at.col):
        found.why = f"label at {cell_ref(at.label_row, at.label_col)}"
    if len(twice) > 1:
        found.status = TWICE
        found.also = [cell_ref(r, c) for r, c in twice[1:]]
        found.why = f"label at {cell_ref(*twice[0])} is used; the same label stands at {', '.join(found.also)}"
    if f.role == "input" and sheet.protected and cell.locked:
        found.status = NO_INPUT
        found.why = f"label found at {cell_ref(at.label_row, at.label_col)}, but no unlocked cell right of it"
    out = [found]
    out += _formula(f.id, sheet, f.label, f.formula if f.role == "formula" else None, at.row, at.col)
    out += _list(desc, sheet, f.id, f.list if f.role == "input" else None, at.row, at.col)
    return out


def _table(desc: TemplateDescription, sheet: Sheet, at: TableAt, t: Table) -> list[Outcome]:
    cols = sorted(at.columns.values())
    first, last = at.rows[0] if at.rows else at.header_row, at.rows[-1] if at.rows else at.header_row
    where = f"{cell_ref(at.header_row, min([*cols, at.label_col or cols[0]]))}:{cell_ref(last, cols[-1])}"
    found = Outcome("table", t.id, sheet.name, t.title or t.columns[0].header, FOUND, where,
                    why=f"headings on row {at.header_row}, {len(at.rows)} row{'s' * (len(at.rows) != 1)}")
    out = [found]
    inputs = [c for c in t.columns if c.role == "input" and c.id in at.columns]
    if t.rows is None and inputs and at.rows and sheet.protected and sheet.get(first, at.columns[inputs[0].id]).locked:
        found.status = NO_INPUT
        found.why = (f"headings found on row {at.header_row}, but no input rows under them "
                     f"({cell_ref(first, at.columns[inputs[0].id])} is locked)")
    row = t.rows[0] if t.rows else None
    for column in t.columns:
        col = at.columns.get(column.id)
        cid = f"{t.id}.{column.id}"
        if col is None:
            optional = column.role == "input" and column.required is False
            out.append(Outcome("column", cid, sheet.name, column.header, NOTE if optional else MISSING,
                               why="heading not found" + (" (an optional column: left out)" if optional else "")))
            continue
        letter = column_letter(col)
        out.append(Outcome("column", cid, sheet.name, column.header, FOUND, f"{letter}{first}:{letter}{last}"))
        role = t.role(row, column)
        out += _formula(cid, sheet, column.header, t.formula(row, column) if role == "formula" else None, first, col)
        out += _list(desc, sheet, cid, column.list if role == "input" else None, first, col)
    return out


def _formula(item: str, sheet: Sheet, text: str, formula: str | None, row: int, col: int) -> list[Outcome]:
    if not formula:
        return []
    cell = sheet.get(row, col)
    if cell.formula:
        return [Outcome("formula", item, sheet.name, text, FOUND, cell_ref(row, col))]
    held = "is blank" if cell.value in (None, "") else f"holds the value {cell.value!r}"
    return [Outcome("formula", item, sheet.name, text, NOTE, cell_ref(row, col),
                    why=f"the template's formula is expected here, but the cell {held}")]


def _list(desc: TemplateDescription, sheet: Sheet, item: str, name: str | None, row: int, col: int) -> list[Outcome]:
    if not name:
        return []
    try:
        values = list_values(desc.lists[name])
    except (BcfError, KeyError, OSError) as exc:
        return [Outcome("list", item, sheet.name, name, MISSING, cell_ref(row, col), why=f"the list cannot be read: {exc}")]
    dropdown = _dropdown(sheet, row, col)
    if dropdown:
        return [Outcome("list", item, sheet.name, name, FOUND, cell_ref(row, col),
                        why=f"{len(values)} values; drop-down {dropdown}")]
    return [Outcome("list", item, sheet.name, name, NOTE, cell_ref(row, col),
                    why=f"{len(values)} values; no drop-down on the cell (values are still checked against the list)")]


def _dropdown(sheet: Sheet, row: int, col: int) -> str:
    for sqref, formula in sheet.validations:
        for part in sqref.split():
            a, _, b = part.partition(":")
            (r1, c1), (r2, c2) = parse_ref(a), parse_ref(b or a)
            if r1 <= row <= r2 and c1 <= col <= c2:
                return formula
    return ""
