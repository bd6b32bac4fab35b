"""The Lite edition (lite/main.py) on real xlwings Books through the remote engine, as xlwings
Lite hands them to its scripts: the same findings and balances as `bcf check` and `bcf balances`
on the saved file, the calls to Excel counted, and nothing written outside the input cells and
the findings sheet."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from bcf_addin import api, lite

from excel_support import book_json, funcs, written_cells
from support import SAMPLE_LINES
from test_pyodide_core import _sheet_of

MAIN = Path(__file__).resolve().parent.parent / "lite" / "main.py"
NEEDS_FORMULAS = {"X601"}      # the remote engine cannot read formulas; see test_excel_layer.py


@pytest.fixture
def main(xw):
    spec = importlib.util.spec_from_file_location("bcf_lite_main", MAIN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _findings(report, drop=NEEDS_FORMULAS):
    return [(f.code, f.severity.value, f.sheet, f.cell, f.message) for f in report.findings if f.code not in drop]


def _sheet_rows(book, name):
    position = [s.name for s in book.sheets].index(name)
    cells = {(r, c): v for (s, r, c), v in written_cells(book).items() if s == name}
    assert all(a["sheet_position"] == position for a in book.json()["actions"] if a["func"] == "setValues")
    rows = {}
    for (r, c), v in cells.items():
        rows.setdefault(r, {})[c] = v
    return [[rows[r].get(c, "") for c in range(1, max(rows[r]) + 1)] for r in sorted(rows)]


@pytest.mark.parametrize("kind", ["planning-2025-26", "cd-2025-26", "eoy-2024-25", "quarterly-2024-25-q2"])
def test_check_and_balances_give_what_bcf_gives_on_the_file_and_write_only_the_findings_sheet(kind, replicas, main,
                                                                                                xw):
    for path in filter(None, replicas[kind][:2]):
        book = xw.Book(json=book_json(path))
        report = main.check_return(book)
        assert report is not None, book.json()["actions"]
        assert _findings(report) == _findings(api.check(path))
        assert funcs(book) == ["addSheet", "setValues", "alert"]     # one call each: sheet, rows, message
        rows = _sheet_rows(book, lite.FINDINGS_SHEET)
        listed = [r for r in rows if r and r[0] in ("error", "warning", "info")]
        assert [(r[1], r[2]) for r in listed] == [(f.code, f.sheet or "") for f in report.findings]
        for r, f in zip(listed, report.findings):
            if f.cell:
                assert r[3] == f"=HYPERLINK(\"#'{f.sheet}'!{f.cell.split(':')[0]}\",\"{f.cell}\")"

        book = xw.Book(json=book_json(path))
        assert main.balances(book).to_dict() == api.balances(path).to_dict()
        assert funcs(book) == ["addSheet", "setValues", "alert"]


def test_check_again_replaces_the_findings_sheet_in_place(populated_plan, xw, main):
    payload = book_json(populated_plan)
    payload["sheets"].append({"name": lite.FINDINGS_SHEET, "values": [["an earlier check"], ["error", "X101"]],
                              "pictures": [], "tables": [], "charts": [], "shapes": [], "pivot_tables": []})
    book = xw.Book(json=payload)
    report = main.check_return(book)
    assert _findings(report) == _findings(api.check(populated_plan))
    assert funcs(book) == ["rangeClearContents", "setValues", "alert"]


@pytest.mark.parametrize("kind", ["planning-2025-26", "cd-2025-26", "eoy-2024-25"])
def test_populate_from_register_sheets_writes_what_bcf_populate_writes_and_nothing_else(kind, replicas, xw, main):
    empty, populated, registers = replicas[kind]
    payload = book_json(empty)
    payload["sheets"] += [{**_sheet_of(r), "pictures": [], "tables": []} for r in registers]
    book = xw.Book(json=payload)
    result = main.populate(book, ", ".join(r.stem[-31:] for r in registers))
    assert result is not None, book.json()["actions"]
    on_file = api.populate(empty, registers, dry_run=True)
    expected = {(w.sheet, w.row, w.col) for t in on_file.tables for w in t.writes}
    written = {k for k in written_cells(book) if k[0] != lite.FINDINGS_SHEET}
    assert written == expected
    # then the return as populated checks as the populated file does
    after = main.check_return(xw.Book(json=book_json(populated)))
    assert _findings(result.checked, NEEDS_FORMULAS | {"X000"}) == \
        _findings(after, NEEDS_FORMULAS | {"X000"})


def test_populate_without_the_register_sheet_writes_nothing_and_says_how(plan_template, xw, main):
    book = xw.Book(json=book_json(plan_template))
    assert main.populate(book) is None
    assert funcs(book) == ["alert"]
    assert "no sheet named 'Register'" in book.json()["actions"][0]["args"][0]


def test_what_changed_compares_with_the_earlier_sheets_copied_into_the_workbook(replicas, xw, main):
    empty, populated, _ = replicas["planning-2025-26"]
    payload = book_json(populated)
    earlier = book_json(empty)["sheets"]
    payload["sheets"] += [{**s, "name": s["name"] + " (2)"} for s in earlier]
    book = xw.Book(json=payload)
    d = main.what_changed(book)
    assert d is not None, book.json()["actions"]
    on_file = api.diff(empty, populated)
    assert len(d.lines_added) == len(on_file.lines_added) == SAMPLE_LINES
    assert [c.cell for c in d.changes] == [c.cell for c in on_file.changes]
    assert funcs(book) == ["addSheet", "setValues", "alert"]


def test_help_says_what_each_script_does(plan_template, xw, main):
    book = xw.Book(json=book_json(plan_template))
    text = main.help(book)
    for name in ("Check return", "Balances", "Populate", "What changed"):
        assert name in text
    assert funcs(book) == ["alert"]


def test_a_blank_row_and_a_total_in_a_register_sheet_are_said_in_the_message(plan_template, xw, main, tmp_path):
    import csv

    from support import SAMPLE_PLAN

    with SAMPLE_PLAN.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    money = rows[0].index("Expenditure for 2025-26 (£)")
    total = [""] * len(rows[0])
    total[0], total[money] = "Total", str(sum(int(r[money]) for r in rows[1:]))
    register = tmp_path / "Register.csv"
    with register.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([*rows[:11], [""] * len(rows[0]), *rows[11:], total])
    payload = book_json(plan_template)
    payload["sheets"].append({**_sheet_of(register), "pictures": [], "tables": []})
    book = xw.Book(json=payload)
    result = main.populate(book)
    assert result is not None and result.tables[0].lines == 74, book.json()["actions"]
    message = book.json()["actions"][-1]["args"][0]
    assert "warning: sheet 'Register': row 12 is blank, so it was skipped" in message, message
    assert "warning: sheet 'Register', row 77: is a totals line ('Total')" in message, message
