"""`bcf validate`: every bundled description is valid, and a broken copy of each kind of
reference fails naming the YAML path of what is broken, all problems at once."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bcf_addin import paths
from bcf_addin.cli import main

PLAN = paths.descriptions() / "planning-2025-26.yaml"
EOY = paths.descriptions() / "eoy-2024-25.yaml"
CD = paths.descriptions() / "cd-2025-26.yaml"


def broken_copy(src: Path, folder: Path, *changes: tuple[str, str]) -> Path:
    text = src.read_text(encoding="utf-8")
    for old, new in changes:
        assert text.count(old) == 1, f"{old!r} is not once in {src.name}"
        text = text.replace(old, new)
    out = folder / src.name
    out.write_text(text, encoding="utf-8")
    return out


def validate(*args) -> tuple[int, list[str]]:
    res = CliRunner().invoke(main, ["validate", *map(str, args)])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    return res.exit_code, res.output.splitlines()


def test_every_bundled_description_is_valid():
    code, lines = validate(*sorted(paths.descriptions().glob("*.yaml")))
    assert code == 0
    assert "valid: planning-2025-26 (Better Care Fund 2025-26 Planning Template, Version 1.5)" in lines
    assert len(lines) == len(list(paths.descriptions().glob("*.yaml")))
    assert validate() == (0, lines)            # no argument: every bundled description


def test_a_valid_description_outside_the_package(tmp_path):
    copy = broken_copy(PLAN, tmp_path)
    assert validate(copy) == (0, ["valid: planning-2025-26 (Better Care Fund 2025-26 Planning Template, Version 1.5)"])


BROKEN = {
    "finance column": (PLAN, ("spend: expenditure", "spend: expenditur"),
                       "finance.spend: names no column 'expenditur' of table schemes"),
    "finance table": (PLAN, ("  schemes: schemes", "  schemes: scheme"), "finance.schemes: names no table 'scheme'"),
    "income reference": (PLAN, ("income: [dfg.contribution]", "income: [dfg.contributions]"),
                         "finance.sources[0].income[0]: 'dfg.contributions' names no column 'contributions'"),
    "income from a formula": (PLAN, ("income: [dfg.contribution]", "income: [dfg_total]"),
                              "finance.sources[0].income[0]: field dfg_total is a formula"),
    "condition field": (PLAN, ("{field: additional_la, equals", "{field: additional_lax, equals"),
                        "tables.additional_la_contributions.lines_when.when.field: 'additional_lax' is no field"),
    "condition on a row's column": (EOY, ("{field: row.balance, greater_than", "{field: row.balanc, greater_than"),
                                    "tables.running_balances.columns[4].required.when.field: 'row.balanc': "
                                    "table running_balances has no column 'balanc'"),
    "placeholder in a column formula": (PLAN, ('"={running_balances.{row.id}.income}"', '"={running_balance.{row.id}.income}"'),
                                        "tables.summary_income.columns[0].formula: {running_balance.{row.id}.income} "
                                        "names no table 'running_balance'"),
    "placeholder in a row's value": (PLAN, ('values: {income: "={dfg_total}"}', 'values: {income: "={dfg_totl}"}'),
                                     "tables.running_balances.rows[0].values.income: {dfg_totl} names no field"),
    "placeholder in a field formula": (PLAN, ('formula: "=SUM({dfg.contribution})"', 'formula: "=SUM({dfg.contrib})"'),
                                       "fields.dfg_total.formula: {dfg.contrib} names no column 'contrib' of table dfg"),
    "complete cell of a sheet": (PLAN, ('"={complete:2. Cover}"', '"={complete:2. Covr}"'),
                                 "tables.checklist.rows[0].values.complete: {complete:2. Covr} names no sheet"),
    "uplift parameter": (PLAN, ("uplift: asc_uplift", "uplift: asc_uplift_rate"),
                         "finance.uplift: names no parameter 'asc_uplift_rate'"),
    "uplifted minimum": (PLAN, ("      uplifted: true\n", ""),
                         "finance.uplift: needs exactly one finance.minimum_spend marked uplifted: true (marked: none)"),
    "joint commissioner": (EOY, ("  joint: Joint\n", "  joint: Jiont\n"),
                           "finance.joint: 'Jiont' is not in the list commissioner"),
    "joint commissioner missing": (EOY, ("  joint: Joint\n", ""),
                                   "finance.joint: is needed with finance.joint_shares"),
    "discontinued marks": (EOY, ('  discontinued_marks: [discontinue, discontinued, "yes"]\n', ""),
                           "finance.discontinued_marks: is needed with finance.discontinued"),
    "list": (PLAN, ("list: area_of_spend, required: true}", "list: areas_of_spend, required: true}"),
             "tables.schemes.columns[4].list: the list 'areas_of_spend' is not declared"),
    "minimum spend source": (PLAN, ("source: NHS Minimum Contribution}", "source: NHS Minimum Contributions}"),
                             "finance.minimum_spend[0].lines.source: 'NHS Minimum Contributions' is none of finance.sources"),
    "minimum spend area": (PLAN, ("lines: {area: Social Care,", "lines: {area: Social Car,"),
                           "finance.minimum_spend[0].lines.area: 'Social Car' is not in the list area_of_spend"),
    "running-balance row": (PLAN, ("{id: add_la, label: Additional LA Contribution,", "{id: add_la, label: Additional LA Contributions,"),
                            "tables.running_balances.rows[3].label: running-balance row 'Additional LA Contributions' "
                            "is none of finance.sources"),
    "carried column": (PLAN, ("columns: {activity: scheme_type,", "columns: {activty: scheme_type,"),
                       "carry[0].columns.activty: names no column 'activty' of table schemes"),
    "carried answer": (PLAN, ("fields: {hwb: hwb, submitted_by: completed_by,", "fields: {hwb: hwb, submited_by: completed_by,"),
                       "carry[0].fields.submited_by: names no input field 'submited_by'"),
    "earlier names of a list": (PLAN, ("previous: Previous scheme types (2023-25)", "previous: Previous scheme type"),
                                "lists.activity.previous: 'Previous scheme type' is not a column of activities-2025-26.csv"),
    "capacity and demand row": (CD, ("capacity: p3_capacity, demand: p3_total", "capacity: p3_capacty, demand: p3_total"),
                                "capacity_demand[0].services[4].capacity: names no row 'p3_capacty' of table step_down_capacity"),
    "capacity and demand column": (CD, ("spot: spot_jul,", "spot: spot_julY,"),
                                   "capacity_demand[0].months[3].spot: names no column 'spot_julY' of table step_down_capacity"),
    "capacity and demand table": (CD, ("demand: step_up_demand\n", "demand: step_up_demnd\n"),
                                  "capacity_demand[1].demand: names no table 'step_up_demnd'"),
    "list a list depends on": (EOY, ("depends_on: scheme_type}", "depends_on: scheme_typ}"),
                               "lists.units.depends_on: the list 'scheme_typ' is not declared under lists"),
    "dependent list of another file": (EOY, ("depends_on: scheme_type}", "depends_on: area_of_spend}"),
                                       "lists.units.depends_on: 'area_of_spend' must be a column of the same file "
                                       "as this list (scheme-types-2023-25.csv)"),
    "period of a year that says no year": (PLAN, ('year: "2025-26"', 'year: "next year"'),
                                            "year: 'next year' must begin with the year it starts in (2024-25)"),
    "period before the plan": (EOY, ("period: {name: year end, order: 4}", "period: {name: year end, order: -1}"),
                               "period.order: order counts from 0, the plan, to 4, the year end"),
    "unknown key": (PLAN, ("{id: area, header: Area of Spend, type: list, list: area_of_spend",
                           "{id: area, header: Area of Spend, type: list, lst: area_of_spend"),
                    "tables.schemes.columns[4].lst: Extra inputs are not permitted"),
}


@pytest.mark.parametrize("kind", BROKEN)
def test_a_broken_reference_is_named_by_its_yaml_path(kind, tmp_path):
    src, change, expected = BROKEN[kind]
    copy = broken_copy(src, tmp_path, change)
    code, lines = validate(copy)
    assert code == 2
    assert any(line.startswith(f"{copy}: {expected}") for line in lines), lines
    assert not any(line.startswith("valid:") for line in lines)


def test_every_problem_is_reported_at_once(tmp_path):
    copy = broken_copy(PLAN, tmp_path, *(BROKEN[k][1] for k in ("finance column", "condition field", "uplift parameter",
                                                               "placeholder in a row's value")))
    code, lines = validate(copy)
    assert code == 2
    assert sorted(line.split(": ")[1] for line in lines) == [
        "finance.spend", "finance.uplift", "tables.additional_la_contributions.lines_when.when.field",
        "tables.running_balances.rows[0].values.income"]


def test_a_running_balance_row_and_its_source_must_meet(tmp_path):
    """A row renamed away from its source leaves both unmatched: both are named."""
    copy = broken_copy(PLAN, tmp_path, BROKEN["running-balance row"][1])
    _, lines = validate(copy)
    assert f"{copy}: finance.sources[3].source: Additional LA Contribution has no row in the running-balance " \
           "table running_balances" in lines


def test_a_yaml_syntax_error_names_its_line(tmp_path):
    copy = broken_copy(PLAN, tmp_path, ("  schemes: schemes", "  schemes: [schemes"))
    code, lines = validate(copy)
    assert code == 2 and len(lines) == 1 and lines[0].startswith(f"{copy}: line ")


def test_a_broken_bundled_description_stops_every_command_with_the_same_lines(descriptions_folder):
    broken_copy(PLAN, descriptions_folder, BROKEN["finance column"][1])
    broken = descriptions_folder / PLAN.name
    res = CliRunner().invoke(main, ["kinds"])
    assert res.exit_code == 2 and not isinstance(res.exception, (ValueError, RuntimeError))
    assert res.output.splitlines() == [f"bcf: {broken}: finance.spend: names no column 'expenditur' of table schemes"]
    assert validate("planning-2025-26") == (2, [f"{broken}: finance.spend: names no column 'expenditur' of table schemes"])
