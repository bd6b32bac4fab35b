"""The streaming reader gives exactly what the python-calamine + lxml reader it replaced gave:
every cell's value (type included), formula, lock, style and fill, and every merge, validation
and protection flag, on every replica kind, the NHS-style fixture, a populated return and the
hand-built template with shared strings, dates, shared and array formulas and errors."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from bcf_addin.api import new_replica, populate
from bcf_addin.descriptions.loader import available_kinds
from bcf_addin.xlsx.reader import read_workbook
from calamine_reader import read_workbook as calamine_read_workbook
from nhs_style.planning_2025_26 import build as build_nhs_style
from xlsx_fixtures import build_raw, build_template


def _assert_same(path, *, except_cells=()) -> None:
    old, new = calamine_read_workbook(path), read_workbook(path)
    assert list(new.sheets) == list(old.sheets)
    for name, was in old.sheets.items():
        now = new.sheets[name]
        assert set(now.cells) == set(was.cells), name
        for key, cell in was.cells.items():
            got = now.cells[key]
            if key in except_cells:
                continue
            assert got == cell, (name, key, cell, got)
            assert type(got.value) is type(cell.value), (name, key, cell, got)
            assert str(got.value) == str(cell.value), (name, key, cell, got)
        assert (now.merges, now.validations, now.protected, now.max_row, now.max_col) == \
               (was.merges, was.validations, was.protected, was.max_row, was.max_col), name


@pytest.mark.parametrize("kind", available_kinds())
def test_every_replica_kind_reads_as_before(kind, tmp_path):
    _assert_same(new_replica(kind, tmp_path / "r.xlsx", hwb="Leicestershire"))


def test_nhs_style_template_reads_as_before(tmp_path):
    build_nhs_style(tmp_path / "nhs.xlsx")
    _assert_same(tmp_path / "nhs.xlsx")


def test_populated_return_reads_as_before(populated_plan):
    _assert_same(populated_plan)


def test_hand_built_template_reads_as_before(tmp_path):
    _assert_same(build_template(tmp_path / "t.xlsx"))


NUMBERS = ["100", "0.45", "-1234.5", "1E-3", "1.5E-7", "12345678901234567", "2.5E+20", "0", "-0", "3.0"]
STYLES = """\
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy hh:mm"/><numFmt numFmtId="165" formatCode="[h]:mm"/></numFmts>
<fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills>
<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>
<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/></cellXfs>
</styleSheet>"""


@pytest.mark.parametrize("date1904", [False, True])
def test_numbers_dates_and_text_read_as_before(date1904, tmp_path):
    rows = []
    for r, text in enumerate(NUMBERS, 1):
        rows.append(f'<row r="{r}"><c r="A{r}"><v>{text}</v></c></row>')
    serials = ["1", "59", "60", "61", "45748", "45748.5", "45748.123456789", "0.25", "2.5"]
    for r, text in enumerate(serials, len(NUMBERS) + 1):
        rows.append(f'<row r="{r}"><c r="B{r}" s="1"><v>{text}</v></c><c r="C{r}" s="2"><v>{text}</v></c>'
                    f'<c r="D{r}" s="3"><v>{text}</v></c></row>')
    r = len(NUMBERS) + len(serials) + 1
    rows.append(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>  padded  </t></is></c>'
                f'<c r="B{r}" t="inlineStr"><is><t xml:space="preserve">  kept  </t></is></c>'
                f'<c r="C{r}" t="inlineStr"><is><r><t>rich</t></r><r><t xml:space="preserve"> runs</t></r>'
                f'<rPh><t>phonetic</t></rPh></is></c><c r="D{r}" t="str"><v>a_x000D_b</v></c>'
                f'<c r="E{r}" t="inlineStr"><is><t>a_x000D_b_x005F_x0041_</t></is></c>'
                f'<c r="F{r}" t="b"><v>1</v></c><c r="G{r}" t="b"><v>0</v></c>'
                f'<c r="H{r}" t="e"><v>#DIV/0!</v></c><c r="I{r}"><v>not a number</v></c>'
                f'<c r="J{r}" t="str"><f>"x"</f><v></v></c><c r="K{r}" s="1"/></row>')
    path = build_raw(tmp_path / "n.xlsx", {"Sheet1": "<sheetData>" + "".join(rows) + "</sheetData>"},
                     styles=STYLES, workbook_pr='<workbookPr date1904="1"/>' if date1904 else "")
    durations = {(r, 4) for r in range(len(NUMBERS) + 1, len(NUMBERS) + len(serials) + 1)}
    _assert_same(path, except_cells=durations)
    sheet = read_workbook(path).sheets["Sheet1"]
    # An elapsed time ([h]:mm) is the number stored, exactly; calamine's went through milliseconds.
    assert [sheet.value(*key) for key in sorted(durations)] == [Decimal(t) for t in serials]
    assert str(sheet.value(2, 1)) == "0.45"
    assert sheet.value(len(NUMBERS) + 5, 2) == (datetime(2029, 4, 2) if date1904 else datetime(2025, 4, 1))
