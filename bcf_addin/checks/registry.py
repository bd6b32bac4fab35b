"""Every rule, by stable code. A code is never reused: a retired rule keeps its entry in RETIRED."""
from __future__ import annotations

from .rule import Rule
from .rules import tampering  # signs the template has been altered
from .rules import arithmetic, completeness, minimum_spend, money, values, year_on_year
from .rules import narrative

RULES: tuple[Rule, ...] = (
    completeness.REQUIRED_ANSWER,
    completeness.CONDITIONAL_ANSWER,
    completeness.INCOMPLETE_LINE,
    completeness.TOO_FEW_LINES,
    values.NOT_ON_LIST,
    values.MONEY_CELL,
    values.NUMBER_CELL,
    values.JOINT_SHARES,
    values.DEPENDENT_VALUE,
    values.EMAIL,
    money.UNALLOCATED,
    money.OVERSPENT,
    money.UNDERSPEND_REASON,
    money.NO_UNDERSPEND,
    money.UNKNOWN_SOURCE,
    money.DISCONTINUED_WITH_SPEND,
    minimum_spend.SHORTFALL,
    arithmetic.DFG_BREAKDOWN,
    arithmetic.TOTAL_ROWS,
    arithmetic.CAPACITY_SURPLUS,
    arithmetic.FORMULA_RESULTS,
    tampering.SHEET_UNPROTECTED,
    tampering.FORMULA_IN_INPUT,
    year_on_year.ASC_UPLIFT,
)

WORKBOOK_RULES = RULES                  # what `bcf check` runs over a return
NARRATIVE_RULES = narrative.RULES       # what `bcf narrative` runs over a Word narrative
RULES = WORKBOOK_RULES + NARRATIVE_RULES

RETIRED: dict[str, str] = {}      # old code -> what replaced it

BY_CODE = {r.code: r for r in RULES}


def rule(code: str) -> Rule:
    return BY_CODE[code]
