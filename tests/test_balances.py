"""The running balances and minimum spend: the same lines counted for a source however they spell
it, and the text and JSON of `bcf balances` always showing the same figures."""
from __future__ import annotations

import csv
import re
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from bcf_addin import paths
from bcf_addin.api import balances, new_replica, open_template, populate
from bcf_addin.cli import main
from bcf_addin.jsonout import loads

from answers import change
from support import FIGURES

S = paths.samples()
EOY_REGISTERS = [S / "leicestershire-2024-25-eoy-schemes.csv", S / "leicestershire-2024-25-eoy-income.csv"]


def both_outputs(workbook) -> tuple[str, dict]:
    text = CliRunner().invoke(main, ["balances", str(workbook)])
    data = CliRunner().invoke(main, ["balances", str(workbook), "--json"])
    assert text.exit_code == 0 and data.exit_code == 0, text.output + data.output
    return text.output, loads(data.output)


def text_rows(text: str) -> dict[str, list[str]]:
    """The running-balance table of the text output: source -> its figures as printed."""
    rows = {}
    for line in text.split("Running balances")[1].split("Minimum spend")[0].splitlines()[2:]:
        if line.strip():
            rows[line[:41].strip()] = line[41:].split()
    return rows


def money(shown: str) -> Decimal:
    return Decimal(shown.replace("£", "").replace(",", ""))


def asc_line(workbook) -> int:
    tpl = open_template(workbook)
    fin = tpl.description.finance
    return next(ln.index for ln in tpl.lines(fin.schemes)
                if ln.values.get(fin.source) == "NHS Minimum Contribution" and ln.values.get(fin.area) == "Social Care")


def test_minimum_spend_counts_a_line_whose_source_is_an_alias(populated_plan, tmp_path):
    """'Minimum NHS Contribution' is the 2023-25 name of this year's NHS Minimum Contribution."""
    before = balances(populated_plan)
    renamed = change(populated_plan, tmp_path / "alias.xlsx",
                     {("schemes", asc_line(populated_plan), "source"): "Minimum NHS Contribution"})
    after = balances(renamed)
    assert after.source("NHS Minimum Contribution").expenditure == Decimal(56776363)
    assert [m.spend for m in after.minimum_spend] == [m.spend for m in before.minimum_spend] == [Decimal(32579512)]


def test_a_sub_penny_amount_reads_the_same_in_text_and_json(populated_plan):
    tpl = open_template(populated_plan)
    fin = tpl.description.finance
    line = tpl.lines(fin.schemes)[asc_line(populated_plan)]
    at = tpl.located(fin.schemes, line.row, fin.spend)
    exact = line.values[fin.spend] + Decimal("0.568")
    book = openpyxl.load_workbook(populated_plan)
    book[at.sheet][at.cell].value = float(exact)          # as a template cell holds it: a double
    book.save(populated_plan)

    text, data = both_outputs(populated_plan)
    shown = text_rows(text)
    for r in data["running_balances"]:
        assert [money(x) for x in shown[r["source"]]] == [r["income"], r["expenditure"], r["balance"]]
    nhs = next(r for r in data["running_balances"] if r["source"] == "NHS Minimum Contribution")
    assert nhs["expenditure"] == Decimal("56776363.568")
    total = [money(x) for x in shown["Total"]]
    assert total[1] == sum(r["expenditure"] for r in data["running_balances"])
    ms = data["minimum_spend"][0]
    assert ms["spend"] == Decimal("32579512.568")
    assert re.search(r": (£[\d,.]+) against a minimum of (£[\d,.]+)", text).groups() == (
        "£32,579,512.568", "£31,982,219")


@pytest.fixture(scope="module")
def eoy(tmp_path_factory):
    folder = tmp_path_factory.mktemp("eoy")
    template = new_replica("eoy-2024-25", folder / "eoy.xlsx", hwb="Leicestershire")
    return populate(template, EOY_REGISTERS, out=folder / "eoy-filled.xlsx").out


def test_percent_spent_has_at_most_four_decimals_and_the_text_rounds_the_same_figure(eoy):
    text, data = both_outputs(eoy)
    shown = text_rows(text)
    with_pct = [r for r in data["running_balances"] if r["percent_spent"] is not None]
    assert with_pct
    for r in with_pct:
        assert -r["percent_spent"].as_tuple().exponent <= 4
        assert r["percent_spent"] == (r["expenditure"] * 100 / r["income"]).quantize(Decimal("0.0001"))
        assert shown[r["source"]][3] == f"{r['percent_spent'].quantize(Decimal('0.01'))}%"
    dfg = next(r for r in with_pct if r["source"] == "DFG")
    assert dfg["percent_spent"] == Decimal("81.0188") and shown["DFG"][3] == "81.02%"


def test_a_source_named_by_its_running_balance_alias_is_checked_not_crashed(eoy, descriptions_folder):
    """The source carries the running-balance row's alias as its name ('Disabled Facilities Grant'
    for the row labelled DFG): the underspend reason is still looked for in that row."""
    desc = descriptions_folder / "eoy-2024-25.yaml"
    text = desc.read_text(encoding="utf-8")
    old = "{source: DFG, income: [income_actual.dfg.actual, income_actual.dfg.carried], aliases: [Disabled Facilities Grant]"
    desc.write_text(text.replace(old, "{source: Disabled Facilities Grant, income: [income_actual.dfg.actual, "
                                      "income_actual.dfg.carried], aliases: [DFG]"), encoding="utf-8")
    res = CliRunner().invoke(main, ["check", str(eoy), "--json"])
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    m303 = [f for f in loads(res.output)["findings"] if f["code"] == "M303"]
    assert [(f["sheet"], f["cell"]) for f in m303] == [("7b. Expenditure", "G9")]
    assert m303[0]["message"].startswith("Disabled Facilities Grant is underspent by £1,047,439")


# -- the plan's metrics, computed from their inputs ----------------------------------------------

METRIC_INPUTS = {   # figure in the published return -> (table, row index)
    "8.1 Number of Admissions 65+": ("emergency_admissions", 1),
    "8.1 Population of 65+": ("emergency_admissions", 2),
    "8.2 Proportion discharged on their discharge ready date": ("discharge_delays", 1),
    "8.2 Average days from discharge ready date to discharge": ("discharge_delays", 2),
    "8.3 Number of admissions": ("residential_admissions", 1),
}
METRIC_RATES = {"8.1 Rate": "emergency_admissions", "8.2 Average length of discharge delay": "discharge_delay",
                "8.3 Rate": "residential_admissions"}


def _published_metrics() -> list[dict]:
    with open(FIGURES, newline="", encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["Return"] == "Planning" and r["Figure"][:3] in ("8.1", "8.2", "8.3")]


def test_plan_metrics_are_computed_from_their_inputs_as_published(populated_plan, tmp_path):
    """Leicestershire's published 2025-26 inputs give the rates its plan and Summary print."""
    tpl = open_template(populated_plan)
    writes = {}
    for r in _published_metrics():
        if r["Figure"] in METRIC_INPUTS:
            table, index = METRIC_INPUTS[r["Figure"]]
            desc = tpl.table(table)[0]
            column = next((c for c in desc.columns if c.header == r["Funding source or item"]), None)
            # The 2023-24 actual and 2024-25 plan are the template's own, pre-populated: not typed.
            if column is not None and desc.role(desc.rows[index], column) == "input":
                writes[(table, index, column.id)] = Decimal(r["Value"])
    filled = change(populated_plan, tmp_path / "metrics.xlsx", writes)
    text, data = both_outputs(filled)
    computed = {(m["name"], f["column"]): f["value"] for m in data["metrics"] for f in m["figures"]}
    expected = {(METRIC_RATES[r["Figure"]], r["Funding source or item"]): Decimal(r["Value"])
                for r in _published_metrics() if r["Figure"] in METRIC_RATES}
    shown = {k: v for k, v in expected.items() if k in computed}
    # 8.1's and 8.2's twelve 2025-26 plan months (their 2024-25 actuals are pre-populated in tables of
    # their own, not computed) and 8.3's seven figures, from the 2023-24 actual to the Q4 plan.
    assert len(shown) == 12 + 12 + 7
    assert {k: Decimal(str(computed[k])) for k in shown} == shown
    assert "Metrics (computed from their inputs)" in text
    assert "    Apr 25 Plan                     1,516" in text.splitlines()
    assert "    2024-25 Estimated               587.1" in text.splitlines()
    assert "    2023-24 Actual                  509.8" in text.splitlines()


def test_a_metric_with_an_input_missing_is_not_computed(populated_plan):
    _, data = both_outputs(populated_plan)
    rates = {m["name"]: m["figures"] for m in data["metrics"]}
    assert all(f["value"] is None for f in rates["emergency_admissions"])


def test_money_on_lines_with_no_known_source_is_said_not_to_be_counted(populated_plan, tmp_path):
    """A source left blank (a register value not on the list is not written) takes money out of
    every running balance: the totals must say how much they leave out."""
    with open(S / "leicestershire-2025-26-plan-schemes.csv", newline="", encoding="utf-8") as fh:
        grant = [r for r in csv.DictReader(fh) if r["Source of Funding"] == "Local Authority Better Care Grant"]
    left_out = sum(Decimal(r["Expenditure for 2025-26 (£)"].replace(",", "").replace("£", "")) for r in grant)
    tpl = open_template(populated_plan)
    fin = tpl.description.finance
    blanks = {("schemes", ln.index, "source"): None for ln in tpl.lines(fin.schemes)
              if ln.values.get(fin.source) == "Local Authority Better Care Grant"}
    assert len(blanks) == len(grant) > 0
    blanked = change(populated_plan, tmp_path / "blank-source.xlsx", blanks)
    text, data = both_outputs(blanked)
    assert data["not_counted"] == {"lines": len(grant), "amount": left_out}
    assert f"Not counted above: £{left_out:,} on {len(grant)} scheme lines" in text
    _, clean = both_outputs(populated_plan)
    assert clean["not_counted"] == {"lines": 0, "amount": 0}
