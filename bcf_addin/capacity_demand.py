"""Capacity against demand, service by service and month by month, from the input cells alone.

The C&D template works its surpluses out with formulas over its 'Total' referral rows; a total
typed over, or transcribed wrong, changes the surplus without anyone seeing it. Here demand is
the referral sources themselves added up, exactly, and which rows are capacity, spot purchasing
and demand is the description's `capacity_demand` section.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .descriptions.schema import CapacityDemand, CdMonth, CdService
from .located import Located, OpenTemplate, amount


@dataclass
class MonthFigures:
    month: str
    capacity: Decimal
    spot: Decimal | None            # None where the table has no spot purchasing
    demand: Decimal

    @property
    def surplus(self) -> Decimal:
        """Positive is a surplus, negative a shortfall, as the template shows it."""
        return self.capacity - self.demand

    @property
    def surplus_with_spot(self) -> Decimal | None:
        return None if self.spot is None else self.capacity + self.spot - self.demand

    def to_dict(self) -> dict:
        out = {"month": self.month, "capacity": self.capacity, "demand": self.demand, "surplus": self.surplus}
        if self.spot is not None:
            out.update(spot=self.spot, capacity_with_spot=self.capacity + self.spot,
                       surplus_with_spot=self.surplus_with_spot)
        return out


@dataclass
class ServiceFigures:
    service: str
    months: list[MonthFigures] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"service": self.service, "months": [m.to_dict() for m in self.months]}


@dataclass
class Comparison:
    name: str
    label: str
    services: list[ServiceFigures] = field(default_factory=list)

    @property
    def with_spot(self) -> bool:
        return any(m.spot is not None for s in self.services for m in s.months)

    def to_dict(self) -> dict:
        return {"name": self.name, "label": self.label, "services": [s.to_dict() for s in self.services]}


def compute(tpl: OpenTemplate) -> list[Comparison]:
    out = []
    for cd in tpl.description.capacity_demand:
        if not all(t in tpl.layout.tables for t in (cd.capacity, cd.demand)):
            continue
        comparison = Comparison(cd.name, cd.label)
        for service in cd.services:
            figures = ServiceFigures(service.service)
            for month in cd.months:
                figures.months.append(MonthFigures(
                    month.month,
                    _value(tpl, cd.capacity, service.capacity, month.capacity),
                    None if month.spot is None else _value(tpl, cd.capacity, service.capacity, month.spot),
                    demand(tpl, cd.demand, service.demand, month.demand)))
            comparison.services.append(figures)
        out.append(comparison)
    return out


def demand(tpl: OpenTemplate, table_id: str, row_id: str, column: str) -> Decimal:
    """A demand row's figure: the rows it totals added up (never the total's own cell), else its own."""
    rows = tpl.item(table_id).source_rows(row_id)
    return sum((_value(tpl, table_id, rid, column) for rid in rows), Decimal(0))


def shown_surpluses(tpl: OpenTemplate, cd: CapacityDemand):
    """(service, month, the template's own surplus cell, whether it includes spot purchasing) for
    every surplus cell the description pairs with a service and month."""
    if not cd.surplus or cd.surplus not in tpl.layout.tables:
        return
    for service in cd.services:
        if service.surplus is None:
            continue
        for month in cd.months:
            for column, with_spot in ((month.surplus, False), (month.spot_surplus, True)):
                if column is not None:
                    yield service, month, tpl.ref(f"{cd.surplus}.{service.surplus}.{column}"), with_spot


def figures_for(comparisons: list[Comparison], cd: CapacityDemand, service: CdService, month: CdMonth) -> MonthFigures:
    comparison = next(c for c in comparisons if c.name == cd.name)
    figures = next(s for s in comparison.services if s.service == service.service)
    return next(m for m in figures.months if m.month == month.month)


def _value(tpl: OpenTemplate, table_id: str, row_id: str, column: str) -> Decimal:
    located: Located = tpl.ref(f"{table_id}.{row_id}.{column}")
    return amount(located.value)
