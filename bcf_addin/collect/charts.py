"""What the charts show, computed once from the tables (latest returns only) for both the native
Excel charts and the PNG pictures. Amounts are summed as Decimal."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd


@dataclass
class ChartData:
    title: str
    category: str             # what each bar is: a funding source, a region, an HWB
    series: list[str]         # the columns of `frame` drawn as bars
    frame: pd.DataFrame       # category column first, one Decimal column per series
    y_title: str = "£"


def all_charts(tables: dict[str, pd.DataFrame]) -> list[ChartData]:
    balances = _latest(tables["balances"])
    returns = tables["returns"]
    # A file reached twice has a second row under the same name: only the usable one has a region.
    regions = returns.loc[returns["reason"].isna(), ["file", "region"]]
    out = [
        ChartData("Income and spend by funding source, England", "source", ["income", "expenditure"],
                  _sum(balances, "source", ["income", "expenditure"])),
        ChartData("Income and spend by region (all funding sources)", "region", ["income", "expenditure"],
                  _sum(balances.merge(regions, on="file", how="left").fillna({"region": "(not on the list)"}),
                       "region", ["income", "expenditure"])),
    ]
    minimum = _latest(tables["minimum_spend"])
    for name, group in minimum.groupby("name", sort=True):
        frame = pd.DataFrame({"hwb": group["hwb"].fillna("(no HWB)"),
                              "margin": [s - m for s, m in zip(group["spend"], group["minimum"])]})
        label = group["label"].iloc[0]
        out.append(ChartData(f"{label}: spend above (below) the minimum by HWB; below zero is not met",
                             "hwb", ["margin"], frame.sort_values("margin", kind="stable").reset_index(drop=True)))
    out.append(ChartData("Unallocated funds by HWB (income less planned spend, per funding source); "
                         "overspends below zero", "hwb", ["unallocated", "overspent"], _unallocated(balances)))
    return out


def _unallocated(balances: pd.DataFrame) -> pd.DataFrame:
    """Per HWB, what its funding sources leave unspent and what they overspend, apart: an overspend
    of one source is not money left in another, so netting them would hide both."""
    signed = pd.DataFrame({"hwb": balances["hwb"] if len(balances) else [],
                           "unallocated": [b if b is not None and b > 0 else Decimal(0) for b in balances.get("balance", [])],
                           "overspent": [b if b is not None and b < 0 else Decimal(0) for b in balances.get("balance", [])]})
    per_hwb = _sum(signed, "hwb", ["unallocated", "overspent"])
    shown = per_hwb[pd.Series([bool(u or o) for u, o in zip(per_hwb["unallocated"], per_hwb["overspent"])],
                              index=per_hwb.index, dtype=bool)]
    return shown.sort_values("unallocated", ascending=False, kind="stable").reset_index(drop=True)


def _latest(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["latest"].fillna(False).astype(bool)] if len(df) else df


def _sum(df: pd.DataFrame, by: str, columns: list[str]) -> pd.DataFrame:
    """Exact sums: Decimal added in Python, never through floats."""
    if not len(df):
        return pd.DataFrame(columns=[by, *columns])
    rows = []
    for key, group in df.groupby(by, sort=True, dropna=False):
        rows.append({by: key, **{c: sum((v for v in group[c] if v is not None), Decimal(0)) for c in columns}})
    return pd.DataFrame(rows, columns=[by, *columns])
