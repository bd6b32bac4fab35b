"""Every rule, by stable code, gathered from the family modules' RULES: a rule is registered by
being listed in its module. A code is never reused: a retired rule keeps its entry in RETIRED."""
from __future__ import annotations

from .rule import Rule
from .rules import arithmetic, completeness, cross_sheet, minimum_spend, money, values, year_on_year

# In the order `bcf rules` and docs/rules.md list them.
WORKBOOK_FAMILIES = (completeness, values, money, minimum_spend, arithmetic, cross_sheet, year_on_year)

WORKBOOK_RULES: tuple[Rule, ...] = tuple(r for family in WORKBOOK_FAMILIES for r in family.RULES)  # `bcf check`

RETIRED: dict[str, str] = {}      # old code -> what replaced it

_WORKBOOK_BY_CODE = {r.code: r for r in WORKBOOK_RULES}


def __getattr__(name: str):
    # The narrative rules, over a Word narrative (`bcf narrative`), import the narrative reader:
    # `bcf check` starts without them.
    if name not in ("NARRATIVE_RULES", "RULES", "BY_CODE"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from .rules import narrative

    found = {"NARRATIVE_RULES": narrative.RULES, "RULES": WORKBOOK_RULES + narrative.RULES}
    found["BY_CODE"] = {r.code: r for r in found["RULES"]}
    globals().update(found)
    return found[name]


def rule(code: str) -> Rule:
    return _WORKBOOK_BY_CODE.get(code) or __getattr__("BY_CODE")[code]
