"""The rules on the year-end, quarterly and C&D returns: each fully answered return passes, and
the money rules of the reporting templates fire on the Leicestershire 2024-25 year end."""
from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from bcf_addin import paths
from bcf_addin.api import balances, check, new_replica, open_template, populate
from bcf_addin.checks.findings import Severity
from bcf_addin.cli import main
from bcf_addin.jsonout import loads

from answers import answer_everything, change, missing_answers, reported

S = paths.samples()
REGISTERS = {
    "eoy-2024-25": ["leicestershire-2024-25-eoy-schemes.csv", "leicestershire-2024-25-eoy-income.csv"],
    "quarterly-2024-25-q2": ["leicestershire-2024-25-q2-schemes.csv"],
    "cd-2025-26": [f"leicestershire-2025-26-cd-{n}.csv" for n in
                   ("step-down-capacity", "step-down-demand", "step-up", "step-up-demand")],
}


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """Each reporting template populated from its Leicestershire registers, its questions unanswered."""
    folder = tmp_path_factory.mktemp("filled")
    made = {}
    for kind, names in REGISTERS.items():
        template = new_replica(kind, folder / f"{kind}.xlsx", hwb="Leicestershire")
        made[kind] = Path(populate(template, [S / n for n in names], out=folder / f"{kind}-filled.xlsx").out)
    return made


@pytest.fixture(scope="module")
def complete(filled, tmp_path_factory):
    """Each reporting template populated from its Leicestershire registers and fully answered."""
    folder = tmp_path_factory.mktemp("complete")
    return {kind: answer_everything(path, folder / f"{kind}-complete.xlsx") for kind, path in filled.items()}


def copy(src: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(src, tmp_path / src.name))


def codes(report, code):
    return [f for f in report.findings if f.code == code]


@pytest.mark.parametrize("kind", list(REGISTERS))
def test_a_fully_answered_return_passes(complete, kind):
    report = check(complete[kind])
    assert report.exit_code == 0 and report.complete
    assert all(f.severity is Severity.INFO for f in report.findings)
    res = CliRunner().invoke(main, ["check", str(complete[kind])])
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("kind", list(REGISTERS))
def test_every_answer_the_description_requires_is_reported_missing_until_given(filled, complete, kind):
    # What is required comes from the description's YAML (answers.py), not from the inputs the rules walk.
    answers, tables = missing_answers(filled[kind])
    assert answers and reported(check(filled[kind])) == (answers, tables)
    assert missing_answers(complete[kind]) == (set(), set())


def test_quarterly_minimum_spend_so_far_is_a_note_not_an_error(complete):
    notes = codes(check(complete["quarterly-2024-25-q2"]), "S401")
    assert [f.severity for f in notes] == [Severity.INFO, Severity.INFO]
    assert "spent so far" in notes[1].message and "£30,774,296" in notes[1].message


def test_eoy_balances_show_percent_spent_as_published(complete):
    res = CliRunner().invoke(main, ["balances", str(complete["eoy-2024-25"]), "--json"])
    data = loads(res.output)
    rb = {r["source"]: r for r in data["running_balances"]}
    assert rb["DFG"]["income"] == 5518288 and rb["DFG"]["expenditure"] == 4470849
    assert rb["DFG"]["balance"] == 1047439
    assert round(rb["DFG"]["percent_spent"], 2) == Decimal("81.02")
    assert rb["Additional LA Contribution"]["percent_spent"] is None      # no income, no percentage
    ms = {m["name"]: m for m in data["minimum_spend"]}
    assert ms["nhs_out_of_hospital"]["spend"] == 20741516 and ms["nhs_out_of_hospital"]["met"] is True
    assert ms["asc_from_nhs_minimum"]["spend"] == 31387704 and ms["asc_from_nhs_minimum"]["minimum"] == 30724296


def test_M302_grant_spend_above_the_allocation(complete, tmp_path):
    # Scheme 2 (DFG, £490,000 actual) raised by £1.1m takes DFG past 100% of its £5,518,288.
    broken = change(complete["eoy-2024-25"], tmp_path / "b.xlsx", {("schemes", 1, "actual"): Decimal(1590000)})
    found = codes(check(broken), "M302")
    assert len(found) == 1 and found[0].severity is Severity.ERROR
    assert "DFG" in found[0].message and "£52,561 more than its income" in found[0].message
    assert not codes(check(complete["eoy-2024-25"]), "M302")


def test_M303_underspend_needs_a_reason(complete, tmp_path):
    broken = change(complete["eoy-2024-25"], tmp_path / "b.xlsx", {("running_balances", 0, "underspend_reasons"): None})
    found = codes(check(broken), "M303")
    assert len(found) == 1 and "£1,047,439" in found[0].message
    assert not codes(check(complete["eoy-2024-25"]), "M303")


def test_M304_discharge_fund_may_not_be_underspent(complete, tmp_path):
    broken = change(complete["eoy-2024-25"], tmp_path / "b.xlsx", {("schemes", 10, "actual"): Decimal(4000000)})
    found = codes(check(broken), "M304")
    assert len(found) == 1 and "Local Authority Discharge Funding" in found[0].message
    assert "£133,661" in found[0].message


def test_V204_joint_shares_must_make_100_percent(complete, tmp_path):
    tpl = open_template(complete["eoy-2024-25"])
    line = next(ln for ln in tpl.lines("schemes") if ln.values["commissioner"] == "Joint")
    broken = change(complete["eoy-2024-25"], tmp_path / "b.xlsx", {("schemes", line.index, "pct_la"): Decimal("0.2")})
    found = codes(check(broken), "V204")
    assert len(found) == 1 and "not 100%" in found[0].message
    assert not codes(check(complete["eoy-2024-25"]), "V204")


def test_S401_out_of_hospital_counts_joint_lines_by_their_nhs_share(complete, tmp_path):
    tpl = open_template(complete["eoy-2024-25"])
    line = next(ln for ln in tpl.lines("schemes") if ln.values["commissioner"] == "Joint")
    before = {m.name: m.spend for m in balances(complete["eoy-2024-25"]).minimum_spend}["nhs_out_of_hospital"]
    half = change(complete["eoy-2024-25"], tmp_path / "h.xlsx", {("schemes", line.index, "pct_nhs"): Decimal("0.25"),
                                                                 ("schemes", line.index, "pct_la"): Decimal("0.75")})
    after = {m.name: m.spend for m in balances(half).minimum_spend}["nhs_out_of_hospital"]
    share = line.values["pct_nhs"]
    assert before - after == line.values["actual"] * (share - Decimal("0.25"))


def test_A502_a_typed_total_that_is_not_the_sum(complete, tmp_path):
    from openpyxl import load_workbook

    src = complete["cd-2025-26"]
    tpl = open_template(src)
    table, at = tpl.table("step_down_demand")
    r, c = at.cell("p3_total", "jul")
    wb = load_workbook(src)                  # the published return's P3 July: 'Total' 30
    wb[tpl.layout.workbook_sheet(at.sheet)].cell(r, c).value = 30
    typed = tmp_path / "typed.xlsx"
    wb.save(typed)
    report = check(typed)
    found = codes(report, "A502")
    assert len(found) == 1 and "30" in found[0].message and "add up to 10" in found[0].message
    assert codes(report, "X601")             # and the formula it replaced is reported
    assert not codes(check(src), "A502")


def test_Y701_plan_against_last_years_actual_asc_spend(complete, populated_plan):
    # 2024-25 actual ASC from the NHS minimum £31,387,704; the 2025-26 plan's £32,579,512 is a
    # 3.80% rise against the 3.9% uplift. The new minimum is met, so it is a warning.
    found = codes(check(populated_plan, previous=complete["eoy-2024-25"]), "Y701")
    assert len(found) == 1 and found[0].severity is Severity.WARNING
    assert "£31,387,704" in found[0].message and "£32,579,512" in found[0].message and "3.80%" in found[0].message
    # £31,387,704 x 1.039 = £32,611,824.456: whole pounds rounded up, so following the hint exactly is enough.
    assert "(£32,611,825)" in found[0].message and found[0].hint.startswith("Increase the qualifying lines by £32,313,")


@pytest.mark.parametrize("given, what", [
    ("plan", "is a Better Care Fund 2025-26 Planning Template (planning-2025-26, 2025-26)"),   # this year's
    ("cd-2025-26", "is a Better Care Fund 2025-26 Capacity & Demand Template (cd-2025-26, 2025-26)"),
    ("quarterly-2024-25-q2", "is a Better Care Fund 2024-25 Q2 Reporting 1 Template (quarterly-2024-25-q2, 2024-25)"),
])
def test_previous_must_be_last_years_return_of_a_kind_the_description_names(complete, populated_plan, given, what):
    previous = populated_plan if given == "plan" else complete[given]
    res = CliRunner().invoke(main, ["check", str(populated_plan), "--previous", str(previous)])
    assert res.exit_code == 2
    (line,) = [ln for ln in res.output.splitlines() if ln.startswith("bcf:")]
    assert f"{previous}: {what}" in line
    assert line.endswith("--previous takes last year's return for a Better Care Fund 2025-26 Planning Template: "
                         "planning-2024-25 or eoy-2024-25")


def test_previous_year_kinds_are_a_year_before():
    from bcf_addin.descriptions.loader import all_descriptions, available_kinds, load

    def start(year: str) -> int:
        return int(year.split("-")[0])

    for desc in all_descriptions():
        assert desc.previous_year, desc.kind
        for kind in desc.previous_year:
            assert start(re.search(r"\d{4}-\d{2}", kind).group()) == start(desc.year) - 1, (desc.kind, kind)
            if kind in available_kinds():
                assert start(load(kind).year) == start(desc.year) - 1


def test_year_end_populated_from_the_quarterly_return(complete, tmp_path):
    eoy = new_replica("eoy-2024-25", tmp_path / "eoy.xlsx", hwb="Leicestershire")
    result = populate(eoy, [], previous_returns=[complete["quarterly-2024-25-q2"]], out=tmp_path / "eoy-from-q2.xlsx")
    q2 = open_template(complete["quarterly-2024-25-q2"]).lines("schemes")
    lines = open_template(result.out).lines("schemes")
    assert len(lines) == len(q2) > 0
    assert [ln.values["scheme_name"] for ln in lines] == [ln.values["scheme_name"] for ln in q2]
    assert [ln.values["source"] for ln in lines] == [ln.values["source"] for ln in q2]


@pytest.mark.parametrize("marked", ["discontinue", "Yes"])
def test_M306_a_discontinued_scheme_with_spend(complete, tmp_path, marked):
    """The published year-end return marks a stopped scheme with the word 'discontinue'."""
    broken = change(complete["eoy-2024-25"], tmp_path / "b.xlsx", {("schemes", 1, "discontinue"): marked})
    report = check(broken)
    found = codes(report, "M306")
    assert len(found) == 1 and found[0].severity is Severity.WARNING and "£490,000" in found[0].message
    # The Discontinue column is no Yes/No list: the published word is not a wrong list value.
    assert not [f for f in report.findings if f.severity is Severity.ERROR]
    assert not codes(check(complete["eoy-2024-25"]), "M306")


def test_X602_quiet_where_the_template_itself_leaves_sheets_unprotected(complete, tmp_path):
    from openpyxl import load_workbook

    # NHS England's C&D template is unlocked for editing: none of its sheets is protected.
    cd = complete["cd-2025-26"]
    tpl = open_template(cd)
    assert not any(tpl.workbook.sheets[s.name].protected for s in tpl.description.sheets)
    assert not codes(check(cd), "X602")
    # The year-end template protects its sheets: the same state there is reported, sheet by sheet.
    wb = load_workbook(complete["eoy-2024-25"])
    for ws in wb.worksheets[:2]:
        ws.protection.sheet = False
    opened = tmp_path / "opened.xlsx"
    wb.save(opened)
    assert [f.sheet for f in codes(check(opened), "X602")] == [ws.title for ws in wb.worksheets[:2]]


def test_an_unfilled_capacity_and_demand_return_is_incomplete(tmp_path):
    from bcf_addin.workbook import cell_ref

    empty = new_replica("cd-2025-26", tmp_path / "cd.xlsx", hwb="Leicestershire")
    report = check(empty)
    assert report.exit_code == 1 and not report.complete
    missing = {(f.sheet, f.cell) for f in codes(report, "C101")}
    # Contact details and sign-off, then each row's twelve monthly figures (spot purchasing optional).
    want = {("2. Cover", c) for c in ("C8", "C9", "C10", "C11")}
    tpl = open_template(empty)
    for table, first, last in (("step_down_capacity", "cap_apr", "cap_mar"), ("step_up_capacity", "apr", "mar"),
                               ("step_up_demand", "apr", "mar")):
        at = tpl.layout.tables[table]
        want |= {(at.sheet, f"{cell_ref(r, at.columns[first])}:{cell_ref(r, at.columns[last])}") for r in at.rows}
    assert missing == want
    res = CliRunner().invoke(main, ["check", str(empty)])
    assert res.exit_code == 1 and "Incomplete Template" in res.output


def test_icb_is_not_taken_for_the_ibcf_running_balance(complete, tmp_path):
    from bcf_addin.api import plan_populate
    from bcf_addin.errors import BcfError

    eoy = open_template(complete["eoy-2024-25"])
    reasons = tmp_path / "reasons.csv"
    reasons.write_text('Running Balances,"If underspent, please provide reasons"\nICB,Invoices arrived late\n')
    with pytest.raises(BcfError):             # ICB Discharge Funding, or the NHS minimum: not the iBCF
        plan_populate(eoy, [reasons])
    reasons.write_text('Running Balances,"If underspent, please provide reasons"\niBCF,Invoices arrived late\n')
    (written,) = [w for p in plan_populate(eoy, [reasons]) for w in p.writes]
    assert (written.row, written.col) == eoy.layout.tables["running_balances"].cell("ibcf", "underspend_reasons")


def test_year_end_cd_question_4_may_be_left_blank(complete, tmp_path):
    """The published year-end return leaves question 4 of '5.1 C&D Guidance & Assumptions'
    blank, and its cover shows every sheet complete: NHS England's checker passed it."""
    blank = change(complete["eoy-2024-25"], tmp_path / "q4.xlsx", {"cd_support": None})
    assert not [f for f in check(blank).findings if f.severity is Severity.ERROR]
    required = change(complete["eoy-2024-25"], tmp_path / "q3.xlsx", {"cd_approach": None})
    assert [f for f in check(required).findings if f.severity is Severity.ERROR]
