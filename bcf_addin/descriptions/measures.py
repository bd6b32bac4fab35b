"""The figures besides money a template's reports compute: metric rates from their inputs, and
capacity set against demand, service by service and month by month."""
from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, List, Literal

from .sheet_items import Table
from .strict import Strict, described

if TYPE_CHECKING:
    from .schema import TemplateDescription


@described
class MetricRate(Strict):
    """A metric a plan sets, computed from its inputs column by column (`bcf balances`).

    `rate`: of / by x per (admissions per 100,000 people aged 65+); `delay`: (1 - of) x by
    (the share not discharged on the discharge ready date times their average days of delay).
    """

    name: str
    label: str
    table: str
    row: str                         # the row holding the template's own figure (its formula columns)
    calculation: Literal["rate", "delay"] = "rate"
    of: str                          # row ids of the inputs
    by: str
    per: Decimal = Decimal(1)
    decimals: int = 1                # as the template shows it

    def problems(self, desc: "TemplateDescription") -> list[str]:
        try:
            _, table = desc.item(self.table)
        except KeyError:
            return [f"metric {self.name}: names no table '{self.table}'"]
        ids = {r.id for r in (table.rows or []) if isinstance(table, Table)}
        return [f"metric {self.name}: table {self.table} has no row '{rid}'"
                for rid in (self.row, self.of, self.by) if rid not in ids]


@described
class CdMonth(Strict):
    """One month of a capacity & demand comparison: the column holding it in each table."""

    month: str                       # as reports name it ("Apr-25")
    capacity: str                    # column of the capacity table
    demand: str                      # column of the demand table
    spot: str | None = None          # column of the capacity table: spot-purchased capacity
    surplus: str | None = None       # column of the template's own surplus table
    spot_surplus: str | None = None  # ...and of its surplus including spot purchasing


@described
class CdService(Strict):
    """A service or pathway: its row in each table (a demand row that totals others counts those)."""

    service: str                     # as reports name it
    capacity: str                    # row id of the capacity table
    demand: str                      # row id of the demand table
    surplus: str | None = None       # row id of the template's own surplus table


@described
class CapacityDemand(Strict):
    """Capacity set against demand, service by service and month by month (a C&D template)."""

    name: str                        # stable name in reports: step_down, step_up
    label: str
    capacity: str                    # the tables, by id
    demand: str
    surplus: str | None = None
    months: List[CdMonth]
    services: List[CdService]
