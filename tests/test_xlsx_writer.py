"""write_cells: the target cells change and nothing else in the template does."""
from __future__ import annotations

import os
import shutil
import struct
import subprocess
import time
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from bcf_addin import files as files_module
from bcf_addin.errors import BcfError, ProtectedCell
from bcf_addin.workbook import CellWrite
from bcf_addin.xlsx import read_workbook, write_cells
from bcf_addin.xlsx import repack
from xlsx_fixtures import UNLOCKED, UNLOCKED_DATE, build_raw, build_template

SHEET1 = "xl/worksheets/sheet1.xml"
NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@pytest.fixture(scope="module")
def master(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("writer") / "master.xlsx")


@pytest.fixture
def template(master, tmp_path):
    path = tmp_path / "template.xlsx"
    shutil.copyfile(master, path)
    return path


def W(sheet, ref, value):
    from bcf_addin.workbook import parse_ref

    row, col = parse_ref(ref)
    return CellWrite(sheet, row, col, value)


WRITES = [
    W("Schemes", "B3", Decimal("1234.56")),
    W("Schemes", "B4", "=SUM(A1)"),             # text that looks like a formula, over a shared string
    W("Schemes", "B5", True),
    W("Schemes", "B8", date(2025, 6, 30)),
    W("Schemes", "E3", "  Social Care & <NHS> \"community\"  "),
    W("Schemes", "F4", Decimal("0.45")),
    W("Schemes", "E4", None),
]
TARGETS = {"B3", "B4", "B5", "B8", "E3", "F4", "E4"}


def _raw_entries(path: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    out = []
    with zipfile.ZipFile(path) as zf, open(path, "rb") as fh:
        for info in zf.infolist():
            fh.seek(info.header_offset)
            head = fh.read(30)
            n, m = struct.unpack("<2H", head[26:30])
            fh.seek(info.header_offset + 30 + n + m)
            out.append((info, fh.read(info.compress_size)))
    return out


def _sheet(path: Path, part: str = SHEET1) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(part)


def _cells(xml: bytes) -> dict[str, bytes]:
    root = etree.fromstring(xml)
    return {c.get("r"): etree.tostring(c) for c in root.iter(f"{NS}c")}


def _outside_sheet_data(xml: bytes) -> list[bytes]:
    root = etree.fromstring(xml)
    return [etree.tostring(el) for el in root if el.tag != f"{NS}sheetData"]


def test_only_touched_parts_change(template, tmp_path):
    dest = tmp_path / "out.xlsx"
    result = write_cells(template, WRITES, dest)
    assert result.sheets == ("Schemes",)
    assert (result.changed, result.unchanged) == (6, 1)      # E4 was already empty
    before, after = _raw_entries(template), _raw_entries(dest)
    assert [i.filename for i, _ in before] == [i.filename for i, _ in after]
    for (old, old_raw), (new, new_raw) in zip(before, after):
        for attr in ("date_time", "compress_type", "external_attr", "comment", "create_system"):
            assert getattr(old, attr) == getattr(new, attr), (old.filename, attr)
        if old.filename in (SHEET1, "xl/workbook.xml"):
            continue
        assert old_raw == new_raw, old.filename             # the very same compressed bytes
        assert old.CRC == new.CRC
    with zipfile.ZipFile(template) as a, zipfile.ZipFile(dest) as b:
        assert a.comment == b.comment
        assert b.testzip() is None
        assert a.read("xl/media/image1.png") == b.read("xl/media/image1.png")


def test_touched_sheet_changes_only_target_cells(template, tmp_path):
    dest = tmp_path / "out.xlsx"
    write_cells(template, WRITES, dest)
    old_xml, new_xml = _sheet(template), _sheet(dest)
    old_cells, new_cells = _cells(old_xml), _cells(new_xml)
    assert set(old_cells) == set(new_cells)                 # all target cells already existed
    for ref, xml in old_cells.items():
        if ref not in TARGETS:
            assert new_cells[ref] == xml, ref
    assert _outside_sheet_data(old_xml) == _outside_sheet_data(new_xml)
    old_root, new_root = etree.fromstring(old_xml), etree.fromstring(new_xml)
    assert old_root.nsmap == new_root.nsmap and old_root.attrib == new_root.attrib
    # Styles stay: the yellow input look survives.
    for ref in TARGETS:
        assert etree.fromstring(old_cells[ref]).get("s") == etree.fromstring(new_cells[ref]).get("s")
    # The extension list Excel needs for cross-sheet dropdowns is untouched.
    assert b"<xm:f>Lists!$A$1:$A$3</xm:f>" in new_xml


def test_xml_declaration_is_kept(tmp_path):
    src = build_raw(tmp_path / "raw.xlsx", {"S": f'<sheetData><row r="1"><c r="A1" s="{UNLOCKED}"/></row></sheetData>'})
    write_cells(src, [W("S", "A1", "x")], tmp_path / "out.xlsx")
    out = _sheet(tmp_path / "out.xlsx")
    assert out.startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet ')


@pytest.mark.filterwarnings("ignore:Data Validation extension is not supported")   # openpyxl lacks x14
def test_values_read_back_in_calamine_and_openpyxl(template, tmp_path):
    import openpyxl

    dest = tmp_path / "out.xlsx"
    write_cells(template, WRITES, dest)
    s = read_workbook(dest).sheet("Schemes")
    assert s.value(3, 2) == Decimal("1234.56") and str(s.value(3, 2)) == "1234.56"
    assert s.value(4, 2) == "=SUM(A1)" and s.get(4, 2).formula is None
    assert s.value(5, 2) is True
    assert s.value(8, 2) == datetime(2025, 6, 30)
    assert s.value(3, 5) == '  Social Care & <NHS> "community"  '
    assert s.value(4, 6) == Decimal("0.45")
    assert s.value(4, 5) is None and (4, 5) in s.cells and not s.get(4, 5).locked
    assert s.get(3, 3).formula == "B3*2"                   # formulas are untouched
    ws = openpyxl.load_workbook(dest)["Schemes"]
    assert ws["B3"].value == pytest.approx(1234.56)
    assert ws["B4"].value == "=SUM(A1)" and ws["B4"].data_type == "s"
    assert ws["B5"].value is True
    assert ws["B8"].value == datetime(2025, 6, 30)
    assert ws["E3"].value == '  Social Care & <NHS> "community"  '
    assert ws["C3"].value == "=B3*2"
    target = etree.fromstring(_cells(_sheet(dest))["B4"])
    assert target.find(f"{NS}f") is None and target.get("t") == "inlineStr"


def test_writing_twice_gives_identical_files(template, tmp_path):
    write_cells(template, WRITES, tmp_path / "a.xlsx")
    time.sleep(1.1)        # a timestamp taken from the clock would now differ
    write_cells(template, WRITES, tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_recalculation_flag(template, tmp_path):
    write_cells(template, WRITES, tmp_path / "calc.xlsx")
    calc = etree.fromstring(_sheet(tmp_path / "calc.xlsx", "xl/workbook.xml")).find(f"{NS}calcPr")
    assert calc.get("fullCalcOnLoad") == "1" and calc.get("calcId") == "124519"   # existing attrs kept
    write_cells(template, WRITES, tmp_path / "nocalc.xlsx", recalc_on_open=False)
    assert _sheet(tmp_path / "nocalc.xlsx", "xl/workbook.xml") == _sheet(template, "xl/workbook.xml")


def test_calc_pr_is_added_in_schema_order(tmp_path):
    src = build_raw(tmp_path / "raw.xlsx", {"S": f'<sheetData><row r="1"><c r="A1" s="{UNLOCKED}"/></row></sheetData>'},
                    defined_names='<definedNames><definedName name="x">S!$A$1</definedName></definedNames>')
    write_cells(src, [W("S", "A1", 1)], tmp_path / "out.xlsx")
    root = etree.fromstring(_sheet(tmp_path / "out.xlsx", "xl/workbook.xml"))
    order = [etree.QName(el).localname for el in root]
    assert order == ["bookViews", "sheets", "definedNames", "calcPr"]
    assert root.find(f"{NS}calcPr").get("fullCalcOnLoad") == "1"


def test_nothing_changed_leaves_parts_alone(template, tmp_path):
    dest = tmp_path / "same.xlsx"
    result = write_cells(template, [W("Schemes", "B3", Decimal("100.0")), W("Schemes", "B4", "Existing"),
                                    W("Schemes", "B6", None)], dest)
    assert (result.changed, result.unchanged, result.sheets) == (0, 3, ())
    assert [raw for _, raw in _raw_entries(dest)] == [raw for _, raw in _raw_entries(template)]


def _assert_refused(template, tmp_path, writes, cell, words):
    dest = tmp_path / "refused.xlsx"
    with pytest.raises(ProtectedCell) as info:
        write_cells(template, writes, dest)
    err = info.value
    assert str(template) in str(err)
    if cell:
        assert err.cell == cell and f"cell {cell}" in str(err)
    for word in words:
        assert word in str(err)
    assert not dest.exists()
    assert sorted(os.listdir(tmp_path)) == ["template.xlsx"]     # no temp file either
    return err


def test_locked_cell_is_refused(template, tmp_path):
    err = _assert_refused(template, tmp_path, [W("Schemes", "B3", 1), W("Schemes", "D3", Decimal("0.5"))],
                          "D3", ["locked"])
    assert err.sheet == "Schemes" and "sheet 'Schemes'" in str(err)


def test_formula_cell_is_refused(template, tmp_path):
    _assert_refused(template, tmp_path, [W("Schemes", "C4", 5)], "C4", ["formula"])


def test_missing_sheet_is_refused(template, tmp_path):
    err = _assert_refused(template, tmp_path, [W("Schemes", "B3", 1), W("5. Income", "B3", 1)], None, ["5. Income"])
    assert err.sheet == "5. Income"


def test_absent_plain_cell_is_locked(template, tmp_path):
    _assert_refused(template, tmp_path, [W("Schemes", "Z50", "x")], "Z50", ["locked"])


def test_unprotected_sheet_cells_are_still_locked_by_default(template, tmp_path):
    _assert_refused(template, tmp_path, [W("Notes", "A1", "x")], "A1", ["locked"])


def test_cells_inside_an_array_formula_are_refused(tmp_path):
    src = build_raw(tmp_path / "template.xlsx", {"S": (
        f'<sheetData><row r="1"><c r="A1" s="{UNLOCKED}"><f t="array" ref="A1:A2">{{1;2}}</f><v>1</v></c></row>'
        f'<row r="2"><c r="A2" s="{UNLOCKED}"><v>2</v></c></row></sheetData>')})
    _assert_refused(src, tmp_path, [W("S", "A2", 5)], "A2", ["formula"])


def test_new_cells_where_row_or_column_style_unlocks_them(template, tmp_path):
    dest = tmp_path / "out.xlsx"
    write_cells(template, [W("Schemes", "H10", Decimal(5)), W("Schemes", "C20", "row style"),
                           W("Schemes", "H7", "between rows")], dest)
    root = etree.fromstring(_sheet(dest))
    rows = [int(r.get("r")) for r in root.find(f"{NS}sheetData")]
    assert rows == sorted(rows) and {7, 10, 20} <= set(rows)
    for row in root.find(f"{NS}sheetData"):
        cols = [c.get("r") for c in row]
        assert cols == sorted(cols, key=lambda ref: (len(ref.rstrip("0123456789")), ref)), cols
    cells = {c.get("r"): c for c in root.iter(f"{NS}c")}
    assert cells["H10"].get("s") == cells["C20"].get("s") != None     # the unlocking style is carried
    assert root.find(f"{NS}dimension").get("ref") == "A1:H20"
    s = read_workbook(dest).sheet("Schemes")
    assert s.value(10, 8) == 5 and s.value(20, 3) == "row style" and s.value(7, 8) == "between rows"
    assert not s.get(10, 8).locked


def test_cell_inserted_before_existing_cells_in_a_row(tmp_path):
    src = build_raw(tmp_path / "raw.xlsx", {"S": (
        f'<cols><col min="1" max="3" style="{UNLOCKED}"/></cols><dimension ref="B1:C1"/>'
        '<sheetData><row r="1" spans="2:3"><c r="B1"><v>2</v></c><c r="C1"><v>3</v></c></row></sheetData>')})
    write_cells(src, [W("S", "A1", 1)], tmp_path / "out.xlsx")
    root = etree.fromstring(_sheet(tmp_path / "out.xlsx"))
    assert [c.get("r") for c in root.iter(f"{NS}c")] == ["A1", "B1", "C1"]
    assert root.find(f"{NS}sheetData/{NS}row").get("spans") is None     # the hint no longer held
    s = read_workbook(tmp_path / "out.xlsx").sheet("S")
    assert [s.value(1, c) for c in (1, 2, 3)] == [1, 2, 3]


def test_inserting_among_implicit_positions_keeps_them(tmp_path):
    src = build_raw(tmp_path / "raw.xlsx", {"S": (
        f'<cols><col min="1" max="5" style="{UNLOCKED}"/></cols>'
        '<sheetData><row><c><v>1</v></c><c><v>2</v></c></row><row r="3"><c r="A3"><v>3</v></c></row></sheetData>')})
    write_cells(src, [W("S", "A2", 9), W("S", "D1", 4)], tmp_path / "out.xlsx")
    s = read_workbook(tmp_path / "out.xlsx").sheet("S")
    assert {k: v.value for k, v in s.cells.items()} == {(1, 1): 1, (1, 2): 2, (1, 4): 4, (2, 1): 9, (3, 1): 3}


def test_none_clears_but_keeps_the_element_and_style(template, tmp_path):
    write_cells(template, [W("Schemes", "B3", None), W("Schemes", "B4", None)], tmp_path / "out.xlsx")
    cells = _cells(_sheet(tmp_path / "out.xlsx"))
    for ref in ("B3", "B4"):
        c = etree.fromstring(cells[ref])
        assert c.get("s") == "2" and c.get("t") is None and len(c) == 0


def test_dates_in_a_1904_workbook(tmp_path):
    src = build_raw(tmp_path / "raw.xlsx", {"S": f'<sheetData><row r="1"><c r="A1" s="{UNLOCKED_DATE}"/>'
                                                 f'<c r="B1" s="{UNLOCKED_DATE}"/></row></sheetData>'},
                    workbook_pr='<workbookPr date1904="1"/>')
    write_cells(src, [W("S", "A1", date(2025, 4, 1)), W("S", "B1", datetime(1904, 1, 2, 6))], tmp_path / "out.xlsx")
    cells = _cells(_sheet(tmp_path / "out.xlsx"))
    assert b"<v>44286</v>" in cells["A1"] and b"<v>1.25</v>" in cells["B1"]
    s = read_workbook(tmp_path / "out.xlsx").sheet("S")
    assert s.value(1, 1) == datetime(2025, 4, 1) and s.value(1, 2) == datetime(1904, 1, 2, 6)


def test_dates_before_march_1900(tmp_path):
    src = build_raw(tmp_path / "raw.xlsx", {"S": f'<sheetData><row r="1"><c r="A1" s="{UNLOCKED_DATE}"/>'
                                                 f'<c r="B1" s="{UNLOCKED_DATE}"/></row></sheetData>'})
    write_cells(src, [W("S", "A1", date(1900, 1, 1)), W("S", "B1", date(1900, 3, 1))], tmp_path / "out.xlsx")
    cells = _cells(_sheet(tmp_path / "out.xlsx"))
    assert b"<v>1</v>" in cells["A1"] and b"<v>61</v>" in cells["B1"]
    with pytest.raises(BcfError, match="before the first date"):
        write_cells(src, [W("S", "A1", date(1899, 12, 31))], tmp_path / "bad.xlsx")


@pytest.mark.parametrize("value, words", [
    (Decimal("NaN"), "not a number"),
    (Decimal("1E+400"), "outside the range"),
    ("x" * 32_768, "longer than"),
    ("bad \ud800 half", "invalid character"),
    (object(), "cannot write a value"),
])
def test_values_excel_cannot_hold(template, tmp_path, value, words):
    dest = tmp_path / "bad.xlsx"
    with pytest.raises(BcfError) as info:
        write_cells(template, [W("Schemes", "B3", value)], dest)
    assert words in str(info.value) and "cell B3" in str(info.value) and str(template) in str(info.value)
    assert not dest.exists()


def test_decimals_are_written_in_plain_notation(template, tmp_path):
    write_cells(template, [W("Schemes", "B3", Decimal("1.5E+7")), W("Schemes", "B5", Decimal("-0")),
                           W("Schemes", "B6", Decimal("1E-9"))], tmp_path / "out.xlsx")
    cells = _cells(_sheet(tmp_path / "out.xlsx"))
    assert b"<v>15000000</v>" in cells["B3"] and b"<v>0</v>" in cells["B5"] and b"<v>0.000000001</v>" in cells["B6"]


def test_excel_escapes_in_text_are_literal(template, tmp_path):
    texts = ["_x0041_", "_x005F_", "a\x01b\x1fc", "tab\tnew\nline\r\nend"]
    writes = [W("Schemes", ref, t) for ref, t in zip(("E3", "E4", "E5", "E6"), texts)]
    write_cells(template, writes, tmp_path / "out.xlsx")
    s = read_workbook(tmp_path / "out.xlsx").sheet("Schemes")
    assert [s.value(r, 5) for r in range(3, 7)] == texts


def test_in_place_write(template, tmp_path):
    result = write_cells(template, [W("Schemes", "B3", Decimal(7))], template)
    assert result.changed == 1
    assert read_workbook(template).sheet("Schemes").value(3, 2) == 7
    assert sorted(os.listdir(tmp_path)) == ["template.xlsx"]


def test_failure_while_writing_leaves_no_trace(template, tmp_path, monkeypatch):
    dest = tmp_path / "out.xlsx"
    dest.write_bytes(b"previous contents")

    def broken(pkg, replaced, out):
        out.write(b"PK\x03\x04 half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(repack, "write_zip", broken)
    with pytest.raises(BcfError, match="could not be written: the disk is full"):
        write_cells(template, WRITES, dest)
    assert dest.read_bytes() == b"previous contents"
    assert sorted(os.listdir(tmp_path)) == ["out.xlsx", "template.xlsx"]


def test_failure_to_replace_leaves_no_trace(template, tmp_path, monkeypatch):
    dest = tmp_path / "out.xlsx"

    def locked(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files_module.os, "replace", locked)
    with pytest.raises(BcfError, match="open in Excel"):
        write_cells(template, WRITES, dest)
    assert sorted(os.listdir(tmp_path)) == ["template.xlsx"]


def test_dest_folder_missing(template, tmp_path):
    with pytest.raises(BcfError, match="cannot be written"):
        write_cells(template, WRITES, tmp_path / "no-such-folder" / "out.xlsx")


# Any text, including '=' prefixes, spaces at either end, XML-special and control characters;
# only unpaired surrogates and the non-characters U+FFFE/U+FFFF (which no file can hold) are left
# out, and they are refused (above and below).
_texts = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff"),
                 min_size=1, max_size=40)


@pytest.mark.parametrize("bad", ["a\ufffeb", "\uffff"])
def test_non_characters_are_refused_naming_the_cell(master, tmp_path, bad):
    with pytest.raises(BcfError, match="invalid character") as err:
        write_cells(master, [W("Schemes", "E3", bad)], tmp_path / "nc.xlsx")
    assert err.value.cell == "E3" and not (tmp_path / "nc.xlsx").exists()
_numbers = st.decimals(min_value=Decimal("-1e10"), max_value=Decimal("1e10"), places=4,
                       allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.one_of(_texts, st.builds(lambda t: "=" + t, _texts)), min_size=4, max_size=4),
       number=_numbers)
def test_round_trip_property(master, tmp_path, texts, number):
    dest = tmp_path / "prop.xlsx"
    writes = [W("Schemes", ref, t) for ref, t in zip(("E3", "E4", "E5", "E6"), texts)]
    writes.append(W("Schemes", "B3", number))
    write_cells(master, writes, dest)
    s = read_workbook(dest).sheet("Schemes")
    assert [s.value(r, 5) for r in range(3, 7)] == texts
    assert s.value(3, 2) == number


def test_libreoffice_opens_the_written_file(template, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed, so a third-party open cannot be checked")
    dest = tmp_path / "out.xlsx"
    write_cells(template, WRITES, dest)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "csv",
                    "--outdir", str(tmp_path / "csv"), str(dest)],
                   check=True, capture_output=True, timeout=180)
    text = (tmp_path / "csv" / "out.csv").read_text(encoding="utf-8", errors="replace")
    assert "1234.56" in text and "=SUM(A1)" in text and "Social Care & <NHS>" in text
    assert "2469.12" in text     # LibreOffice recalculated the formula =B3*2 over the new value


class _Unseekable:
    """A stream zipfile cannot seek back in, so it writes sizes in data descriptors."""

    def __init__(self, fh):
        self._fh = fh

    def write(self, data):
        return self._fh.write(data)

    def flush(self):
        self._fh.flush()

    def tell(self):
        return self._fh.tell()


def test_source_with_data_descriptors(template, tmp_path):
    src = tmp_path / "streamed.xlsx"
    with zipfile.ZipFile(template) as zf, open(src, "wb") as fh:
        with zipfile.ZipFile(_Unseekable(fh), "w", zipfile.ZIP_DEFLATED) as out:
            for info in zf.infolist():
                with out.open(zipfile.ZipInfo(info.filename, info.date_time), "w") as part:
                    part.write(zf.read(info))
    assert all(i.flag_bits & 0x08 for i in zipfile.ZipFile(src).infolist())
    dest = tmp_path / "out.xlsx"
    write_cells(src, [W("Schemes", "B3", 5)], dest)
    with zipfile.ZipFile(dest) as zf:
        assert zf.testzip() is None
        data = dest.read_bytes()
        for info in zf.infolist():        # sizes now sit in each local header, as its flags say
            flags, = struct.unpack("<H", data[info.header_offset + 6: info.header_offset + 8])
            crc, csize, usize = struct.unpack("<3L", data[info.header_offset + 14: info.header_offset + 26])
            assert not flags & 0x08 and (crc, csize, usize) == (info.CRC, info.compress_size, info.file_size)
    assert read_workbook(dest).sheet("Schemes").value(3, 2) == 5


def test_hidden_part_of_a_merged_block_is_refused(tmp_path):
    src = build_raw(tmp_path / "template.xlsx", {"S": (
        f'<sheetData><row r="1"><c r="A1" s="{UNLOCKED}"/><c r="B1" s="{UNLOCKED}"/></row></sheetData>'
        '<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>')})
    _assert_refused(src, tmp_path, [W("S", "A1", "shown"), W("S", "B1", "hidden")], "B1", ["merged", "A1"])
    write_cells(src, [W("S", "A1", "shown")], tmp_path / "ok.xlsx")
    assert read_workbook(tmp_path / "ok.xlsx").sheet("S").value(1, 1) == "shown"
