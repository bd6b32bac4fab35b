"""Every rule, by stable code, gathered from the family modules' RULES: a rule is registered by
being listed in its module. A code is never reused: a retired rule keeps its entry in RETIRED."""
from __future__ import annotations

from .rule import Rule
from .rules import arithmetic, completeness, cross_sheet, minimum_spend, money, narrative, values, year_on_year

# In the order `bcf rules` and docs/rules.md list them.
WORKBOOK_FAMILIES = (completeness, values, money, minimum_spend, arithmetic, cross_sheet, year_on_year)

WORKBOOK_RULES: tuple[Rule, ...] = tuple(r for family in WORKBOOK_FAMILIES for r in family.RULES)  # `bcf check`
NARRATIVE_RULES: tuple[Rule, ...] = narrative.RULES                  # `bcf narrative`, over a Word narrative
RULES = WORKBOOK_RULES + NARRATIVE_RULES

RETIRED: dict[str, str] = {}      # old code -> what replaced it

BY_CODE = {r.code: r for r in RULES}


def rule(code: str) -> Rule:
    return BY_CODE[code]
