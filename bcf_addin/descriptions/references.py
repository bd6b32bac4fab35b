"""Every name a description uses, checked against what the description itself declares.

A misspelt name is rarely a crash: `spend: expenditur` gives £0 spent for every source, and a
condition on a field that does not exist is never true. So a description is checked whole when
it loads, and every broken reference is reported at once with its YAML path, the way a person
fixing the file wants to see them. Paths name an item by its id (`tables.schemes.columns[3].list`,
`fields.hwb.formula`) and everything else as it is written (`finance.sources[1].income[0]`).
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator

from .. import paths
from .lists import _read_csv
from .section_references import Loc, SectionReferences, column_problem, has_column, is_kind

if TYPE_CHECKING:   # schema.py runs these checks as it validates: it imports this module, not the other way
    from .schema import Field, Heading, Requirement, Row, Table, TemplateDescription

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_ROW_ID = "{row.id}"
_EACH_ROW = "\x00"              # {row.id} while checking an expression for all its rows at once


def problems(desc: TemplateDescription) -> list[tuple[Loc, str]]:
    """(YAML path, what is wrong) for every reference that names nothing in the description."""
    found = _References(desc)
    found.run()
    return list(dict.fromkeys(found.problems))     # a column formula is checked once per row


def item_loc(item: Field | Table) -> Loc:
    return ("fields" if is_kind(item, "field") else "tables", item.id)


class _References(SectionReferences):
    """Items, lists, fields, tables and formulas here; finance, carry and capacity_demand in
    SectionReferences."""

    def __init__(self, desc: TemplateDescription):
        self.desc = desc
        self.problems: list[tuple[Loc, str]] = []
        self.items: dict[str, Field | Table] = {}
        self.sheets = {s.name: s for s in desc.sheets}
        self._rows: dict[int, dict[str, Row]] = {}

    def _row(self, table: Table, rid: str) -> Row | None:
        # A C&D table has a hundred slot rows whose formulas name rows of another: index them once.
        if id(table) not in self._rows:
            self._rows[id(table)] = {r.id: r for r in table.rows or [] if r.id}
        return self._rows[id(table)].get(rid)

    def problem(self, loc: Loc, message: str) -> None:
        self.problems.append((loc, message))

    def run(self) -> None:
        self._items()
        if self.desc.identity.sheet not in self.sheets:
            self.problem(("identity", "sheet"), f"names no sheet of this description ('{self.desc.identity.sheet}')")
        self._lists()
        for loc, item in self._located_items():
            if is_kind(item, "heading"):
                self._link(loc, item)
            elif is_kind(item, "field"):
                self._field(loc, item)
            else:
                self._table(loc, item)
        if self.desc.finance is not None:
            self._finance()
        self._carry()
        self._capacity_demand()

    # -- items and lists ----------------------------------------------------------------------
    def _located_items(self) -> Iterator[tuple[Loc, Field | Table | Heading]]:
        for si, sheet in enumerate(self.desc.sheets):
            for ii, item in enumerate(sheet.items):
                yield (("sheets", si, "items", ii) if is_kind(item, "heading") else item_loc(item)), item

    def _items(self) -> None:
        for si, sheet in enumerate(self.desc.sheets):
            for ii, item in enumerate(sheet.items):
                if is_kind(item, "heading"):
                    continue
                if item.id in self.items:
                    self.problem(("sheets", si, "items", ii, "id"), f"item id {item.id} is used twice")
                else:
                    self.items[item.id] = item

    def _lists(self) -> None:

        for name, src in self.desc.lists.items():
            if not src.file:
                values = list(src.values or [])
            elif not (paths.reference() / src.file).is_file():
                self.problem(("lists", name, "file"), f"no reference file '{src.file}' in workbooks/reference")
                continue
            else:
                rows = _read_csv(src.file)
                if src.list:
                    values = [r.get("Value") for r in rows if r.get("List") == src.list]
                    where = ("lists", name, "list")
                elif src.column:
                    values = [r.get(src.column) for r in rows if r.get(src.column)]
                    where = ("lists", name, "column")
                else:
                    self.problem(("lists", name), f"a list from {src.file} names its list or its column")
                    continue
                if not values:
                    self.problem(where, f"'{src.list or src.column}' is not in {src.file}")
                    continue
            for old, new in src.aliases.items():
                if new not in values:
                    self.problem(("lists", name, "aliases", old), f"maps to '{new}', which is not in the list")
            if src.previous and (not src.file or src.previous not in (rows[0] if rows else {})):
                self.problem(("lists", name, "previous"), f"'{src.previous}' is not a column of {src.file}")
            if src.depends_on:
                self._depends_on(name, src)

    def _depends_on(self, name: str, src) -> None:
        """A dependent list and the list it depends on are columns of one file, read row by row."""
        parent = self.desc.lists.get(src.depends_on)
        if parent is None:
            self.problem(("lists", name, "depends_on"), f"the list '{src.depends_on}' is not declared under lists")
        elif not (src.file and src.column and parent.file == src.file and parent.column):
            self.problem(("lists", name, "depends_on"),
                         f"'{src.depends_on}' must be a column of the same file as this list ({src.file})")

    def _list(self, loc: Loc, name: str | None) -> None:
        if name and name not in self.desc.lists:
            self.problem(loc, f"the list '{name}' is not declared under lists")

    def _link(self, loc: Loc, heading: Heading) -> None:
        target = heading.target
        if heading.style == "link" and target and "://" not in target and target not in self.sheets:
            self.problem(loc + ("target",), f"links to '{target}', which is no sheet of this description")

    # -- fields and tables --------------------------------------------------------------------
    def _field(self, loc: Loc, f: Field) -> None:
        self._list(loc + ("list",), f.list)
        if f.formula:
            self._formula(loc + ("formula",), f.formula)
        self._requirement(loc + ("required",), f.required, None)

    def _table(self, loc: Loc, t: Table) -> None:
        for i, c in enumerate(t.columns):
            here = loc + ("columns", i)
            self._list(here + ("list",), c.list)
            self._requirement(here + ("required",), c.required, t)
            if c.total:
                self._formula(here + ("total",), c.total, table=t, total=True)
            users = [r for r in t.rows or [] if t.formula(r, c) == c.formula]
            if c.formula and (t.rows is None or users):      # not where every row has its own
                self._formula(here + ("formula",), c.formula, table=t, rows=users)
        for k, row in enumerate(t.rows or []):
            here = loc + ("rows", k)
            for cid, value in row.values.items():
                self._formula(here + ("values", cid), value, table=t, rows=[row])
            for cid, req in row.required.items():
                self._requirement(here + ("required", cid), req, t)
        if t.lines_when is not None:
            self._requirement(loc + ("lines_when",), t.lines_when, None)

    def _requirement(self, loc: Loc, req: bool | Requirement, table: Table | None) -> None:
        if isinstance(req, bool) or req.when is None:
            return
        name, loc = req.when.field, loc + ("when", "field")
        if name.startswith("row."):
            if table is None:
                self.problem(loc, f"'{name}' is only meaningful on a table's own cells; name a field here")
            elif not has_column(table, name[4:]):
                self.problem(loc, f"'{name}': table {table.id} has no column '{name[4:]}'")
        elif not is_kind(self.items.get(name), "field"):
            self.problem(loc, f"'{name}' is no field of this description")

    # -- formula placeholders -----------------------------------------------------------------
    def _formula(self, loc: Loc, expr: str, *, table: Table | None = None, rows: list[Row] = (),
                 total: bool = False) -> None:
        """Each {placeholder} resolved as evaluate.py and the replica builder resolve it, for every
        row the expression serves ({row.id} is each row's id in turn)."""
        if _ROW_ID in expr:
            if not rows or not all(r.id for r in rows):
                self.problem(loc, f"{_ROW_ID} is only meaningful in fixed rows with ids")
                return
            expr = expr.replace(_ROW_ID, _EACH_ROW)
        for _ in range(3):          # inner placeholders first, as the resolvers do
            names = _PLACEHOLDER.findall(expr)
            if not names:
                break
            for name in names:
                why = self._placeholder_in_rows(name, table, total, rows)
                if why:
                    self.problem(loc, f"{{{name}}} {why}".replace(_EACH_ROW, _ROW_ID))
            expr = _PLACEHOLDER.sub("0", expr)

    def _placeholder_in_rows(self, name: str, table: Table | None, total: bool, rows: list[Row]) -> str | None:
        if _EACH_ROW not in name:
            return self._placeholder(name, table, total)
        reasons = (self._placeholder(name.replace(_EACH_ROW, r.id), table, total) for r in rows)
        return "; ".join(dict.fromkeys(r for r in reasons if r)) or None

    def _placeholder(self, name: str, table: Table | None, total: bool = False) -> str | None:
        if name.startswith("complete:"):
            sheet = self.sheets.get(name.split(":", 1)[1])
            if sheet is None:
                return "names no sheet of this description"
            return None if sheet.complete_cell else "names a sheet without a Complete cell"
        if name == "col":
            return None if table is not None else "is only meaningful in a table's column"
        parts = name.split(".")
        if parts[0] == "row":
            return self._row_placeholder(parts, table, total)
        if len(parts) == 1:
            if is_kind(self.items.get(name), "field"):
                return None
            return "is a table, not a field" if name in self.items else "names no field of this description"
        if len(parts) == 2 and table is not None and self._row(table, parts[0]) is not None:
            return column_problem(table, parts[1])
        if len(parts) > 3:
            return "is not a field, table.column or table.row.column"
        t = self.items.get(parts[0])
        if not is_kind(t, "table"):
            return f"names no table '{parts[0]}'"
        if len(parts) == 3 and self._row(t, parts[1]) is None:
            return f"names no row '{parts[1]}' of table {t.id}"
        return column_problem(t, parts[-1])

    @staticmethod
    def _row_placeholder(parts: list[str], table: Table | None, total: bool) -> str | None:
        if table is None:
            return "is only meaningful in a table"
        if len(parts) != 2:
            return "is not row.<column>, row.label or row.id"
        if parts[1] == "id":
            return "is only meaningful in a fixed row with an id"
        if parts[1] == "label":
            return "has no label in a total" if total else None
        problem = column_problem(table, parts[1])
        if problem is None and total and not table.column(parts[1]).total:
            return f"in a total needs column '{parts[1]}' to have a total"
        return problem
