"""What changed between two versions of the same return, input cell by input cell.

Scheme lines are matched by who they are (Scheme ID, then as many of the drop-down columns as it
takes to tell split lines apart), never by row: an officer who sorts the expenditure sheet or
inserts a line in the middle has changed nothing that a reviewer needs to see.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from .balances import Balances, compute
from .descriptions.schema import Field, Table
from .errors import WrongTemplate
from .folding import fold
from .workbook import Value, cell_ref
from .register import as_text
from .located import Line, OpenTemplate, TemplateName


@dataclass(frozen=True)
class Change:
    sheet: str            # the new return's sheet name
    cell: str             # in the new return (the old cell where a line was removed)
    key: str              # which answer or line: "Scheme ID 12 (NHS Minimum Contribution)", a field's label
    field: str            # the column heading, or the field's label
    old: Value
    new: Value
    kind: str = "answer"  # answer | line

    @property
    def delta(self) -> Decimal | None:
        """New less old, for money: blank counts as nothing."""
        if not (_is_amount(self.old) or _is_amount(self.new)):
            return None
        return _amount(self.new) - _amount(self.old)

    def to_dict(self) -> dict:
        return {"sheet": self.sheet, "cell": self.cell, "key": self.key, "field": self.field,
                "old": _plain(self.old), "new": _plain(self.new)}


@dataclass(frozen=True)
class LineAt:
    """A scheme line (or any open table's line) present in one version only."""

    table: str
    sheet: str
    cell: str             # the line's first cell (its Scheme ID)
    key: str
    amount: Decimal | None
    values: dict[str, Value]

    def to_dict(self) -> dict:
        return {"table": self.table, "sheet": self.sheet, "cell": self.cell, "key": self.key, "amount": self.amount,
                "values": {k: _plain(v) for k, v in self.values.items()}}


@dataclass(frozen=True)
class Moved:
    """A running balance or minimum-spend figure that is not what it was."""

    name: str
    figure: str
    old: Decimal | None
    new: Decimal | None

    def to_dict(self) -> dict:
        delta = None if self.old is None or self.new is None else self.new - self.old
        return {"name": self.name, "figure": self.figure, "old": self.old, "new": self.new, "delta": delta}


@dataclass
class ReturnDiff:
    old: str
    new: str
    template: str
    hwb: str | None
    changes: list[Change] = field(default_factory=list)
    lines_added: list[LineAt] = field(default_factory=list)
    lines_removed: list[LineAt] = field(default_factory=list)
    before: Balances | None = None
    after: Balances | None = None
    title: TemplateName | None = None

    @property
    def same(self) -> bool:
        return not (self.changes or self.lines_added or self.lines_removed)

    @property
    def exit_code(self) -> int:
        # As diff(1): 0 the same, 1 different.
        return 0 if self.same else 1

    def moved(self) -> list[Moved]:
        if self.before is None or self.after is None:
            return []
        out: list[Moved] = []
        old = {b.source: b for b in self.before.running_balances}
        for b in self.after.running_balances:
            was = old.get(b.source)
            for figure in ("income", "expenditure", "balance"):
                a, n = (getattr(was, figure) if was else None), getattr(b, figure)
                if a != n:
                    out.append(Moved(b.source, figure, a, n))
        old_min = {m.name: m for m in self.before.minimum_spend}
        for m in self.after.minimum_spend:
            was = old_min.get(m.name)
            for figure in ("minimum", "spend"):
                a, n = (getattr(was, figure) if was else None), getattr(m, figure)
                if a != n:
                    out.append(Moved(m.label, figure, a, n))
        return out

    def to_dict(self) -> dict:
        return {
            "old": self.old, "new": self.new, "template": self.template, "hwb": self.hwb,
            "changes": [c.to_dict() for c in self.changes],
            "lines_added": [x.to_dict() for x in self.lines_added],
            "lines_removed": [x.to_dict() for x in self.lines_removed],
            "balances": {
                "before": self.before.to_dict() if self.before else None,
                "after": self.after.to_dict() if self.after else None,
                "moved": [m.to_dict() for m in self.moved()],
            },
        }


def diff_templates(old: OpenTemplate, new: OpenTemplate) -> ReturnDiff:
    """Every input that differs between two versions of one return, with the balances either side."""
    if old.description.kind != new.description.kind:
        raise WrongTemplate(f"is a {old.description.name}, but {new.workbook.path} is a {new.description.name}; "
                            "compare two versions of the same return", file=old.workbook.path)
    result = ReturnDiff(old.workbook.path, new.workbook.path, new.description.kind, new.hwb, title=new.title)
    for sheet in new.description.sheets:
        for item in sheet.items:
            if isinstance(item, Field) and item.role == "input" and item.id in new.layout.fields:
                _field(old, new, item, result)
            elif isinstance(item, Table) and item.id in new.layout.tables and item.id in old.layout.tables:
                if item.rows is None:
                    _open_table(old, new, item, result)
                else:
                    _fixed_table(old, new, item, result)
    if new.description.finance is not None:
        result.before, result.after = compute(old), compute(new)
    return result


def _field(old: OpenTemplate, new: OpenTemplate, item: Field, result: ReturnDiff) -> None:
    if item.id not in old.layout.fields:
        return
    a, n = old.ref(item.id), new.ref(item.id)
    if not _same(a.value, n.value):
        result.changes.append(Change(n.sheet, n.cell, _label(item.label), _label(item.label), a.value, n.value))


def _fixed_table(old: OpenTemplate, new: OpenTemplate, table: Table, result: ReturnDiff) -> None:
    _, at_old = old.table(table.id)
    _, at_new = new.table(table.id)
    sheet = new.layout.workbook_sheet(at_new.sheet)
    for row in table.rows:
        if not row.id or row.id not in at_new.row_ids or row.id not in at_old.row_ids:
            continue
        for column in table.columns:
            if table.role(row, column) != "input" or column.id not in at_new.columns:
                continue
            a = old.ref(f"{table.id}.{row.id}.{column.id}").value if column.id in at_old.columns else None
            r, c = at_new.cell(row.id, column.id)
            n = new.workbook.sheets[sheet].value(r, c)
            if not _same(a, n):
                name = " / ".join(x for x in (row.name, row.key if row.label else None) if x)
                result.changes.append(Change(sheet, cell_ref(r, c), name, column.header, a, n))


def _open_table(old: OpenTemplate, new: OpenTemplate, table: Table, result: ReturnDiff) -> None:
    old_lines, new_lines = old.lines(table.id), new.lines(table.id)
    inputs = [c for c in table.columns if c.role == "input"]
    fin = new.description.finance
    source = fin.source if fin is not None and fin.schemes == table.id else None
    keys = _key_columns(table, source, old_lines, new_lines)
    spend = _spend_column(new, table)
    old_by = _keyed(old_lines, keys)
    new_by = _keyed(new_lines, keys)
    _, at_new = new.table(table.id)
    _, at_old = old.table(table.id)
    sheet_new = new.layout.workbook_sheet(at_new.sheet)
    sheet_old = old.layout.workbook_sheet(at_old.sheet)
    for key, line in new_by.items():
        name = _line_name(table, keys, line)
        was = old_by.get(key)
        if was is None:
            result.lines_added.append(_line_at(table, at_new, sheet_new, line, name, spend))
            continue
        for column in inputs:
            if column.id not in at_new.columns:
                continue
            a, n = was.values.get(column.id), line.values.get(column.id)
            if not _same(a, n):
                result.changes.append(Change(sheet_new, cell_ref(line.row, at_new.columns[column.id]), name,
                                             column.header, a, n, kind="line"))
    for key, line in old_by.items():
        if key not in new_by:
            result.lines_removed.append(_line_at(table, at_old, sheet_old, line, _line_name(table, keys, line), spend))


def _key_columns(table: Table, source: str | None, *versions: list[Line]) -> list[str]:
    """The fewest columns, from the Scheme ID on, that tell every line apart in both versions.

    A scheme split across funding sources or providers has one line each; which drop-down tells
    them apart differs from return to return, so it is found rather than fixed: the funding
    source first, then any one other drop-down, then as many as it takes.
    """
    first = table.columns[0].id
    others = [c.id for c in table.columns if c.type == "list" and c.id != first]
    if source in others:
        others.remove(source)
        others.insert(0, source)

    def unique(keys: list[str]) -> bool:
        return all(len({_key(ln, keys) for ln in lines}) == len(lines) for lines in versions)

    for keys in ([first], *([first, c] for c in others)):
        if unique(keys):
            return keys
    for n in range(2, len(others) + 1):
        if unique([first, *others[:n]]):
            return [first, *others[:n]]
    return [first, *others]


def _keyed(lines: list[Line], keys: list[str]) -> dict[tuple, Line]:
    """Lines by their key; lines identical in every key column are told apart by their order."""
    out: dict[tuple, Line] = {}
    for ln in lines:
        k = _key(ln, keys)
        n = 1
        while (k + (n,)) in out:
            n += 1
        out[k + (n,)] = ln
    return out


def _key(line: Line, keys: list[str]) -> tuple:
    return tuple(fold(as_text(line.values.get(k))) for k in keys)


def _line_name(table: Table, keys: list[str], line: Line) -> str:
    first = table.columns[0]
    ident = f"{first.header} {as_text(line.values.get(first.id)) or '(blank)'}"
    rest = [as_text(line.values.get(k)) for k in keys[1:]]
    rest = [x for x in rest if x]
    return f"{ident} ({', '.join(rest)})" if rest else ident


def _line_at(table: Table, at, sheet: str, line: Line, name: str, spend: str | None) -> LineAt:
    value = line.values.get(spend) if spend else None
    return LineAt(table.id, sheet, cell_ref(line.row, at.columns[table.columns[0].id]), name, _amount(value) if _is_amount(value) else None,
                  {c.header: line.values.get(c.id) for c in table.columns if c.role == "input"
                   and line.values.get(c.id) not in (None, "")})


def _spend_column(tpl: OpenTemplate, table: Table) -> str | None:
    fin = tpl.description.finance
    if fin is not None and fin.schemes == table.id:
        return fin.spend
    money = [c.id for c in table.columns if c.type == "money" and c.role == "input"]
    return money[0] if len(money) == 1 else None


def _same(a: Value, b: Value) -> bool:
    if _is_amount(a) and _is_amount(b):
        return _amount(a) == _amount(b)
    return _normal(a) == _normal(b)


def _normal(v: Value) -> str:
    if isinstance(v, datetime):
        return v.isoformat()
    return as_text(v)


def _is_amount(v: Value) -> bool:
    return isinstance(v, Decimal) and not isinstance(v, bool)


def _amount(v: Value) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(0)


def _plain(v: Value):
    if isinstance(v, datetime):
        return v.isoformat()
    return v


def _label(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 70 else text[:70].rsplit(" ", 1)[0] + "..."
