"""The sheetData read by pattern (xlsx/plainsheet.py) gives exactly what expat gives.

Every case is read twice: as the reader reads it, and with the pattern reading turned off so
that expat reads the whole part. Both must give the same cells, merges, protection and
validations, or the same refusal; the plain cases must really have been read by pattern, and
the others must have been handed to expat.
"""
from __future__ import annotations

import zipfile
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bcf_addin.errors import BcfError
from bcf_addin.xlsx import plainsheet, reader
from xlsx_fixtures import MAIN_NS, REL_NS, build_raw


def _read_both(path, monkeypatch):
    """(what the reader gives, what expat alone gives, whether the pattern reading was used)."""
    used = []
    real = reader._plain_scan

    def spy(*args):
        scan = real(*args)
        used.append(True)
        return scan

    with monkeypatch.context() as m:
        m.setattr(reader, "_plain_scan", spy)
        fast = _outcome(path)
    with monkeypatch.context() as m:
        m.setattr(plainsheet, "split", lambda data: None)
        slow = _outcome(path)
    return fast, slow, bool(used)


def _outcome(path):
    try:
        wb = reader.read_workbook(path)
    except BcfError as exc:
        return type(exc).__name__, str(exc)
    return {name: (list(s.cells.items()), s.merges, s.protected, s.validations, s.max_row, s.max_col)
            for name, s in wb.sheets.items()}, wb.recalculate_on_open


def _sheet(tmp_path, inner: str, *, root: str | None = None, declaration: str | None = None):
    """A workbook of one sheet 'S' whose part is `inner` inside the root (`root` replaces the
    usual `<worksheet ...>` start tag, and its end tag follows suit)."""
    path = build_raw(tmp_path / "book.xlsx", {"S": inner})
    if root is not None or declaration is not None:
        name = "xl/worksheets/sheet1.xml"
        with zipfile.ZipFile(path) as zf:
            parts = {info.filename: zf.read(info) for info in zf.infolist()}
        text = parts[name].decode()
        if root is not None:
            tag = root[1:].split()[0].rstrip(">")
            text = text.replace(f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">', root, 1)
            text = text.replace("</worksheet>", f"</{tag}>")
        if declaration is not None:
            text = declaration + text.split("?>", 1)[1]
        parts[name] = text.encode("latin-1" if declaration and "8859" in declaration else "utf-8")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for part, data in parts.items():
                zf.writestr(part, data)
    return path


def _cells(*cells: str, row: str = '<row r="1">') -> str:
    return f"<sheetData>{row}{''.join(cells)}</row></sheetData>"


PLAIN = {
    "numbers, booleans, errors, text results and dates": _cells(
        '<c r="A1"><v>12</v></c>', '<c r="B1" s="1"><v>0.1</v></c>', '<c r="C1" t="b"><v>1</v></c>',
        '<c r="D1" t="e"><v>#DIV/0!</v></c>', '<c r="E1" t="str"><v>a &amp; b</v></c>',
        '<c r="F1" s="3"><v>45748.5</v></c>', '<c r="G1" t="d"><v>2025-04-01</v></c>',
        '<c r="H1" t="n"><v>-1.50E+3</v></c>', '<c r="I1"><v>text with no type</v></c>',
        '<c r="J1"><v>0012</v></c>', '<c r="K1"><v>0.69999999999999996</v></c>'),
    "inline strings": _cells(
        '<c r="A1" t="inlineStr"><is><t>  trimmed  </t></is></c>',
        '<c r="B1" t="inlineStr"><is><t xml:space="preserve">  kept  </t></is></c>',
        '<c r="C1" t="inlineStr"><is><t>Health &amp; Social Care &lt;&gt; &quot;&apos; &#163;&#x20AC;</t></is></c>',
        '<c r="D1" t="inlineStr"><is><t>line\r\nbreak\rand&#13;return</t></is></c>',
        '<c r="E1" t="inlineStr"><is><t>Excel_x000D_escape</t></is></c>',
        '<c r="F1" s="1" t="inlineStr"><is><t/></is></c>', '<c r="G1" t="inlineStr"><is><t></t></is></c>',
        '<c r="H1" t="inlineStr"><is><t>caf\u00e9 \u2013 \U0001F600</t></is></c>'),
    "empty and styled cells": _cells(
        '<c r="A1" s="1"/>', '<c r="B1"/>', '<c r="C1"></c>', '<c r="D1" s="2"><v/></c>',
        '<c r="E1" s="1"><v></v></c>', '<c r="F1" t="e"/>', '<c r="G1" s="1" cm="1" vm="2" ph="1"><v>3</v></c>'),
    "formulas": (
        '<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>A1*2</f><v>2</v></c>'
        '<c r="C1"><f>=A1&amp;"x"</f><v>1x</v></c><c r="D1"><f t="shared" ref="D1:D3" si="0">A1+1</f><v>2</v></c>'
        '<c r="E1"><f t="array" ref="E1:E2">A1:A2*2</f><v>2</v></c><c r="F1"><f/></c></row>'
        '<row r="2"><c r="D2"><f t="shared" si="0"/><v>1</v></c><c r="E2"><v>0</v></c>'
        '<c r="F2"><f t="dataTable" ref="F2" dt2D="0" dtr="0" r1="A1"/></c></row>'
        '<row r="3"><c r="D3"><f t="shared" si="0"/></c></row></sheetData>'),
    "rows and white space": (
        '<sheetData>\n  <row r="1" spans="1:3" ht="30" customHeight="1">\n    <c r="A1"><v>1</v></c>\n'
        '    <c r="C1" t="inlineStr"><is><t>x</t></is></c>\n  </row>\n  <row r="3"/>\n'
        '  <row r="4" r:id="kept"><c r="B4"><v>4</v></c></row>\n</sheetData>'),
    "the rest of the sheet": (
        '<sheetPr/><dimension ref="A1:B2"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        + _cells('<c r="A1" s="1"><v>1</v></c>', '<c r="B1" t="inlineStr"><is><t>b</t></is></c>')
        + '<sheetProtection sheet="1"/><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>'
        '<dataValidations count="1"><dataValidation type="list" sqref="A1"><formula1>"Yes,No"</formula1>'
        '</dataValidation></dataValidations>'),
    "far references": _cells('<c r="XFD1048576"><v>1</v></c>', row='<row r="1048576">'),
    # Past a small extent only cells with something in them count: an empty one far away does not.
    "an empty cell far away": (
        '<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1"></c></row><row r="1000"><c r="CW1000" s="1"/></row>'
        '<row r="1048576"><c r="XFD1048576"/></row></sheetData>'),
}


@pytest.mark.parametrize("case", PLAIN)
def test_a_plain_sheet_is_read_by_pattern_exactly_as_expat_reads_it(case, tmp_path, monkeypatch):
    fast, slow, by_pattern = _read_both(_sheet(tmp_path, PLAIN[case]), monkeypatch)
    assert by_pattern
    assert fast == slow


def test_a_prefix_the_root_declares_may_name_a_row_attribute(tmp_path, monkeypatch):
    root = f'<worksheet xmlns="{MAIN_NS}" xmlns:x14ac="urn:x14ac">'
    path = _sheet(tmp_path, _cells('<c r="A1"><v>1</v></c>', row='<row r="1" x14ac:dyDescent="0.25">'), root=root)
    fast, slow, by_pattern = _read_both(path, monkeypatch)
    assert by_pattern and fast == slow


NOT_PLAIN = {
    "attributes in another order": (_cells('<c s="1" r="A1"><v>1</v></c>'), {}),
    "single quotes": (_cells("<c r='A1'><v>1</v></c>"), {}),
    "a comment": (_cells('<c r="A1"><v>1</v><!-- note --></c>'), {}),
    "CDATA": (_cells('<c r="A1"><v><![CDATA[12]]></v></c>'), {}),
    "a processing instruction": (_cells('<c r="A1"><v>1</v></c><?pi here?>'), {}),
    # A document type may give every cell a type by default, which expat applies.
    "a document type": (_cells('<c r="A1"><v>1</v></c>'), {
        "declaration": '<?xml version="1.0"?><!DOCTYPE worksheet [<!ATTLIST c t CDATA "str">]>'}),
    "rich inline text": (_cells('<c r="A1" t="inlineStr"><is><r><t>a</t></r><r><rPr><b/></rPr><t xml:space="preserve"> b'
                                '</t></r><rPh sb="0" eb="1"><t>x</t></rPh></is></c>'), {}),
    "no reference": (_cells('<c t="inlineStr"><is><t>a</t></is></c><c><v>2</v></c>'), {}),
    "a lower-case reference": (_cells('<c r="a1"><v>1</v></c>'), {}),
    "a cell outside any row": ('<sheetData><c r="A1"><v>1</v></c></sheetData>', {}),
    "an element the cell may not hold": (_cells('<c r="A1"><v>1</v><extLst/></c>'), {}),
    "another namespace for the sheetData": (
        '<sheetData xmlns="urn:other">' + _cells('<c r="A1"><v>1</v></c>')[11:], {}),
    "another namespace for the cell": (_cells('<c xmlns="urn:other" r="A1"><v>1</v></c>'), {}),
    "a prefixed root": (_cells('<x:c r="A1"><x:v>1</x:v></x:c>', row='<x:row r="1">').replace("sheetData", "x:sheetData")
                        .replace("</row>", "</x:row>"), {"root": f'<x:worksheet xmlns:x="{MAIN_NS}">'}),
    "an encoding other than UTF-8": (_cells('<c r="A1" t="inlineStr"><is><t>caf\u00e9</t></is></c>'),
                                     {"declaration": '<?xml version="1.0" encoding="ISO-8859-1"?>'}),
    "an entity that is not XML's": (_cells('<c r="A1" t="inlineStr"><is><t>&nbsp;</t></is></c>'), {}),
    "a reference to a forbidden character": (_cells('<c r="A1"><v>&#1;</v></c>'), {}),
    "a forbidden character": (_cells('<c r="A1"><v>\x01</v></c>'), {}),
    "U+FFFE": (_cells('<c r="A1" t="inlineStr"><is><t>\ufffe</t></is></c>'), {}),
    "the end of a CDATA section": (_cells('<c r="A1" t="inlineStr"><is><t>a]]>b</t></is></c>'), {}),
    "a bare ampersand": (_cells('<c r="A1" t="inlineStr"><is><t>a & b</t></is></c>'), {}),
    "a prefix no one declared": (_cells('<c r="A1"><v>1</v></c>', row='<row r="1" x14ac:dyDescent="0.25">'), {}),
    "an attribute twice": (_cells('<c r="A1"><v>1</v></c>', row='<row r="1" ht="2" ht="3">'), {}),
    "a formula attribute twice": (_cells('<c r="A1"><f t="shared" t="shared" si="0">1</f></c>'), {}),
    "row zero": (_cells('<c r="A0"><v>1</v></c>'), {}),
    "a row past the last": (_cells('<c r="A1048577"><v>1</v></c>'), {}),
    "a column past the last": (_cells('<c r="XFE1"><v>1</v></c>'), {}),
    "a bad number": (_cells('<c r="A1" t="n"><v>12x</v></c>'), {}),
    "an unknown type": (_cells('<c r="A1" t="q"><v>1</v></c>'), {}),
    "rows nested": ('<sheetData><row r="1"><row r="2"></row></row></sheetData>', {}),
    "a row left open": ('<sheetData><row r="1"><c r="A1"><v>1</v></c></sheetData>', {}),
    "a row inside a row left open": ('<sheetData><row r="1"><row r="2"><c r="A1"><v>1</v></c></row></sheetData>', {}),
    "text between rows": ('<sheetData><row r="1"><c r="A1"><v>1</v></c></row>stray</sheetData>', {}),
    "a cell before the sheetData": ('<sheetViews><c r="Z1"><v>9</v></c></sheetViews>' + _cells('<c r="A1"><v>1</v></c>'), {}),
    "a cell after the sheetData": (_cells('<c r="A1"><v>1</v></c>') + '<extLst><c r="Z1"><v>9</v></c></extLst>', {}),
    "another namespace around the sheetData": (
        '<wrap xmlns="urn:other">' + _cells('<c r="A1"><v>1</v></c>') + '</wrap>', {}),
    # Bytes that are UTF-8 for one text and ISO-8859-1 for another: the declaration decides.
    "an encoding other than UTF-8, in bytes that are UTF-8 too": (
        _cells('<c r="A1" t="inlineStr"><is><t>\u00c3\u00a9</t></is></c>'),
        {"declaration": '<?xml version="1.0" encoding="ISO-8859-1"?>'}),
    "an end of row with no row": ('<sheetData></row></sheetData>', {}),
}


@pytest.mark.parametrize("case", NOT_PLAIN)
def test_anything_else_is_read_by_expat_with_the_same_outcome(case, tmp_path, monkeypatch):
    inner, options = NOT_PLAIN[case]
    fast, slow, by_pattern = _read_both(_sheet(tmp_path, inner, **options), monkeypatch)
    assert not by_pattern
    assert fast == slow


def _text_strategy():
    # Any character XML allows, with the ones that need care often: markup, quotes, white space,
    # line ends, Excel's escapes.
    fragment = st.one_of(st.sampled_from(list("<>&\"' \t\r\n_x0D") + ["_x000D_", "\u00a3", "\u2013", "]]", "\r\n"]),
                         st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff")
                         .filter(lambda c: c in "\t\n\r" or ord(c) >= 0x20))
    return st.lists(fragment, max_size=20).map("".join)


def _written(text: str, how: int) -> str:
    """`text` as XML character data, written one of several ways a program might."""
    if how == 0:
        return escape(text)
    if how == 1:
        return escape(text, {'"': "&quot;", "'": "&apos;"})
    return "".join(f"&#{ord(c)};" if not c.isalnum() else c for c in text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.tuples(_text_strategy(), st.integers(0, 2), st.booleans(),
                                st.sampled_from(["inline", "str", "formula", "number"])), min_size=1, max_size=6))
def test_any_text_reads_the_same_either_way(texts, tmp_path_factory, monkeypatch):
    cells = []
    for i, (text, how, preserve, kind) in enumerate(texts, 1):
        ref, written = f"A{i}", _written(text, how)
        space = ' xml:space="preserve"' if preserve else ""
        if kind == "inline":
            cells.append(f'<row r="{i}"><c r="{ref}" t="inlineStr"><is><t{space}>{written}</t></is></c></row>')
        elif kind == "str":
            cells.append(f'<row r="{i}"><c r="{ref}" t="str"><f>{written}</f><v>{written}</v></c></row>')
        elif kind == "formula":
            cells.append(f'<row r="{i}"><c r="{ref}"><f>{written}</f></c></row>')
        else:
            cells.append(f'<row r="{i}"><c r="{ref}"><v>{len(text)}.{i}</v></c></row>')
    path = _sheet(tmp_path_factory.mktemp("any"), f"<sheetData>{''.join(cells)}</sheetData>")
    fast, slow, _ = _read_both(path, monkeypatch)
    assert fast == slow
