"""A register's totals lines: left out of an open table, where written as a line a total would count
its lines' money twice; and in a fixed table, which adds its rows up itself, held to the lines they sum."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

from .descriptions.schema import Table
from .errors import RegisterError
from .layout import TableAt
from .money import NotMoney, parse_money, pounds
from .notes import Note
from .register import Register, as_text, is_total_label

if TYPE_CHECKING:
    from .table_plan import TablePlan


def without_totals(register: Register, table: Table, mapping: dict[str, str], notes: list[Note]) -> Register:
    """The register less its totals and subtotals, each said with why: written as a line, a total
    would count its lines' money twice. A total has no line id of its own (its first column is
    blank, or says 'Total') and either says it is one ('Total', 'Sub-total', 'Total BCF') or holds
    exactly the sum of the lines above it, since the last total or in all."""
    first = table.columns[0]
    key = next((h for h, cid in mapping.items() if cid == first.id), None)
    by_id = {c.id: c for c in table.columns}
    money = [h for h, cid in mapping.items() if by_id[cid].type == "money"]
    if key is None:
        return register
    rows, lines, since, every = [], [], [], []
    ends = sorted(register.totals)
    for row, line in zip(register.rows, register.lines):
        if since and any(since[-1][0] < end < line for end in ends):
            since = []                          # a subtotal the reader skipped ends the group
        amounts = _amounts(row, money)
        why = None
        if not as_text(row.get(key)) or is_total_label(row.get(key)):
            why = _total_reason(register, row, mapping, by_id, amounts, since, every, first.header)
        if why is None:
            rows.append(row)
            lines.append(line)
            since.append((line, amounts))
            every.append((line, amounts))
            continue
        notes.append(register.note("warning", line, None, f"{why}, so it was not written as a line",
                          f"if it is a line of its own, give it its {first.header}"))
        since = []
    if len(rows) == len(register.rows):
        return register
    return replace(register, rows=rows, lines=lines)


def _amounts(row: dict[str, object], money: list[str]) -> dict[str, Decimal] | None:
    """The row's amounts by heading; None when one is not money (populate refuses it, by cell)."""
    out = {}
    for h in money:
        try:
            value = parse_money(row.get(h) if isinstance(row.get(h), Decimal) else as_text(row.get(h)))
        except NotMoney:
            return None
        if value is not None:
            out[h] = value
    return out


def _total_reason(register: Register, row, mapping, by_id, amounts, since, every, key_header: str) -> str | None:
    label = next((as_text(v) for h, v in row.items() if h in mapping and by_id[mapping[h]].type != "money"
                  and is_total_label(v)), None)
    if label is not None:
        return f"is a totals line ('{label}') with no {key_header}"
    if not amounts:
        return None
    for above, which in ((since, "the lines above it since the last total"), (every, "all the lines above it")):
        if len(above) < 2 or any(a is None for _, a in above):
            continue
        sums = {h: sum((a.get(h, Decimal(0)) for _, a in above), Decimal(0)) for h in amounts}
        if all(sums[h] == v for h, v in amounts.items()):
            h, v = next(iter(amounts.items()))
            return (f"has no {key_header} and its {h}, {pounds(v)}, is the sum of {which} "
                    f"({register.line_word}s {above[0][0]} to {above[-1][0]}): a total")
    return None


def check_totals(table, at: TableAt, current, register: Register, conv, totals, result: TablePlan) -> None:
    """A register's 'Total' lines are not written (the template adds its rows up itself), but a total
    that disagrees with the lines it sums means a figure was mistyped, in the total or in a line:
    said once per cell, naming both numbers; the totals that agree, once for the register."""
    planned = {(w.row, w.col): w.value for w in result.writes}
    index_of = {row.id: i for i, row in enumerate(table.rows) if row.id}
    agreed, disagreed = set(), set()
    for line, header, index, column, raw in totals:
        try:
            typed = conv.convert(column, raw, line, header, result.notes)
        except RegisterError:
            typed = None
        if not isinstance(typed, Decimal):
            result.notes.append(register.note("info", line, header,
                                     "the template fills this cell itself, so it was not written"))
            continue
        col = at.columns[column.id]
        parts = [planned.get((r, col), current.value(r, col)) for r in
                 (at.rows[index_of[rid]] for rid in table.source_rows(table.rows[index].id))]
        filled = [p for p in parts if isinstance(p, Decimal)]
        expected = sum(filled, Decimal(0))
        if typed == expected:
            agreed.add(line)
            continue
        disagreed.add(line)
        sums = f" ({' + '.join(f'{p:,}' for p in filled)})" if 1 < len(filled) <= 8 else ""
        result.notes.append(register.note("warning", line, header,
            f"the total for '{table.rows[index].name}' is {typed:,}, but the lines it sums add up to "
            f"{expected:,}{sums}; the template adds them up itself, so the return shows {expected:,}",
            "correct the total or the lines under it in the register"))
    lines = sorted(agreed - disagreed)
    if lines:
        result.notes.append(register.note("info", None, None,
                                 f"{register.at_lines(lines)} "
                                 f"{'are totals' if len(lines) != 1 else 'is a total'} the template adds up "
                                 "itself, so not written; each agrees with the lines it sums"))
