"""References in the sections that work figures out from the items: finance (sources, running
balances, minimum spend), carry (what a rollforward writes) and capacity_demand.

SectionReferences is part of the reference checker in references.py, which holds the items,
the rows and the placeholders these look names up in.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import BcfError
from ..folding import fold
from .funding import IN_FULL, source_for, source_names
from .lists import list_values

if TYPE_CHECKING:
    from .schema import Table

Loc = tuple                     # a YAML path: keys and list positions


class SectionReferences:
    """The checks of finance, carry and capacity_demand, run by references._References."""

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
        if fin.dfg_total and not is_kind(self.items.get(fin.dfg_total), "field"):
            self.problem(loc + ("dfg_total",), f"names no field '{fin.dfg_total}'")

    def _carry(self) -> None:
        """What a rollforward writes must exist here; what it reads is the earlier template's."""
        schemes = self.items.get(self.desc.finance.schemes) if self.desc.finance else None
        for i, carry in enumerate(self.desc.carry):
            loc = ("carry", i)
            for target in carry.fields:
                item = self.items.get(target)
                if not is_kind(item, "field") or item.role != "input":
                    self.problem(loc + ("fields", target), f"names no input field '{target}'")
            for key, cids in (("columns", list(carry.columns)), ("skip", carry.skip)):
                for cid in cids:
                    if not is_kind(schemes, "table"):
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
        if is_kind(item, "table"):
            return item
        self.problem(loc, f"names no table '{name}'")
        return None

    def _column_of(self, loc: Loc, table: Table, cid: str | None) -> None:
        if cid is not None:
            problem = column_problem(table, cid)
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
            if not is_kind(item, "field"):
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
        if schemes is None or has_column(schemes, cid) is False or not schemes.column(cid).list:
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


def is_kind(item, kind: str) -> bool:
    """Whether a description's item is a field, a table or a heading, by its `kind` tag."""
    return getattr(item, "kind", None) == kind


def has_column(table: Table, cid: str) -> bool:
    return any(c.id == cid for c in table.columns)


def column_problem(table: Table, cid: str) -> str | None:
    return None if has_column(table, cid) else f"names no column '{cid}' of table {table.id}"
