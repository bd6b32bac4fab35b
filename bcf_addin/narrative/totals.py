"""Tables in the narrative whose 'Total' row is not the sum of the rows above it.

Quoted figures are rounded, so a total may differ from the sum of its rounded parts by up to half
a unit of the precision quoted for each part (five values to £0.1m may sum £0.25m away).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..folding import fold
from .document import Table

_NUMBER = re.compile(r"^\s*(£?)\s?(-?\d{1,3}(?:,\d{3})+|-?\d+)(\.\d+)?\s*(%?)\s*$")


@dataclass(frozen=True)
class BadTotal:
    row: int             # 0-based row of the total
    column: int
    label: str           # the total row's label
    heading: str         # the column's heading
    shown: str           # the total as the table shows it
    added: str           # the rows above, added up and shown alike
    count: int


def _number(text: str):
    m = _NUMBER.match(text)
    if not m:
        return None
    places = len(m.group(3)) - 1 if m.group(3) else 0
    return Decimal(m.group(2).replace(",", "") + (m.group(3) or "")), places, m.group(1), m.group(4)


def bad_totals(table: Table) -> list[BadTotal]:
    out = []
    header = table.rows[0] if table.rows else []
    for t, row in enumerate(table.rows):
        if t == 0 or not row or not fold(row[0]).startswith("total"):
            continue
        for c in range(1, len(row)):
            total = _number(row[c])
            parts = [p for p in (_number(r[c]) for r in table.rows[1:t] if c < len(r)) if p]
            if total is None or len(parts) < 2:
                continue
            added = sum((p[0] for p in parts), Decimal(0))
            places = max([total[1], *(p[1] for p in parts)])
            tolerance = Decimal(len(parts)) * Decimal(1).scaleb(-places) / 2
            if abs(added - total[0]) > tolerance:
                shown = f"{total[2]}{added:,.{places}f}{total[3]}"
                out.append(BadTotal(t, c, row[0].strip(), header[c].strip() if c < len(header) else "",
                                    row[c].strip(), shown, len(parts)))
    return out
