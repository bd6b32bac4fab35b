"""Running balances, minimum-spend tests and C&D capacity against demand, computed from the
scheme lines, income and capacity and demand inputs alone.

Never from the template's own formula cells: those can be stale, pasted over or wrong, and
comparing the two is how a damaged template is caught.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from . import capacity_demand
from .capacity_demand import Comparison
from .descriptions.funding import IN_FULL, source_for, source_names
from .descriptions.schema import Finance, LineFilter, Row, Table
from .folding import fold
from .metric_rates import MetricResult, compute_metrics
from .money import percent
from .located import Line, OpenTemplate, TemplateName, amount


@dataclass
class SourceBalance:
    source: str
    income: Decimal
    expenditure: Decimal
    balance: Decimal
    percent_spent: Decimal | None
    lines: int = 0

    def to_dict(self) -> dict:
        return {"source": self.source, "income": self.income, "expenditure": self.expenditure,
                "balance": self.balance, "percent_spent": self.percent_spent}


@dataclass
class MinimumSpendResult:
    name: str
    label: str
    minimum: Decimal
    spend: Decimal

    @property
    def shortfall(self) -> Decimal:
        return max(Decimal(0), self.minimum - self.spend)

    @property
    def met(self) -> bool:
        return self.spend >= self.minimum

    def to_dict(self) -> dict:
        return {"name": self.name, "minimum": self.minimum, "spend": self.spend,
                "shortfall": self.shortfall, "met": self.met}


@dataclass
class Balances:
    template: str
    hwb: str | None
    running_balances: list[SourceBalance] = field(default_factory=list)
    minimum_spend: list[MinimumSpendResult] = field(default_factory=list)
    unmatched_lines: list[Line] = field(default_factory=list)   # lines whose source is no known source
    # Their money: in no running balance, so the totals leave it out and must say so.
    not_counted: Decimal = Decimal(0)
    metrics: list[MetricResult] = field(default_factory=list)   # a plan's metrics, from their inputs
    title: TemplateName | None = None
    capacity_demand: list[Comparison] = field(default_factory=list)

    @property
    def total(self) -> SourceBalance:
        inc = sum((b.income for b in self.running_balances), Decimal(0))
        exp = sum((b.expenditure for b in self.running_balances), Decimal(0))
        pct = percent_spent(exp, inc) if any(b.percent_spent is not None for b in self.running_balances) else None
        return SourceBalance("Total", inc, exp, inc - exp, pct)

    def source(self, label: str) -> SourceBalance:
        for b in self.running_balances:
            if fold(b.source) == fold(label):
                return b
        raise KeyError(label)

    def to_dict(self) -> dict:
        return {"template": self.template, "hwb": self.hwb,
                "running_balances": [b.to_dict() for b in self.running_balances],
                "minimum_spend": [m.to_dict() for m in self.minimum_spend],
                "not_counted": {"lines": len(self.unmatched_lines), "amount": self.not_counted},
                "metrics": [m.to_dict() for m in self.metrics],
                "capacity_demand": [c.to_dict() for c in self.capacity_demand]}


def compute(tpl: OpenTemplate) -> Balances:
    fin = tpl.description.finance
    result = Balances(tpl.description.kind, tpl.hwb, metrics=compute_metrics(tpl), title=tpl.title,
                      capacity_demand=capacity_demand.compute(tpl))
    if fin is None:
        return result
    lines = tpl.lines(fin.schemes)
    counted: set[int] = set()
    for src in fin.sources:
        mine = lines_of(fin, lines, src.source)
        counted.update(ln.index for ln in mine)
        income = tpl.total(src.income)
        spent = sum((amount(ln.values.get(fin.spend)) for ln in mine), Decimal(0))
        pct = percent_spent(spent, income) if fin.percent_spent else None
        result.running_balances.append(SourceBalance(src.source, income, spent, income - spent, pct, len(mine)))
    result.unmatched_lines = [ln for ln in lines if ln.index not in counted and amount(ln.values.get(fin.spend))]
    result.not_counted = sum((amount(ln.values.get(fin.spend)) for ln in result.unmatched_lines), Decimal(0))
    for ms in fin.minimum_spend:
        minimum = amount(tpl.ref(ms.minimum).value)
        spend = sum((_counted(ln, ms.lines, fin) for ln in lines_of(fin, lines, ms.lines.source)), Decimal(0))
        result.minimum_spend.append(MinimumSpendResult(ms.name, ms.label, minimum, spend))
    return result


def percent_spent(spent: Decimal, income: Decimal) -> Decimal | None:
    """% spent to four decimal places, half up: the one figure the JSON carries and the text rounds
    from, so the two cannot disagree (an exact ratio such as a third runs to 28 digits)."""
    pct = percent(spent, income)
    return None if pct is None else pct.quantize(Decimal("0.0001"), ROUND_HALF_UP)


def lines_of(fin: Finance, lines: list[Line], source: str) -> list[Line]:
    """The scheme lines funded from a source, however the line spells it: the running balance and
    every minimum spend count the same lines."""
    wanted = source_for(fin, source)
    if wanted is None:
        return []
    names = source_names(wanted)
    return [ln for ln in lines if fold(ln.values.get(fin.source)) in names]


def running_balance_row(fin: Finance, table: Table, source: str) -> Row | None:
    """A source's row in the template's running-balance table, matched by label or alias on
    either side: the row may carry the source's old name, or the source the row's."""
    src = source_for(fin, source)
    names = source_names(src) if src is not None else {fold(source)}
    return next((r for r in table.rows or [] if r.id and names & {fold(x) for x in (r.label, *r.aliases)}), None)


def _counted(line: Line, f: LineFilter, fin: Finance) -> Decimal:
    """How much of one of the source's lines counts towards a minimum: all, a share, or none."""
    v = line.values
    area = fold(v.get(fin.area)) if fin.area else ""
    if f.area is not None and area != fold(f.area):
        return Decimal(0)
    if f.area_not is not None and area == fold(f.area_not):
        return Decimal(0)
    spend = amount(v.get(fin.spend))
    if f.commissioner_share is None:
        return spend
    commissioner = fold(v.get(fin.commissioner))
    for who, share in f.commissioner_share.items():
        if fold(who) == commissioner:
            return spend if share == IN_FULL else spend * share_fraction(v.get(share))
    return Decimal(0)


def share_fraction(value) -> Decimal:
    """A '% NHS' cell as a fraction: Excel keeps 60% as 0.6, a typed 60 means 60%."""
    share = amount(value)
    return share / 100 if share > 1 else share
