"""Every name a description uses, checked against what the description itself declares.

A misspelt name is rarely a crash: `spend: expenditur` gives £0 spent for every source, and a
condition on a field that does not exist is never true. So a description is checked whole when
it loads, and every broken reference is reported at once with its YAML path, the way a person
fixing the file wants to see them. Paths name an item by its id (`tables.schemes.columns[3].list`,
`fields.hwb.formula`) and everything else as it is written (`finance.sources[1].income[0]`).
"""
from __future__ import annotations

import re
from typing import Iterator

from typing import TYPE_CHECKING

from .. import paths
from ..errors import BcfError
from ..folding import fold
from .funding import IN_FULL, source_for, source_names
from .lists import _read_csv, list_values

if TYPE_CHECKING:   # schema.py runs these checks as it validates: it imports this module, not the other way
    from .schema import Field, Requirement, Row, Table, TemplateDescription

Loc = tuple
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_ROW_ID = "{row.id}"
_EACH_ROW = "\x00"              # {row.id} while checking an expression for all its rows at once


def problems(desc: TemplateDescription) -> list[tuple[Loc, str]]:
    """(YAML path, what is wrong) for every reference that names nothing in the description."""
    found = _References(desc)
    found.run()
    return list(dict.fromkeys(found.problems))     # a column formula is checked once per row


def _is(item, kind: str) -> bool:
    """Whether a description's item is a field, a table or a heading, by its `kind` tag."""
    return getattr(item, "kind", None) == kind


def item_loc(item: Field | Table) -> Loc:
    return ("fields" if _is(item, "field") else "tables", item.id)


class _References:
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
            if _is(item, "heading"):
                self._link(loc, item)
            elif _is(item, "field"):
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
                yield (("sheets", si, "items", ii) if _is(item, "heading") else item_loc(item)), item

    def _items(self) -> None:
        for si, sheet in enumerate(self.desc.sheets):
            for ii, item in enumerate(sheet.items):
                if _is(item, "heading"):
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
            elif not _has_column(table, name[4:]):
                self.problem(loc, f"'{name}': table {table.id} has no column '{name[4:]}'")
        elif not _is(self.items.get(name), "field"):
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
            if _is(self.items.get(name), "field"):
                return None
            return "is a table, not a field" if name in self.items else "names no field of this description"
        if len(parts) == 2 and table is not None and self._row(table, parts[0]) is not None:
            return _column_problem(table, parts[1])
        if len(parts) > 3:
            return "is not a field, table.column or table.row.column"
        t = self.items.get(parts[0])
        if not _is(t, "table"):
            return f"names no table '{parts[0]}'"
        if len(parts) == 3 and self._row(t, parts[1]) is None:
            return f"names no row '{parts[1]}' of table {t.id}"
        return _column_problem(t, parts[-1])

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
        problem = _column_problem(table, parts[1])
        if problem is None and total and not table.column(parts[1]).total:
            return f"in a total needs column '{parts[1]}' to have a total"
        return problem

    # -- finance --------------------------------------------------------------------------------
    def _finance(self) -> None:
        fin = self.desc.finance
        loc = ("finance",)
        schemes = self._table_named(loc + ("schemes",), fin.schemes)
        if schemes is not None:
            for attr in ("source", "spend", "area", "commissioner", "discontinued"):
                self._column_of(loc + (attr,), schemes, getattr(fin, attr))
            for i, cid in enumerate(fin.joint_shares):
                self._column_of(loc + ("joint_shares", i), schemes, cid)
        self._list_value(loc + ("joint",), fin.joint, fin.commissioner, schemes, "finance.commissioner")
        if fin.joint_shares and not fin.joint:
            self.problem(loc + ("joint",), "is needed with finance.joint_shares: the commissioner value of a "
                                           "joint line")
        if fin.discontinued and not fin.discontinued_marks:
            self.problem(loc + ("discontinued_marks",), "is needed with finance.discontinued: the words that "
                                                        "mark a scheme as stopped")
        balances = None
        if fin.running_balances:
            balances = self._table_named(loc + ("running_balances",), fin.running_balances)
        elif fin.reason_column:
            self.problem(loc + ("reason_column",), "needs finance.running_balances, the table it stands in")
        if balances is not None:
            self._column_of(loc + ("balance_column",), balances, fin.balance_column)
            self._column_of(loc + ("reason_column",), balances, fin.reason_column)
        self._sources(loc)
        if balances is not None:
            self._running_balance_rows(balances)
        for i, ms in enumerate(fin.minimum_spend):
            self._minimum_spend(loc + ("minimum_spend", i), ms, schemes)
        if fin.uplift and fin.uplift not in self.desc.parameters:
            self.problem(loc + ("uplift",), f"names no parameter '{fin.uplift}' (parameters: "
                                            f"{', '.join(self.desc.parameters) or 'none'})")
        uplifted = [ms.name for ms in fin.minimum_spend if ms.uplifted]
        if fin.uplift and len(uplifted) != 1:
            self.problem(loc + ("uplift",), "needs exactly one finance.minimum_spend marked uplifted: true "
                                            f"(marked: {', '.join(uplifted) or 'none'})")
        if fin.dfg_breakdown:
            self._table_named(loc + ("dfg_breakdown",), fin.dfg_breakdown)
        if fin.dfg_total and not _is(self.items.get(fin.dfg_total), "field"):
            self.problem(loc + ("dfg_total",), f"names no field '{fin.dfg_total}'")

    def _carry(self) -> None:
        """What a rollforward writes must exist here; what it reads is the earlier template's."""
        schemes = self.items.get(self.desc.finance.schemes) if self.desc.finance else None
        for i, carry in enumerate(self.desc.carry):
            loc = ("carry", i)
            for target in carry.fields:
                item = self.items.get(target)
                if not _is(item, "field") or item.role != "input":
                    self.problem(loc + ("fields", target), f"names no input field '{target}'")
            for key, cids in (("columns", list(carry.columns)), ("skip", carry.skip)):
                for cid in cids:
                    if not _is(schemes, "table"):
                        self.problem(loc + (key, cid), "scheme columns carry only where finance.schemes names a table")
                    else:
                        self._column_of(loc + (key, cid), schemes, cid)

    def _capacity_demand(self) -> None:
        """Each comparison names tables, their rows and their columns: a misspelt name would
        otherwise count as nothing, a whole service short of its demand."""
        for i, cd in enumerate(self.desc.capacity_demand):
            loc = ("capacity_demand", i)
            tables = {attr: self._table_named(loc + (attr,), getattr(cd, attr))
                      for attr in ("capacity", "demand", "surplus") if getattr(cd, attr)}
            for j, month in enumerate(cd.months):
                for attr, table in (("capacity", "capacity"), ("spot", "capacity"), ("demand", "demand"),
                                    ("surplus", "surplus"), ("spot_surplus", "surplus")):
                    cid = getattr(month, attr)
                    if cid is None:
                        continue
                    if table not in tables:
                        self.problem(loc + ("months", j, attr), f"needs capacity_demand.{table}, the table it stands in")
                    elif tables[table] is not None:
                        self._column_of(loc + ("months", j, attr), tables[table], cid)
            for j, service in enumerate(cd.services):
                for attr in ("capacity", "demand", "surplus"):
                    rid, table = getattr(service, attr), tables.get(attr)
                    if rid is None or table is None:
                        continue
                    if self._row(table, rid) is None:
                        self.problem(loc + ("services", j, attr), f"names no row '{rid}' of table {table.id}")

    def _table_named(self, loc: Loc, name: str) -> Table | None:
        item = self.items.get(name)
        if _is(item, "table"):
            return item
        self.problem(loc, f"names no table '{name}'")
        return None

    def _column_of(self, loc: Loc, table: Table, cid: str | None) -> None:
        if cid is not None:
            problem = _column_problem(table, cid)
            if problem:
                self.problem(loc, problem)

    def _sources(self, loc: Loc) -> None:
        owner: dict[str, str] = {}
        for i, src in enumerate(self.desc.finance.sources):
            here = loc + ("sources", i)
            for where, name in [(("source",), src.source), *((("aliases", j), a) for j, a in enumerate(src.aliases))]:
                other = owner.setdefault(fold(name), src.source)
                if other != src.source:
                    self.problem(here + where, f"'{name}' already names the source {other}")
            for j, ref in enumerate(src.income):
                self._income(here + ("income", j), ref)

    def _income(self, loc: Loc, ref: str) -> None:
        """Income is an input or pre-populated field, cell (table.row.column) or column (table.column)."""
        parts = ref.split(".")
        if len(parts) == 1:
            item = self.items.get(ref)
            if not _is(item, "field"):
                self.problem(loc, f"names no field '{ref}'")
            elif item.role == "formula":
                self.problem(loc, f"field {ref} is a formula; income is read from input or pre-populated cells")
            return
        why = self._placeholder(ref, None)
        if why:
            self.problem(loc, f"'{ref}' {why}")
            return
        table = self.items[parts[0]]
        column = table.column(parts[-1])
        row = self._row(table, parts[1]) if len(parts) == 3 else None
        if table.role(row, column) == "formula":
            self.problem(loc, f"'{ref}' is a formula; income is read from input or pre-populated cells")

    def _running_balance_rows(self, table: Table) -> None:
        """Each row of the template's running balances is one source, and each source has its row."""
        sources = self.desc.finance.sources
        rows_of: dict[str, int] = {}
        for k, row in enumerate(table.rows or []):
            if row.total_of:
                continue
            names = {fold(x) for x in (row.label, *row.aliases)}
            matched = [s.source for s in sources if names & source_names(s)]
            loc = ("tables", table.id, "rows", k)
            if not row.id:
                self.problem(loc, f"running-balance row '{row.label}' needs an id")
            if not matched:
                self.problem(loc + ("label",), f"running-balance row '{row.label}' is none of finance.sources "
                                               "(nor their aliases)")
            elif len(matched) > 1:
                self.problem(loc + ("label",), f"running-balance row '{row.label}' matches the sources "
                                               f"{' and '.join(matched)}")
            for name in matched:
                rows_of.setdefault(name, k)
        for i, src in enumerate(sources):
            if src.source not in rows_of:
                self.problem(("finance", "sources", i, "source"),
                             f"{src.source} has no row in the running-balance table {table.id}")

    def _minimum_spend(self, loc: Loc, ms, schemes: Table | None) -> None:
        for attr in ("minimum", "template_spend"):
            ref = getattr(ms, attr)
            if ref is None:
                continue
            why = (self._placeholder(ref, None) if len(ref.split(".")) != 2
                   else "is a column; name a field or table.row.column")
            if why:
                self.problem(loc + (attr,), f"'{ref}' {why}")
        lines, fin = ms.lines, self.desc.finance
        if source_for(fin, lines.source) is None:
            self.problem(loc + ("lines", "source"), f"'{lines.source}' is none of finance.sources (nor their aliases)")
        for attr in ("area", "area_not"):
            self._list_value(loc + ("lines", attr), getattr(lines, attr), fin.area, schemes, "finance.area")
        for who, share in (lines.commissioner_share or {}).items():
            here = loc + ("lines", "commissioner_share", who)
            self._list_value(here, who, fin.commissioner, schemes, "finance.commissioner")
            if share != IN_FULL and schemes is not None:
                self._column_of(here, schemes, share)

    def _list_value(self, loc: Loc, value: str | None, cid: str | None, schemes: Table | None, needs: str) -> None:
        """A filter's value is one its column can hold: a typo would silently count no lines."""
        if value is None:
            return
        if cid is None:
            self.problem(loc, f"filters on a column the description does not name: set {needs}")
            return
        if schemes is None or _has_column(schemes, cid) is False or not schemes.column(cid).list:
            return
        source = self.desc.lists.get(schemes.column(cid).list)
        if source is None:
            return

        try:
            known = {fold(v) for v in (*list_values(source), *source.aliases)}
        except (OSError, LookupError, ValueError, BcfError):
            return                  # the list itself is reported under lists
        if fold(value) not in known:
            self.problem(loc, f"'{value}' is not in the list {schemes.column(cid).list}")


def _has_column(table: Table, cid: str) -> bool:
    return any(c.id == cid for c in table.columns)


def _column_problem(table: Table, cid: str) -> str | None:
    return None if _has_column(table, cid) else f"names no column '{cid}' of table {table.id}"


