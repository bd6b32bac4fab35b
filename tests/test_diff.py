"""bcf diff: what changed between two versions of a return, on the populated Leicestershire plan.

The changed versions are made with openpyxl, as an officer's edits in Excel would be, not with
this tool's own writer.
"""
from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from bcf_addin.cli import main
from bcf_addin.jsonout import loads

EXPENDITURE = "5. Expenditure"
FIRST, LAST = 26, 225          # the replica's scheme rows (B26:J225)


def run(*args):
    return CliRunner().invoke(main, ["diff", *map(str, args)])


def edited(src: Path, dest: Path, edit) -> Path:
    wb = openpyxl.load_workbook(src)
    edit(wb)
    wb.save(dest)
    return dest


def remove_line(ws, row: int) -> None:
    """Delete a line's contents and move the lines below it up, as an officer tidying the sheet would."""
    for r in range(row, LAST):
        for c in range(2, 11):
            ws.cell(r, c).value = ws.cell(r + 1, c).value
    for c in range(2, 11):
        ws.cell(LAST, c).value = None


def test_one_amount_changed_and_one_line_removed(populated_plan, tmp_path):
    def edit(wb):
        ws = wb[EXPENDITURE]
        assert ws["B38"].value == "13" and ws["I38"].value == 7152110
        ws["I38"] = 7200000
        assert ws["B40"].value == "15" and ws["I40"].value == 252877
        remove_line(ws, 40)

    new = edited(populated_plan, tmp_path / "new.xlsx", edit)
    res = run(populated_plan, new, "--json")
    assert res.exit_code == 1, res.output
    d = loads(res.stdout)
    assert [(c["sheet"], c["cell"], c["key"], c["field"], c["old"], c["new"]) for c in d["changes"]] == [
        (EXPENDITURE, "I38", "Scheme ID 13", "Expenditure for 2025-26 (£)", 7152110, 7200000)]
    assert d["lines_added"] == []
    assert [(x["key"], x["cell"], x["amount"]) for x in d["lines_removed"]] == [("Scheme ID 15", "B40", 252877)]
    moved = {(m["name"], m["figure"]): m for m in d["balances"]["moved"]}
    # 47,890 more on line 13 and 252,877 less without line 15, all NHS Minimum Contribution:
    assert set(moved) == {("NHS Minimum Contribution", "expenditure"), ("NHS Minimum Contribution", "balance")}
    assert moved["NHS Minimum Contribution", "expenditure"]["old"] == 56776363
    assert moved["NHS Minimum Contribution", "expenditure"]["delta"] == 47890 - 252877
    assert moved["NHS Minimum Contribution", "balance"]["new"] == 294616 + 252877 - 47890

    text = run(populated_plan, new).stdout
    assert "1 line changed, 0 added, 1 removed; 0 other answers changed" in text
    assert "Scheme ID 13: Expenditure for 2025-26 (£): £7,152,110 -> £7,200,000 (+£47,890)" in text
    assert "removed  '5. Expenditure'!B40     Scheme ID 15: £252,877" in text
    assert "NHS Minimum Contribution, balance: £294,616 -> £499,603 (+£204,987)" in text


def test_the_same_return_sorted_differently_has_no_changes(populated_plan, tmp_path):
    def edit(wb):
        ws = wb[EXPENDITURE]
        rows = [[ws.cell(r, c).value for c in range(2, 11)] for r in range(FIRST, LAST + 1)
                if ws.cell(r, 2).value is not None]
        rows.reverse()
        for i, values in enumerate(rows):
            for c, v in enumerate(values, start=2):
                ws.cell(FIRST + i, c).value = v

    copy = tmp_path / "copy.xlsx"
    shutil.copy(populated_plan, copy)
    assert run(populated_plan, copy).exit_code == 0
    new = edited(populated_plan, tmp_path / "sorted.xlsx", edit)
    res = run(populated_plan, new)
    assert res.exit_code == 0, res.output
    assert "No input cell differs." in res.stdout


def test_a_scheme_split_across_sources_is_matched_by_its_source(populated_plan, tmp_path):
    def split(wb):
        ws = wb[EXPENDITURE]
        ws["B27"], ws["H27"] = "1", "NHS Minimum Contribution"     # line 1 now has a DFG and an NHS part

    old = edited(populated_plan, tmp_path / "old.xlsx", split)
    new = edited(old, tmp_path / "new.xlsx", lambda wb: wb[EXPENDITURE].__setitem__("I27", 1256000))
    d = loads(run(old, new, "--json").stdout)
    assert [(c["cell"], c["key"], c["old"], c["new"]) for c in d["changes"]] == [
        ("I27", "Scheme ID 1 (NHS Minimum Contribution)", 1256063, 1256000)]


def test_answers_outside_the_tables_are_compared(populated_plan, tmp_path):
    new = edited(populated_plan, tmp_path / "new.xlsx", lambda wb: wb["2. Cover"].__setitem__("C14", "A. Officer"))
    d = loads(run(populated_plan, new, "--json").stdout)
    assert [(c["sheet"], c["cell"], c["key"], c["old"], c["new"]) for c in d["changes"]] == [
        ("2. Cover", "C14", "Submitted by:", None, "A. Officer")]
    assert d["balances"]["moved"] == []


def test_two_different_templates_are_refused(populated_plan, tmp_path):
    from bcf_addin.api import new_replica

    cd = new_replica("cd-2025-26", tmp_path / "cd.xlsx", hwb="Leicestershire")
    res = run(populated_plan, cd)
    assert res.exit_code == 2
    assert "compare two versions of the same return" in res.output.strip().splitlines()[-1]


def test_report_workbook_lists_each_change_linked_to_its_cell(populated_plan, tmp_path):
    new = edited(populated_plan, tmp_path / "new.xlsx", lambda wb: wb[EXPENDITURE].__setitem__("I38", 7200000))
    report = tmp_path / "changes.xlsx"
    res = run(populated_plan, new, "--report", report)
    assert res.exit_code == 1, res.output
    ws = openpyxl.load_workbook(report)["What changed"]
    assert [c.value for c in ws[2]] == ["changed", EXPENDITURE, "I38", "Scheme ID 13", "Expenditure for 2025-26 (£)",
                                        7152110, 7200000, 47890]
    assert ws["C2"].hyperlink.target.endswith("new.xlsx#'5. Expenditure'!I38")
    assert Decimal(openpyxl.load_workbook(report)["Figures that moved"]["E2"].value) == 47890


def test_report_over_a_compared_return_is_refused(populated_plan, tmp_path):
    new = edited(populated_plan, tmp_path / "new.xlsx", lambda wb: wb[EXPENDITURE].__setitem__("I38", 1))
    before = new.read_bytes()
    res = run(populated_plan, new, "--report", new)
    assert res.exit_code == 2
    assert new.read_bytes() == before
