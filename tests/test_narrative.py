"""`bcf narrative` on Leicestershire's 2026-27 draft narrative, built as Word writes it
(tests/narrative_docx.py), alone and against the published 2025-26 plan return."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from answers import change
from bcf_addin.cli import main
from bcf_addin.jsonout import loads
from bcf_addin.narrative.check import check_narrative
from bcf_addin.narrative.document import read_blocks
from bcf_addin.narrative.words import count_words
from bcf_addin.xlsx.screening import OLE_MAGIC
from narrative_docx import build_narrative, draft_text

ICB = "ICB\tLeicestershire, Northamptonshire & Rutland (LNR) ICB\t"


def codes(report, code):
    return [f for f in report.findings if f.code == code]


@pytest.fixture
def draft(tmp_path):
    return build_narrative(tmp_path / "Leicestershire narrative 2026-27.docx")


def _seed_answers() -> dict[int, int]:
    """Each answer's words counted straight from the draft's text (not from the .docx): the lines
    after the question's response prompt, without the text file's list and emphasis markers."""
    text = draft_text().split("This page is intentionally left blank")[0]
    parts = re.split(r"^(?:- )?([1-5])\. Please", text, flags=re.M)
    counts = {}
    for number, body in zip(parts[1::2], parts[2::2]):
        answer = re.split(r"please provide your response below:", body, maxsplit=1, flags=re.I)[1]
        answer = re.sub(r"^- ", "", answer, flags=re.M).replace("**", "")
        counts[int(number)] = len(answer.split())
    return counts


# -- words -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, words", [
    ("Approximately 66% of BCF spend", 5),
    ("enabling people\u2014particularly those", 3),       # joined by a dash without spaces: one word
    ("an increase of approximately 8\u201312% in the next year", 9),
    ("DHU falls car\t£550,000\tAvoidable admissions:", 6),
    ("step-up and step-down ( a \u2013 b )", 8),              # standalone symbols count
    ("   ", 0),
])
def test_words_are_counted_as_word_counts_them(text, words):
    assert count_words(text) == words


def test_each_answer_is_counted_with_its_tables(draft):
    report = check_narrative(draft)
    expected = _seed_answers()
    assert [(q.number, q.words) for q in report.questions] == sorted(expected.items())
    assert report.total_words == sum(expected.values())
    assert report.questions[0].title.startswith("Please provide a short statement setting out the rationale")


def test_guidance_in_its_own_paragraph_is_not_counted(tmp_path):
    split = build_narrative(tmp_path / "n.docx", {"500 words). Please provide your response below:":
                                                  "500 words).\n\nPlease provide your response below:"})
    assert [(q.number, q.words) for q in check_narrative(split).questions] == sorted(_seed_answers().items())


def test_a_long_answer_is_a_warning_never_an_error(draft):
    report = check_narrative(draft)
    long = codes(report, "N804")
    assert {f.sheet for f in long} == {"Question 1", "Question 2", "Question 3", "Question 4", "Question 5",
                                       "Whole narrative"}
    assert all(f.severity.value == "warning" for f in long)
    q1 = next(q.words for q in report.questions if q.number == 1)
    assert f"is {q1:,} words; the guide is around 500" in long[0].message


# -- placeholders --------------------------------------------------------------------------------------
def test_the_draft_reports_its_two_choose_an_item_placeholders(draft):
    report = check_narrative(draft)
    found = codes(report, "N803")
    assert [(f.sheet, f.cell, f.severity.value) for f in found] == [
        ("Introduction", "paragraph 1", "error"), ("Introduction", "paragraph 6", "error")]
    assert all("'Choose an item.'" in f.message for f in found)
    assert report.exit_code == 1


def test_text_inside_content_controls_is_read(draft):
    texts = [b.text for b in read_blocks(draft) if hasattr(b, "text")]
    assert "MAY 1, 2026" in texts                       # a filled date control: read, not reported
    assert texts.count("Choose an item.") == 2


def test_an_unfilled_control_with_its_own_prompt(tmp_path):
    report = check_narrative(build_narrative(tmp_path / "n.docx", {"\nChoose an item.\n": "\n[control: Pick a status]\n"}))
    assert [(f.cell, f.message) for f in codes(report, "N803")] == [
        ("paragraph 1", "'Pick a status' is still showing where an answer should be."),
        ("paragraph 6", "'Pick a status' is still showing where an answer should be.")]


def test_a_chosen_item_and_a_typed_prompt(tmp_path):
    chosen = build_narrative(tmp_path / "n.docx", {"\nChoose an item.\n": "\nFinal\n"})
    assert codes(check_narrative(chosen), "N803") == []
    prompt = build_narrative(tmp_path / "p.docx", {"\nChoose an item.\n": "\nFinal\n",
                                                   "We continually evolve": "Click or tap here to enter text. We"})
    found = codes(check_narrative(prompt), "N803")
    assert [(f.sheet, f.cell) for f in found] == [("Question 5", "paragraph 3")]   # after heading and prompt


# -- submission details and questions ---------------------------------------------------------------------
def test_complete_details_give_no_finding(draft):
    report = check_narrative(draft)
    assert codes(report, "N801") == [] and report.hwbs == ["Leicestershire"]


def test_an_hwb_area_without_its_icb(tmp_path):
    report = check_narrative(build_narrative(tmp_path / "n.docx", {ICB: "ICB\t\t"}))
    assert [(f.cell, f.message) for f in codes(report, "N801")] == [
        ("HWB area 1", "'HWB area 1' (Leicestershire) names no ICB.")]


def test_a_second_hwb_area_must_be_complete_too(tmp_path):
    report = check_narrative(build_narrative(tmp_path / "n.docx", {"HWB\tLeicestershire\t": "HWB\tLeicestershire\tRutland"}))
    assert [f.message for f in codes(report, "N801")] == ["'HWB area 2' (Rutland) names no ICB."]
    assert report.hwbs == ["Leicestershire", "Rutland"]


def test_a_missing_question_and_an_unanswered_one(tmp_path):
    text = draft_text({"3. Please provide a short explanation": "Please provide a short explanation"})
    text = text.split("Our governance arrangements are well established")[0] + "This page is intentionally left blank\n"
    report = check_narrative(build_narrative(tmp_path / "n.docx", text=text))
    assert sorted(f.message for f in codes(report, "N802")) == ["Question 3 is not in the narrative.",
                                                                "Question 5 is not answered."]


# -- tables ---------------------------------------------------------------------------------------------
def test_table_totals_that_do_not_add_up(draft):
    found = codes(check_narrative(draft), "N806")
    assert [(f.sheet, f.cell) for f in found] == [("Question 1", "Table 1, row 13")] * 3
    assert "'Total activity' (24-25 Activity) is 26644, but the 10 rows above it add up to 23,801." == found[0].message
    # Table 2's £56.3+15.4+4.2+6.8+4.0 = £86.7m against £86.5m is within the rounding of five figures.


def test_a_rounded_total_beyond_its_rounding(tmp_path):
    report = check_narrative(build_narrative(tmp_path / "n.docx", {"£4.0\t4.5%": "£4.9\t4.5%"}))
    found = [f for f in codes(report, "N806") if f.cell.startswith("Table 2")]
    assert [(f.cell, f.message) for f in found] == [
        ("Table 2, row 7", "'Total Spend' (Total Spend for each area (M)) is £86.5, but the 5 rows above it add up "
                           "to £87.6.")]


# -- figures against the return ---------------------------------------------------------------------------
def test_figures_the_draft_shares_with_the_2025_26_plan(draft, populated_plan):
    report = check_narrative(draft, [populated_plan])
    assert [(f.cell, f.message) for f in codes(report, "N807")] == [
        ("Table 4, row 2", "£150,000 agrees with Leicestershire's scheme 36 'Whzan Boxes' (£150,000)."),
        ("Table 4, row 8", "£45,000 agrees with Leicestershire's scheme 73 'MH Relationship Enabler Officer' "
                           "(£45,000).")]
    assert codes(report, "N805") == [] and codes(report, "N808") == []


@pytest.mark.parametrize("typed", ["£1,565,956", "£1,556,957"])      # two digits swapped, one mistyped
def test_a_slipped_digit_names_both_figures(tmp_path, populated_plan, typed):
    slipped = build_narrative(tmp_path / "n.docx", {"£14,280": typed})
    found = codes(check_narrative(slipped, [populated_plan]), "N805")
    assert [(f.sheet, f.cell, f.message) for f in found] == [
        ("Question 4", "Table 4, row 6", f"{typed} is close to, but not, Leicestershire's scheme 24 "
                                         "'Discharge Pathway 3 Contract' (£1,556,956).")]


def test_a_round_figure_near_a_scheme_line_is_not_reported(tmp_path, populated_plan):
    # £45,100 is within 1% of scheme 73's £45,000 and one digit from it, but a round figure
    # resembles some scheme line by chance too often to say anything.
    report = check_narrative(build_narrative(tmp_path / "n.docx", {"£45,000": "£45,100"}), [populated_plan])
    assert codes(report, "N805") == []


def test_a_rounded_total_agrees_or_is_close(tmp_path, populated_plan):
    agrees = check_narrative(build_narrative(tmp_path / "a.docx", {"Total Spend\t£86.5": "Total Spend\t£84.4"}),
                             [populated_plan])
    assert [f.message for f in codes(agrees, "N807") if f.cell == "Table 2, row 7"] == [
        "£84.4m agrees with Leicestershire's total income (£84,413,542)."]
    close = check_narrative(build_narrative(tmp_path / "c.docx", {"Total Spend\t£86.5": "Total Spend\t£84.3"}),
                            [populated_plan])
    assert [f.message for f in codes(close, "N805")] == [
        "£84.3m is close to, but not, Leicestershire's total income (£84,413,542)."]
    within = check_narrative(build_narrative(tmp_path / "w.docx", {"Total Spend\t£86.5": "Total Spend\t£83.9"}),
                             [populated_plan])       # two digits apart, but within 1% of the total
    assert [f.message for f in codes(within, "N805")] == [
        "£83.9m is close to, but not, Leicestershire's total income (£84,413,542)."]


def test_a_return_for_another_hwb_is_not_compared(draft, tmp_path, populated_plan):
    rutland = change(populated_plan, tmp_path / "Rutland HWB.xlsx", {"hwb": "Rutland"})
    report = check_narrative(draft, [rutland])
    assert [f.severity.value for f in codes(report, "N808")] == ["error"]
    assert "is the return for Rutland" in codes(report, "N808")[0].message
    assert codes(report, "N807") == []


def test_one_narrative_for_two_hwbs_each_with_its_return(tmp_path, populated_plan):
    both = build_narrative(tmp_path / "n.docx", {"HWB\tLeicestershire\t": "HWB\tLeicestershire\tRutland",
                                                ICB: ICB + "Leicestershire, Northamptonshire & Rutland (LNR) ICB"})
    rutland = change(populated_plan, tmp_path / "Rutland HWB.xlsx", {"hwb": "Rutland"})
    report = check_narrative(both, [populated_plan, rutland])
    assert codes(report, "N808") == [] and codes(report, "N801") == []
    assert len(codes(report, "N807")) == 2


# -- command line --------------------------------------------------------------------------------------------
def test_cli_text_json_and_exit_codes(draft, populated_plan):
    res = CliRunner().invoke(main, ["narrative", str(draft), "--return", str(populated_plan)])
    assert res.exit_code == 1
    assert "Question 1   " in res.output and "'Choose an item.' is still showing" in res.output
    res = CliRunner().invoke(main, ["narrative", str(draft), "--return", str(populated_plan), "--json"])
    assert res.exit_code == 1
    assert loads(res.output) == check_narrative(draft, [populated_plan]).to_dict()
    assert list(loads(res.output)) == ["file", "questions", "total_words", "findings"]


def test_cli_exit_0_when_only_warnings(tmp_path):
    clean = build_narrative(tmp_path / "n.docx", {"\nChoose an item.\n": "\nFinal\n"})
    assert CliRunner().invoke(main, ["narrative", str(clean)]).exit_code == 0


@pytest.mark.parametrize("content, says", [
    (b"PK\x03\x04 not really a zip", "is damaged or not a Word document (.docx)"),
    (OLE_MAGIC + b"\0" * 64 + "EncryptionInfo".encode("utf-16-le"), "is password-protected"),
])
def test_unusable_files_exit_2_with_one_line(tmp_path, content, says):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(content)
    res = CliRunner().invoke(main, ["narrative", str(bad)])
    assert res.exit_code == 2
    assert f"bcf: {bad}: {says}" in res.output


def test_a_word_document_that_is_not_a_narrative_exits_2(tmp_path):
    other = build_narrative(tmp_path / "letter.docx", text="Dear colleague,\n\nThank you.\n")
    res = CliRunner().invoke(main, ["narrative", str(other)])
    assert res.exit_code == 2 and "is not a BCF narrative return" in res.output


def test_a_workbook_is_not_a_narrative(populated_plan):
    res = CliRunner().invoke(main, ["narrative", str(populated_plan)])
    assert res.exit_code == 2 and "is damaged or not a Word document" in res.output
