"""A ledger extract by cost centre, turned into amounts per scheme line, every pound accounted for.

Finance systems report spend by cost centre, not by Scheme ID. A cost-centre file (CSV or XLSX,
headed 'Cost Centre', 'Scheme ID' and, where a scheme is split, 'Source of Funding' or
'Provider') says which scheme line each cost centre's spend belongs to. The ledger's lines are
added up per scheme line; the reconciliation shows the ledger total as the amounts written plus
the amounts of cost centres the file does not map and of scheme lines the return does not hold.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .descriptions.schema import Column, Table
from .errors import RegisterError
from .folding import fold
from .money import ACCEPTED, NotMoney, parse_money
from .register import Register, as_text, read_register

COST_CENTRE = ("cost centre", "cost center", "cost centre code", "cost center code", "cost code", "cc")
NOT_GIVEN = "(no cost centre)"


@dataclass
class CostCentres:
    path: str
    headings: list[str]                         # the template headings each cost centre gives
    lines: dict[str, dict[str, str]]            # folded cost centre -> heading -> value
    names: dict[str, str]                       # folded cost centre -> as written


@dataclass
class SchemeLine:
    key: dict[str, str]                         # Scheme ID, and Source of Funding / Provider where split
    total: Decimal
    ledger_lines: int
    first_line: int
    written: bool = False

    def name(self) -> str:
        return ", ".join(f"{h} {v}" for h, v in self.key.items() if v)


@dataclass
class Unmapped:
    cost_centre: str
    total: Decimal
    ledger_lines: int


@dataclass
class Reconciliation:
    ledger: str
    centres: str
    lines: int
    total: Decimal
    schemes: list[SchemeLine] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)

    @property
    def written(self) -> Decimal:
        return sum((s.total for s in self.schemes if s.written), Decimal(0))

    @property
    def not_in_return(self) -> list[SchemeLine]:
        return [s for s in self.schemes if not s.written]

    @property
    def unmapped_total(self) -> Decimal:
        return sum((u.total for u in self.unmapped), Decimal(0))

    def mark_written(self, applied_lines: set[int]) -> None:
        for s in self.schemes:
            s.written = s.first_line in applied_lines

    def report(self) -> list[str]:
        """The reconciliation as lines of text, each amount to the penny."""
        written = [s for s in self.schemes if s.written]
        missing = self.not_in_return
        unmapped_heading = f"cost centres not in {Path(self.centres).name}, not written"
        w = max([58, len(unmapped_heading) + 2] + [len(s.name()) + 4 for s in self.schemes]
                + [len(u.cost_centre) + 4 for u in self.unmapped])

        def row(label: str, amount: Decimal, indent: int = 2, lines: int | None = None) -> str:
            tail = f"  ({_count(lines)})" if lines is not None else ""
            return f"{' ' * indent}{label:<{w - indent + 2}}{_money(amount):>16}{tail}"

        out = [f"Ledger reconciliation, {Path(self.ledger).name} ({self.lines} lines):",
               row("ledger total", self.total), row(f"written to {len(written)} scheme lines", self.written)]
        out += [row(s.name(), s.total, 4, s.ledger_lines) for s in written]
        if self.unmapped:
            out.append(row(unmapped_heading, self.unmapped_total))
            out += [row(u.cost_centre, u.total, 4, u.ledger_lines) for u in self.unmapped]
        if missing:
            out.append(row("scheme lines not in the return, not written", sum((s.total for s in missing), Decimal(0))))
            out += [row(s.name(), s.total, 4, s.ledger_lines) for s in missing]
        accounted = self.written + self.unmapped_total + sum((s.total for s in missing), Decimal(0))
        parts = [_money(self.written), _money(self.unmapped_total)] + (
            [_money(sum((s.total for s in missing), Decimal(0)))] if missing else [])
        verdict = "agrees with" if accounted == self.total else "DOES NOT agree with"
        out.append(f"  {' + '.join(parts)} = {_money(accounted)}, which {verdict} the ledger total")
        return out


def _money(value: Decimal) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"


def _count(n: int) -> str:
    return f"{n} ledger line{'' if n == 1 else 's'}"


def is_cost_centre(heading: str) -> bool:
    return fold(heading) in COST_CENTRE


def _matching(heading: str, column: Column) -> bool:
    return fold(heading) in {fold(x) for x in (column.header, *column.aliases)}


def read_cost_centres(path: str | Path, table: Table) -> CostCentres:
    """The cost-centre file: each cost centre's scheme line. A cost centre given twice is refused."""
    reg = read_register(path)
    centre = next((h for h in reg.headers if is_cost_centre(h)), None)
    first = table.columns[0]
    keys = [(h, c) for h in reg.headers for c in table.columns
            if c.role == "input" and (c is first or c.type == "list") and _matching(h, c)]
    if centre is None or not any(c is first for _, c in keys):
        raise RegisterError(f"needs a 'Cost Centre' column and a '{first.header}' column; its columns are "
                            f"{', '.join(reg.headers)}", file=reg.path,
                            hint="one line per cost centre: Cost Centre, Scheme ID (and Source of Funding or "
                                 "Provider where a scheme is split)")
    lines: dict[str, dict[str, str]] = {}
    names: dict[str, str] = {}
    seen: dict[str, int] = {}
    for row, line in zip(reg.rows, reg.lines):
        name = as_text(row.get(centre))
        if not name:
            continue
        target = {c.header: as_text(row.get(h)) for h, c in keys}
        cc = fold(name)
        if cc in lines and lines[cc] != target:
            raise RegisterError(f"{reg.at(line)}: cost centre {name} is given again (first on {reg.at(seen[cc])}) "
                                f"for a different scheme line", file=reg.path, sheet=reg.sheet,
                                hint="split the cost centre in the ledger, or give it once")
        if not target[first.header]:
            continue            # listed on purpose as spend outside the fund: reported as not mapped
        lines[cc], names[cc], seen[cc] = target, name, line
    return CostCentres(reg.path, [c.header for _, c in keys], lines, names)


def by_scheme(ledger: Register, centres: CostCentres, table: Table) -> tuple[Register, Reconciliation]:
    """The ledger as one line per scheme line (amounts added up), and its reconciliation."""
    # Found by the officer's own heading: a column mapping may have fed a template column from it.
    centre = next((h for h in ledger.headers if is_cost_centre(ledger.own_headings.get(h, h))), None)
    if centre is None:
        raise RegisterError(f"has no 'Cost Centre' column to look up in {Path(centres.path).name}; its columns "
                            f"are {', '.join(ledger.headers)}", file=ledger.path)
    amount = _amount_column(ledger, table)
    groups: dict[tuple, SchemeLine] = {}
    unmapped: dict[str, Unmapped] = {}
    total = Decimal(0)
    for row, line in zip(ledger.rows, ledger.lines):
        try:
            value = parse_money(row.get(amount)) or Decimal(0)
        except NotMoney as exc:
            raise ledger.refuse(line, amount, str(exc), hint=f"enter {ACCEPTED}") from None
        total += value
        name = as_text(row.get(centre))
        target = centres.lines.get(fold(name))
        if target is None:
            shown = name or NOT_GIVEN
            u = unmapped.setdefault(fold(shown), Unmapped(shown, Decimal(0), 0))
            u.total += value
            u.ledger_lines += 1
            continue
        key = tuple(fold(v) for v in target.values())
        s = groups.setdefault(key, SchemeLine(target, Decimal(0), 0, line))
        s.total += value
        s.ledger_lines += 1
    reconciliation = Reconciliation(ledger.path, centres.path, len(ledger.rows), total, list(groups.values()),
                                    sorted(unmapped.values(), key=lambda u: fold(u.cost_centre)))
    headers = [*centres.headings, amount]
    rows = [{**s.key, amount: s.total} for s in groups.values()]
    lines = [s.first_line for s in groups.values()]
    # Not partial: lacking the other columns, it updates the lines already in the return.
    per_scheme = Register(ledger.path, headers, rows, lines, sheet=ledger.sheet,
                          columns={h: c for h, c in ledger.columns.items() if h == amount},
                          mapped_by=ledger.mapped_by, own_headings=ledger.own_headings)
    return per_scheme, reconciliation


def _amount_column(ledger: Register, table: Table) -> str:
    money = [c for c in table.columns if c.type == "money" and c.role == "input"]
    found = [h for h in ledger.headers if any(_matching(h, c) for c in money)]
    if len(found) != 1:
        wanted = " or ".join(f"'{c.header}'" for c in money)
        raise RegisterError(
            f"{'has no column' if not found else 'has more than one column'} of amounts headed {wanted}; "
            f"its columns are {', '.join(ledger.headers)}", file=ledger.path,
            hint="head the amount column as the template does, or map it with 'bcf map'")
    return found[0]
