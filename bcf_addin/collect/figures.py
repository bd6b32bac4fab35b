"""One return's figures as rows of the tidy tables: plain dicts, cheap to send between processes.

Amounts stay Decimal (exact, as read and as `bcf balances --json` gives them) until the tables are
written. Everything here works from the template description, so a new year's template needs no
new code.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from ..balances import Balances
from ..checks.report import CheckReport
from ..descriptions.schema import Field, Table
from ..folding import fold
from ..located import OpenTemplate, amount

NUMERIC = ("money", "number", "percent", "integer")
# Cover answers that identify a person; left out of every table unless contacts are asked for.
PERSONAL_TYPES = ("email", "phone")
PERSONAL_LABELS = ("submitted by", "completed by", "role and organisation")
# A table's rows as columns: name -> values, all as long. Cheaper than rows to send between
# processes and to join into one table.
Columns = dict[str, list]


def rows(tpl: OpenTemplate, report: CheckReport, balances: Balances, *, contacts: bool) -> dict[str, list[dict]]:
    """Every table's rows for this return, keyed by table name (file, hwb and kind added later)."""
    out = {
        "scheme_lines": _scheme_lines(tpl),
        "income": _income(tpl),
        "balances": [b.to_dict() for b in balances.running_balances],
        "minimum_spend": [{"name": m.name, "label": m.label, "minimum": m.minimum, "spend": m.spend,
                           "shortfall": m.shortfall, "met": m.met} for m in balances.minimum_spend],
        "metrics": _long(tpl, lambda sheet: "metric" in sheet),
        "capacity_demand": _long(tpl, lambda sheet: "c&d" in sheet or "capacity" in sheet),
        "findings": _findings(report),
    }
    if contacts:
        out["contacts"] = _contacts(tpl)
    return out


def columns(rows: list[dict]) -> Columns:
    """The rows as columns, each in the order first met, None where a row has no value."""
    names = dict.fromkeys(k for r in rows for k in r)
    return {name: [r.get(name) for r in rows] for name in names}


def _scheme_lines(tpl: OpenTemplate) -> list[dict]:
    fin = tpl.description.finance
    if fin is None or fin.schemes not in tpl.layout.tables:
        return []
    table, _ = tpl.table(fin.schemes)
    money = {c.id for c in table.columns if c.type == "money"}
    out = []
    for line in tpl.lines(fin.schemes):
        row = {"line": line.index + 1}
        for col in table.columns:
            v = line.values.get(col.id)
            row[col.id] = amount(v) if col.id in money and v not in (None, "") else _plain(v)
        out.append(row)
    return out


def _income(tpl: OpenTemplate) -> list[dict]:
    """Each income line behind each funding source: an allocation, a contributor, a carried-over sum."""
    fin = tpl.description.finance
    if fin is None:
        return []
    out = []
    for src in fin.sources:
        for ref in src.income:
            parts = ref.split(".")
            if parts[0] not in tpl.layout.tables:
                if len(parts) == 1 and ref in tpl.layout.fields:
                    out.append({"source": src.source, "item": ref, "label": ref,
                                "amount": amount(tpl.ref(ref).value)})
                continue
            table, at = tpl.table(parts[0])
            labels = {r.id: r.label for r in table.rows or []}
            if len(parts) == 3:
                out.append({"source": src.source, "item": parts[0], "label": labels.get(parts[1], parts[1]),
                            "column": parts[2], "amount": amount(tpl.ref(ref).value)})
                continue
            # Allocations are pre-populated, not input: every line with something in it counts.
            for line in tpl.lines(parts[0], in_use_only=False):
                label = labels.get(line.row_id) if line.row_id else _line_label(tpl, at, table, line, parts[1])
                value = line.values.get(parts[1])
                if label is None and value in (None, ""):
                    continue
                out.append({"source": src.source, "item": parts[0], "label": label, "column": parts[1],
                            "amount": amount(value)})
    return out


def _line_label(tpl: OpenTemplate, at, table: Table, line, money_column: str) -> str | None:
    """An income line's name: its row label (the ICB, the district) or its first text answer."""
    if at.label_col:
        shown = tpl.workbook.sheets[tpl.layout.workbook_sheet(at.sheet)].value(line.row, at.label_col)
        if shown not in (None, ""):
            return str(shown).strip()
    for col in table.columns:
        v = line.values.get(col.id)
        if col.id != money_column and col.type not in NUMERIC and v not in (None, ""):
            return str(v).strip()
    return None


def _long(tpl: OpenTemplate, wanted) -> list[dict]:
    """Fixed tables on the sheets `wanted` picks, one row per numeric cell an officer fills in or
    NHS England pre-populates (formula cells are left out: their cached results can be stale)."""
    out = []
    for sheet in tpl.description.sheets:
        if not wanted(fold(sheet.name)) or sheet.name not in tpl.layout.sheets:
            continue
        for item in sheet.items:
            if not isinstance(item, Table) or item.rows is None or item.id not in tpl.layout.tables:
                continue
            at = tpl.layout.tables[item.id]
            by_row = {ln.row_id: ln for ln in tpl.lines(item.id) if ln.row_id}
            for row in item.rows:
                line = by_row.get(row.id)
                if line is None or row.total_of:
                    continue
                for col in item.columns:
                    kind = row.types.get(col.id, col.type)
                    role = row.roles.get(col.id, col.role)
                    if kind not in NUMERIC or role == "formula" or col.id not in at.columns:
                        continue
                    v = line.values.get(col.id)
                    out.append({"table": item.id, "row": row.id, "label": row.label, "key": row.key,
                                "column": col.id, "header": col.header,
                                "value": v if isinstance(v, Decimal) else None,
                                "text": None if isinstance(v, Decimal) or v in (None, "") else str(v)})
    return out


def _findings(report: CheckReport) -> list[dict]:
    """One row per rule code: how many times it fired, where first, and what it said first."""
    by_code: dict[str, list] = defaultdict(list)
    for f in report.findings:
        by_code[f.code].append(f)
    return [{"code": code, "severity": fs[0].severity.value, "count": len(fs),
             "sheet": fs[0].sheet, "cells": ", ".join(f.cell for f in fs[:20] if f.cell) or None,
             "message": fs[0].message, "hint": fs[0].hint} for code, fs in by_code.items()]


def _contacts(tpl: OpenTemplate) -> list[dict]:
    """The cover's free-text answers (who submitted it, e-mails, phone numbers, the sign-off people)."""
    cover = tpl.description.identity.sheet
    out = []
    for sheet in tpl.description.sheets:
        if sheet.name != cover:
            continue
        for item in sheet.items:
            if isinstance(item, Field) and item.id in tpl.layout.fields and _personal(item):
                v = tpl.ref(item.id).value
                if v not in (None, ""):
                    out.append({"item": item.id, "role": item.label.rstrip(":"), "field": item.id, "value": _plain(v)})
            elif isinstance(item, Table) and item.rows is not None and item.id in tpl.layout.tables \
                    and any(c.type in PERSONAL_TYPES for c in item.columns):
                labels = {r.id: r.label for r in item.rows}
                for line in tpl.lines(item.id):
                    for col in item.columns:
                        v = line.values.get(col.id)
                        if v not in (None, ""):
                            out.append({"item": item.id, "role": labels.get(line.row_id), "field": col.id,
                                        "value": _plain(v)})
    return out


def _personal(item: Field) -> bool:
    return item.type in PERSONAL_TYPES or any(fold(item.label).startswith(p) for p in PERSONAL_LABELS)


def _plain(v):
    if isinstance(v, str):
        return v.strip() or None
    return v
