"""The engine's core on the JSON an Excel client sends, run alike by CPython and by Pyodide.

xlwings Lite hands a script the open workbook as an xlwings Book built from that JSON. Pyodide
from the npm registry has no xlwings (Lite brings its own), so `ClientBook` answers the few
calls bcf_addin.excelbook.read_book makes, converting each value as xlwings' remote engine does
(xlwings/pro/_xlremote.py: "" is empty, an ISO text ending in Z is a date). Everything after
the read is the library itself: recognise, locate, check, balances and populate planning.

Standard library and bcf_addin only: this file is imported under Pyodide.
"""
from __future__ import annotations

import re
from datetime import datetime

# xlwings' own pattern for the dates a client sends (xlwings/pro/_xlremote.py, datetime_pattern)
_DATE = re.compile(r"^(-?(?:[1-9][0-9]*)?[0-9]{4})-(1[0-2]|0[1-9])-(3[01]|0[1-9]|[12][0-9])T(2[0-3]|[01][0-9])"
                   r":([0-5][0-9]):([0-5][0-9])(\.[0-9]+)?(Z|[+-](?:2[0-3]|[01][0-9]):[0-5][0-9])?$")


def _value(raw):
    if raw == "":
        return None
    if isinstance(raw, str) and _DATE.match(raw):
        return datetime.fromisoformat(raw[:-1])
    return raw


class _Range:
    def __init__(self, rows):
        self.row, self.column = 1, 1
        self.value = [[_value(v) for v in row] for row in rows]

    def options(self, **_):
        return self

    @property
    def formula(self):
        raise NotImplementedError("a client's JSON carries values only")


class _Sheet:
    def __init__(self, data: dict):
        self.name = data["name"]
        self.used_range = _Range(data["values"])


class ClientBook:
    def __init__(self, payload: dict):
        self.name = self.fullname = payload["book"]["name"]
        self.sheets = [_Sheet(s) for s in payload["sheets"]]


def core(payload: dict, register_sheets: list[str]) -> dict:
    """What the engine makes of one return: kind, layout, check, balances, and the populate plan
    from registers kept in sheets of the same workbook (as the Lite edition's Populate reads them)."""
    from dataclasses import asdict

    from bcf_addin.api import check_open, recognise
    from bcf_addin.balances import compute
    from bcf_addin.excelbook import read_book
    from bcf_addin.populate import plan, with_writes
    from bcf_addin.register import register_from_sheet

    wb = read_book(ClientBook(payload))
    registers = [register_from_sheet(wb.sheets.pop(name)) for name in register_sheets]
    tpl = recognise(wb)
    out = {"kind": tpl.description.kind, "hwb": tpl.hwb,
           "layout": asdict(tpl.layout),
           "check": check_open(tpl).to_dict(), "balances": compute(tpl).to_dict(), "populate": []}
    for register in registers:
        table_plan = plan(register, tpl.description, tpl.layout, tpl.workbook)
        out["populate"].append({"table": table_plan.table, "lines": table_plan.lines,
                                "writes": [[w.sheet, w.ref, plain(w.value)] for w in table_plan.writes],
                                "notes": [n.message for n in table_plan.notes]})
        tpl = recognise(with_writes(tpl.workbook, table_plan.writes), tpl.description.kind)
    out["after_populate"] = {"check": check_open(tpl).to_dict(), "balances": compute(tpl).to_dict()}
    return out


def plain(value):
    """A cell's value as JSON holds it: a date as its ISO text."""
    return value.isoformat() if isinstance(value, datetime) else value


def run(job_text: str) -> str:
    """The job's returns, each through `core`, as exact JSON (money digit for digit)."""
    import json

    from bcf_addin.jsonout import dumps

    job = json.loads(job_text)
    return dumps({name: core(item["payload"], item["registers"]) for name, item in job.items()})
