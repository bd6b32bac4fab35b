"""The figures of a numerical return a narrative may quote: income and spend per funding source,
the totals, the minimum-spend figures and each scheme line's amount, all as the balances compute
them from the lines and income (never from the template's own formula cells)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..balances import compute
from ..located import OpenTemplate, amount
from .figures import Kind


@dataclass(frozen=True)
class ReturnFigure:
    kind: Kind
    value: Decimal
    label: str          # "total income", "scheme 36 'Whzan Boxes'"
    hwb: str
    total: bool = False     # the return's total income or spend: held to the closest comparison
    line: bool = False      # one scheme line's amount, which narratives quote in full


def return_figures(tpl: OpenTemplate) -> list[ReturnFigure]:
    hwb = tpl.hwb or "the return"
    b = compute(tpl)
    out: list[ReturnFigure] = []

    def add(kind: Kind, value, label: str, total: bool = False, line: bool = False):
        if value:           # a zero quoted in prose ('0 delays') says nothing about the return
            out.append(ReturnFigure(kind, Decimal(value), label, hwb, total, line))

    if b.running_balances:
        t = b.total
        add(Kind.MONEY, t.income, "total income", True)
        add(Kind.MONEY, t.expenditure, "total planned expenditure", True)
        add(Kind.PERCENT, t.percent_spent, "total % spent")
    for s in b.running_balances:
        add(Kind.MONEY, s.income, f"{s.source} income")
        add(Kind.MONEY, s.expenditure, f"{s.source} expenditure")
        add(Kind.MONEY, s.balance, f"{s.source} balance")
        add(Kind.PERCENT, s.percent_spent, f"{s.source} % spent")
    for m in b.minimum_spend:
        add(Kind.MONEY, m.minimum, f"minimum for {m.label}")
        add(Kind.MONEY, m.spend, m.label)
    fin = tpl.description.finance
    if fin is not None:
        for line in tpl.lines(fin.schemes):
            v = line.values
            name = v.get("description") or v.get("scheme_name") or ""
            ident = v.get("scheme_id") or line.index + 1
            add(Kind.MONEY, amount(v.get(fin.spend)), f"scheme {ident} '{name}'".replace(" ''", ""), line=True)
    return out
