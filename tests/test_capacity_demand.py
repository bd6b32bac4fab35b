"""C&D capacity against demand, worked out from the inputs: the Leicestershire 2025-26 sample
through the real command line, its figures checked against the registers themselves, and the
published return's slips (a 'Total' of 30 over sources of 7 + 3 + 0, a surplus of -38 where its
inputs give -18) reported naming both numbers."""
from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from bcf_addin import paths
from bcf_addin.api import open_template
from bcf_addin.cli import main
from bcf_addin.jsonout import loads

S = paths.samples()
REGISTERS = [S / f"leicestershire-2025-26-cd-{n}.csv" for n in
             ("step-down-capacity", "step-down-demand", "step-up", "step-up-demand")]
MONTHS = ["Apr-25", "May-25", "Jun-25", "Jul-25", "Aug-25", "Sep-25", "Oct-25", "Nov-25", "Dec-25",
          "Jan-26", "Feb-26", "Mar-26"]
P1R = "Reablement & Rehabilitation at home (pathway 1)"
P3 = ("Short-term residential/nursing care for someone likely to require a longer-term care home "
      "placement (pathway 3)")


def bcf(*args) -> tuple[int, str]:
    res = CliRunner().invoke(main, [str(a) for a in args])
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    return res.exit_code, res.output


def read(name: str) -> list[dict[str, str]]:
    with open(S / f"leicestershire-2025-26-cd-{name}.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def populated(tmp_path_factory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("cd")
    code, _ = bcf("new", "cd-2025-26", folder / "cd.xlsx", "--hwb", "Leicestershire")
    assert code == 0
    args = [x for r in REGISTERS for x in ("--table", r)]
    code, out = bcf("populate", folder / "cd.xlsx", *args, "-o", folder / "cd-filled.xlsx")
    assert code == 0, out
    return folder / "cd-filled.xlsx", out


def expected_figures() -> dict[tuple[str, str], dict[str, dict[str, Decimal]]]:
    """(table, service) -> month -> figures, from the registers alone: capacity and spot purchasing
    from the capacity rows, demand the referral sources added up (never the 'Total' lines)."""
    out = {}
    for row in read("step-down-capacity"):
        if row["Metric"].startswith("Monthly capacity"):
            out[("step_down", row["Service Area"])] = {
                m: {"capacity": Decimal(row[m]), "spot": Decimal(row[f"Spot {m}"]), "demand": Decimal(0)}
                for m in MONTHS}
    for row in read("step-down-demand"):
        if row["Trust Referral Source"] in ("Total", "Total Step-down"):
            continue
        for m in MONTHS:
            out[("step_down", row["Pathway"])][m]["demand"] += Decimal(row[m])
    for row in read("step-up"):
        out[("step_up", row["Service Area"])] = {m: {"capacity": Decimal(row[m])} for m in MONTHS}
    for row in read("step-up-demand"):
        for m in MONTHS:
            out[("step_up", row["Service Type"])][m]["demand"] = Decimal(row[m])
    return out


def test_balances_json_has_capacity_and_demand_per_service_and_month(populated):
    code, out = bcf("balances", populated[0], "--json")
    assert code == 0
    data = loads(out)
    assert [c["name"] for c in data["capacity_demand"]] == ["step_down", "step_up"]
    got = {(c["name"], s["service"]): {m["month"]: m for m in s["months"]}
           for c in data["capacity_demand"] for s in c["services"]}
    want = expected_figures()
    assert set(got) == set(want) and len(want) == 9
    for key, months in want.items():
        assert list(got[key]) == MONTHS
        for month, w in months.items():
            g = got[key][month]
            assert g["capacity"] == w["capacity"] and g["demand"] == w["demand"], (key, month)
            assert g["surplus"] == w["capacity"] - w["demand"], (key, month)
            if "spot" in w:
                assert g["spot"] == w["spot"]
                assert g["surplus_with_spot"] == w["capacity"] + w["spot"] - w["demand"], (key, month)
            else:
                assert "spot" not in g and "surplus_with_spot" not in g


def test_the_published_figures_come_out(populated):
    data = loads(bcf("balances", populated[0], "--json")[1])
    step_down = {s["service"]: {m["month"]: m for m in s["months"]} for s in data["capacity_demand"][0]["services"]}
    # The worked example: 517 - 633 = -116; with spot purchasing 517 + 82 - 633 = -34.
    apr = step_down[P1R]["Apr-25"]
    assert (apr["surplus"], apr["surplus_with_spot"]) == (-116, -34)
    # P3 July: demand is its sources, 7 + 3 + 0 = 10, not the published 'Total' of 30.
    assert step_down[P3]["Jul-25"]["demand"] == 10 and step_down[P3]["Jul-25"]["surplus"] == -10


def test_balances_text_shows_each_service_month_by_month(populated):
    code, out = bcf("balances", populated[0])
    assert code == 0
    assert "Running balances" not in out          # a C&D return has no funding sources
    assert "Step-down: capacity against demand" in out and "Step-up: capacity against demand" in out
    block = out.split(P1R)[1].splitlines()[1:8]
    assert block[0].split() == MONTHS
    rows = {ln[:22].strip(): ln[22:].split() for ln in block[1:]}
    assert list(rows) == ["Capacity", "Spot purchasing", "Capacity with spot", "Demand", "Surplus", "Surplus with spot"]
    assert rows["Surplus"][:2] == ["-116", "-82"] and rows["Surplus with spot"][:2] == ["-34", "12"]
    assert rows["Capacity with spot"][0] == "599" and rows["Demand"][0] == "633"


def test_a_register_total_that_disagrees_is_a_warning_naming_both_numbers(populated):
    out = populated[1]
    warnings = [ln for ln in out.splitlines() if ln.startswith("warning:")]
    assert len(warnings) == 1
    (line,) = warnings
    assert "leicestershire-2025-26-cd-step-down-demand.csv, line 19, column 'Jul-25'" in line
    assert "is 30, but the lines it sums add up to 10 (0 + 7 + 3)" in line and "(pathway 3)" in line
    # The totals that agree are one note, not one a cell.
    infos = [ln for ln in out.splitlines() if ln.startswith("info:") and "total" in ln]
    assert infos == [f"info: {S / 'leicestershire-2025-26-cd-step-down-demand.csv'}: lines 2, 3, 7, 11 and 15 "
                     "are totals the template adds up itself, so not written; each agrees with the lines it sums"]


def test_a_register_whose_totals_agree_gives_no_warning(tmp_path):
    rows = read("step-down-demand")
    p3_total = next(r for r in rows if r["Pathway"] == P3 and r["Trust Referral Source"] == "Total")
    p3_total["Jul-25"] = "10"
    fixed = tmp_path / "demand.csv"
    with open(fixed, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    bcf("new", "cd-2025-26", tmp_path / "cd.xlsx", "--hwb", "Leicestershire")
    code, out = bcf("populate", tmp_path / "cd.xlsx", "--table", fixed, "-o", tmp_path / "out.xlsx")
    assert code == 0 and "warning" not in out
    assert "lines 2, 3, 7, 11, 15 and 19 are totals" in out


def typed(src: Path, dest: Path, cells: dict[tuple[str, str, str], int]) -> Path:
    """The return with figures typed over the template's own cells, as a published one has them."""
    tpl = open_template(src)
    wb = load_workbook(src)
    for (table, row, column), value in cells.items():
        at = tpl.layout.tables[table]
        r, c = at.cell(row, column)
        wb[tpl.layout.workbook_sheet(at.sheet)].cell(r, c).value = value
    wb.save(dest)
    return dest


def check_json(path: Path) -> list[dict]:
    code, out = bcf("check", path, "--json")
    assert code in (0, 1), out
    return loads(out)["findings"]


def test_check_names_the_typed_total_and_its_sources(populated, tmp_path):
    src = populated[0]
    assert not [f for f in check_json(src) if f["code"] == "A502"]
    broken = typed(src, tmp_path / "typed.xlsx", {("step_down_demand", "p3_total", "jul"): 30})
    (found,) = [f for f in check_json(broken) if f["code"] == "A502"]
    assert "is 30, but its rows add up to 10 (0 + 7 + 3)" in found["message"] and "(pathway 3)" in found["message"]


def test_A503_a_published_surplus_that_disagrees_with_its_inputs(populated, tmp_path):
    src = populated[0]
    # The published return's pathway 1 reablement, Jul-25, with spot purchasing: -38; 531 + 105 - 654 = -18.
    published = typed(src, tmp_path / "published.xlsx", {("step_down_surplus", "p1r", "spot_surplus_jul"): -38})
    found = [f for f in check_json(published) if f["code"] == "A503"]
    assert len(found) == 1 and found[0]["severity"] == "error"
    assert found[0]["message"] == (f"'{P1R}' Jul-25: the capacity surplus (including spot purchasing) is -38, but "
                                   "capacity 531 + spot purchasing 105 less demand 654 is -18.")
    # X601 leaves the figure to A503, and still says the formula was typed over.
    x601 = [f for f in check_json(published) if f["code"] == "X601" and f["cell"] == found[0]["cell"]]
    assert len(x601) == 1 and "replaced by the value -38" in x601[0]["message"]
    right = typed(src, tmp_path / "right.xlsx", {("step_down_surplus", "p1r", "spot_surplus_jul"): -18,
                                                  ("step_up_surplus", "other_short_term", "surplus_mar"): 55})
    assert not [f for f in check_json(right) if f["code"] == "A503"]
    step_up = typed(src, tmp_path / "step-up.xlsx", {("step_up_surplus", "other_short_term", "surplus_mar"): 45})
    (found,) = [f for f in check_json(step_up) if f["code"] == "A503"]
    assert "'Other short-term social care' Mar-26: the capacity surplus (not including spot purchasing) is 45, " \
           "but capacity 55 less demand 0 is 55." == found["message"]
