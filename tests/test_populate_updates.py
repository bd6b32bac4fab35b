"""Populating over a return that already holds lines: ledger extracts, carried lines, columns a
register lacks, and the counts `bcf populate` reports."""
from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from bcf_addin.api import open_template, populate
from bcf_addin.cli import main
from bcf_addin.workbook import CellWrite
from bcf_addin.xlsx.writer import write_cells

from support import SAMPLE_PLAN

LEDGER = ("Scheme ID", "Source of Funding", "Expenditure for 2025-26 (£)")
SCHEME_HEADERS = ["Scheme ID", "Activity", "Description of Scheme", "Primary Objective", "Area of Spend", "Provider",
                  "Source of Funding", "Expenditure for 2025-26 (£)"]


def write_csv(path: Path, rows, headers) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        w.writerows(rows)
    return path


def sample_rows() -> list[list[str]]:
    with open(SAMPLE_PLAN, newline="", encoding="utf-8") as fh:
        return [[line[h] for h in SCHEME_HEADERS] for line in csv.DictReader(fh)]


def schemes(path: Path):
    tpl = open_template(path)
    return tpl.layout.tables["schemes"], tpl.workbook.sheets["5. Expenditure"]


def run(*args) -> str:
    res = CliRunner().invoke(main, ["populate", *map(str, args)])
    assert res.exit_code == 0, res.output
    return res.output


def test_ledger_lines_for_one_scheme_are_added_up_and_said_so(populated_plan, tmp_path):
    ledger = write_csv(tmp_path / "ledger.csv", [["64", "NHS Minimum Contribution", "£15,000,000"],
                                                 ["63", "NHS Minimum Contribution", "2,000,000"],
                                                 ["64", "NHS Minimum Contribution", "700,000"],
                                                 ["64", "NHS Minimum Contribution", "1"]], LEDGER)
    result = populate(populated_plan, [ledger], out=tmp_path / "o.xlsx")
    at, sheet = schemes(Path(result.out))
    assert sheet.value(at.rows[63], at.columns["expenditure"]) == Decimal(15700001)
    assert sheet.value(at.rows[62], at.columns["expenditure"]) == Decimal(2000000)
    added = [n for n in result.notes if "added up" in n.message]
    assert [(n.severity, n.line) for n in added] == [("info", 2)]
    assert "lines 2, 4 and 5" in added[0].message and "£15,700,001" in added[0].message
    assert result.tables[0].lines == 4 and result.written == 2


def test_ledger_lines_for_one_scheme_that_disagree_on_a_value_are_refused(populated_plan, tmp_path):
    ledger = write_csv(tmp_path / "ledger.csv", [["64", "Home care", "5"], ["64", "Home care (ASC)", "6"]],
                       ("Scheme ID", "Description of Scheme", "Expenditure for 2025-26 (£)"))
    out = tmp_path / "o.xlsx"
    res = CliRunner().invoke(main, ["populate", str(populated_plan), "--schemes", str(ledger), "-o", str(out)])
    assert res.exit_code == 2 and not out.exists()
    assert "lines 2 and 3 are all for Scheme ID 64" in res.output and "'Description of Scheme'" in res.output


def test_lines_applied_counts_only_the_lines_that_were(populated_plan, tmp_path):
    ledger = write_csv(tmp_path / "ledger.csv", [["64", "NHS Minimum Contribution", "5"], ["999", "DFG", "5"]], LEDGER)
    output = run(populated_plan, "--schemes", ledger, "-o", tmp_path / "o.xlsx")
    assert "5. Expenditure: 1 line applied to the schemes already in the return" in output
    assert "Wrote 1 cell to" in output


def test_cells_written_are_the_cells_that_change(populated_plan, plan_template, tmp_path):
    # 74 lines of 8 columns each into an empty template; the same again changes nothing.
    output = run(plan_template, "--schemes", SAMPLE_PLAN, "-o", tmp_path / "first.xlsx")
    assert "74 lines into the schemes table" in output and "Wrote 592 cells" in output
    output = run(populated_plan, "--schemes", SAMPLE_PLAN, "-o", tmp_path / "again.xlsx")
    assert "74 lines into the schemes table" in output and "Wrote 0 cells" in output


def test_a_ledger_in_the_same_run_applies_to_the_carried_lines(populated_plan, plan_template, tmp_path):
    ledger = write_csv(tmp_path / "ledger.csv", [["64", "NHS Minimum Contribution", "£15,700,000"]], LEDGER)
    out = tmp_path / "next.xlsx"
    output = run(plan_template, "--from-return", populated_plan, "--schemes", ledger, "-o", out)
    assert "74 lines into the schemes table" in output
    assert "1 line applied to the schemes already in the return" in output
    assert "Wrote 592 cells" in output          # the ledger's amount replaces the carried one: one cell
    at, sheet = schemes(out)
    assert sheet.value(at.rows[63], at.columns["expenditure"]) == Decimal(15700000)
    assert sheet.value(at.rows[63], at.columns["description"]) == "Home Care Service (ASC protected)"
    assert sheet.value(at.rows[62], at.columns["expenditure"]) == Decimal(2240385)


def test_a_ledger_putting_back_the_workbooks_own_amount_writes_nothing(populated_plan, tmp_path):
    at, sheet = schemes(populated_plan)
    own = sheet.value(at.rows[63], at.columns["expenditure"])
    ledger = write_csv(tmp_path / "ledger.csv", [["64", "NHS Minimum Contribution", str(own)]], LEDGER)
    output = run(populated_plan, "--from-return", populated_plan, "--schemes", ledger, "-o", tmp_path / "o.xlsx")
    assert "Wrote 0 cells" in output


def test_a_register_without_an_optional_column_keeps_the_returns_own_values(populated_plan, tmp_path):
    at, sheet = schemes(populated_plan)
    commented = tmp_path / "commented.xlsx"
    write_cells(populated_plan, [CellWrite("5. Expenditure", at.rows[i], at.columns["comments"], f"note {i}")
                                 for i in (0, 5)], commented)
    rows = sample_rows()
    rows[4], rows[5] = rows[5], rows[4]             # line 7 now holds what the return had on its sixth row
    result = populate(commented, [write_csv(tmp_path / "reg.csv", rows, SCHEME_HEADERS)], out=tmp_path / "o.xlsx")
    at, sheet = schemes(Path(result.out))
    assert sheet.value(at.rows[0], at.columns["comments"]) == "note 0"
    assert sheet.value(at.rows[5], at.columns["comments"]) == "note 5"
    kept = [n for n in result.notes if n.column == "Comments (optional)"]
    assert [(n.severity, "beside line 7 they were for another Scheme ID" in n.message) for n in kept] == [
        ("warning", True)]


def test_pence_and_negative_amounts_are_written_and_noted(plan_template, tmp_path):
    line = ["9", "Other", "x", "1. Proactive care to those with complex needs", "Social Care", "NHS", "DFG"]
    reg = write_csv(tmp_path / "reg.csv", [line + ["1234.50"], line + ["(1,000)"], line + ["12"]], SCHEME_HEADERS)
    result = populate(plan_template, [reg], out=tmp_path / "o.xlsx")
    at, sheet = schemes(Path(result.out))
    assert [sheet.value(at.rows[i], at.columns["expenditure"]) for i in range(3)] == [
        Decimal("1234.50"), Decimal(-1000), Decimal(12)]
    money = [(n.severity, n.line, n.message) for n in result.notes if n.column == SCHEME_HEADERS[-1]]
    assert money == [("info", 2, "£1,234.50 has pence; BCF returns are in whole pounds"),
                     ("warning", 3, "-£1,000 is negative, which is unusual in a return")]


def test_lines_into_a_fixed_table_count_only_the_rows_found(tmp_path):
    from bcf_addin import paths
    from bcf_addin.api import new_replica

    cd = new_replica("cd-2025-26", tmp_path / "cd.xlsx", hwb="Leicestershire")
    sample = paths.samples() / "leicestershire-2025-26-cd-step-up.csv"
    text = sample.read_text(encoding="utf-8")
    extra = tmp_path / "step-up.csv"
    extra.write_text(text + "Hovercraft transfers,Monthly capacity. Number of new clients." + ",1" * 12 + "\n",
                     encoding="utf-8")
    result = populate(cd, [extra], out=tmp_path / "o.xlsx")
    lines = len(text.strip().splitlines()) - 1
    assert [n.line for n in result.notes if "no row" in n.message] == [lines + 2]
    assert result.tables[0].lines == lines
