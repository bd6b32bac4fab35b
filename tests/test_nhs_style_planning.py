"""The tool on a 2025-26 planning template built as NHS England builds it, not by the tool's replica builder.

The template (tests/nhs_style) is written with XlsxWriter from the published Leicestershire
return: hidden and very hidden list sheets behind defined names, merged and two-row headings, a
hidden helper column, 300 scheme lines starting lower than the replica's, formulas with cached
results, conditional formats, a logo and password protection. Everything here reads the results
back with openpyxl, not with the tool.
"""
from __future__ import annotations

import json
import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from bcf_addin.api import check, open_template
from bcf_addin.cli import main
from bcf_addin.workbook import column_letter
from nhs_style.planning_2025_26 import DISTRICTS, DFG, Built, build
from support import SAMPLE_PLAN, metric_history_shown, needs_libreoffice, published_metric_history, sample_lines

LAYOUTS = {
    "as published": {},
    "moved": {"extra_rows": 9, "extra_cols": 3, "input_rows": 180},
}
PUBLISHED = {   # source -> (income, expenditure), from the published return and the sample's 74 lines
    "DFG": (5518288, 5518288),
    "NHS Minimum Contribution": (57070979, 56776363),
    "Local Authority Better Care Grant": (21824275, 19121530),
    "Additional LA Contribution": (0, 0),
    "Additional NHS Contribution": (0, 0),
}


@pytest.fixture(scope="module", params=list(LAYOUTS))
def built(request, tmp_path_factory) -> Built:
    folder = tmp_path_factory.mktemp("nhs-style")
    return build(folder / "Leicestershire plan.xlsx", **LAYOUTS[request.param])


@pytest.fixture(scope="module")
def populated(built, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("nhs-style-out") / "Leicestershire HWB.xlsx"
    res = bcf("populate", built.path, "--schemes", SAMPLE_PLAN, "-o", out)
    assert res.exit_code == 0, res.output
    assert "74 lines into the schemes table" in res.output
    return out


def bcf(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def folded(value) -> str:
    """Case, spacing and dashes aside ('short term' / 'short-term')."""
    return " ".join(str(value).replace("-", " ").split()).casefold()


def dropdown(wb, ws, row: int, col: int) -> list[str]:
    """The values of the drop-down on a cell, read through the workbook's own defined name."""
    cell = ws.cell(row, col).coordinate
    for dv in ws.data_validations.dataValidation:
        if dv.type == "list" and cell in dv.sqref:
            target = wb.defined_names[dv.formula1.lstrip("=")].attr_text
            sheet, cells = target.split("!")
            return [c.value for line in wb[sheet.strip("'")][cells.replace("$", "")] for c in line]
    raise AssertionError(f"no drop-down on {cell}")


# -- recognising and locating ---------------------------------------------------------------------

def test_bcf_check_recognises_the_built_file_as_the_2025_26_planning_template(built):
    res = bcf("check", "--json", built.path)
    assert res.exit_code == 1, res.output          # unanswered questions are errors, not an unusable file
    report = json.loads(res.output)
    assert report["template"] == "planning-2025-26" and report["hwb"] == "Leicestershire"


def test_the_locator_finds_nhs_englands_own_layouts(built):
    tpl = open_template(built.path)
    wb = load_workbook(built.path)
    cover, income, metrics = wb["2. Cover"], wb["4. Income"], wb["6. Metrics"]
    # The status cell under the title has no label; it is the formula showing 'Incomplete Template'.
    status = tpl.layout.fields["template_status"]
    assert "Incomplete Template" in cover.cell(status.row, status.col).value and status.row == 3
    # The DFG breakdown's amounts have no heading of their own.
    _, districts = tpl.table("dfg_districts")
    got = [(tpl.workbook.sheets["4. Income"].value(r, districts.label_col),
            tpl.workbook.sheets["4. Income"].value(r, districts.columns["contribution"])) for r in districts.rows]
    assert [(name, int(amount)) for name, amount in got if name] == DISTRICTS
    assert sum(a for _, a in DISTRICTS) == DFG
    assert income.cell(districts.header_row, districts.columns["contribution"]).value is None
    # The metric plans sit under the actuals; their rationale is headed once, on the actuals' row.
    for table in ("emergency_admissions", "discharge_delays"):
        _, at = tpl.table(table)
        assert metrics.cell(at.header_row, at.columns["apr"]).value == "Apr 25 Plan"
        assert metrics.cell(at.header_row, min(at.columns.values()) - 1).value is None
        assert metrics.cell(at.header_row - 4, at.columns["rationale"]).value.startswith("Rationale for how local goal")
    # The documents are taken in the yellow cells beside the question, not under it.
    _, documents = tpl.table("documents")
    question = cover.cell(documents.header_row, documents.columns["document"] - 1).value
    assert question.startswith("In addition to this template")
    assert not cover.cell(documents.rows[0], documents.columns["document"]).protection.locked


def test_the_metrics_history_is_found_under_each_metrics_heading(built):
    """8.1's and 8.2's 2024-25 actuals stand above their plans under the same month names; 8.2
    and 8.3 have no label heading of their own, only their section headings."""
    shown = metric_history_shown(built.path)
    assert {k: Decimal(str(v)) for k, v in shown.items() if v not in (None, "n/a")} == \
           {k: Decimal(v) for k, v in published_metric_history().items()}
    tpl = open_template(built.path)
    indicators = {t: [tpl.workbook.sheets["6. Metrics"].value(r, tpl.table(t)[1].key_col) for r in tpl.table(t)[1].rows]
                  for t in ("ea_indicators", "dd_indicators", "ra_indicators")}
    assert indicators == {"ea_indicators": ["Rate", "Rate"], "dd_indicators": ["Number of patients", "Number of days"],
                          "ra_indicators": ["Percentage", "Rate"]}


def test_documents_answered_beside_the_question_count(built, tmp_path):
    answered = tmp_path / "answered.xlsx"
    wb = load_workbook(built.path)
    ws = wb["2. Cover"]
    question = next(c for line in ws.iter_rows() for c in line
                    if isinstance(c.value, str) and c.value.startswith("In addition to this template"))
    ws.cell(question.row + 1, question.column + 1).value = "Narrative"
    wb.save(answered)
    documents = [f for f in check(answered).findings if f.code == "C104" and f.sheet == "2. Cover"]
    assert documents == []
    assert [f.code for f in check(built.path).findings if f.code == "C104" and f.sheet == "2. Cover"] == ["C104"]


# -- populating -----------------------------------------------------------------------------------

def test_every_value_of_the_sample_lands_in_its_own_cell_in_the_lists_spelling(built, populated):
    wb = load_workbook(populated)
    ws = wb["5. Expenditure"]
    lines = sample_lines()
    assert len(lines) == 74                    # the published plan's lines, as the sample README says
    for i, line in enumerate(lines):
        row = built.scheme_first_row + i
        for heading, col in built.scheme_columns.items():
            got, want = ws.cell(row, col).value, line[heading]
            where = f"line {i + 2} {heading} ({ws.cell(row, col).coordinate})"
            if heading == "Expenditure for 2025-26 (£)":
                assert got == int(want), where
            elif heading in ("Activity", "Primary Objective", "Area of Spend", "Provider", "Source of Funding"):
                choices = dropdown(wb, ws, row, col)
                assert got in choices and folded(got) == folded(want), where
            else:
                assert (got or "") == want, where
    after = built.scheme_first_row + len(lines)
    assert all(ws.cell(after, c).value is None for c in built.scheme_columns.values())
    # Line 18 says 'short term'; the drop-down says 'short-term'.
    assert ws.cell(built.scheme_first_row + 17, built.scheme_columns["Activity"]).value.startswith(
        "Home-based intermediate care (short-term")


def test_only_the_scheme_input_cells_change(built, populated):
    before, after = load_workbook(built.path), load_workbook(populated)
    first, last = built.scheme_first_row, built.scheme_first_row + 73
    written = {(r, c) for r in range(first, last + 1) for c in built.scheme_columns.values()
               if not (c == built.scheme_columns["Comments (optional)"])}
    changed = set()
    for ws in before.worksheets:
        new = after[ws.title]
        cells = {(c.row, c.column) for line in ws.iter_rows() for c in line} | \
                {(c.row, c.column) for line in new.iter_rows() for c in line}
        for r, c in cells:
            if ws.cell(r, c).value != new.cell(r, c).value:
                assert not ws.cell(r, c).protection.locked, (ws.title, ws.cell(r, c).coordinate)
                changed.add((ws.title, r, c))
    assert changed == {("5. Expenditure", r, c) for r, c in written}


def test_protection_lists_names_hidden_sheets_images_and_formats_are_kept(built, populated):
    before, after = load_workbook(built.path), load_workbook(populated)
    assert {ws.title: ws.sheet_state for ws in after.worksheets} == \
           {ws.title: ws.sheet_state for ws in before.worksheets}
    assert after["Lookups"].sheet_state == "hidden" and after["HWB Data"].sheet_state == "veryHidden"
    assert {n: d.attr_text for n, d in after.defined_names.items()} == \
           {n: d.attr_text for n, d in before.defined_names.items()}
    assert set(built.defined_names) <= set(after.defined_names)
    for ws in before.worksheets:
        new = after[ws.title]
        assert new.protection.sheet and new.protection.password == ws.protection.password, ws.title
        assert [(str(d.sqref), d.type, d.formula1) for d in new.data_validations.dataValidation] == \
               [(str(d.sqref), d.type, d.formula1) for d in ws.data_validations.dataValidation], ws.title
        assert sorted(map(str, new.merged_cells.ranges)) == sorted(map(str, ws.merged_cells.ranges)), ws.title
        assert [str(r.sqref) for r in new.conditional_formatting] == \
               [str(r.sqref) for r in ws.conditional_formatting], ws.title
    helper = after["5. Expenditure"].column_dimensions[
        re.sub(r"\d", "", after["5. Expenditure"].cell(1, built.helper_column).coordinate)]
    assert helper.hidden
    media = lambda p: sorted(n for n in zipfile.ZipFile(p).namelist() if n.startswith("xl/media/"))  # noqa: E731
    assert media(populated) == media(built.path) != []


# -- balances -------------------------------------------------------------------------------------

def test_balances_give_the_published_figures(populated):
    res = bcf("balances", "--json", populated)
    assert res.exit_code == 0, res.output
    got = json.loads(res.output)
    assert {b["source"]: (b["income"], b["expenditure"]) for b in got["running_balances"]} == PUBLISHED
    asc, = got["minimum_spend"]
    assert (asc["minimum"], asc["spend"], asc["met"]) == (31982219, 32579512, True)


@needs_libreoffice
def test_libreoffice_opens_the_populated_file_and_its_formulas_agree(built, populated, tmp_path):
    from recalc import recalculate

    calc = recalculate(populated, tmp_path / "recalculated.xlsx")
    ws = load_workbook(calc, data_only=True)["5. Expenditure"]
    shown = {}
    for source, (row, col) in built.running_balances.items():
        shown[folded(source)] = (ws.cell(row, col).value, ws.cell(row, col + 1).value, ws.cell(row, col + 2).value)
    assert shown == {folded(s): (inc, exp, inc - exp) for s, (inc, exp) in PUBLISHED.items()}
    row, col = built.asc_minimum
    assert (ws.cell(row, col).value, ws.cell(row, col + 1).value, ws.cell(row, col + 2).value) == \
           (31982219, 32579512, 0)


def test_a_rationale_typed_into_its_merged_cell_counts(built, tmp_path):
    """The rationale is merged down beside a metric's actual and plan rows; Excel keeps what is typed
    in the merge's top-left, on the actuals' row, and the plan's rationale is read there."""
    answered = tmp_path / "answered.xlsx"
    shutil.copy(built.path, answered)
    wb = load_workbook(answered)
    ws = wb["6. Metrics"]
    answers = [m for m in ws.merged_cells.ranges             # the three rationale cells
               if m.max_row > m.min_row and not ws.cell(m.min_row, m.min_col).protection.locked]
    assert len(answers) == 3
    for m in answers:
        ws.cell(m.min_row, m.min_col).value = "Agreed across LLR: 0.8% better than 2023-24."
    wb.save(answered)
    def missing(path):
        return [f for f in check(path).findings if f.sheet == "6. Metrics" and "Rationale" in f.message]
    assert len(missing(built.path)) == 3
    assert missing(answered) == []


@pytest.mark.parametrize("source", ["nhs-style", "replica"])
def test_the_summary_shows_each_metrics_plan_from_the_metrics_sheet(built, source, tmp_path):
    from bcf_addin.api import new_replica

    path = built.path if source == "nhs-style" else new_replica("planning-2025-26", tmp_path / "r.xlsx",
                                                                hwb="Leicestershire")
    tpl = open_template(path)
    for summary, metric, row_id in [("summary_emergency_admissions", "emergency_admissions", "ea_rate"),
                                    ("summary_discharge_delays", "discharge_delays", "dd_composite"),
                                    ("summary_residential_admissions", "residential_admissions", "ra_rate")]:
        table, at = tpl.table(summary)
        _, metrics = tpl.table(metric)
        rate = metrics.row_ids[row_id]
        formulas = [tpl.workbook.sheets["3. Summary"].get(at.rows[0], at.columns[c.id]).formula for c in table.columns]
        wanted = [f"'6. Metrics'!{column_letter(metrics.columns[c.id])}{rate}" for c in table.columns]
        assert [f.lstrip("=").replace("$", "") for f in formulas] == wanted, summary
