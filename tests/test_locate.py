"""The locator finds cells by their labels and headings in templates laid out differently:
headings split over two rows, labels in other case, spacing and line breaks, rows inserted."""
from __future__ import annotations

from decimal import Decimal

from bcf_addin.api import open_template, populate
from bcf_addin.descriptions.loader import load
from bcf_addin.locate import locate
from bcf_addin.xlsx.reader import read_workbook

from support import SAMPLE_PLAN


def reshaped(plan_template, tmp_path):
    """The plan as another year's file might lay it out, edited with openpyxl (a test-only rewrite)."""
    from openpyxl import load_workbook

    tpl = open_template(plan_template)
    at = tpl.layout.tables["schemes"]
    wb = load_workbook(plan_template)
    ws = wb["5. Expenditure"]
    ws.insert_rows(at.header_row + 1)                     # headings now span two rows
    ws.cell(at.header_row, at.columns["scheme_id"]).value = "Scheme"
    ws.cell(at.header_row + 1, at.columns["scheme_id"]).value = "ID"
    ws.cell(at.header_row, at.columns["source"]).value = "SOURCE OF\nFUNDING "
    ws.cell(at.header_row, at.columns["expenditure"]).value = "Expenditure  for 2025–26 (£)"
    cover = wb["2. Cover"]
    hwb = tpl.layout.fields["hwb"]
    cover.cell(hwb.label_row, hwb.label_col).value = "health and wellbeing board"
    cover.insert_rows(2, amount=3)                        # everything on the cover moves down
    out = tmp_path / "reshaped.xlsx"
    wb.save(out)
    return out, tpl


def test_split_headings_case_spacing_dashes_and_moved_rows_are_found(plan_template, tmp_path):
    path, original = reshaped(plan_template, tmp_path)
    layout = locate(read_workbook(path), load("planning-2025-26"))
    before, after = original.layout.tables["schemes"], layout.tables["schemes"]
    assert after.header_row == before.header_row
    assert after.rows[0] == before.rows[0] + 1            # data starts under the second heading row
    assert after.columns == before.columns
    assert layout.fields["hwb"].row == original.layout.fields["hwb"].row + 3


def test_populate_writes_under_split_headings(plan_template, tmp_path):
    path, _ = reshaped(plan_template, tmp_path)
    result = populate(path, [SAMPLE_PLAN], out=tmp_path / "out.xlsx")
    tpl = open_template(result.out)
    lines = tpl.lines("schemes")
    assert len(lines) == 74
    assert lines[0].values["scheme_id"] == "1" and lines[0].values["expenditure"] == Decimal(681800)
    assert lines[0].values["source"] == "DFG"
