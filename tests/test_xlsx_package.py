"""open_package: a sound .xlsx opens; everything else is refused with an error naming the file."""
from __future__ import annotations

import struct
import zipfile

import pytest

from bcf_addin.errors import EncryptedWorkbook, NotAWorkbook
from bcf_addin.xlsx.package import open_package
from bcf_addin.xlsx.screening import MAX_ENTRIES, OLE_MAGIC, RATIO_FLOOR
from xlsx_fixtures import build_raw, build_template, office_package


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("pkg") / "template.xlsx")


def test_sound_workbook_lists_sheets_in_workbook_order(template):
    with open_package(template) as pkg:
        assert pkg.path == str(template)
        assert pkg.sheet_parts() == {"Schemes": "xl/worksheets/sheet1.xml",
                                     "Lists": "xl/worksheets/sheet2.xml",
                                     "Notes": "xl/worksheets/sheet3.xml"}
        assert pkg.read("xl/media/image1.png").startswith(b"\x89PNG")
        assert b"<cellXfs" in pkg.read(pkg.styles_part())
        assert pkg.shared_strings_part() == "xl/sharedStrings.xml"   # its rel target is absolute


def test_absolute_relationship_targets_resolve(tmp_path):
    path = build_raw(tmp_path / "abs.xlsx", {"One": "<sheetData/>", "Two": "<sheetData/>"}, absolute_targets=True)
    with open_package(path) as pkg:
        assert pkg.sheet_parts() == {"One": "xl/worksheets/sheet1.xml", "Two": "xl/worksheets/sheet2.xml"}


def test_package_closes_its_file(template):
    pkg = open_package(template)
    with pkg:
        pass
    with pytest.raises(ValueError):
        pkg._zf.read("xl/workbook.xml")      # a closed ZipFile refuses to read


def _refused(path, kind=NotAWorkbook, words=()):
    with pytest.raises(kind) as info:
        open_package(path)
    err = info.value
    assert err.file == str(path)
    assert str(path) in str(err)
    for word in words:
        assert word in str(err)
    return err


def test_missing_file(tmp_path):
    _refused(tmp_path / "nope.xlsx", words=["does not exist"])


def test_folder_is_not_a_workbook(tmp_path):
    _refused(tmp_path, words=["not a file"])


def test_empty_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    _refused(path, words=["empty"])


def test_plain_text_file(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("Scheme ID,Spend\n1,100\n")
    _refused(path, words=["is a text file (a CSV register?), not an Excel workbook"])


def test_truncated_download(template, tmp_path):
    data = template.read_bytes()
    path = tmp_path / "half.xlsx"
    path.write_bytes(data[: len(data) // 2])
    _refused(path, words=["damaged"])


def test_corrupted_entry_is_caught_when_read(template, tmp_path):
    data = bytearray(template.read_bytes())
    with zipfile.ZipFile(template) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    name_len, extra_len = struct.unpack("<2H", data[info.header_offset + 26: info.header_offset + 30])
    start = info.header_offset + 30 + name_len + extra_len
    for i in range(start + 20, start + 60):
        data[i] ^= 0x55
    path = tmp_path / "corrupt.xlsx"
    path.write_bytes(bytes(data))
    with open_package(path) as pkg:            # the directory is intact...
        with pytest.raises(NotAWorkbook, match="damaged") as info:
            pkg.read("xl/worksheets/sheet1.xml")   # ...the content is not
    assert str(path) in str(info.value)


def test_entry_larger_than_declared_is_refused(tmp_path):
    path = build_raw(tmp_path / "liar.xlsx", {"One": "<sheetData/>"})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    central = data.index(b"PK\x01\x02")
    while True:        # find this entry's central header
        name_len = struct.unpack("<H", data[central + 28: central + 30])[0]
        if data[central + 46: central + 46 + name_len] == b"xl/worksheets/sheet1.xml":
            break
        central = data.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<L", data, central + 24, 10)              # declared uncompressed size
    struct.pack_into("<L", data, info.header_offset + 22, 10)
    path.write_bytes(bytes(data))
    with open_package(path) as pkg:
        with pytest.raises(NotAWorkbook, match="damaged"):
            pkg.read("xl/worksheets/sheet1.xml")


def test_zip_bomb_by_total_size(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            chunk = bytes(16 * 2**20)
            for _ in range(600 // 16):                       # 600 MiB of zeros, ~3 MB on disk
                fh.write(chunk)
    assert path.stat().st_size < 10 * 2**20
    _refused(path, words=["unreasonable size"])


def test_zip_bomb_by_compression_ratio(tmp_path):
    path = tmp_path / "ratio.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", bytes(20 * 2**20))   # ratio ~1000
    _refused(path, words=["unreasonable size"])


def test_compressible_but_small_parts_are_fine(tmp_path):
    path = build_raw(tmp_path / "small.xlsx", {"One": "<sheetData/>"})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("xl/media/padding.bin", bytes(RATIO_FLOOR // 2))   # high ratio, but small
    with open_package(path) as pkg:
        assert len(pkg.read("xl/media/padding.bin")) == RATIO_FLOOR // 2


def test_too_many_entries(tmp_path):
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(MAX_ENTRIES):
            zf.writestr(f"xl/x/{i}", b"")
    _refused(path, words=["unreasonable size"])


def _ole(stream_names: list[str]) -> bytes:
    # Enough of a compound file to be recognised: the magic, then directory-entry names.
    body = bytearray(OLE_MAGIC + bytes(504))
    for name in stream_names:
        entry = name.encode("utf-16-le").ljust(64, b"\0") + bytes(64)
        body += entry
    return bytes(body.ljust(2048, b"\0"))


def test_password_encrypted_workbook(tmp_path):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(_ole(["Root Entry", "EncryptionInfo", "EncryptedPackage"]))
    err = _refused(path, EncryptedWorkbook, words=["password-encrypted", "Encrypt with Password"])
    assert "\n" not in str(err)


def test_old_xls_workbook(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(_ole(["Root Entry", "Workbook", "SummaryInformation"]))
    err = _refused(path, words=[".xls", "save it as .xlsx"])
    assert not isinstance(err, EncryptedWorkbook)


def test_word_document_is_not_a_workbook(tmp_path):
    path = office_package(tmp_path / "letter.xlsx", "word/document.xml", "<document/>")
    _refused(path, words=["not an Excel workbook"])


def test_zip_without_workbook_part(tmp_path):
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    _refused(path, words=["not an Excel workbook"])


def test_sheet_whose_part_is_missing(tmp_path):
    path = build_raw(tmp_path / "gap.xlsx", {"One": "<sheetData/>"})
    with zipfile.ZipFile(path) as zf:
        entries = [(i, zf.read(i)) for i in zf.infolist() if i.filename != "xl/worksheets/sheet1.xml"]
    with zipfile.ZipFile(path, "w") as zf:
        for info, data in entries:
            zf.writestr(info, data)
    with open_package(path) as pkg:
        with pytest.raises(NotAWorkbook, match="sheet 'One'"):
            pkg.sheet_parts()


LAUGHS = ('<!DOCTYPE worksheet [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
          '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')
EXTERNAL = '<!DOCTYPE worksheet [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize("doctype, entity", [(LAUGHS, "&c;"), (EXTERNAL, "&secret;")], ids=["expansion", "external"])
def test_entity_declarations_are_refused_by_reader_and_writer(doctype, entity, tmp_path):
    from bcf_addin.workbook import CellWrite
    from bcf_addin.xlsx import read_workbook, write_cells

    src = build_raw(tmp_path / "raw.xlsx", {"S": f'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{entity}'
                                                 '</t></is></c><c r="B1" s="1"/></row></sheetData>'})
    with zipfile.ZipFile(src) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    root = sheet.index(b"<worksheet")
    parts["xl/worksheets/sheet1.xml"] = sheet[:root] + doctype.encode() + sheet[root:]
    with zipfile.ZipFile(src, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    with pytest.raises(NotAWorkbook, match="sheet1.xml is not valid XML"):
        read_workbook(src)
    with pytest.raises(NotAWorkbook, match="sheet1.xml is not valid XML"):
        write_cells(src, [CellWrite("S", 1, 2, "x")], tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()
