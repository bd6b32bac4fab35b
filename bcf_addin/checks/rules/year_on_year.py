"""Rules comparing this return with last year's (given with --previous)."""
from __future__ import annotations

from decimal import ROUND_CEILING

from ...money import pounds
from ..findings import Severity
from ..rule import Rule

def _asc_uplift(ctx, rule):
    fin = ctx.description.finance
    spec = next((m for m in fin.minimum_spend if m.uplifted), None) if fin else None
    if ctx.previous is None or not fin or not fin.uplift or spec is None:
        return
    rate = ctx.parameter(fin.uplift)
    this = {m.name: m for m in ctx.balances.minimum_spend}.get(spec.name)
    last = {m.name: m for m in ctx.previous_balances.minimum_spend}.get(spec.name)
    if rate is None or this is None or last is None or not last.spend:
        return
    needed = last.spend * (1 + rate)
    if this.spend >= needed:
        return
    # In whole pounds, rounded up: the figures quoted must be enough when followed exactly.
    at_least = needed.to_integral_value(rounding=ROUND_CEILING)
    rise = (this.spend - last.spend) * 100 / last.spend
    at = ctx.template.ref(spec.template_spend or spec.minimum)
    # Above this year's published minimum the national condition is met: worth a look, not an error.
    severity = Severity.WARNING if this.met else Severity.ERROR
    yield rule.finding(at.sheet, at.cell,
                       f"Adult social care spend from the NHS minimum goes from {pounds(last.spend)} last year to "
                       f"{pounds(this.spend)}, a rise of {rise:.2f}%; the {ctx.description.year} uplift is at least "
                       f"{rate * 100:.2f}% ({pounds(at_least)}).",
                       f"Increase the qualifying lines by {pounds(at_least - this.spend)}, or "
                       "explain the change to your Better Care Manager.", severity=severity)


ASC_UPLIFT = Rule(
    code="Y701", name="asc-uplift", severity=Severity.ERROR,
    title="Adult social care spend from the NHS minimum did not rise by the year's uplift",
    what="With --previous LAST_YEAR.xlsx: this year's adult social care spend from the NHS minimum "
    "contribution is at least last year's times (1 + the year's uplift), the rate held in the "
    "template description (3.9% for 2025-26). An error when this year's minimum is not met either; "
    "a warning when it is. Last year's return is last year's plan or year-end return (the kinds the "
    "template description names as its previous year); any other return is refused.",
    why="The NHS minimum contribution to adult social care must be maintained in real terms, rising by at "
    "least the published uplift each year.",
    example="£31,000,000 last year and £31,500,000 this year: a 1.61% rise against 3.9%.",
    fix="Increase the qualifying spend, or agree the position with your Better Care Manager.",
    check=_asc_uplift)

RULES = (ASC_UPLIFT,)
