"""Every quarter's 2024-25 return is recognised, with the sheets its quarter has, and a
description that extends another is validated whole like any other."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from bcf_addin import paths
from bcf_addin.api import new_replica, open_template
from bcf_addin.cli import main
from bcf_addin.descriptions.loader import load
from bcf_addin.errors import WrongTemplate

QUARTERS = ["quarterly-2024-25-q1", "quarterly-2024-25-q2", "quarterly-2024-25-q3"]
Q2 = paths.descriptions() / "quarterly-2024-25-q2.yaml"
Q3 = paths.descriptions() / "quarterly-2024-25-q3.yaml"


def retitled(path: Path, title: str, out: Path) -> Path:
    """The replica with its cover's title typed as another file of the quarter spells it."""
    wb = openpyxl.load_workbook(path)
    cover = wb["2. Cover"]
    cell = next(c for row in cover.iter_rows(max_row=10) for c in row if str(c.value or "").startswith("Better Care Fund"))
    cell.value = title
    wb.save(out)
    return out


def test_the_published_q2_title_is_recognised(tmp_path):
    q2 = new_replica("quarterly-2024-25-q2", tmp_path / "q2.xlsx", hwb="Leicestershire")
    assert load("quarterly-2024-25-q2").identity.title == "Better Care Fund 2024-25 Q2 Reporting 1 Template"
    assert open_template(q2).description.kind == "quarterly-2024-25-q2"


@pytest.mark.parametrize("title, kind", [
    ("Better Care Fund 2024-25 Q3 Reporting 1 Template", "quarterly-2024-25-q3"),
    ("Better Care Fund 2024-25 Q1 Reporting 1 Template", "quarterly-2024-25-q1"),
])
def test_a_quarter_is_recognised_with_or_without_the_published_1(title, kind, tmp_path):
    built = new_replica(kind, tmp_path / "q.xlsx")
    assert open_template(retitled(built, title, tmp_path / "retitled.xlsx")).description.kind == kind


def test_another_quarters_title_is_not_taken_for_this_one(tmp_path):
    built = new_replica("quarterly-2024-25-q1", tmp_path / "q1.xlsx")
    retitled(built, "Better Care Fund 2024-25 Q3 Reporting Template", tmp_path / "q3-title.xlsx")
    with pytest.raises(WrongTemplate):
        open_template(tmp_path / "q3-title.xlsx", "quarterly-2024-25-q1")


def test_only_the_third_quarter_reports_metrics_and_every_quarter_its_cd_activity():
    sheets = {k: [s.name for s in load(k).sheets] for k in QUARTERS}
    assert ["4. Metrics" in names for names in sheets.values()] == [False, False, True]
    for names in sheets.values():
        assert names[-3:] == ["5.1 C&D Guidance & Assumptions", "5.2 C&D Actual Activity", "6. Expenditure"]
    checklist = {row.label for row in load("quarterly-2024-25-q3").item("checklist")[1].rows}
    assert "4. Metrics" in checklist


@pytest.mark.parametrize("kind, months", [
    ("quarterly-2024-25-q1", ["Apr-24", "May-24", "Jun-24"]),
    ("quarterly-2024-25-q2", ["Jul-24", "Aug-24", "Sep-24"]),
    ("quarterly-2024-25-q3", ["Oct-24", "Nov-24", "Dec-24"]),
])
def test_each_quarter_asks_for_its_own_months(kind, months):
    _, table = load(kind).item("hospital_discharge")
    assert [c.header for c in table.columns if c.id.startswith("act_")] == months
    assert all(s.items[0].text == load(kind).name for s in load(kind).sheets)


def test_the_third_quarter_shows_the_published_metric_plans(tmp_path):
    q3 = new_replica("quarterly-2024-25-q3", tmp_path / "q3.xlsx", hwb="Leicestershire")
    tpl = open_template(q3)
    at = tpl.layout.tables["metrics"]
    value = tpl.workbook.sheets[at.sheet].value(at.row_ids["avoidable_admissions"], at.columns["q1"])
    assert Decimal(str(value)) == Decimal("165.1")


def test_bcf_kinds_says_what_each_description_is_built_from():
    out = CliRunner().invoke(main, ["kinds"]).output
    for kind in QUARTERS:
        assert kind in out
    assert "Nothing of the Q1 return is published" in out
    assert "year-end pattern" in " ".join(out.split())


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("change, expected", [
    (("Q2 Reporting 1 Template: Q3 Reporting Template", "Q2 Reporting 9 Template: Q3 Reporting Template"),
     "replace.Q2 Reporting 9 Template: 'Q2 Reporting 9 Template' does not occur in 'quarterly-2024-25-q2'"),
    (("before: 5.1 C&D Guidance & Assumptions", "before: 5.1 C&D Guidance"),
     "sheets[1].before: no sheet '5.1 C&D Guidance' to stand before"),
    (("id: checklist", "id: check_list"), "sheets[0].items[0]: replaces no item of the extended sheet (id 'check_list')"),
    (("extends: quarterly-2024-25-q2", "extends: quarterly-2024-25-q9"),
     "extends: cannot extend 'quarterly-2024-25-q9': no description quarterly-2024-25-q9.yaml beside"),
])
def test_a_broken_extension_is_named_by_its_yaml_path(change, expected, tmp_path):
    write(tmp_path, Q2.name, Q2.read_text(encoding="utf-8"))
    text = Q3.read_text(encoding="utf-8")
    assert text.count(change[0]) == 1
    q3 = write(tmp_path, Q3.name, text.replace(*change))
    res = CliRunner().invoke(main, ["validate", str(q3)])
    assert res.exit_code == 2
    assert any(line.startswith(f"{q3}: {expected}") for line in res.output.splitlines()), res.output


def test_an_extension_is_validated_whole(tmp_path):
    """What the extension adds is checked like any description: a sheet naming a missing list."""
    write(tmp_path, Q2.name, Q2.read_text(encoding="utf-8"))
    q3 = write(tmp_path, Q3.name, Q3.read_text(encoding="utf-8").replace("list: metric_assessment, required", "list: metric_assesment, required"))
    res = CliRunner().invoke(main, ["validate", str(q3)])
    assert res.exit_code == 2 and "the list 'metric_assesment' is not declared" in res.output


def test_descriptions_extending_each_other_in_a_loop_are_refused(tmp_path):
    write(tmp_path, "a.yaml", "extends: b\nkind: a\n")
    write(tmp_path, "b.yaml", "extends: a\nkind: b\n")
    res = CliRunner().invoke(main, ["validate", str(tmp_path / "a.yaml")])
    assert res.exit_code == 2 and "extend each other in a loop" in res.output
