"""Holding each quoted figure to the return: the same figure at the precision quoted, or close to
one but different (a typo, an old version), or neither (a figure the return does not hold).

A figure agrees when the return figure, rounded (half up) to the precision quoted, reads as
quoted: £86.5m agrees with £86,549,999, £550,000 only with £550,000. A figure of one significant
digit ('£1m', '2%') agrees with too much to confirm anything and is not matched, and a rounded
amount ('£1.5 million') is held to the totals and funding-source figures, not to each of a hundred
scheme lines, one of which is bound to round the same.

'Close' is kept conservative so that figures which merely resemble a return figure by chance are
not reported: only like with like (money with money) and the same number of digits at the
precision quoted; then, against the return's totals, one digit changed, two neighbouring digits
swapped or within 1%; against any other figure (a scheme line) only the digit slips, and only
for a figure quoted to four significant digits or more ('£14,280', not '£150,000'): among a
hundred scheme lines something is always within 1% of a round figure.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .figures import Figure
from .return_figures import ReturnFigure

CONFIRMED, DIFFERS = "confirmed", "differs"
PRECISE_DIGITS = 4


@dataclass(frozen=True)
class Match:
    figure: Figure
    status: str                          # CONFIRMED or DIFFERS
    target: ReturnFigure
    also: int = 0                        # further return figures it equally agrees with


def _steps(value: Decimal, step: Decimal) -> int:
    return int((value / step).quantize(Decimal(1), ROUND_HALF_UP))


def agrees(q: Figure, value: Decimal) -> bool:
    return _steps(value, q.step) == _steps(q.value, q.step)


def _slip(quoted: str, shown: str) -> bool:
    """One digit typed wrong, or two neighbouring digits swapped."""
    diffs = [i for i, (a, b) in enumerate(zip(quoted, shown)) if a != b]
    if len(diffs) == 1:
        return True
    return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and quoted[diffs[0]] == shown[diffs[1]] \
        and quoted[diffs[1]] == shown[diffs[0]]


def near(q: Figure, r: ReturnFigure) -> bool:
    quoted, shown = str(abs(_steps(q.value, q.step))), str(abs(_steps(r.value, q.step)))
    if len(quoted) != len(shown):
        return False
    if r.total:
        return _slip(quoted, shown) or abs(q.value - r.value) * 100 <= abs(r.value)
    return q.significant >= PRECISE_DIGITS and _slip(quoted, shown)


def match(figures: list[Figure], targets: list[ReturnFigure]) -> list[Match]:
    """A Match for each figure that agrees with, or is close to, a figure of the return(s)."""
    out = []
    for q in figures:
        if q.significant < 2:
            continue
        same_kind = [r for r in targets if r.kind is q.kind]
        rounded = q.step > 1
        agreeing = [r for r in same_kind if agrees(q, r.value) and not (rounded and r.line)]
        if agreeing:
            out.append(Match(q, CONFIRMED, agreeing[0], len(agreeing) - 1))
            continue
        close = [r for r in same_kind if near(q, r)]
        if close:
            out.append(Match(q, DIFFERS, min(close, key=lambda r: abs(r.value - q.value))))
    return out
