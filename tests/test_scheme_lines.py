"""Scheme lines that cannot be right: a sub-type or unit that is not the line's scheme type's, as
the guidance's table (reference/scheme-types-2023-25.csv) pairs them; and the real-world spelling
of the pathway 0 sub-type accepted as the list's own."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bcf_addin import paths
from bcf_addin.api import check, new_replica, open_template, populate

from answers import change

S = paths.samples()
PATHWAY_0 = "Low level social support for simple hospital discharges (Discharge to Assess pathway 0)"
AS_TYPED = "Low level support for simple hospital discharges (Discharge to Assess pathway 0)"


@pytest.fixture(scope="module")
def year_end(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("eoy")
    template = new_replica("eoy-2024-25", folder / "eoy.xlsx", hwb="Leicestershire")
    return Path(populate(template, [S / "leicestershire-2024-25-eoy-schemes.csv",
                                    S / "leicestershire-2024-25-eoy-income.csv"], out=folder / "eoy-filled.xlsx").out)


def v206(path: Path) -> list:
    return [f for f in check(path).findings if f.code == "V206"]


def test_the_sample_lines_belong_to_their_scheme_types(year_end, tmp_path):
    assert not v206(year_end)
    quarter = new_replica("quarterly-2024-25-q2", tmp_path / "q2.xlsx", hwb="Leicestershire")
    filled = populate(quarter, [S / "leicestershire-2024-25-q2-schemes.csv"], out=tmp_path / "q2-filled.xlsx")
    assert not v206(Path(filled.out))


def test_a_sub_type_of_another_scheme_type(year_end, tmp_path):
    # Line 1 is a DFG Related Scheme; 'Respite Services' is a Carers Services sub-type.
    broken = change(year_end, tmp_path / "b.xlsx", {("schemes", 0, "sub_type"): "Respite Services"})
    (found,) = v206(broken)
    assert found.message == ("line 1: 'Sub-Types' is 'Respite Services', which is not one of the Scheme Type "
                             "'DFG Related Schemes' (its Sub-Types: 'Adaptations, including statutory DFG grants', "
                             "'Discretionary use of DFG', 'Handyperson services', 'Other').")
    tpl = open_template(broken)
    assert found.cell == tpl.located("schemes", tpl.layout.tables["schemes"].rows[0], "sub_type").cell


def test_a_unit_that_does_not_fit_the_scheme_type(year_end, tmp_path):
    broken = change(year_end, tmp_path / "b.xlsx", {("schemes", 1, "units"): "Number of beds"})
    (found,) = v206(broken)
    assert "'Units' is 'Number of beds'" in found.message and "'DFG Related Schemes'" in found.message
    assert "'Number of adaptations funded/people supported'" in found.message
    # Care Act duties have no unit in the guidance: nothing to hold a unit against.
    assert not v206(change(year_end, tmp_path / "c.xlsx", {("schemes", 2, "units"): "Number of beds"}))


def test_the_real_world_pathway_0_spelling_is_the_sub_types_alias(tmp_path):
    with open(S / "leicestershire-2024-25-eoy-schemes.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    line = next(r for r in rows if r["Scheme Type"] == "Community Based Schemes")
    line["Sub-Types"] = AS_TYPED
    register = tmp_path / "schemes.csv"
    with open(register, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    template = new_replica("eoy-2024-25", tmp_path / "eoy.xlsx", hwb="Leicestershire")
    result = populate(template, [register], out=tmp_path / "out.xlsx")
    assert not [n for n in result.notes if n.severity == "warning"]
    tpl = open_template(result.out)
    written = next(ln for ln in tpl.lines("schemes") if ln.values["scheme_type"] == "Community Based Schemes")
    assert written.values["sub_type"] == PATHWAY_0
    # Typed straight into a return, it is recognised (a warning to pick the list's spelling, not an error).
    typed = change(Path(result.out), tmp_path / "typed.xlsx", {("schemes", written.index, "sub_type"): AS_TYPED})
    report = check(typed)
    (found,) = [f for f in report.findings if f.code == "V201"]
    assert found.severity.value == "warning" and PATHWAY_0 in found.message
    assert not [f for f in report.findings if f.code == "V206"]
