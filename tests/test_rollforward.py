"""bcf rollforward: a return started from the last one, on the Leicestershire samples.

The results are read back with openpyxl, not with this tool's reader.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from bcf_addin import api
from bcf_addin.cli import main
from bcf_addin.jsonout import loads

from support import SAMPLE_PLAN

SAMPLES = SAMPLE_PLAN.parent


@pytest.fixture(scope="module")
def returns(tmp_path_factory):
    """Last year's year end and last quarter's return, filled from the samples; this period's empty templates."""
    folder = tmp_path_factory.mktemp("rollforward")
    eoy = api.new_replica("eoy-2024-25", folder / "eoy.xlsx", hwb="Leicestershire")
    api.populate(eoy, [SAMPLES / "leicestershire-2024-25-eoy-schemes.csv",
                       SAMPLES / "leicestershire-2024-25-eoy-income.csv"], out=folder / "eoy-filled.xlsx")
    wb = openpyxl.load_workbook(folder / "eoy-filled.xlsx")
    cover = wb["2. Cover"]
    for label, value in (("Completed by:", "A. Officer"), ("E-mail:", "a.officer@example.gov.uk"),
                         ("Contact number:", "0116 000 0000")):
        row = next(r for r in range(1, 30) if cover.cell(r, 2).value == label)
        cover.cell(row, 3).value = value
    signed = next(r for r in range(1, 30) if str(cover.cell(r, 2).value).startswith("Has this report been signed off"))
    cover.cell(signed, 3).value = "Yes"
    wb.save(folder / "eoy-answered.xlsx")
    q2 = api.new_replica("quarterly-2024-25-q2", folder / "q2.xlsx", hwb="Leicestershire")
    api.populate(q2, [SAMPLES / "leicestershire-2024-25-q2-schemes.csv"], out=folder / "q2-filled.xlsx")
    return {
        "eoy": folder / "eoy-answered.xlsx",
        "q2": folder / "q2-filled.xlsx",
        "plan": api.new_replica("planning-2025-26", folder / "plan.xlsx", hwb="Leicestershire"),
        "quarter": api.new_replica("quarterly-2024-25-q3", folder / "q3.xlsx", hwb="Leicestershire"),
        "year_end": api.new_replica("eoy-2024-25", folder / "eoy-new.xlsx", hwb="Leicestershire"),
        "q1_template": api.new_replica("quarterly-2024-25-q1", folder / "q1-new.xlsx", hwb="Leicestershire"),
        "q2_template": api.new_replica("quarterly-2024-25-q2", folder / "q2-new.xlsx", hwb="Leicestershire"),
    }


def roll(last, template, out, *extra):
    return CliRunner().invoke(main, ["rollforward", str(last), str(template), "-o", str(out), *extra])


def table(path: Path, sheet: str, header: str = "Scheme ID") -> list[dict]:
    ws = openpyxl.load_workbook(path)[sheet]
    top = next(r for r in range(1, 80) if any(c.value == header for c in ws[r]))
    heads = {c.column: c.value for c in ws[top] if c.value}
    rows = []
    for r in range(top + 1, ws.max_row + 1):
        line = {h: ws.cell(r, c).value for c, h in heads.items()}
        if line.get(header) is None:
            break
        rows.append(line)
    return rows


def cover(path: Path, label: str):
    ws = openpyxl.load_workbook(path)["2. Cover"]
    return next(ws.cell(r, 3).value for r in range(1, 40) if str(ws.cell(r, 2).value or "").startswith(label))


def test_year_end_to_next_years_plan(returns, tmp_path):
    out = tmp_path / "plan.xlsx"
    res = roll(returns["eoy"], returns["plan"], out)
    assert res.exit_code == 0, res.output
    lines = table(out, "5. Expenditure")
    assert [x["Scheme ID"] for x in lines] == [str(i) for i in range(1, 13)]
    by_id = {x["Scheme ID"]: x for x in lines}
    # The guidance's table: one 2023-25 scheme type becomes one activity...
    assert by_id["3"]["Activity"] == "Evaluation and enabling integration"        # Care Act duties
    assert by_id["10"]["Activity"] == "Support to carers, including unpaid carers"
    # ...or several, which is the officer's choice: left blank and said.
    assert by_id["5"]["Activity"] is None and by_id["7"]["Activity"] is None
    assert "'Personalised Care at Home' became one of 4 values this year, so it was not carried" in res.output
    assert "choose one of: Discharge support and infrastructure; Evaluation and enabling integration" in res.output
    # The discharge funds went into the main funding elements in 2025-26.
    assert by_id["11"]["Source of Funding"] == "Local Authority Better Care Grant"     # LA Discharge Funding
    assert by_id["12"]["Source of Funding"] == "NHS Minimum Contribution"              # ICB Discharge Funding
    assert by_id["3"]["Description of Scheme"] == "Protecting adult social care"       # the scheme's name
    assert by_id["1"]["Expenditure for 2025-26 (£)"] == 3980849                       # 2024-25 actual spend
    assert "the amounts carried are the 2024-25 actual spend" in res.output
    assert "column 'Primary Objective': the earlier return has nothing for this column" in res.output
    # The published 2025-26 LA Better Care Grant is the iBCF and the LA discharge grant together:
    # last year's actual spend of both lands on it, to the pound.
    bal = loads(CliRunner().invoke(main, ["balances", str(out), "--json"]).stdout)
    la = next(b for b in bal["running_balances"] if b["source"] == "Local Authority Better Care Grant")
    assert la["expenditure"] == la["income"] == 21824275
    # Contact details carry; sign-off never does.
    assert cover(out, "Submitted by:") == "A. Officer"
    assert cover(out, "E-mail:") == "a.officer@example.gov.uk"
    assert cover(out, "Confirmation that the plan has been signed off") is None


def test_quarter_to_quarter_carries_lines_but_not_spend_to_date(returns, tmp_path):
    out = tmp_path / "q3.xlsx"
    res = roll(returns["q2"], returns["quarter"], out)
    assert res.exit_code == 0, res.output
    before, after = table(returns["q2"], "6. Expenditure"), table(out, "6. Expenditure")
    assert len(after) == len(before) > 0
    keep = ("Scheme ID", "Scheme Name", "Scheme Type", "Source of Funding", "Area of Spend", "Commissioner")
    assert [{k: x[k] for k in keep} for x in after] == [{k: x[k] for k in keep} for x in before]
    assert all(x["Expenditure to date (£)"] is None for x in after)
    assert any(x["Expenditure to date (£)"] for x in before)
    assert "column 'Expenditure to date (£)': not carried" in res.output and "each return fills it afresh" in res.output


def test_last_quarter_to_year_end(returns, tmp_path):
    out = tmp_path / "eoy.xlsx"
    res = roll(returns["q2"], returns["year_end"], out)
    assert res.exit_code == 0, res.output
    after = table(out, "7b. Expenditure")
    assert [x["Scheme ID"] for x in after] == [x["Scheme ID"] for x in table(returns["q2"], "6. Expenditure")]
    assert all(x["Actual Spend (£)"] is None for x in after)


def test_a_plan_does_not_roll_into_a_year_end(returns, tmp_path, descriptions_folder):
    from bcf_addin import paths

    # Next year's year end (forward in time) takes only a quarterly return, never a plan.
    text = (paths.descriptions() / "eoy-2024-25.yaml").read_text(encoding="utf-8")
    for old, new in (("kind: eoy-2024-25", "kind: eoy-2025-26"), ('year: "2024-25"', 'year: "2025-26"'),
                     ("Better Care Fund 2024-25 EOY", "Better Care Fund 2025-26 EOY")):
        text = text.replace(old, new)
    (descriptions_folder / "eoy-2025-26.yaml").write_text(text, encoding="utf-8")
    year_end = api.new_replica("eoy-2025-26", tmp_path / "eoy-2025-26.xlsx")
    out = tmp_path / "x.xlsx"
    res = roll(returns["plan"], year_end, out)
    assert res.exit_code == 2
    assert "rolls forward from: quarterly" in res.output.strip().splitlines()[-1]
    assert not out.exists()


BACKWARDS = {
    # last return, template, the periods the refusal names
    "a Q3 return into the Q2 template": ("q3", "q2_template", "the Q3 2024-25 return", "the Q2 2024-25 template",
                                         "an earlier period"),
    "a Q2 return into another Q2 template": ("q2", "q2_template", "the Q2 2024-25 return", "the Q2 2024-25 template",
                                             "the same period"),
    "a year end into the Q1 template": ("eoy", "q1_template", "the year end 2024-25 return",
                                        "the Q1 2024-25 template", "an earlier period"),
    "next year's plan into a year end": ("plan", "year_end", "the plan 2025-26 return", "the year end 2024-25 template",
                                         "an earlier period"),
}


@pytest.mark.parametrize("case", BACKWARDS)
def test_rolling_goes_forward_only(case, returns, tmp_path):
    last, template, was, into, which = BACKWARDS[case]
    if last == "q3":
        assert roll(returns["q2"], returns["quarter"], tmp_path / "q3.xlsx").exit_code == 0
        returns = {**returns, "q3": tmp_path / "q3.xlsx"}
    before = returns[template].read_bytes()
    out = tmp_path / "x.xlsx"
    res = roll(returns[last], returns[template], out)
    assert res.exit_code == 2, res.output
    message = res.output.strip().splitlines()[-1]
    assert message.startswith(f"bcf: {returns[last]}: is {was} and {returns[template].name} {into}, {which}"), message
    assert "rolls forward only" in message
    assert not out.exists() and returns[template].read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == (["q3.xlsx"] if last == "q3" else [])


def test_a_description_without_its_period_is_not_guessed(returns, tmp_path, descriptions_folder):
    from bcf_addin import paths

    text = (paths.descriptions() / "quarterly-2024-25-q2.yaml").read_text(encoding="utf-8")
    (descriptions_folder / "quarterly-2024-25-q2.yaml").write_text(
        text.replace("period: {name: Q2, order: 2}\n", ""), encoding="utf-8")
    res = roll(returns["q2"], returns["quarter"], tmp_path / "q3.xlsx")
    assert res.exit_code == 2, res.output
    assert "the description of quarterly-2024-25-q2 does not say which period it is for" in res.output
    assert not (tmp_path / "q3.xlsx").exists()


def test_dry_run_writes_nothing_and_the_template_is_never_changed(returns, tmp_path):
    before = returns["plan"].read_bytes()
    res = CliRunner().invoke(main, ["rollforward", str(returns["eoy"]), str(returns["plan"]), "--dry-run"])
    assert res.exit_code == 0, res.output
    assert "12 scheme lines carried" in res.output and "nothing was written" in res.output
    res = CliRunner().invoke(main, ["rollforward", str(returns["eoy"]), str(returns["plan"])])
    assert res.exit_code == 2 and "-o OUT.xlsx" in res.output
    assert returns["plan"].read_bytes() == before
