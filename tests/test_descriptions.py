"""Every template description: it validates, its replica is found again where the builder put it
(plain, and with rows and columns moved), and the sample registers land in the right cells."""
from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from bcf_addin import paths
from bcf_addin.api import new_replica, open_template, populate
from bcf_addin.descriptions.loader import all_descriptions, available_kinds, lists_of, load
from bcf_addin.descriptions.schema import Condition, Heading, Table, TemplateDescription
from bcf_addin.errors import RegisterError
from bcf_addin.hwb import load_bundled
from bcf_addin.locate import locate
from bcf_addin.workbook import column_letter
from bcf_addin.replica import checkers
from bcf_addin.replica.builder import build
from bcf_addin.xlsx.reader import read_workbook
from support import FIGURES, SAMPLE_CELLS, SAMPLE_LINES, metric_history_shown, needs_libreoffice, published_metric_history

BUNDLED = ["planning-2025-26", "eoy-2024-25", "quarterly-2024-25-q2", "cd-2025-26"]
KINDS = available_kinds()           # a new description is covered by these tests as soon as it is added
SAMPLES = paths.samples()


def sample(name: str) -> Path:
    return SAMPLES / name


# -- the descriptions themselves -----------------------------------------------------------------

def test_every_kind_is_bundled():
    assert set(BUNDLED) <= set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_description_validates_and_is_coherent(kind):
    desc = load(kind)
    assert desc.kind == kind
    names = {s.name for s in desc.sheets}
    assert desc.identity.sheet in names
    for values in lists_of(desc).values():
        assert values and len(values) == len(set(values))
    for sheet in desc.sheets:
        for item in sheet.items:
            if isinstance(item, Heading) and item.style == "link" and "://" not in (item.target or ""):
                assert item.target in names, f"{sheet.name}: link to a missing sheet {item.target}"
            if isinstance(item, Table) and item.id == "checklist":
                listed = {row.label for row in item.rows}
                assert listed <= names
                assert all(desc.sheet(n).complete_cell for n in listed)


def test_identities_tell_the_templates_apart():
    seen = {(d.identity.title, d.identity.version) for d in all_descriptions()}
    assert len(seen) == len(all_descriptions())


def test_slot_rows_expand_and_totals_name_them():
    _, demand = load("cd-2025-26").item("step_down_demand")
    sources = [r for r in demand.rows if r.slot is not None]
    assert len(sources) == 5 * 19
    p1 = next(r for r in demand.rows if r.id == "p1r_total")
    assert p1.total_of == [f"p1r_source_{i}" for i in range(1, 20)]
    assert demand.role(p1, demand.columns[0]) == "formula"
    assert demand.role(sources[0], demand.columns[0]) == "input"


def test_a_total_of_an_unknown_row_is_refused():
    data = {"kind": "table", "id": "t", "label_header": "L", "columns": [{"id": "a", "header": "A"}],
            "rows": [{"id": "total", "label": "Total", "total_of": ["nope"]}]}
    with pytest.raises(ValueError, match="unknown rows"):
        Table.model_validate(data)


def test_greater_than_is_one_condition_among_the_others():
    assert Condition(field="row.balance", greater_than="0").greater_than == Decimal(0)
    with pytest.raises(ValueError):
        Condition(field="x", equals="No", greater_than="0")


def test_checker_formulas_for_greater_than():
    cond = Condition(field="row.balance", greater_than="0")
    assert checkers.condition(cond, lambda name: "F9") == "N(F9)>0"
    assert checkers.condition_array(cond, "F9:F20") == "ISNUMBER(F9:F20)*(F9:F20>0)"
    # Existing operators read as before.
    assert checkers.condition(Condition(field="x", equals="No"), lambda name: "C5") == 'C5="No"'


def test_open_column_checker_applies_its_condition_per_line(tmp_path):
    desc = load("eoy-2024-25")
    layout = build(desc, tmp_path / "eoy.xlsx", hwb=None)
    _, schemes = desc.item("schemes")
    at = layout.tables["schemes"]
    column = schemes.column("pct_nhs")
    formula = checkers.open_column_checker(schemes, "pct_nhs", at, column.required)
    commissioner = at.column_range("commissioner").replace("$", "")
    assert f'({commissioner}="Joint")' in formula
    unconditional = checkers.open_column_checker(schemes, "scheme_id", at, True)
    assert "Joint" not in unconditional


# -- replicas and the locator --------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("spread,shift", [(0, 0), (2, 1)])
def test_locator_finds_the_builders_layout(kind, spread, shift, tmp_path):
    desc = load(kind)
    out = tmp_path / f"{kind}.xlsx"
    built = build(desc, out, hwb=load_bundled("Leicestershire", kind), spread=spread, shift=shift)
    found = locate(read_workbook(out), desc)
    assert found.fields == built.fields
    assert found.tables == built.tables
    for name, at in built.sheets.items():
        assert (found.sheets[name].checker_col, found.sheets[name].complete) == (at.checker_col, at.complete)


@pytest.mark.parametrize("kind", KINDS)
def test_bcf_new_for_every_kind_with_and_without_an_hwb(kind, tmp_path):
    with_hwb = new_replica(kind, tmp_path / "hwb.xlsx", hwb="Leicestershire")
    tpl = open_template(with_hwb)
    assert tpl.description.kind == kind
    assert tpl.hwb == "Leicestershire"
    bare = open_template(new_replica(kind, tmp_path / "bare.xlsx"))
    assert bare.description.kind == kind and bare.hwb is None


def test_cd_referral_sources_are_the_hwbs_trusts_then_other(tmp_path):
    tpl = open_template(new_replica("cd-2025-26", tmp_path / "cd.xlsx", hwb="Leicestershire"))
    at = tpl.layout.tables["step_down_demand"]
    sheet = tpl.workbook.sheets[at.sheet]
    first = at.row_ids["p1r_source_1"]
    keys = [sheet.value(first + i, at.key_col) for i in range(20)]
    # As the published return shows them: the trusts, OTHER, 16 blank places, the next pathway.
    assert keys == ["LEICESTERSHIRE PARTNERSHIP NHS TRUST", "UNIVERSITY HOSPITALS OF LEICESTER NHS TRUST",
                    "OTHER"] + ["(blank)"] * 16 + ["Total"]
    assert at.row_ids["p1d_total"] == first + 19
    assert sheet.get(first, at.key_col).locked and not sheet.get(first, at.columns["apr"]).locked
    total = at.row_ids["p1r_total"]
    apr = column_letter(at.columns["apr"])
    assert f"SUM({apr}{first}:{apr}{first + 18})" in sheet.get(total, at.columns["apr"]).formula


# -- published figures ---------------------------------------------------------------------------

def _published(year: str, ret: str, figure: str, item: str) -> Decimal:
    with open(FIGURES, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if (row["Year"], row["Return"], row["Figure"], row["Funding source or item"]) == (year, ret, figure, item):
                return Decimal(row["Value"])
    raise KeyError((year, ret, figure, item))


@pytest.mark.parametrize("kind,key,published", [
    ("eoy-2024-25", "planned_dfg", ("2024-25", "Year end", "Planned income", "DFG")),
    ("eoy-2024-25", "ooh_minimum", ("2024-25", "Q2 reporting", "Minimum required spend",
                                    "NHS Commissioned Out of Hospital spend from the minimum ICB allocation")),
    ("quarterly-2024-25-q2", "income_dfg", ("2024-25", "Q2 reporting", "Income", "DFG")),
    ("quarterly-2024-25-q2", "income_nhs_min", ("2024-25", "Q2 reporting", "Income", "Minimum NHS Contribution")),
    ("quarterly-2024-25-q2", "income_ibcf", ("2024-25", "Q2 reporting", "Income", "iBCF")),
    ("quarterly-2024-25-q2", "income_la_discharge", ("2024-25", "Q2 reporting", "Income", "Local Authority Discharge Funding")),
    ("quarterly-2024-25-q2", "income_icb_discharge", ("2024-25", "Q2 reporting", "Income", "ICB Discharge Funding")),
    ("quarterly-2024-25-q2", "asc_minimum", ("2024-25", "Q2 reporting", "Minimum required spend",
                                         "Adult Social Care services spend from the minimum ICB allocations")),
])
def test_bundled_figures_are_the_published_ones(kind, key, published):
    assert load_bundled("Leicestershire", kind).figures[key] == _published(*published)


def test_eoy_planned_income_adds_up_to_the_published_total():
    figures = load_bundled("Leicestershire", "eoy-2024-25").figures
    planned = sum(v for k, v in figures.items() if k.startswith("planned_"))
    assert planned == Decimal("82538149")


# -- registers into replicas ---------------------------------------------------------------------

def _value(path: Path, table: str, row: int | str, column: str):
    tpl = open_template(path)
    at = tpl.layout.tables[table]
    r = at.row_ids[row] if isinstance(row, str) else at.rows[row]
    return tpl.workbook.sheets[at.sheet].value(r, at.columns[column])


@pytest.fixture(scope="module")
def eoy_populated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("eoy")
    template = new_replica("eoy-2024-25", folder / "eoy.xlsx", hwb="Leicestershire")
    result = populate(template, [sample("leicestershire-2024-25-eoy-schemes.csv"),
                                 sample("leicestershire-2024-25-eoy-income.csv")], out=folder / "eoy-populated.xlsx")
    assert [t.table for t in result.tables] == ["schemes", "income_actual"]
    assert not [n for n in result.notes if n.severity == "warning"]
    return Path(result.out)


def test_eoy_income_register_lands_in_the_income_actual_sheet(eoy_populated):
    assert _value(eoy_populated, "income_actual", "dfg", "actual") == Decimal("5518288")
    assert _value(eoy_populated, "income_actual", "dfg", "carried") == Decimal("0")
    assert _value(eoy_populated, "income_actual", "icb_discharge", "actual") == Decimal("4355513")
    assert _value(eoy_populated, "income_actual", "nhs_min", "carried") is None
    # The planned income stays the HWB's, pre-populated.
    assert _value(eoy_populated, "income_actual", "dfg", "planned") == Decimal("4850818")


def test_eoy_scheme_register_lands_in_the_scheme_table(eoy_populated):
    assert _value(eoy_populated, "schemes", 0, "actual") == Decimal("3980849")
    assert _value(eoy_populated, "schemes", 3, "commissioner") == "Joint"
    assert _value(eoy_populated, "schemes", 3, "pct_nhs") == Decimal("0.5")
    assert _value(eoy_populated, "schemes", 11, "scheme_type").startswith("Bed based intermediate Care Services")
    assert _value(eoy_populated, "schemes", 12, "scheme_id") is None
    # 'Previously entered' is the template's own: a register's copy is not written over it.
    assert _value(eoy_populated, "schemes", 0, "previous") is None


def test_eoy_balances_reproduce_the_published_return(eoy_populated):
    from bcf_addin.balances import compute
    balances = compute(open_template(eoy_populated))
    assert balances.total.income == Decimal("83205619")
    assert balances.total.expenditure == Decimal("82158180")
    assert balances.source("DFG").balance == Decimal("1047439")
    spend = {m.name: m.spend for m in balances.minimum_spend}
    assert spend == {"nhs_out_of_hospital": Decimal("20741516"), "asc_from_nhs_minimum": Decimal("31387704")}


def test_quarterly_register_fills_expenditure_to_date(tmp_path):
    template = new_replica("quarterly-2024-25-q2", tmp_path / "q2.xlsx", hwb="Leicestershire")
    result = populate(template, [sample("leicestershire-2024-25-q2-schemes.csv")], out=tmp_path / "q2-populated.xlsx")
    out = Path(result.out)
    assert _value(out, "schemes", 0, "expenditure") == Decimal("1615311")
    assert _value(out, "running_balances", "dfg", "income") == Decimal("4850818")
    assert _value(out, "required_spend", "asc", "minimum") == Decimal("30774296")


def test_a_year_end_register_does_not_fill_a_quarter(tmp_path):
    template = new_replica("quarterly-2024-25-q2", tmp_path / "q2.xlsx", hwb="Leicestershire")
    with pytest.raises(RegisterError, match="Expenditure to date"):
        populate(template, [sample("leicestershire-2024-25-eoy-schemes.csv")], out=tmp_path / "x.xlsx")


@pytest.fixture(scope="module")
def cd_populated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("cd")
    template = new_replica("cd-2025-26", folder / "cd.xlsx", hwb="Leicestershire")
    result = populate(template, [sample(f"leicestershire-2025-26-cd-{name}.csv") for name in
                                 ("step-down-capacity", "step-down-demand", "step-up", "step-up-demand")],
                      out=folder / "cd-populated.xlsx")
    assert [t.table for t in result.tables] == ["step_down_capacity", "step_down_demand",
                                                "step_up_capacity", "step_up_demand"]
    # The register keeps the published 'Total' lines; the one that disagrees with its sources is
    # the published P3 Jul-25 transcription error.
    warnings = [n for n in result.notes if n.severity == "warning"]
    assert [(n.line, n.column) for n in warnings] == [(19, "Jul-25")]
    return Path(result.out)


def test_cd_step_down_capacity_lands_per_pathway_metric_and_month(cd_populated):
    assert _value(cd_populated, "step_down_capacity", "p1r_capacity", "cap_apr") == Decimal("517")
    assert _value(cd_populated, "step_down_capacity", "p1r_capacity", "spot_apr") == Decimal("82")
    assert _value(cd_populated, "step_down_capacity", "p2o_capacity", "cap_may") == Decimal("12")
    assert _value(cd_populated, "step_down_capacity", "p3_capacity", "spot_may") == Decimal("25")
    assert _value(cd_populated, "step_down_capacity", "p3_time", "cap_mar") == Decimal("10")
    assert _value(cd_populated, "step_down_capacity", "p3_time", "spot_mar") is None


def test_cd_step_down_demand_lands_in_the_trusts_rows(cd_populated):
    assert _value(cd_populated, "step_down_demand", "p1r_source_2", "apr") == Decimal("443")
    assert _value(cd_populated, "step_down_demand", "p1r_source_3", "apr") == Decimal("190")
    assert _value(cd_populated, "step_down_demand", "p3_source_2", "jul") == Decimal("7")
    assert _value(cd_populated, "step_down_demand", "p3_source_4", "jul") is None


def test_cd_step_up_capacity_and_demand_land_on_their_own_tables(cd_populated):
    assert _value(cd_populated, "step_up_capacity", "reablement_home", "apr") == Decimal("890")
    assert _value(cd_populated, "step_up_demand", "reablement_home", "apr") == Decimal("945")
    assert _value(cd_populated, "step_up_demand", "other_short_term", "mar") == Decimal("0")


def test_planning_sample_still_fills_the_plan(tmp_path):
    template = new_replica("planning-2025-26", tmp_path / "plan.xlsx", hwb="Leicestershire")
    result = populate(template, [sample("leicestershire-2025-26-plan-schemes.csv")], out=tmp_path / "plan-out.xlsx")
    assert [(t.table, t.lines) for t in result.tables] == [("schemes", SAMPLE_LINES)]
    assert result.written == SAMPLE_CELLS


# -- the template's own formulas, recalculated by a second engine --------------------------------

@needs_libreoffice
def test_libreoffice_recalculates_the_eoy_as_published(eoy_populated, tmp_path):
    from recalc import recalculate
    done = recalculate(eoy_populated, tmp_path / "recalculated.xlsx")
    tpl = open_template(done)
    sheet = lambda table: tpl.workbook.sheets[tpl.layout.tables[table].sheet]
    income = tpl.layout.tables["income_actual"]
    assert sheet("income_actual").value(income.total_row, income.columns["total"]) == Decimal("83205619")
    balances = tpl.layout.tables["running_balances"]
    assert sheet("running_balances").value(balances.total_row, balances.columns["expenditure"]) == Decimal("82158180")
    assert _located(tpl, "required_spend", "ooh", "spent") == Decimal("20741516")
    assert _located(tpl, "required_spend", "asc", "spent") == Decimal("31387704")
    # An underspent source asks for a reason; a spent one does not.
    checker = tpl.layout.sheets["7b. Expenditure"].checker_col
    rows = balances.row_ids
    assert sheet("running_balances").value(rows["dfg"], checker) == "No"
    assert sheet("running_balances").value(rows["nhs_min"], checker) == "Yes"


@needs_libreoffice
def test_libreoffice_recalculates_the_cd_totals_and_surplus(cd_populated, tmp_path):
    from recalc import recalculate
    tpl = open_template(recalculate(cd_populated, tmp_path / "recalculated.xlsx"))
    assert _located(tpl, "step_down_demand", "total", "apr") == Decimal("966")
    assert _located(tpl, "step_down_demand", "p1r_total", "apr") == Decimal("633")
    assert _located(tpl, "step_down_surplus", "p1r", "surplus_apr") == Decimal("-116")
    assert _located(tpl, "step_down_surplus", "p1r", "spot_surplus_apr") == Decimal("-34")
    assert _located(tpl, "step_up_surplus", "reablement_home", "surplus_apr") == Decimal("-55")


def _located(tpl, table: str, row: str, column: str):
    at = tpl.layout.tables[table]
    return tpl.workbook.sheets[at.sheet].value(at.row_ids[row], at.columns[column])


def test_a_description_with_broken_references_is_refused_whole_with_every_path():
    data = load("planning-2025-26").model_dump(mode="json")
    data["finance"]["spend"] = "expenditur"
    data["finance"]["uplift"] = "uplift_2025"
    data["finance"]["minimum_spend"][0]["lines"]["source"] = "NHS Minimum"
    with pytest.raises(ValidationError) as caught:
        TemplateDescription.model_validate(data)
    assert sorted(e["loc"] for e in caught.value.errors()) == [
        ("finance", "minimum_spend", 0, "lines", "source"), ("finance", "spend"), ("finance", "uplift")]


def test_the_plan_replica_shows_the_published_metric_history(plan_template):
    """The 2024-25 actuals of 8.1 and 8.2, and 8.3's 2023-24 actual and 2024-25 plan, as published;
    the months not yet published stay blank."""
    published = published_metric_history()
    # 8.1: 3 figures x 8 months (Apr to Nov 24); 8.2: 3 figures x 3 months (Sep to Nov 24); 8.3: the
    # admissions' 2023-24 actual and 2024-25 plan.
    assert len(published) == 3 * 8 + 3 * 3 + 2
    shown = metric_history_shown(plan_template)
    assert {k: Decimal(str(v)) for k, v in shown.items() if v is not None} == \
           {k: Decimal(v) for k, v in published.items()}
    assert shown["8.1 Rate", "Dec 24 Actual"] is None and shown["8.2 Average days from discharge ready date to discharge",
                                                               "Aug 24 Actual"] is None
