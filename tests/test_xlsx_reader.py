"""read_workbook: values exactly as stored, with the metadata that says what may be written."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from decimal import Decimal

import pytest

from bcf_addin.errors import BcfError, NotAWorkbook
from bcf_addin.xlsx import read_workbook
from bcf_addin.xlsx.formulas import shift_formula
from xlsx_fixtures import BLUE, UNLOCKED, YELLOW, build_raw, build_template


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("reader") / "template.xlsx")


@pytest.fixture(scope="module")
def book(template):
    return read_workbook(template)


def test_sheets_in_workbook_order(book, template):
    assert list(book.sheets) == ["Schemes", "Lists", "Notes"]
    assert book.path == str(template)


def test_values_are_exact(book):
    s = book.sheet("Schemes")
    assert s.value(1, 1) == "Better Care Fund 2025-26 Planning Template"
    b3 = s.value(3, 2)
    assert isinstance(b3, Decimal) and str(b3) == "100"
    d3 = s.value(3, 4)
    assert isinstance(d3, Decimal) and str(d3) == "0.45"       # not 0.450000000000000011102...
    assert s.value(4, 2) == "Existing"                         # a shared string
    assert s.value(4, 4) == datetime(2025, 4, 1)
    assert book.sheet("Lists").value(2, 1) == "NHS Community"


def test_formulas_locking_and_fills(book):
    s = book.sheet("Schemes")
    c3 = s.get(3, 3)
    assert c3.formula == "B3*2" and c3.locked and c3.fill == BLUE
    b3 = s.get(3, 2)
    assert b3.formula is None and not b3.locked and b3.fill == YELLOW
    a1 = s.get(1, 1)
    assert a1.locked and a1.fill is None and a1.style == 0
    assert s.get(3, 4).fill == BLUE and s.get(3, 4).locked


def test_empty_styled_input_cells_are_present(book):
    s = book.sheet("Schemes")
    for ref in [(5, 2), (6, 2), (3, 5), (6, 5), (3, 6), (8, 2)]:
        assert ref in s.cells, ref
        cell = s.cells[ref]
        assert cell.value is None and not cell.locked
    assert s.get(5, 2).fill == YELLOW
    assert s.get(3, 6).fill is None             # unlocked, but not coloured


def test_merges_protection_validations(book):
    s = book.sheet("Schemes")
    assert s.merges == [(1, 1, 1, 4)]
    assert s.merge_at(1, 3) == (1, 1, 1, 4)
    assert s.protected and book.sheet("Lists").protected and not book.sheet("Notes").protected
    assert ("F3:F6", '"Yes,No"') in s.validations            # classic <dataValidations>
    assert ("E3:E6", "Lists!$A$1:$A$3") in s.validations      # x14 extLst
    assert len(s.validations) == 2


def test_extent(book):
    s = book.sheet("Schemes")
    assert (s.max_row, s.max_col) == (8, 6)
    assert (book.sheet("Notes").max_row, book.sheet("Notes").max_col) == (1, 1)


def test_subset_of_sheets_keeps_workbook_order(template):
    book = read_workbook(template, ["Notes", "Schemes", "Notes"])
    assert list(book.sheets) == ["Schemes", "Notes"]


def test_missing_sheet_names_file_and_sheet(template):
    with pytest.raises(BcfError) as info:
        read_workbook(template, ["Schemes", "7. Metrics"])
    text = str(info.value)
    assert str(template) in text and "7. Metrics" in text
    assert info.value.sheet == "7. Metrics"
    assert "'Schemes'" in text        # the hint lists what is there


def test_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_text("hello")
    with pytest.raises(NotAWorkbook):
        read_workbook(path)


def test_grid_offset_when_first_cell_is_not_a1(tmp_path):
    path = build_raw(tmp_path / "offset.xlsx", {"S": (
        '<dimension ref="C5:D6"/><sheetData><row r="5"><c r="C5"><v>1.5</v></c></row>'
        f'<row r="6"><c r="D6" s="{UNLOCKED}" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')})
    s = read_workbook(path).sheet("S")
    assert set(s.cells) == {(5, 3), (6, 4)}
    assert s.value(5, 3) == Decimal("1.5")
    assert s.value(6, 4) == "x" and not s.get(6, 4).locked and s.get(6, 4).fill == YELLOW


def test_implicit_positions(tmp_path):
    # r is optional on <row> and <c>: positions then follow from order.
    path = build_raw(tmp_path / "implicit.xlsx", {"S": (
        f'<sheetData><row><c><v>1</v></c><c s="{UNLOCKED}"><v>2</v></c></row>'
        f'<row r="4"><c r="B4"><v>3</v></c><c s="{UNLOCKED}"><f>B4*2</f><v>6</v></c></row></sheetData>')})
    s = read_workbook(path).sheet("S")
    assert s.value(1, 1) == 1 and s.value(1, 2) == 2 and not s.get(1, 2).locked
    assert s.value(4, 2) == 3
    assert s.get(4, 3).value == 6 and s.get(4, 3).formula == "B4*2" and not s.get(4, 3).locked


def test_shared_and_array_formulas(tmp_path):
    path = build_raw(tmp_path / "shared.xlsx", {"S": (
        "<sheetData>"
        '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><f t="shared" ref="B2:C4" si="0">A2*2+$A$1+SUM(A$2:A2)</f>'
        '<v>2</v></c><c r="C2"><f t="shared" si="0"/><v>0</v></c>'
        '<c r="E2"><f t="array" ref="E2:E3">A2:A3*2</f><v>2</v></c></row>'
        '<row r="3"><c r="A3"><v>2</v></c><c r="B3"><f t="shared" si="0"/><v>4</v></c>'
        '<c r="E3"><v>4</v></c></row>'
        '<row r="4"><c r="C4"><f t="shared" si="0"/><v>0</v></c></row></sheetData>')})
    s = read_workbook(path).sheet("S")
    assert s.get(2, 2).formula == "A2*2+$A$1+SUM(A$2:A2)"
    assert s.get(3, 2).formula == "A3*2+$A$1+SUM(A$2:A3)"
    assert s.get(2, 3).formula == "B2*2+$A$1+SUM(B$2:B2)"
    assert s.get(4, 3).formula == "B4*2+$A$1+SUM(B$2:B4)"
    assert s.get(2, 5).formula == "A2:A3*2"
    assert s.get(3, 5).formula == "A2:A3*2" and s.value(3, 5) == 4   # inside the array's range


@pytest.mark.parametrize("text, d_row, d_col, expected", [
    ("A1+B$2+$C3+$D$4", 1, 1, "B2+C$2+$C4+$D$4"),
    ('"A1 stays"&A1', 2, 0, '"A1 stays"&A3'),
    ("'Sheet A1'!B2+Sheet1!C3", 1, 0, "'Sheet A1'!B3+Sheet1!C4"),
    ("LOG10(A1)+ATAN2(B1,C1)", 0, 1, "LOG10(B1)+ATAN2(C1,D1)"),
    ("SUM(A:A)+SUM($B:C)+SUM(1:1)+SUM($2:3)", 1, 1, "SUM(B:B)+SUM($B:D)+SUM(2:2)+SUM($2:4)"),
    ("Table1[Spend]+A1", 0, 1, "Table1[Spend]+B1"),
    ("1.5*A1", 1, 0, "1.5*A2"),
])
def test_shift_formula(text, d_row, d_col, expected):
    assert shift_formula(text, d_row, d_col) == expected


def test_error_values_are_kept_as_their_text(tmp_path):
    path = build_raw(tmp_path / "err.xlsx", {"S": (
        '<sheetData><row r="1"><c r="A1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
        '<c r="B1" t="e"><v>#N/A</v></c></row></sheetData>')})
    s = read_workbook(path).sheet("S")
    assert s.get(1, 1).value == "#DIV/0!" and s.get(1, 1).formula == "1/0"
    assert s.get(1, 2).value == "#N/A" and s.get(1, 2).formula is None


def test_numbers(tmp_path):
    path = build_raw(tmp_path / "num.xlsx", {"S": (
        '<sheetData><row r="1"><c r="A1"><v>0.1</v></c><c r="B1"><v>-7</v></c><c r="C1"><v>1E+20</v></c>'
        '<c r="D1"><v>123456789.123</v></c><c r="E1" t="b"><v>0</v></c><c r="F1" t="inlineStr"><is><t/></is></c>'
        "</row></sheetData>")})
    s = read_workbook(path).sheet("S")
    assert [s.value(1, c) for c in range(1, 6)] == [
        Decimal("0.1"), Decimal(-7), Decimal("1E+20"), Decimal("123456789.123"), False]
    assert isinstance(s.value(1, 5), bool)
    assert s.value(1, 6) is None                # an empty string is no value


def test_dates_in_a_1904_workbook(tmp_path):
    styles = ('<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/>'
              '</borders><cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0"/>'
              '<xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>')
    path = build_raw(tmp_path / "mac.xlsx", {"S": '<sheetData><row r="1"><c r="A1" s="1"><v>1</v></c>'
                                                  '<c r="B1" s="1"><v>1000</v></c></row></sheetData>'},
                     styles=styles, workbook_pr='<workbookPr date1904="1"/>')
    s = read_workbook(path).sheet("S")
    assert s.value(1, 1) == datetime(1904, 1, 2) and s.value(1, 2) == datetime(1906, 9, 27)


def test_reader_does_not_import_heavy_libraries():
    code = ("import sys, bcf_addin.xlsx.reader, bcf_addin.xlsx.writer; "
            "print(sorted(m for m in ('pandas', 'openpyxl', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_malformed_cell_reference_is_damage(tmp_path):
    path = build_raw(tmp_path / "bad.xlsx", {"S": '<sheetData><row r="1"><c r="1A" s="1"><v>1</v></c></row></sheetData>'})
    with pytest.raises(NotAWorkbook, match="'1A' is not a cell reference") as info:
        read_workbook(path)
    assert str(path) in str(info.value)


def test_a_far_empty_styled_cell_is_kept_without_a_grid_to_it(tmp_path):
    # Only cells with content make the value grid: a styled empty cell far out costs nothing.
    path = build_raw(tmp_path / "far.xlsx", {"S": (
        f'<sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
        f'<row r="1048576"><c r="XFD1048576" s="{UNLOCKED}"/></row></sheetData>')})
    s = read_workbook(path).sheet("S")
    assert s.value(1, 1) == 1 and not s.get(1_048_576, 16_384).locked
    assert (s.max_row, s.max_col) == (1_048_576, 16_384)


@pytest.mark.parametrize("calc_pr, stale", [("", False), ('<calcPr calcId="191029"/>', False),
                                            ('<calcPr calcId="191029" fullCalcOnLoad="1"/>', True),
                                            ('<calcPr fullCalcOnLoad="true"/>', True),
                                            ('<calcPr fullCalcOnLoad="0"/>', False)])
def test_the_read_says_whether_the_file_asks_to_be_recalculated_on_open(tmp_path, calc_pr, stale):
    # A file written without recalculating asks Excel to recalculate on open: its results are old.
    path = build_raw(tmp_path / "calc.xlsx", {"S": '<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>'},
                     calc_pr=calc_pr)
    assert read_workbook(path).recalculate_on_open is stale
