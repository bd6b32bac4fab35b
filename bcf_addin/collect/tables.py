"""The tidy tables: pandas DataFrames with their dtypes right, and writing them out.

Amounts are Decimal (object columns) from the cell to the file: sums are exact, and CSV and
Parquet get every digit. Only the Excel outputs turn them into numbers, because that is all a
spreadsheet cell can hold.
"""
from __future__ import annotations

import csv
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd

from .. import paths
from ..errors import BcfError
from ..files import Replacement
from ..folding import fold
from .formats import FORMATS
from .sheets import write_workbook

KEYS = ["file", "hwb", "kind"]
PER_RETURN = ["scheme_lines", "income", "balances", "minimum_spend", "metrics", "capacity_demand", "findings"]
RETURNS = ["file", "sender", "received", "kind", "template", "year", "hwb", "hwb_code", "region",
           "complete", "errors", "warnings", "version", "latest", "reason"]
# The dtype of a column that may have no value at all (no usable return gave one).
DTYPES = {"complete": "boolean", "latest": "boolean", "met": "boolean", "errors": "Int64", "warnings": "Int64",
          "version": "Int64", "count": "Int64", "line": "Int64", "received": "datetime"}
# The columns a table has even when no return gave it a row (scheme lines and the long tables
# take theirs from the template's description).
COLUMNS = {
    "income": ["source", "item", "label", "column", "amount"],
    "balances": ["source", "income", "expenditure", "balance", "percent_spent"],
    "minimum_spend": ["name", "label", "minimum", "spend", "shortfall", "met"],
    "metrics": ["table", "row", "label", "key", "column", "header", "value", "text"],
    "capacity_demand": ["table", "row", "label", "key", "column", "header", "value", "text"],
    "findings": ["code", "severity", "count", "sheet", "cells", "message", "hint"],
    "contacts": ["item", "role", "field", "value"],
    "history": ["received", "version", "previous", "changed_totals", "diff"],
}


def reference_hwbs() -> pd.DataFrame:
    """The bundled list of every Health and Wellbeing Board, with its region and ONS code."""
    with open(paths.reference() / "hwbs.csv", newline="", encoding="utf-8") as fh:
        rows = [{"hwb": r["Health and Wellbeing Board"], "hwb_code": r.get("Code"), "region": r["Region"]}
                for r in csv.DictReader(fh)]
    return frame(rows, ["hwb", "hwb_code", "region"])


def per_return(name: str, parts: list[tuple[dict, dict[str, list]]]) -> pd.DataFrame:
    """A per-return table from each return's columns, with the keys (file, hwb, kind, latest)
    that every row of that return shares. Joined column by column: a national collection has
    tens of thousands of rows."""
    first = [*KEYS, "latest"]
    rest = dict.fromkeys([*COLUMNS.get(name, ()), *(c for _, cols in parts for c in cols if c not in first)])
    joined: dict[str, list] = {c: [] for c in first + list(rest)}
    for keys, cols in parts:
        n = len(next(iter(cols.values())))
        for c, values in joined.items():
            values.extend(cols[c] if c in cols else [keys.get(c)] * n)
    return from_columns(joined)


def frame_of_rows(name: str, records: list[dict]) -> pd.DataFrame:
    """A per-return table from its rows (each already carrying file, hwb, kind and latest)."""
    first = [*KEYS, "latest"]
    rest = dict.fromkeys([*COLUMNS.get(name, ()), *(k for r in records for k in r if k not in first)])
    return frame(records, first + list(rest))


def returns_table(records: list[dict], hwbs: pd.DataFrame) -> pd.DataFrame:
    where = _lookup(hwbs)
    for r in records:
        r["hwb_code"], r["region"] = where.get(fold(r.get("hwb")), (None, None))
    return frame(records, RETURNS)


def missing_table(returns: pd.DataFrame, hwbs: pd.DataFrame) -> pd.DataFrame:
    """Every HWB of the bundled list with no usable return of a kind that others sent."""
    usable = returns[returns["reason"].isna() & returns["hwb"].notna()]
    kinds = sorted(usable["kind"].dropna().unique()) or [None]
    rows = []
    for kind in kinds:
        sent = {fold(h) for h in usable.loc[usable["kind"] == kind, "hwb"]} if kind else set()
        for h in hwbs.itertuples():
            if fold(h.hwb) not in sent:
                rows.append({"file": None, "hwb": h.hwb, "kind": kind, "hwb_code": h.hwb_code, "region": h.region})
    return frame(rows, [*KEYS, "hwb_code", "region"])


def _lookup(hwbs: pd.DataFrame) -> dict[str, tuple]:
    return {fold(h.hwb): (h.hwb_code, h.region) for h in hwbs.itertuples()}


def frame(records: list[dict], columns: list[str]) -> pd.DataFrame:
    return from_columns({c: [r.get(c) for r in records] for c in columns}, len(records))


def from_columns(columns: dict[str, list], length: int | None = None) -> pd.DataFrame:
    """A DataFrame whose columns are typed by what they hold: text as string, yes/no as boolean,
    counts as Int64, times as UTC datetimes, amounts as Decimal objects (exact)."""
    if length is None:
        length = len(next(iter(columns.values()), []))
    return pd.DataFrame({c: _column(values, DTYPES.get(c)) for c, values in columns.items()},
                        index=pd.RangeIndex(length))


def _column(values: list, empty: str | None = None):
    kinds = {type(v) for v in values if v is not None}
    if not kinds and empty == "datetime":
        return pd.to_datetime(pd.Series(values, dtype=object), utc=True)
    if not kinds and empty:
        return pd.array(values, dtype=empty)
    if kinds == {bool}:
        return pd.array(values, dtype="boolean")
    if kinds and kinds <= {int, bool}:
        return pd.array(values, dtype="Int64")
    if kinds and all(issubclass(k, datetime) for k in kinds):
        return pd.to_datetime(pd.Series(values, dtype=object), utc=True)
    if kinds == {Decimal}:
        return pd.Series(values, dtype=object)
    # Text, or amounts mixed with text an officer typed: kept as text, exactly as written.
    return pd.array([None if v is None else str(v) for v in values], dtype="string")


def write_tables(tables: dict[str, pd.DataFrame], outdir: Path, fmt: str) -> list[Path]:
    if fmt not in FORMATS:
        raise BcfError(f"--format must be one of {', '.join(FORMATS)}, not '{fmt}'")
    written = []
    for name, df in tables.items():
        path = outdir / f"{name}.{fmt}"
        # Last run's tables are kept as backups beside the new ones, never silently replaced;
        # but not personal data, which is kept no longer than needed.
        with Replacement(path, existing="replace" if name == "contacts" else "backup") as staged:
            if fmt == "csv":
                df.to_csv(staged.file, index=False, date_format="%Y-%m-%dT%H:%M:%S%z", encoding="utf-8")
            elif fmt == "parquet":
                df.to_parquet(staged.file, index=False)
            else:
                write_workbook({name: df}, staged.file)
        written.append(path)
    return written


def excel_ready(df: pd.DataFrame) -> pd.DataFrame:
    """Amounts as numbers and times without a zone, as an Excel cell holds them."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(lambda v: float(v) if isinstance(v, Decimal) else v)
        elif isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.tz_localize(None)
    return out
