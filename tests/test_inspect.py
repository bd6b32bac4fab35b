"""`bcf inspect` on an NHS-style template (built with XlsxWriter, tests/nhs_style), on the same
with a heading renamed, a cell locked or the version changed, and on a workbook that is no template.
What inspect says is compared with what openpyxl reads in the file."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Protection

from bcf_addin.cli import main
from nhs_style.planning_2025_26 import Built, build

EXPENDITURE = "5. Expenditure"


def bcf(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def _built(tmp_path_factory) -> Built:
    return build(tmp_path_factory.mktemp("nhs-style") / "Leicestershire plan.xlsx")


@pytest.fixture
def built(_built, tmp_path) -> Built:
    dest = tmp_path / "Leicestershire plan.xlsx"
    shutil.copy(_built.path, dest)
    return Built(**{**_built.__dict__, "path": dest})


def edited(built: Built, edit) -> Path:
    """The built template changed by `edit(workbook)`, saved with openpyxl as another file."""
    wb = load_workbook(built.path)
    edit(wb)
    out = built.path.with_name("edited.xlsx")
    wb.save(out)
    return out


def found(items, what, item_id):
    return next(i for i in items if i["what"] == what and i["id"] == item_id)


def test_a_workbook_that_is_no_template_is_said_to_be_so_in_one_line(tmp_path):
    wb = Workbook()
    wb.active["A1"] = "Household budget 2025"
    wb.active["B2"] = 120
    path = tmp_path / "budget.xlsx"
    wb.save(path)
    res = bcf("inspect", path)
    assert res.exit_code == 1
    from bcf_addin.descriptions.loader import available_kinds

    assert res.output.strip().splitlines() == [
        f"budget.xlsx is not a BCF template this tool knows: none of the {len(available_kinds())} known "
        "templates' titles, sheets or labels are in it"]
    data = json.loads(bcf("inspect", path, "--json").output)
    assert data["recognised"] is False and data["items"] == []


def test_a_template_as_nhs_england_builds_it_is_found_whole_where_openpyxl_sees_it(built):
    res = bcf("inspect", built.path, "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["recognised"] and data["description"]["kind"] == "planning-2025-26"
    assert data["description"]["title_found"] and data["description"]["version_found"]
    assert not [i for i in data["items"] if i["status"] in ("not found", "no input cells")]
    ws = load_workbook(built.path)[EXPENDITURE]
    ids = dict(zip(["Scheme ID", "Activity", "Description of Scheme", "Primary Objective", "Area of Spend", "Provider",
                    "Source of Funding", "Expenditure for 2025-26 (£)", "Comments (optional)"],
                   ["scheme_id", "activity", "description", "objective", "area", "provider", "source", "expenditure",
                    "comments"]))
    for name, col in built.scheme_columns.items():
        letter = ws.cell(built.scheme_first_row, col).column_letter
        assert found(data["items"], "column", f"schemes.{ids[name]}")["at"] == \
            f"{letter}{built.scheme_first_row}:{letter}{built.scheme_first_row + built.scheme_rows - 1}"
    hwb = found(data["items"], "field", "hwb")
    cover = load_workbook(built.path)["2. Cover"]
    label = cover[hwb["why"].removeprefix("label at ")]
    assert label.value.startswith("Health and Wellbeing Board")
    assert cover[hwb["at"]].row == label.row and cover[hwb["at"]].column > label.column
    text = bcf("inspect", built.path).output
    assert text.splitlines()[0].endswith("everything found") and "6 of 6 sheets" in text.splitlines()[0]


def test_a_renamed_heading_is_named_with_the_text_that_stands_in_its_place(built):
    def rename(wb):
        wb[EXPENDITURE].cell(built.scheme_header_row, built.scheme_columns["Primary Objective"]).value = "Primary Aim"

    path = edited(built, rename)
    res = bcf("inspect", path)
    assert res.exit_code == 1
    cell = load_workbook(path)[EXPENDITURE].cell(built.scheme_header_row, built.scheme_columns["Primary Objective"])
    assert (f"{EXPENDITURE}: table schemes 'Primary Objective': cannot find the heading 'Primary Objective' of the "
            f"table schemes; nearest is 'Primary Aim' at {cell.coordinate}") in res.output
    assert res.output.splitlines()[0].endswith("1 thing not found")
    data = json.loads(bcf("inspect", path, "--json").output)
    missing = [i for i in data["items"] if i["status"] == "not found"]
    assert [(m["id"], m["nearest"], m["nearest_at"]) for m in missing] == [("schemes", "Primary Aim", cell.coordinate)]


def test_several_renamed_headings_are_each_named_with_the_text_in_their_place(built):
    """Not 'the heading X (and 2 more)': every heading missing is listed, with its nearest text."""
    renamed = {"Primary Objective": "Primary Aim", "Provider": "Providers", "Area of Spend": "Area of Spending"}

    def rename(wb):
        for old, new in renamed.items():
            wb[EXPENDITURE].cell(built.scheme_header_row, built.scheme_columns[old]).value = new

    path = edited(built, rename)
    res = bcf("inspect", path)
    assert res.exit_code == 1
    assert "more)" not in res.output
    sheet = load_workbook(path)[EXPENDITURE]
    assert (f"{EXPENDITURE}: table schemes 'Scheme ID': cannot find 3 of its 9 headings, each listed below as a "
            "column not found") in res.output
    ids = {"Primary Objective": "objective", "Provider": "provider", "Area of Spend": "area"}
    for old, new in renamed.items():
        at = sheet.cell(built.scheme_header_row, built.scheme_columns[old]).coordinate
        assert (f"{EXPENDITURE}: column schemes.{ids[old]} '{old}': heading not found; nearest is '{new}' at {at}"
                in res.output), res.output
    data = json.loads(bcf("inspect", path, "--json").output)
    missing = [i for i in data["items"] if i["status"] == "not found"]
    assert sorted(m["text"] for m in missing if m["what"] == "column") == sorted(renamed)
    assert not [m for m in missing if "more)" in m["why"]]


def test_check_and_populate_on_it_end_pointing_at_inspect_and_learn(built):
    def rename(wb):
        wb[EXPENDITURE].cell(built.scheme_header_row, built.scheme_columns["Primary Objective"]).value = "Primary Aim"

    path = edited(built, rename)
    for args in (["check", path], ["populate", path, "--schemes", "any.csv", "-o", path.with_name("out.xlsx")]):
        res = bcf(*args)
        assert res.exit_code == 2
        lines = res.output.strip().splitlines()
        assert "cannot find the heading 'Primary Objective'" in lines[0]
        assert lines[-1] == (f'bcf: run `bcf inspect "{path}"` to see what was found in it and what was not, '
                             f'or `bcf learn "{path}"` to describe a template or year this tool does not know')
    assert not path.with_name("out.xlsx").exists()


def test_a_label_found_twice_gives_both_places(built):
    def copy_label(wb):
        ws = wb["2. Cover"]
        label = next(c for row in ws.iter_rows() for c in row if c.value == "Submitted by:")
        ws.cell(label.row + 40, label.column).value = "Submitted by:"

    path = edited(built, copy_label)
    data = json.loads(bcf("inspect", path, "--json").output)
    item = found(data["items"], "field", "submitted_by")
    ws = load_workbook(path)["2. Cover"]
    places = [c.coordinate for row in ws.iter_rows() for c in row if c.value == "Submitted by:"]
    assert item["status"] == "found twice" and len(places) == 2
    assert item["also"] == places[1:] and places[0] in item["why"]


def test_a_heading_with_no_input_rows_under_it_is_said_so(built):
    def lock(wb):
        ws = wb[EXPENDITURE]
        col = built.scheme_columns["Scheme ID"]
        for r in range(built.scheme_first_row, built.scheme_first_row + built.scheme_rows):
            ws.cell(r, col).protection = Protection(locked=True)

    path = edited(built, lock)
    res = bcf("inspect", path)
    assert res.exit_code == 1
    first = load_workbook(path)[EXPENDITURE].cell(built.scheme_first_row, built.scheme_columns["Scheme ID"])
    assert f"but no input rows under them ({first.coordinate} is locked)" in res.output


def test_another_version_is_not_recognised_but_the_nearest_is_named_and_inspected(built):
    def new_version(wb):
        ws = wb["2. Cover"]
        for row in ws.iter_rows():
            for c in row:
                if c.value == "Version 1.5":
                    c.value = "Version 1.6"

    path = edited(built, new_version)
    res = bcf("inspect", path)
    assert res.exit_code == 1
    assert res.output.splitlines()[0].startswith(
        "edited.xlsx is not a BCF template this tool knows: nearest is Better Care Fund 2025-26 Planning Template "
        "(Version 1.5), but its version is not on the cover (it says 'Version 1.6'); 6 of 6 sheets")
    assert "Found (" in res.output                      # close enough to be gone through item by item
    forced = bcf("inspect", path, "--kind", "planning-2025-26", "--json")
    assert json.loads(forced.output)["description"]["version_found"] is False


def test_the_report_workbook_lists_what_was_found_with_links_and_the_json_the_same(built, tmp_path):
    report = tmp_path / "found.xlsx"
    res = bcf("inspect", built.path, "--report", report, "--json")
    assert res.exit_code == 0, res.output
    items = json.loads(res.output)["items"]
    rows = list(load_workbook(report)["What was found"].iter_rows(min_row=2, values_only=True))
    assert sorted((r[1], r[2], r[3], r[4]) for r in rows) == sorted((i["what"], i["id"], i["sheet"], i["at"]) for i in items)
    ws = load_workbook(report)["What was found"]
    schemes = next(r for r in range(2, ws.max_row + 1) if (ws.cell(r, 2).value, ws.cell(r, 3).value) == ("table", "schemes"))
    assert ws.cell(schemes, 5).hyperlink.target == f"Leicestershire plan.xlsx#'{EXPENDITURE}'!{ws.cell(schemes, 5).value.split(':')[0]}"
