"""The writer changes only the bytes of the cells it writes: every other cell, row, attribute,
escape and empty element in the sheet stays exactly as the file had it."""
from __future__ import annotations

import re
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

import recalc
from bcf_addin.workbook import CellWrite
from bcf_addin.xlsx import read_workbook, write_cells
from support import needs_libreoffice
from xlsx_fixtures import UNLOCKED, build_raw

SHEET1 = "xl/worksheets/sheet1.xml"
# Written as no serialiser would write it again: an empty <v></v>, a character reference,
# single quotes, white space in tags, an implied row number, a row with no cells, a cell with
# an extension list.
ROWS = (
    f"<row r='1' spans='1:3' x14ac:dyDescent='0.25'><c r='A1' t='inlineStr'><is><t>Fees &#163;</t></is></c>"
    f"<c r=\"B1\" s=\"{UNLOCKED}\" ><v></v></c><c r='C1' s='{UNLOCKED}'/></row>"
    f"<row><c r='A2'><f>A1</f><v></v></c><c r='C2' s='{UNLOCKED}'><v>7</v><extLst><ext uri='x'/></extLst></c></row>"
    f"<row r='4' customFormat='1' s='{UNLOCKED}'/>"
    f"<row r='6'><c r='A6' s='{UNLOCKED}'/><c r='D6' s='{UNLOCKED}'/></row>"
)
SHEET = (f"<dimension ref='A1:D6'/><cols><col min='1' max='5' width='9' style='{UNLOCKED}'/></cols>"
         f"<sheetData>{ROWS}</sheetData>"
         "<mergeCells count='1'><mergeCell ref='F1:G1'/></mergeCells>")
WRITES = {
    "B1": Decimal("12.5"),       # an existing empty cell
    "C1": "new & <text>",        # a self-closing one
    "C2": Decimal("8"),          # a cell with an extension list
    "B4": "in a row with no cells",
    "B6": True,                  # a new cell between two
    "E6": Decimal("1"),          # a new cell after the last, outside the dimension
    "A5": "a new row",           # between rows 4 and 6
    "A9": Decimal("-3"),         # after the last row
}


def _cell_spans(xml: bytes) -> dict[str, tuple[int, int]]:
    """Each cell's reference -> where its element lies, found without a parser."""
    spans = {}
    for m in re.finditer(rb"<c\s[^>]*?r=[\"']([A-Z]+[0-9]+)[\"'][^>]*?(/>|>.*?</c>)", xml, re.S):
        spans[m.group(1).decode()] = m.span()
    return spans


def _without(xml: bytes, refs) -> bytes:
    spans = _cell_spans(xml)
    out, pos = [], 0
    for start, end in sorted(spans[r] for r in refs if r in spans):
        out.append(xml[pos:start])
        pos = end
    return b"".join(out) + xml[pos:]


@pytest.fixture
def written(tmp_path):
    src = build_raw(tmp_path / "raw.xlsx", {"S": SHEET})
    with zipfile.ZipFile(src) as zf:
        original = zf.read(SHEET1)
    # x14ac needs declaring: put it on the root as Excel does.
    original = original.replace(b"<worksheet ", b'<worksheet xmlns:x14ac="http://schemas.microsoft.com/'
                                b'office/spreadsheetml/2009/9/ac" ', 1)
    _rewrite(src, SHEET1, original)
    writes = [CellWrite("S", *_rc(ref), value) for ref, value in WRITES.items()]
    dest = tmp_path / "out.xlsx"
    result = write_cells(src, writes, dest)
    with zipfile.ZipFile(dest) as zf:
        return original, zf.read(SHEET1), dest, result


def test_untouched_bytes_are_identical(written):
    original, new, _, result = written
    assert result.changed == len(WRITES)
    # Take away the written cells (and the rows and dimension that had to change) from both:
    # what is left is the same, byte for byte.
    kept_old = _without(original, WRITES)
    kept_new = _without(new, WRITES)
    for text in (b"<dimension ref='A1:D6'/>", b"<row r='4' customFormat='1' s='1'/>"):
        assert text in kept_old
        kept_old = kept_old.replace(text, b"")
    kept_new = kept_new.replace(b'<dimension ref="A1:E9"/>', b"").replace(
        b'<row r="4" customFormat="1" s="1"></row>', b"").replace(b'<row r="5"></row>', b"").replace(
        b'<row r="9"></row>', b"")
    assert kept_new == kept_old.replace(b" spans='1:3'", b"") or kept_new == kept_old
    assert b"<v></v>" in new and b"&#163;" in new and b"<extLst><ext uri='x'/></extLst>" in new


def test_written_values_read_back(written):
    _, _, dest, _ = written
    sheet = read_workbook(dest).sheets["S"]
    assert {ref: sheet.value(*_rc(ref)) for ref in WRITES} == WRITES
    assert sheet.value(1, 1) == "Fees £" and sheet.get(2, 1).formula == "A1"
    ws = load_workbook(dest)["S"]
    assert ws["C1"].value == "new & <text>" and ws["B6"].value is True and ws["A9"].value == -3
    assert [r for r in (4, 5, 6, 9) if ws.cell(r, 1).value is not None or ws.cell(r, 2).value is not None] == [4, 5, 6, 9]


@needs_libreoffice
def test_libreoffice_opens_the_written_file(written, tmp_path):
    _, _, dest, _ = written
    calc = recalc.recalculate(dest, tmp_path / "calc.xlsx")
    ws = load_workbook(calc)["S"]
    assert ws["B1"].value == 12.5 and ws["C1"].value == "new & <text>" and ws["A5"].value == "a new row"


def _rc(ref: str) -> tuple[int, int]:
    from bcf_addin.workbook import parse_ref

    return parse_ref(ref)


def _rewrite(path, part: str, data: bytes) -> None:
    with zipfile.ZipFile(path) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    parts[part] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in parts.items():
            zf.writestr(name, content)


NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PLAIN_SHEET = (f"<sheetData><row r='1'><c r='A1' t='inlineStr'><is><t>Fees £</t></is></c>"
               f"<c r='B1' s='{UNLOCKED}'/></row></sheetData>")


@pytest.mark.parametrize("encoding", ["UTF-16", "ISO-8859-1"])
def test_a_sheet_in_another_encoding_is_written_and_reads_back(encoding, tmp_path):
    src = build_raw(tmp_path / "raw.xlsx", {"S": PLAIN_SHEET})
    xml = f'<?xml version="1.0" encoding="{encoding}"?><worksheet xmlns="{NS_MAIN}">{PLAIN_SHEET}</worksheet>'
    _rewrite(src, SHEET1, xml.encode(encoding.lower().replace("-", "_")))
    write_cells(src, [CellWrite("S", 1, 2, "café €")], tmp_path / "out.xlsx")
    sheet = read_workbook(tmp_path / "out.xlsx").sheets["S"]
    assert (sheet.value(1, 1), sheet.value(1, 2)) == ("Fees £", "café €")
    assert load_workbook(tmp_path / "out.xlsx")["S"]["B1"].value == "café €"


def test_a_sheet_in_no_namespace_is_read_and_written(tmp_path):
    src = build_raw(tmp_path / "raw.xlsx", {"S": PLAIN_SHEET})
    _rewrite(src, SHEET1, f"<worksheet>{PLAIN_SHEET}</worksheet>".encode())
    write_cells(src, [CellWrite("S", 1, 2, Decimal("5"))], tmp_path / "out.xlsx")
    sheet = read_workbook(tmp_path / "out.xlsx").sheets["S"]
    assert (sheet.value(1, 1), sheet.value(1, 2), sheet.get(1, 2).locked) == ("Fees £", Decimal(5), False)
