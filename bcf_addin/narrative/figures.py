"""The figures a narrative quotes: money, percentages, rates per 100,000 and days.

Each figure keeps the precision it was quoted to, because that is what it can be held to:
'£86.5m' stands for anything that rounds to £86.5 million, '£550,000' for £550,000 exactly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from .structure import Narrative, Placed
from .document import Paragraph


class Kind(str, Enum):
    MONEY = "money"
    PERCENT = "percentage"
    RATE = "rate per 100,000"
    DAYS = "days"


@dataclass(frozen=True)
class Figure:
    kind: Kind
    value: Decimal
    step: Decimal           # the unit of the last digit quoted: £0.1m is 100000, 87.7% is 0.1
    text: str               # as quoted
    section: str
    where: str

    @property
    def significant(self) -> int:
        """Digits that carry information: '£14,280' has 4, '£550,000' 2, '£86.5m' 3."""
        return len(str(int(self.value / self.step)).strip("-").rstrip("0")) or 1


_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?"
_SCALES = {"k": 3, "m": 6, "mn": 6, "million": 6, "bn": 9, "billion": 9}
_MONEY = re.compile(rf"£\s?{_NUMBER}(?:\s?(k|mn|m|million|bn|billion)\b)?", re.I)
_PERCENT = re.compile(rf"(?<![\d.,]){_NUMBER}\s?%")
_RATE = re.compile(rf"(?<![\d.,]){_NUMBER}\s+per\s+100,?000\b", re.I)
_DAYS = re.compile(rf"(?<![\d.,£]){_NUMBER}\s+days?\b", re.I)
# A column heading that gives its money unit: 'Total Spend (M)', '£m', '(£000s)'.
_UNIT_HEADING = re.compile(r"\((?:£\s?)?(m|k|000s?)\)|£\s?(m|k|000s?)\b", re.I)
_BARE = re.compile(rf"^\s*£?\s?{_NUMBER}\s*$")


def _quoted(number: str, decimals: str | None, exponent: int = 0) -> tuple[Decimal, Decimal]:
    places = len(decimals) - 1 if decimals else 0
    value = Decimal(number.replace(",", "") + (decimals or "")).scaleb(exponent)
    return value, Decimal(1).scaleb(exponent - places)


def in_text(text: str) -> list[tuple[Kind, Decimal, Decimal, str]]:
    """(kind, value, step, quoted text) for each figure in `text`, in order."""
    found = []
    for m in _MONEY.finditer(text):
        scale = _SCALES[m.group(3).lower()] if m.group(3) else 0
        found.append((Kind.MONEY, *_quoted(m.group(1), m.group(2), scale), m.group(0), m.start()))
    for kind, pattern in ((Kind.PERCENT, _PERCENT), (Kind.RATE, _RATE), (Kind.DAYS, _DAYS)):
        for m in pattern.finditer(text):
            found.append((kind, *_quoted(m.group(1), m.group(2)), m.group(0), m.start()))
    return [f[:4] for f in sorted(found, key=lambda f: f[4])]


def column_scales(header: list[str]) -> dict[int, int]:
    """Columns whose heading gives a money unit, with its power of ten."""
    scales = {}
    for i, heading in enumerate(header):
        m = _UNIT_HEADING.search(heading)
        if m:
            unit = (m.group(1) or m.group(2)).lower()
            scales[i] = {"m": 6, "k": 3}.get(unit, 3)
    return scales


def in_cell(text: str, scale: int | None) -> list[tuple[Kind, Decimal, Decimal, str]]:
    """A cell's figures; a bare number under a money heading is money in that heading's unit."""
    m = _BARE.match(text)
    if scale is not None and m:
        unit = {6: "m", 3: "k"}.get(scale, "")
        return [(Kind.MONEY, *_quoted(m.group(1), m.group(2), scale), text.strip() + unit)]
    return in_text(text)


def figures(narrative: Narrative) -> list[Figure]:
    """Every figure quoted in the narrative, with where it is."""
    out: list[Figure] = []
    for item in narrative.placed:
        if isinstance(item.block, Paragraph):
            out += [Figure(*f, item.section, item.where) for f in in_text(item.block.text)]
            continue
        out += _table_figures(item)
    return out


def _table_figures(item: Placed) -> list[Figure]:
    rows = item.block.rows
    scales = column_scales(rows[0]) if rows else {}
    out = []
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            quoted = in_cell(cell, scales.get(c)) if r else in_text(cell)
            out += [Figure(*f, item.section, f"{item.where}, row {r + 1}") for f in quoted]
    return out
