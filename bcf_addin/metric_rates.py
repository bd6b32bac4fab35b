"""The metrics a plan sets, computed from their inputs alone (admissions and population, share
discharged and days of delay), never read from the template's own rate cells."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .descriptions.schema import MetricRate
from .located import OpenTemplate


@dataclass
class MetricFigure:
    column: str                      # the template's heading: 'Apr 25 Plan', '2024-25 Estimated'
    value: Decimal | None            # None where an input is blank, text ('n/a') or divides by zero


@dataclass
class MetricResult:
    name: str
    label: str
    decimals: int
    figures: list[MetricFigure] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"name": self.name, "label": self.label,
                "figures": [{"column": f.column, "value": f.value} for f in self.figures]}


def compute_metrics(tpl: OpenTemplate) -> list[MetricResult]:
    return [_metric(tpl, m) for m in tpl.description.metrics if m.table in tpl.layout.tables]


def _metric(tpl: OpenTemplate, m: MetricRate) -> MetricResult:
    table, at = tpl.table(m.table)
    row = next(r for r in table.rows if r.id == m.row)
    sheet = tpl.workbook.sheets[tpl.layout.workbook_sheet(at.sheet)]
    result = MetricResult(m.name, m.label, m.decimals)
    for column in table.columns:
        if table.role(row, column) != "formula" or column.id not in at.columns:
            continue
        col = at.columns[column.id]
        of, by = (_number(sheet.value(at.row_ids[rid], col)) for rid in (m.of, m.by))
        result.figures.append(MetricFigure(column.header, _calculated(m, of, by)))
    return result


def _calculated(m: MetricRate, of: Decimal | None, by: Decimal | None) -> Decimal | None:
    if of is None or by is None:
        return None
    if m.calculation == "delay":
        value = (1 - of) * by
    elif by == 0:
        return None
    else:
        value = of / by * m.per
    return value.quantize(Decimal(1).scaleb(-m.decimals), rounding=ROUND_HALF_UP)


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
