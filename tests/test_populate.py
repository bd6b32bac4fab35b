"""`bcf populate` on the published Leicestershire 2025-26 plan: values in, nothing else touched."""
from __future__ import annotations

import csv
import zipfile
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from bcf_addin.api import new_replica, open_template, populate
from bcf_addin.cli import main
from bcf_addin.descriptions.loader import load
from bcf_addin.xlsx.reader import read_workbook

from support import SAMPLE_LINES, SAMPLE_PLAN, needs_libreoffice, sample_lines

COLUMNS = {
    "scheme_id": "Scheme ID", "activity": "Activity", "description": "Description of Scheme",
    "objective": "Primary Objective", "area": "Area of Spend", "provider": "Provider",
    "source": "Source of Funding", "expenditure": "Expenditure for 2025-26 (£)",
}
# The sample's one drop-down value that is not the list's own spelling: the list says 'short-term'.
LIST_SPELLING = {
    "Home-based intermediate care (short term home-based rehabilitation, reablement and recovery services)":
        "Home-based intermediate care (short-term home-based rehabilitation, reablement and recovery services)",
}


def scheme_cells(path: Path):
    tpl = open_template(path)
    at = tpl.layout.tables["schemes"]
    sheet = tpl.workbook.sheets["5. Expenditure"]
    return tpl, at, sheet


def test_all_74_lines_land_in_the_expenditure_input_cells(populated_plan):
    tpl, at, sheet = scheme_cells(populated_plan)
    desc = load("planning-2025-26")
    lines = sample_lines()
    assert len(lines) == 74                    # the published plan's lines, as the sample README says
    for i, line in enumerate(lines):
        r = at.rows[i]
        for cid, header in COLUMNS.items():
            got = sheet.value(r, at.columns[cid])
            want = line[header]
            column = desc.item("schemes")[1].column(cid)
            if column.type == "money":
                assert got == Decimal(want), (i, header)
            elif column.type == "list":
                assert got == LIST_SPELLING.get(want, want), (i, header)
            else:
                assert got == want, (i, header)
            assert not sheet.get(r, at.columns[cid]).locked
    # The rows after the register are still empty.
    assert all(sheet.value(at.rows[74], c) is None for c in at.columns.values())


def test_drifted_dropdown_spelling_is_written_as_the_lists_own_value(populated_plan):
    _, at, sheet = scheme_cells(populated_plan)
    # Line 18 of the sample says 'short term'; the list says 'short-term'.
    assert sample_lines()[17]["Activity"].startswith("Home-based intermediate care (short term")
    assert sheet.value(at.rows[17], at.columns["activity"]).startswith("Home-based intermediate care (short-term")


def test_sheets_stay_protected_and_every_other_part_is_byte_identical(plan_template, populated_plan):
    before, after = zipfile.ZipFile(plan_template), zipfile.ZipFile(populated_plan)
    assert before.namelist() == after.namelist()
    expenditure_part = "xl/worksheets/sheet5.xml"
    changed = [n for n in before.namelist() if before.read(n) != after.read(n)]
    assert changed == [expenditure_part]
    wb = read_workbook(populated_plan)
    assert all(s.protected for name, s in wb.sheets.items())


def test_no_cell_but_the_written_input_cells_changes(plan_template, populated_plan):
    old, new = read_workbook(plan_template), read_workbook(populated_plan)
    tpl, at, _ = scheme_cells(populated_plan)
    written = {("5. Expenditure", r, c) for r in at.rows[:74] for c in at.columns.values()}
    for name, sheet in old.sheets.items():
        for key, cell in sheet.cells.items():
            after = new.sheets[name].get(*key)
            if (name, *key) in written:
                assert after.style == cell.style and after.locked == cell.locked
                continue
            assert after == cell, (name, key)


def test_populating_twice_gives_the_same_file(populated_plan, tmp_path):
    again = tmp_path / "again.xlsx"
    populate(populated_plan, [SAMPLE_PLAN], out=again)
    assert again.read_bytes() == populated_plan.read_bytes()


def test_moved_rows_and_columns_populate_the_same_values(tmp_path, populated_plan):
    moved = new_replica("planning-2025-26", tmp_path / "moved.xlsx", hwb="Leicestershire", spread=3, shift=1)
    out = populate(moved, [SAMPLE_PLAN], out=tmp_path / "moved-out.xlsx")
    _, at_a, a = scheme_cells(populated_plan)
    _, at_b, b = scheme_cells(Path(out.out))
    assert at_a.header_row != at_b.header_row
    for i in range(74):
        for cid in COLUMNS:
            assert a.value(at_a.rows[i], at_a.columns[cid]) == b.value(at_b.rows[i], at_b.columns[cid])


def _register(tmp_path, rows, headers=tuple(COLUMNS.values())) -> Path:
    path = tmp_path / "register.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        w.writerows(rows)
    return path


def test_money_text_formats_are_parsed_exactly(plan_template, tmp_path):
    base = ["9", "Other", "x", "1. Proactive care to those with complex needs", "Social Care", "NHS", "DFG"]
    reg = _register(tmp_path, [base + ["£1,234"], base + ["(1,234)"], base + ["1234.56"], base + [" 12 "]])
    out = populate(plan_template, [reg], out=tmp_path / "o.xlsx")
    _, at, sheet = scheme_cells(Path(out.out))
    got = [sheet.value(at.rows[i], at.columns["expenditure"]) for i in range(4)]
    assert got == [Decimal(1234), Decimal(-1234), Decimal("1234.56"), Decimal(12)]


def test_text_starting_with_equals_is_written_as_text(plan_template, tmp_path):
    reg = _register(tmp_path, [["=1+1", "Other", "=HYPERLINK(\"http://x\")", "1. Proactive care to those with complex needs",
                                "Social Care", "NHS", "DFG", "5"]])
    out = populate(plan_template, [reg], out=tmp_path / "o.xlsx")
    _, at, sheet = scheme_cells(Path(out.out))
    cell = sheet.get(at.rows[0], at.columns["description"])
    assert cell.value == '=HYPERLINK("http://x")' and cell.formula is None
    assert sheet.get(at.rows[0], at.columns["scheme_id"]).formula is None


def test_value_not_on_the_list_is_reported_with_the_closest_and_not_written(plan_template, tmp_path):
    reg = _register(tmp_path, [["1", "Other", "x", "1. Proactive care to those with complex needs",
                                "Social Cares", "NHS", "DFG", "5"]])
    result = populate(plan_template, [reg], out=tmp_path / "o.xlsx")
    notes = [n for n in result.notes if n.severity == "warning"]
    assert len(notes) == 1 and notes[0].line == 2 and notes[0].column == "Area of Spend"
    assert "Social Care" in notes[0].hint
    _, at, sheet = scheme_cells(Path(result.out))
    assert sheet.value(at.rows[0], at.columns["area"]) is None


def test_old_year_names_map_to_this_years_list(plan_template, tmp_path):
    reg = _register(tmp_path, [["1", "Other", "x", "1. Proactive care to those with complex needs", "social care",
                                "NHS", "Minimum NHS Contribution", "5"],
                               ["2", "other", "y", "1. Proactive care to those with complex needs", "Social Care",
                                "NHS", "iBCF", "6"]])
    result = populate(plan_template, [reg], out=tmp_path / "o.xlsx")
    _, at, sheet = scheme_cells(Path(result.out))
    assert sheet.value(at.rows[0], at.columns["source"]) == "NHS Minimum Contribution"
    assert sheet.value(at.rows[1], at.columns["source"]) == "Local Authority Better Care Grant"
    assert sheet.value(at.rows[0], at.columns["area"]) == "Social Care"


def test_exactly_repeated_line_is_a_warning_but_a_split_scheme_is_not(plan_template, tmp_path):
    a = ["7", "Other", "x", "1. Proactive care to those with complex needs", "Social Care", "NHS", "DFG", "5"]
    b = ["7", "Other", "x", "1. Proactive care to those with complex needs", "Social Care", "NHS",
         "NHS Minimum Contribution", "5"]
    result = populate(plan_template, [_register(tmp_path, [a, b, a])], out=tmp_path / "o.xlsx")
    repeats = [n for n in result.notes if "repeats" in n.message]
    assert [(n.line, n.message) for n in repeats] == [(4, "repeats line 2 exactly")]


def test_a_shorter_register_clears_the_lines_left_from_a_longer_one(populated_plan, tmp_path):
    lines = sample_lines()[:3]
    reg = _register(tmp_path, [[line[h] for h in COLUMNS.values()] for line in lines])
    result = populate(populated_plan, [reg], out=tmp_path / "o.xlsx")
    _, at, sheet = scheme_cells(Path(result.out))
    assert sheet.value(at.rows[2], at.columns["scheme_id"]) == "3"
    assert all(sheet.value(at.rows[i], c) is None for i in range(3, 74) for c in at.columns.values())


def test_in_place_keeps_a_backup_copy(plan_template):
    original = plan_template.read_bytes()
    result = populate(plan_template, [SAMPLE_PLAN], in_place=True)
    assert result.out == str(plan_template) and result.backup
    assert Path(result.backup).read_bytes() == original
    assert plan_template.read_bytes() != original


def test_cli_populate_reports_lines_and_writes(plan_template, tmp_path):
    out = tmp_path / "out.xlsx"
    res = CliRunner().invoke(main, ["populate", str(plan_template), "--schemes", str(SAMPLE_PLAN), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "74 lines into the schemes table" in res.output
    assert out.exists()


@needs_libreoffice
def test_libreoffice_recalculates_the_templates_own_formulas_to_the_published_figures(populated_plan, tmp_path):
    from openpyxl import load_workbook

    from recalc import recalculate

    calc = recalculate(populated_plan, tmp_path / "recalculated.xlsx")
    tpl = open_template(populated_plan)
    wb = load_workbook(calc, data_only=True)
    ws = wb["5. Expenditure"]
    rb = tpl.layout.tables["running_balances"]

    def at(row_id, col):
        r, c = rb.cell(row_id, col)
        return ws.cell(r, c).value

    assert at("dfg", "balance") == 0
    assert at("nhs_min", "expenditure") == 56776363 and at("nhs_min", "balance") == 294616
    assert at("la_bcg", "expenditure") == 19121530 and at("la_bcg", "balance") == 2702745
    rs = tpl.layout.tables["required_spend"]
    r, c = rs.cell("asc", "planned")
    assert ws.cell(r, c).value == 32579512
    r, c = rs.cell("asc", "minimum")
    assert ws.cell(r, c).value == 31982219


def test_scheme_lines_carry_over_from_the_last_return(populated_plan, plan_template, tmp_path):
    result = populate(plan_template, [], previous_returns=[populated_plan], out=tmp_path / "next.xlsx")
    assert result.tables[0].lines == SAMPLE_LINES
    _, at_a, a = scheme_cells(populated_plan)
    _, at_b, b = scheme_cells(Path(result.out))
    for i in range(74):
        for cid in COLUMNS:
            assert a.value(at_a.rows[i], at_a.columns[cid]) == b.value(at_b.rows[i], at_b.columns[cid])


def test_populate_needs_something_to_populate_from(plan_template, tmp_path):
    res = CliRunner().invoke(main, ["populate", str(plan_template), "-o", str(tmp_path / "o.xlsx")])
    assert res.exit_code == 2 and "--schemes" in res.output


def test_a_ledger_extract_updates_the_lines_already_in_the_return(populated_plan, tmp_path):
    # Scheme 64 (Home Care Service) gets this year's figure; 999 is not in the return.
    ledger = _register(tmp_path, [["64", "NHS Minimum Contribution", "£15,700,000"], ["999", "DFG", "5"]],
                       headers=("Scheme ID", "Source of Funding", "Expenditure for 2025-26 (£)"))
    result = populate(populated_plan, [ledger], out=tmp_path / "o.xlsx")
    assert result.tables[0].mode == "update" and result.written == 1
    assert [(n.line, "no line with Scheme ID 999" in n.message) for n in result.notes] == [(3, True)]
    _, at, sheet = scheme_cells(Path(result.out))
    assert sheet.value(at.rows[63], at.columns["expenditure"]) == Decimal(15700000)
    assert sheet.value(at.rows[63], at.columns["description"]) == "Home Care Service (ASC protected)"
    assert sheet.value(at.rows[62], at.columns["expenditure"]) == Decimal(2240385)     # untouched


def test_a_ledger_line_that_matches_several_lines_is_not_guessed(populated_plan, tmp_path):
    lines = sample_lines()
    reg = _register(tmp_path, [[line[h] for h in COLUMNS.values()] for line in lines]
                    + [["64"] + [lines[63][h] for h in list(COLUMNS.values())[1:6]] + ["DFG", "10"]])
    split = populate(populated_plan, [reg], out=tmp_path / "split.xlsx")        # scheme 64 now on two lines
    ledger = _register(tmp_path, [["64", "20"]], headers=("Scheme ID", "Expenditure for 2025-26 (£)"))
    result = populate(Path(split.out), [ledger], out=tmp_path / "o.xlsx")
    assert result.written == 0 and "2 lines with Scheme ID 64" in result.notes[0].message
    ledger = _register(tmp_path, [["64", "DFG", "20"]],
                       headers=("Scheme ID", "Source of Funding", "Expenditure for 2025-26 (£)"))
    result = populate(Path(split.out), [ledger], out=tmp_path / "o2.xlsx")
    _, at, sheet = scheme_cells(Path(result.out))
    assert result.written == 1 and sheet.value(at.rows[74], at.columns["expenditure"]) == Decimal(20)


def test_dry_run_says_what_would_be_written_and_writes_nothing(plan_template, tmp_path):
    before = plan_template.read_bytes()
    res = CliRunner().invoke(main, ["populate", str(plan_template), "--schemes", str(SAMPLE_PLAN), "--dry-run"])
    assert res.exit_code == 0, res.output
    assert "74 lines" in res.output and "Would write 592 cells" in res.output
    assert plan_template.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == [plan_template.name]
