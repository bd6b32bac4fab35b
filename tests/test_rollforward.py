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


def test_a_plan_does_not_roll_into_a_year_end(returns, tmp_path):
    out = tmp_path / "x.xlsx"
    res = roll(returns["plan"], returns["year_end"], out)
    assert res.exit_code == 2
    assert "rolls forward from: quarterly" in res.output.strip().splitlines()[-1]
    assert not out.exists()


def test_dry_run_writes_nothing_and_the_template_is_never_changed(returns, tmp_path):
    before = returns["plan"].read_bytes()
    res = CliRunner().invoke(main, ["rollforward", str(returns["eoy"]), str(returns["plan"]), "--dry-run"])
    assert res.exit_code == 0, res.output
    assert "12 scheme lines carried" in res.output and "nothing was written" in res.output
    res = CliRunner().invoke(main, ["rollforward", str(returns["eoy"]), str(returns["plan"])])
    assert res.exit_code == 2 and "-o OUT.xlsx" in res.output
    assert returns["plan"].read_bytes() == before
