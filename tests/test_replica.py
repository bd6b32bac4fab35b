"""A replica carries what the real templates carry: yellow unlocked inputs, blue locked
pre-populated cells, drop-downs on the inputs, the template's formulas and checkers, protected
sheets, a logo image and hyperlinks."""
from __future__ import annotations

import zipfile

import pytest

from bcf_addin.api import new_replica, open_template
from bcf_addin.descriptions.loader import available_kinds
from bcf_addin.workbook import cell_ref
from bcf_addin.xlsx.reader import read_workbook

YELLOW, BLUE = "FFFF99", "BDD7EE"


@pytest.mark.parametrize("kind", available_kinds())
def test_replica_inputs_prepopulated_cells_formulas_and_protection(kind, tmp_path):
    from bcf_addin.checks.context import CheckContext

    path = new_replica(kind, tmp_path / "r.xlsx", hwb="Leicestershire")
    tpl = open_template(path)
    wb = read_workbook(path)
    inputs = CheckContext(tpl).inputs()
    assert inputs
    for cell in inputs:
        got = wb.sheets[cell.sheet].get(cell.row, cell.col)
        assert not got.locked and got.fill == YELLOW and got.formula is None, (cell.sheet, cell.cell)
    for sheet in tpl.description.sheets:
        if sheet.protected and any(getattr(i, "id", None) for i in sheet.items):  # the C&D comes unlocked
            assert wb.sheets[sheet.name].protected, sheet.name
    # Every drop-down input is covered by a list validation.
    for cell in inputs:
        if cell.list:
            covered = [sqref for sqref, _ in wb.sheets[cell.sheet].validations
                       if cell.cell in sqref.split() or _in_ranges(cell.cell, sqref)]
            assert covered, (cell.sheet, cell.cell)


def _in_ranges(ref: str, sqref: str) -> bool:
    from bcf_addin.workbook import parse_ref
    from bcf_addin.xlsx.refs import cell_range

    r, c = parse_ref(ref)
    return any((rng := cell_range(part)) and rng[0] <= r <= rng[2] and rng[1] <= c <= rng[3] for part in sqref.split())


def test_planning_replica_prepopulates_the_published_figures_in_blue_locked_cells(tmp_path):
    path = new_replica("planning-2025-26", tmp_path / "r.xlsx", hwb="Leicestershire")
    tpl = open_template(path)
    income = tpl.workbook.sheets["4. Income"]
    _, dfg = tpl.table("dfg_districts")
    blaby = income.get(dfg.rows[0], dfg.columns["contribution"])
    assert income.value(dfg.rows[0], dfg.label_col) == "Blaby" and blaby.value == 823673
    assert blaby.locked and blaby.fill == BLUE
    minimum = tpl.ref("required_spend.asc.minimum")
    assert minimum.value == 31982219
    balance = tpl.workbook.sheets["5. Expenditure"].get(*tpl.layout.tables["running_balances"].cell("dfg", "balance"))
    assert balance.formula and balance.locked
    status = tpl.ref("template_status")
    assert "Template Complete" in tpl.workbook.sheets["2. Cover"].get(status.row, status.col).formula
    complete = tpl.layout.sheets["5. Expenditure"].complete
    assert tpl.workbook.sheets["5. Expenditure"].get(*complete).formula.startswith("IF(")
    assert cell_ref(*complete)


def test_replica_has_a_logo_and_hyperlinks(tmp_path):
    from openpyxl import load_workbook

    path = new_replica("planning-2025-26", tmp_path / "r.xlsx")
    names = zipfile.ZipFile(path).namelist()
    assert any(n.startswith("xl/media/") and n.endswith(".png") for n in names)
    assert any(n.startswith("xl/drawings/") for n in names)
    wb = load_workbook(path)
    links = [c.hyperlink for ws in wb for row in ws.iter_rows() for c in row if c.hyperlink]
    assert any((h.location or "").startswith("'1. Guidance'") or "1. Guidance" in (h.target or "") for h in links)
    assert any((h.target or "").startswith("https://") for h in links)
