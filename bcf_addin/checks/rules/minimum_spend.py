"""The national minimum-spend conditions, computed from the scheme lines."""
from __future__ import annotations

from ...money import pounds
from ..findings import Severity
from ..rule import Rule


def _shortfall(ctx, rule):
    fin = ctx.description.finance
    if not fin:
        return
    for spec, result in zip(fin.minimum_spend, ctx.balances.minimum_spend):
        if result.met:
            continue
        at = ctx.template.ref(spec.template_spend or spec.minimum)
        if fin.to_date:
            # In-year reports compare spend so far with the whole year's minimum: a note, not an error.
            share = result.spend * 100 / result.minimum if result.minimum else 0
            yield rule.finding(at.sheet, at.cell,
                               f"{spec.label}: {pounds(result.spend)} spent so far, {share:.1f}% of the year's "
                               f"minimum of {pounds(result.minimum)}.",
                               "Check the rest of the year's plan covers the remaining "
                               f"{pounds(result.shortfall)}.", severity=Severity.INFO)
            continue
        yield rule.finding(at.sheet, at.cell,
                           f"{spec.label}: the scheme lines give {pounds(result.spend)} against a minimum of "
                           f"{pounds(result.minimum)}, {pounds(result.shortfall)} short.",
                           f"Fund at least {pounds(result.shortfall)} more of the qualifying lines from the NHS "
                           "minimum contribution (see the rule's documentation for which lines count).")


SHORTFALL = Rule(
    code="S401", name="minimum-spend-shortfall", severity=Severity.ERROR,
    title="A minimum spend (ASC from the NHS minimum, NHS out-of-hospital) is not met",
    what="Adult social care spend from the NHS minimum contribution (lines with Area of Spend 'Social Care' "
    "and the NHS minimum as source) is at least the HWB's published minimum; in 2023-25 templates "
    "also NHS-commissioned out-of-hospital spend (Area not 'Acute', source the NHS minimum, "
    "Commissioner 'NHS' in full and 'Joint' by its % NHS share). Shortfall = max(0, minimum - spend).",
    why="Maintaining the NHS contribution to adult social care is a national condition of the fund.",
    example="ASC minimum £31,982,219, qualifying lines £31,500,000: £482,219 short.",
    fix="Increase or re-tag qualifying lines until the minimum is met.",
    check=_shortfall)

RULES = (SHORTFALL,)
