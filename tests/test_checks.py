"""Each rule: a workbook that triggers it and one that does not, on the Leicestershire plan."""
from __future__ import annotations

import json
from decimal import Decimal

from click.testing import CliRunner

from bcf_addin.api import balances, check, new_replica
from bcf_addin.checks.registry import RULES
from bcf_addin.cli import main
from bcf_addin.jsonout import loads
from bcf_addin.workbook import CellWrite, cell_ref
from bcf_addin.xlsx.writer import write_cells

from answers import change, missing_answers, reported
from support import needs_libreoffice


def codes(report, code=None):
    found = [f for f in report.findings if code is None or f.code == code]
    return found


def test_the_published_plan_reports_exactly_the_two_unallocated_balances(populated_plan):
    report = check(populated_plan)
    m301 = codes(report, "M301")
    assert [(f.sheet, f.message.split(" of the ")[0]) for f in m301] == [
        ("5. Expenditure", "£294,616"), ("5. Expenditure", "£2,702,745")]
    assert "NHS Minimum Contribution" in m301[0].message and "Local Authority Better Care Grant" in m301[1].message
    assert not codes(report, "S401")          # ASC £32,579,512 against £31,982,219: met
    assert report.exit_code == 1
    incomplete = {s.sheet for s in report.sheets if not s.complete}
    assert incomplete == {"2. Cover", "4. Income", "6. Metrics", "7. National Conditions"}
    cover = {f.cell for f in codes(report, "C101") if f.sheet == "2. Cover"}
    assert len(cover) == 5 + 8 + 5            # sign-off and submitter's 5 questions, 8 named people, 5 assurances


def test_balances_json_gives_the_published_figures(populated_plan):
    res = CliRunner().invoke(main, ["balances", str(populated_plan), "--json"])
    assert res.exit_code == 0, res.output
    data = loads(res.output)
    rb = {r["source"]: r for r in data["running_balances"]}
    assert rb["DFG"]["balance"] == 0
    assert rb["NHS Minimum Contribution"]["expenditure"] == 56776363 and rb["NHS Minimum Contribution"]["balance"] == 294616
    assert rb["NHS Minimum Contribution"]["income"] == 57070979
    assert rb["Local Authority Better Care Grant"]["expenditure"] == 19121530
    assert rb["Local Authority Better Care Grant"]["balance"] == 2702745
    assert all(r["percent_spent"] is None for r in rb.values())
    assert data["minimum_spend"] == [{"name": "asc_from_nhs_minimum", "minimum": 31982219, "spend": 32579512,
                                      "shortfall": 0, "met": True}]
    assert data["hwb"] == "Leicestershire" and data["template"] == "planning-2025-26"


def test_cli_json_is_the_library_report_serialised(populated_plan):
    res = CliRunner().invoke(main, ["check", str(populated_plan), "--json"])
    assert res.exit_code == 1
    assert json.loads(res.output) == json.loads(json.dumps(check(populated_plan).to_dict()))
    assert set(json.loads(res.output)) == {"template", "hwb", "complete", "sheets", "findings"}
    res = CliRunner().invoke(main, ["balances", str(populated_plan), "--json"])
    assert loads(res.output) == balances(populated_plan).to_dict()


def test_every_answer_the_description_requires_is_reported_missing_until_given(populated_plan, complete_plan):
    # What is required comes from the description's YAML (answers.py), not from the inputs the rules walk.
    answers, tables = missing_answers(populated_plan)
    assert reported(check(populated_plan)) == (answers, tables)
    assert tables == {("2. Cover", "B20")}                          # the documents submitted
    # 5 cover questions (the HWB is chosen), 8 named people x 5 columns, 5 assurances, 2 yes/no on
    # 4. Income, the 3 metrics' rationales, 4 metric rows x 12 months and 5 of residential
    # admissions, 6 supporting indicators and 10 national conditions.
    assert sum(n for _, _, n in answers) == 5 + 8 * 5 + 5 + 2 + 3 + 4 * 12 + 5 + 6 + 10 == 124
    assert missing_answers(complete_plan) == (set(), set())


def test_a_fully_answered_plan_passes(complete_plan):
    report = check(complete_plan)
    assert report.findings == [] and report.complete and report.exit_code == 0
    res = CliRunner().invoke(main, ["check", str(complete_plan)])
    assert res.exit_code == 0 and "Template Complete" in res.output


def test_every_rule_is_documented_and_codes_are_unique():
    assert len({r.code for r in RULES}) == len(RULES)
    for r in RULES:
        assert r.code[0] in "CVMSAXYN" and r.fix and r.why and r.example


# -- completeness -------------------------------------------------------------------------------
def test_C101_required_answer(complete_plan, tmp_path):
    broken = change(complete_plan, tmp_path / "b.xlsx", {"submitted_by": None})
    found = codes(check(broken), "C101")
    assert [(f.sheet, f.message) for f in found] == [("2. Cover", "'Submitted by' is not answered.")]


def test_C102_conditional_answer(complete_plan, tmp_path):
    broken = change(complete_plan, tmp_path / "b.xlsx",
                    {"signed_off": "No", "delay_reason": None, "expected_signoff": None})
    found = codes(check(broken), "C102")
    assert len(found) == 2 and all(f.sheet == "2. Cover" for f in found)
    assert "not signed off" in found[0].message
    fixed = change(broken, tmp_path / "f.xlsx", {"delay_reason": "Board meets in May",
                                                 "expected_signoff": __import__("datetime").datetime(2025, 5, 29)})
    assert not codes(check(fixed), "C102")


def test_C102_explanation_when_an_assurance_is_no(complete_plan, tmp_path):
    broken = change(complete_plan, tmp_path / "b.xlsx",
                    {("assurance", 1, "answer"): "No", ("assurance", 1, "explanation"): None})
    found = codes(check(broken), "C102")
    assert len(found) == 1 and "explanation" in found[0].message


def test_C103_incomplete_scheme_line(complete_plan, tmp_path):
    broken = change(complete_plan, tmp_path / "b.xlsx", {("schemes", 11, "area"): None})
    found = codes(check(broken), "C103")
    assert len(found) == 1 and found[0].message == "Scheme line 12 (Scheme ID 12) has no 'Area of Spend'."


def test_C104_empty_table(complete_plan, tmp_path):
    broken = change(complete_plan, tmp_path / "b.xlsx", {("documents", 0, "document"): None})
    assert len(codes(check(broken), "C104")) == 1
    assert not codes(check(complete_plan), "C104")


# -- values --------------------------------------------------------------------------------------
def test_V201_not_on_list(complete_plan, tmp_path):
    broken = change(complete_plan, tmp_path / "b.xlsx", {("schemes", 3, "area"): "Social Cares",
                                                         ("schemes", 4, "provider"): "local authority "})
    found = codes(check(broken), "V201")
    # The template's scheme lines start on row 26 of '5. Expenditure': line 4's Area of Spend is F29,
    # line 5's Provider G30.
    assert [(f.severity.value, f.sheet, f.cell) for f in found] == [("error", "5. Expenditure", "F29"),
                                                                     ("warning", "5. Expenditure", "G30")]
    assert "'Social Care'" in found[0].hint and "'Local Authority'" in found[1].hint


def test_V202_text_in_a_money_cell(complete_plan, tmp_path):
    broken = change(complete_plan, tmp_path / "b.xlsx", {("schemes", 8, "expenditure"): "about 5k"})
    found = codes(check(broken), "V202")
    assert len(found) == 1 and "'about 5k'" in found[0].message


def test_V203_text_in_a_number_cell(complete_plan, tmp_path):
    broken = change(complete_plan, tmp_path / "b.xlsx", {("emergency_admissions", 1, "may"): "about 2,600"})
    assert len(codes(check(broken), "V203")) == 1
    assert not codes(check(complete_plan), "V203")


def test_V203_accepts_the_ways_of_saying_not_applicable(complete_plan, tmp_path):
    said = change(complete_plan, tmp_path / "b.xlsx", {("emergency_admissions", 1, "may"): "N/A",
                                                       ("emergency_admissions", 1, "jun"): "na",
                                                       ("emergency_admissions", 1, "jul"): "Not applicable"})
    assert not codes(check(said), "V203")


def test_V202_an_amount_beyond_the_templates_range(complete_plan, tmp_path):
    # The published templates' money cells accept up to £999,999,999: one pound more is pence typed as pounds.
    broken = change(complete_plan, tmp_path / "b.xlsx", {("schemes", 8, "expenditure"): Decimal(1_000_000_000),
                                                         ("schemes", 9, "expenditure"): Decimal(999_999_999)})
    found = codes(check(broken), "V202")
    assert [f.message for f in found] == ["line 9: 'Expenditure for 2025-26 (£)' is £1,000,000,000, beyond the template's range."]


def test_V205_email(complete_plan, tmp_path):
    broken = change(complete_plan, tmp_path / "b.xlsx", {"email": "Lisa Carter"})
    assert [f.severity.value for f in codes(check(broken), "V205")] == ["warning"]


# -- money and minimum spend ---------------------------------------------------------------------
def test_M301_overplanned_source(complete_plan, tmp_path):
    broken = change(complete_plan, tmp_path / "b.xlsx", {("schemes", 0, "expenditure"): Decimal(781800)})
    found = codes(check(broken), "M301")
    assert len(found) == 1 and "£100,000 more than its income" in found[0].message
    assert not codes(check(complete_plan), "M301")


def test_M305_line_with_no_source(complete_plan, tmp_path):
    broken = change(complete_plan, tmp_path / "b.xlsx", {("schemes", 2, "source"): None})
    assert len(codes(check(broken), "M305")) == 1
    assert not codes(check(complete_plan), "M305")


def test_S401_asc_minimum_shortfall(complete_plan, tmp_path):
    # Line 64 (Home Care Service, £15,655,351) is Social Care from the NHS minimum: move £1m of it
    # to Community Health, leaving the balance unchanged but the ASC spend £402,707 short.
    broken = change(complete_plan, tmp_path / "b.xlsx", {("schemes", 63, "area"): "Community Health"})
    found = codes(check(broken), "S401")
    assert len(found) == 1
    assert "£15,655,351" not in found[0].message and "short" in found[0].message
    data = balances(broken).minimum_spend[0]
    assert data.spend == Decimal(32579512 + 294616 - 15655351) and not data.met
    assert data.shortfall == Decimal(31982219) - data.spend


# -- arithmetic and cross-sheet ------------------------------------------------------------------
def test_A501_dfg_breakdown(tmp_path):
    alloc = tmp_path / "alloc.csv"
    alloc.write_text("item,label,value\ndfg,Leicestershire,5518288\ndfg_districts,Blaby,823673\n"
                     "dfg_districts,Charnwood,1397936\nla_bcg,Leicestershire,21824275\n"
                     "nhs_minimum,NHS LLR ICB,57070979\nfigure,asc_minimum,31982219\n")
    bad = new_replica("planning-2025-26", tmp_path / "bad.xlsx", hwb="Leicestershire", allocations=alloc)
    found = codes(check(bad), "A501")
    assert len(found) == 1 and "£2,221,609" in found[0].message and "£5,518,288" in found[0].message


def test_A501_quiet_on_the_published_breakdown(populated_plan):
    assert not codes(check(populated_plan), "A501")


def test_X601_formula_replaced_by_a_value(complete_plan, tmp_path):
    from openpyxl import load_workbook

    from bcf_addin.api import open_template

    tpl = open_template(complete_plan)
    r, c = tpl.layout.tables["running_balances"].cell("nhs_min", "expenditure")
    wb = load_workbook(complete_plan)       # a person pasting a value over a formula
    wb["5. Expenditure"].cell(r, c).value = 57000000
    pasted = tmp_path / "pasted.xlsx"
    wb.save(pasted)
    found = codes(check(pasted), "X601")
    assert len(found) == 1 and found[0].severity.value == "error"
    # The complete plan spends all of Leicestershire's published NHS Minimum Contribution, £57,070,979.
    assert "replaced by the value £57,000,000; it should be £57,070,979." in found[0].message
    assert not codes(check(complete_plan), "X601")


@needs_libreoffice
def test_X601_cached_results_agree_with_libreoffice_and_disagree_after_a_silent_edit(complete_plan, tmp_path):
    from bcf_addin.api import open_template
    from recalc import recalculate

    calc = recalculate(complete_plan, tmp_path / "calc.xlsx")
    # LibreOffice's results for every template formula equal this tool's own evaluation.
    assert not codes(check(calc), "X601")
    tpl = open_template(calc)
    at = tpl.layout.tables["schemes"]
    edited = tmp_path / "edited.xlsx"
    write_cells(calc, [CellWrite("5. Expenditure", at.rows[0], at.columns["expenditure"], Decimal(1))], edited,
                recalc_on_open=False)
    stale = codes(check(edited), "X601")
    assert stale and all(f.severity.value == "warning" for f in stale)
    assert any("£5,518,288" in f.message for f in stale)



def test_X602_a_sheet_left_unprotected(populated_plan, tmp_path):
    from openpyxl import load_workbook

    wb = load_workbook(populated_plan)      # a person unprotecting a sheet to insert a row
    wb["5. Expenditure"].protection.sheet = False
    opened = tmp_path / "opened.xlsx"
    wb.save(opened)
    found = codes(check(opened), "X602")
    assert [(f.severity.value, f.sheet, f.cell) for f in found] == [("warning", "5. Expenditure", None)]
    assert "'5. Expenditure' is not protected" in found[0].message and "may reject" in found[0].message
    assert not codes(check(populated_plan), "X602")


def test_X603_a_formula_typed_into_an_input_cell(populated_plan, tmp_path):
    from openpyxl import load_workbook

    from bcf_addin.api import open_template

    tpl = open_template(populated_plan)
    at = tpl.layout.tables["schemes"]
    r, c = at.rows[0], at.columns["expenditure"]
    wb = load_workbook(populated_plan)
    wb["5. Expenditure"].cell(r, c).value = "=700000+81800"
    typed = tmp_path / "typed.xlsx"
    wb.save(typed)
    found = codes(check(typed), "X603")
    assert [(f.severity.value, f.sheet, f.cell) for f in found] == [("warning", "5. Expenditure", cell_ref(r, c))]
    assert "=700000+81800" in found[0].message
    assert not codes(check(populated_plan), "X603")


def test_X603_finds_formulas_in_fields_fixed_rows_and_lines_not_in_use(populated_plan, tmp_path):
    """A formula showing nothing leaves its scheme line out of use, yet is still a formula in an input."""
    from openpyxl import load_workbook

    from bcf_addin.api import open_template

    tpl = open_template(populated_plan)
    at = tpl.layout.tables["schemes"]
    used = len(tpl.lines("schemes"))
    unused = (at.rows[used + 5], at.columns["description"])
    email = tpl.layout.fields["email"]
    chair = tpl.layout.tables["people"].cell("hwb_chair", "surname")
    wb = load_workbook(populated_plan)
    wb["5. Expenditure"].cell(*unused).value = '=""'
    wb["2. Cover"].cell(email.row, email.col).value = '="a@b.org"'
    wb["2. Cover"].cell(*chair).value = '=UPPER("smith")'
    typed = tmp_path / "typed.xlsx"
    wb.save(typed)
    assert len(open_template(typed).lines("schemes")) == used
    found = codes(check(typed), "X603")
    assert sorted((f.sheet, f.cell) for f in found) == sorted([
        ("5. Expenditure", cell_ref(*unused)), ("2. Cover", cell_ref(email.row, email.col)),
        ("2. Cover", cell_ref(*chair))])


# -- year on year --------------------------------------------------------------------------------
def test_Y701_asc_uplift(complete_plan, tmp_path):
    from bcf_addin.api import open_template
    from bcf_addin.checks.run import check_template

    # The rule compares this return with whatever it is given as last year's (bcf check makes sure
    # that is last year's): this plan's own figures stand in, a 0% rise against the 3.9% uplift.
    this = open_template(complete_plan)
    found = codes(check_template(this, open_template(complete_plan)), "Y701")
    assert len(found) == 1 and "3.90%" in found[0].message and "0.00%" in found[0].message
    lower = change(complete_plan, tmp_path / "last.xlsx", {("schemes", 63, "expenditure"): Decimal(14000000)})
    assert not codes(check_template(this, open_template(lower)), "Y701")


@needs_libreoffice
def test_libreoffice_checker_cells_agree_with_the_checklist(populated_plan, complete_plan, tmp_path):
    """The replica's own Yes/No checkers, recalculated by LibreOffice, say what `bcf check` says: the
    template's formulas, not the inputs the completeness rules walk, judge the complete plan complete."""
    from openpyxl import load_workbook

    from bcf_addin.api import open_template
    from recalc import recalculate

    for name, path, verdict in (("populated", populated_plan, "Incomplete Template"),
                                ("complete", complete_plan, "Template Complete")):
        calc = recalculate(path, tmp_path / f"{name}-calc.xlsx")
        tpl = open_template(path)
        wb = load_workbook(calc, data_only=True)
        report = check(path)
        ours = {s.sheet: s.complete for s in report.sheets}
        theirs = {}
        for sheet, at in tpl.layout.sheets.items():
            if at.complete:
                theirs[sheet] = wb[sheet].cell(*at.complete).value == "Yes"
        assert theirs == ours, name
        status = tpl.layout.fields["template_status"]
        shown = wb["2. Cover"].cell(status.row, status.col).value
        assert shown == verdict and all(ours.values()) == (verdict == "Template Complete"), name


def test_C104_yes_to_additional_contributions_needs_a_line(complete_plan, tmp_path):
    broken = change(complete_plan, tmp_path / "b.xlsx", {"additional_la": "Yes",
                                                         ("additional_la_contributions", 0, "contributor"): None,
                                                         ("additional_la_contributions", 0, "contribution"): None,
                                                         ("additional_la_contributions", 0, "comments"): None})
    found = codes(check(broken), "C104")
    assert len(found) == 1 and found[0].sheet == "4. Income"
    assert "additional LA contributions are being made" in found[0].message
    with_line = change(broken, tmp_path / "f.xlsx", {("additional_la_contributions", 0, "contributor"): "Leicestershire CC",
                                                     ("additional_la_contributions", 0, "contribution"): Decimal(0)})
    assert not codes(check(with_line), "C104")
    answered_no = change(broken, tmp_path / "n.xlsx", {"additional_la": "No"})
    assert not codes(check(answered_no), "C104")


def test_metric_arithmetic_reproduces_the_published_rates(complete_plan, tmp_path):
    """2,640 / 153,982 x 100,000 = 1,714; (1 - 85.0%) x 3.00 days = 0.45; 217 / 153,982 x 100,000 = 140.9."""
    from bcf_addin.api import open_template
    from bcf_addin.evaluate import Evaluator

    filled = change(complete_plan, tmp_path / "m.xlsx", {
        ("emergency_admissions", 1, "apr"): Decimal(2640), ("emergency_admissions", 2, "apr"): Decimal(153982),
        ("discharge_delays", 1, "apr"): Decimal("0.85"), ("discharge_delays", 2, "apr"): Decimal("3.00"),
        ("residential_admissions", 1, "q1"): Decimal(217)})
    ev = Evaluator(open_template(filled))
    assert round(ev.cell("emergency_admissions", 0, "apr")) == 1714
    assert ev.cell("discharge_delays", 0, "apr") == Decimal("0.45")
    assert round(ev.cell("residential_admissions", 0, "q1"), 1) == Decimal("140.9")
