"""Unusable input: one clear line naming the file (and sheet and cell), exit code 2, nothing written."""
from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from bcf_addin.cli import main

from support import SAMPLE_PLAN

HEADERS = ["Scheme ID", "Activity", "Description of Scheme", "Primary Objective", "Area of Spend", "Provider",
           "Source of Funding", "Expenditure for 2025-26 (£)"]
LINE = ["1", "Other", "x", "1. Proactive care to those with complex needs", "Social Care", "NHS", "DFG", "5"]


def run_populate(workbook: Path, register: Path, out: Path):
    res = CliRunner().invoke(main, ["populate", str(workbook), "--schemes", str(register), "-o", str(out)])
    return res


def assert_refused(res, out: Path, *fragments: str):
    assert res.exit_code == 2, res.output
    # The error is the first line; a template not recognised is followed by where to look next.
    message = res.output.strip().splitlines()[0]
    assert message.startswith("bcf: ")
    for fragment in fragments:
        assert fragment in message, message
    assert not out.exists()
    assert not list(out.parent.glob("*.tmp*"))


def write_csv(path: Path, rows, headers=HEADERS) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        w.writerows(rows)
    return path


def test_not_an_xlsx(tmp_path):
    bad = tmp_path / "notes.xlsx"
    bad.write_text("just some text")
    out = tmp_path / "out.xlsx"
    assert_refused(run_populate(bad, SAMPLE_PLAN, out), out, str(bad), "is a text file (a CSV register?), not an Excel workbook")


def test_a_register_given_where_the_return_goes(plan_template, tmp_path):
    out = tmp_path / "out.xlsx"
    res = CliRunner().invoke(main, ["populate", str(SAMPLE_PLAN), "--schemes", str(plan_template), "-o", str(out)])
    assert_refused(res, out, str(SAMPLE_PLAN), "the return (.xlsx) goes first, and a register after --schemes")


def test_binary_junk_is_damaged_not_text(tmp_path):
    bad = tmp_path / "junk.xlsx"
    bad.write_bytes(bytes(range(256)) * 4)
    out = tmp_path / "out.xlsx"
    assert_refused(run_populate(bad, SAMPLE_PLAN, out), out, str(bad), "damaged or not an Excel workbook")


def test_truncated_workbook(plan_template, tmp_path):
    cut = tmp_path / "cut.xlsx"
    data = plan_template.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    out = tmp_path / "out.xlsx"
    assert_refused(run_populate(cut, SAMPLE_PLAN, out), out, str(cut))


def test_zip_bomb(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(600):
                fh.write(chunk)
    out = tmp_path / "out.xlsx"
    assert_refused(run_populate(bomb, SAMPLE_PLAN, out), out, str(bomb))


def test_password_encrypted_workbook(tmp_path):
    enc = tmp_path / "encrypted.xlsx"
    enc.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 1024)
    out = tmp_path / "out.xlsx"
    assert_refused(run_populate(enc, SAMPLE_PLAN, out), out, str(enc), "password")


def test_wrong_template(tmp_path):
    from openpyxl import Workbook

    other = tmp_path / "budget.xlsx"
    wb = Workbook()
    wb.active["A1"] = "Household budget"
    wb.save(other)
    out = tmp_path / "out.xlsx"
    assert_refused(run_populate(other, SAMPLE_PLAN, out), out, str(other), "not a template this tool knows")


def test_wrong_year(plan_template, tmp_path):
    from openpyxl import load_workbook

    older = tmp_path / "plan-2024.xlsx"
    wb = load_workbook(plan_template)
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == "Better Care Fund 2025-26 Planning Template":
                    cell.value = "Better Care Fund 2024-25 Planning Template"
    wb.save(older)
    out = tmp_path / "out.xlsx"
    assert_refused(run_populate(older, SAMPLE_PLAN, out), out, "2024-25 Planning Template")


def test_register_missing_a_required_column(plan_template, tmp_path):
    reg = write_csv(tmp_path / "reg.csv", [LINE[:4] + LINE[5:]], HEADERS[:4] + HEADERS[5:])
    out = tmp_path / "out.xlsx"
    assert_refused(run_populate(plan_template, reg, out), out, str(reg), "Area of Spend")


def test_text_in_a_money_column(plan_template, tmp_path):
    reg = write_csv(tmp_path / "reg.csv", [LINE, LINE[:7] + ["about 5k"]])
    out = tmp_path / "out.xlsx"
    assert_refused(run_populate(plan_template, reg, out), out, str(reg), "line 3", "Expenditure for 2025-26 (£)",
                   "'about 5k' is not an amount of money")


def test_more_scheme_lines_than_the_template_has_rows(plan_template, tmp_path):
    reg = write_csv(tmp_path / "reg.csv", [[str(i)] + LINE[1:] for i in range(201)])
    out = tmp_path / "out.xlsx"
    assert_refused(run_populate(plan_template, reg, out), out, str(reg), "201 lines", "room for 200")


def test_register_that_matches_no_table(plan_template, tmp_path):
    reg = write_csv(tmp_path / "reg.csv", [["a", "b"]], ["Colour", "Shape"])
    out = tmp_path / "out.xlsx"
    assert_refused(run_populate(plan_template, reg, out), out, str(reg), "none of its column headings")


def test_output_over_the_input_needs_in_place(plan_template):
    before = plan_template.read_bytes()
    res = run_populate(plan_template, SAMPLE_PLAN, plan_template)
    assert res.exit_code == 2 and "--in-place" in res.output
    assert plan_template.read_bytes() == before


def test_missing_register_file(plan_template, tmp_path):
    out = tmp_path / "out.xlsx"
    assert_refused(run_populate(plan_template, tmp_path / "nope.csv", out), out, "nope.csv", "does not exist")


@pytest.mark.parametrize("kind", ["planning-2025-27", "Planning"])
def test_new_with_an_unknown_kind(tmp_path, kind):
    res = CliRunner().invoke(main, ["new", kind, str(tmp_path / "x.xlsx")])
    assert res.exit_code == 2 and "unknown template kind" in res.output


def test_new_for_an_hwb_without_bundled_figures_asks_for_allocations(tmp_path):
    res = CliRunner().invoke(main, ["new", "planning-2025-26", str(tmp_path / "x.xlsx"), "--hwb", "Rutland"])
    assert res.exit_code == 2 and "--allocations" in res.output


def test_new_with_allocations_prepopulates_another_hwb(tmp_path):
    from bcf_addin.api import open_template

    alloc = tmp_path / "rutland.csv"
    alloc.write_text("item,label,value\ndfg,Rutland,\"£300,000\"\nla_bcg,Rutland,1000\n"
                     "nhs_minimum,NHS Leicester Leicestershire and Rutland ICB,5000\nfigure,asc_minimum,2000\n")
    out = tmp_path / "rutland.xlsx"
    res = CliRunner().invoke(main, ["new", "planning-2025-26", str(out), "--hwb", "Rutland", "--allocations", str(alloc)])
    assert res.exit_code == 0, res.output
    tpl = open_template(out)
    assert tpl.hwb == "Rutland"
    inc = tpl.workbook.sheets["4. Income"]
    r, c = tpl.layout.tables["dfg"].rows[0], tpl.layout.tables["dfg"].columns["contribution"]
    assert inc.value(r, c) == 300000 and inc.value(r, tpl.layout.tables["dfg"].label_col) == "Rutland"
