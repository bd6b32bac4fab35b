"""What the money checks need to know about a template: its scheme table, its funding sources and
where their income stands, and the minimum spends it sets."""
from __future__ import annotations

from decimal import Decimal
from typing import List

from .strict import Strict, described, empty_list


@described
class FundingSource(Strict):
    """A funding source of the running balances: its label, and where its income stands."""

    source: str                      # the template's own label ("NHS Minimum Contribution")
    # Where its income stands, never a formula cell: field ids, table.row.column cells or
    # table.column sums (all of a pre-populated or input column); several are added up.
    income: List[str]
    aliases: List[str] = empty_list()     # scheme-line values that also mean this source (older names)
    grant: bool = False              # grant money: spend above 100% of the allocation is not allowed
    no_underspend: bool = False      # grant conditions allow no underspend (the 2024-25 Discharge Fund)


@described
class LineFilter(Strict):
    """Which scheme lines count towards a minimum spend."""

    source: str
    area: str | None = None
    area_not: str | None = None
    # Commissioner value -> the share counted: funding.IN_FULL, or the id of the column holding the share.
    commissioner_share: dict[str, str] | None = None

# The published templates' money cells accept up to this, where a description sets no money_max.
MONEY_MAX = Decimal("999999999")


@described
class MinimumSpend(Strict):
    name: str                        # stable name in reports: asc_from_nhs_minimum, nhs_out_of_hospital
    label: str
    minimum: str                     # where the published minimum stands (a pre-populated cell)
    template_spend: str | None = None  # the template's own computed figure, to compare
    lines: LineFilter
    uplifted: bool = False           # must rise on last year's by at least finance.uplift


@described
class Finance(Strict):
    """What the money checks need to know about this template: all of it data, none of it code."""

    schemes: str                     # the scheme table
    source: str                      # its columns: funding source, spend, area, commissioner, NHS share
    spend: str
    area: str | None = None
    commissioner: str | None = None
    joint_shares: List[str] = empty_list()          # the % NHS and % LA columns of a joint line
    joint: str | None = None                   # the commissioner value of a joint line ('Joint')
    discontinued: str | None = None            # a column marking a stopped scheme ('discontinue'): no spend
    discontinued_marks: List[str] = empty_list()    # the words in that column that mark a scheme as stopped
    sources: List[FundingSource]
    running_balances: str | None = None        # the template's own running-balance table
    balance_column: str = "balance"
    reason_column: str | None = None           # 'If underspent, please provide reasons'
    percent_spent: bool = False                # reporting templates show % spent
    to_date: bool = False                      # an in-year report: spend so far, not the year's
    unallocated_is_error: bool = False         # plans must allocate every pound
    minimum_spend: List[MinimumSpend] = empty_list()
    uplift: str | None = None                  # parameter naming the year's uplift of the `uplifted` minimum
    dfg_breakdown: str | None = None           # table of district DFG amounts, summing to...
    dfg_total: str | None = None               # ...this field
