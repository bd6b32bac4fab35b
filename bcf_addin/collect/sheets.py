"""The summary's table sheets, written straight as SpreadsheetML.

openpyxl makes a Python object of every cell it writes, which for a national collection (some
350,000 cells) took seconds. These sheets need nothing of it but a date format, so openpyxl saves
the workbook with each table's header alone, and here each table's rows are put in, written as
text a column at a time. Amounts become numbers, as a cell holds nothing else; text stays text
(never a formula, whatever it starts with).
"""
from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from io import BytesIO
from numbers import Number
from typing import BinaryIO, Iterator

import pandas as pd
from lxml import etree
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DATE_FORMAT = "yyyy-mm-dd h:mm:ss"          # as openpyxl writes a date
EPOCH = pd.Timestamp("1899-12-30")          # day 0 of Excel's (1900) date system
# Characters XML 1.0 cannot hold; Excel could not show them either.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_DATA = re.compile(rb"<sheetData\s*/>|<sheetData>.*?</sheetData>", re.S)
MAX_TEXT = 32767                             # the most characters an Excel cell holds
ROWS_AT_ONCE = 2000


def write_workbook(tables: dict[str, pd.DataFrame], out: BinaryIO) -> None:
    """A workbook of a sheet per table, its header row frozen."""
    wb = Workbook(write_only=True)
    for name in tables:
        wb.create_sheet(name[:31]).freeze_panes = "A2"
    package = BytesIO()
    wb.save(package)
    fill_tables(package.getvalue(), {name[:31]: df for name, df in tables.items()}, out)


def fill_tables(package: bytes, tables: dict[str, pd.DataFrame], out: BinaryIO) -> None:
    """Copy the workbook `package` to `out`, each sheet named in `tables` given that table's
    header and rows in place of what it had."""
    with zipfile.ZipFile(BytesIO(package)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        parts = _sheet_parts(src)
        styles, date_style = _with_date_style(src.read("xl/styles.xml"))
        filled = {parts[name]: df for name, df in tables.items()}
        for info in src.infolist():
            if info.filename == "xl/styles.xml":
                dst.writestr(info, styles)
            elif info.filename in filled:
                _write_sheet(dst, info, src.read(info), filled[info.filename], date_style)
            else:
                dst.writestr(info, src.read(info))


def _sheet_parts(src: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the package part holding it."""
    book = etree.fromstring(src.read("xl/workbook.xml"))
    rels = etree.fromstring(src.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{{{RELS}}}Relationship")}
    out = {}
    for sheet in book.iter(f"{{{MAIN}}}sheet"):
        target = targets[sheet.get(f"{{{DOC_RELS}}}id")]
        out[sheet.get("name")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return out


def _with_date_style(styles: bytes) -> tuple[bytes, int]:
    """The stylesheet with a cell format for dates added, and that format's number."""
    root = etree.fromstring(styles)
    formats = root.find(f"{{{MAIN}}}numFmts")
    if formats is None:
        formats = etree.Element(f"{{{MAIN}}}numFmts")
        root.insert(0, formats)
    number = max([163, *(int(f.get("numFmtId")) for f in formats)]) + 1
    etree.SubElement(formats, f"{{{MAIN}}}numFmt", numFmtId=str(number), formatCode=DATE_FORMAT)
    formats.set("count", str(len(formats)))
    cells = root.find(f"{{{MAIN}}}cellXfs")
    etree.SubElement(cells, f"{{{MAIN}}}xf", numFmtId=str(number), fontId="0", fillId="0", borderId="0",
                     xfId="0", applyNumberFormat="1")
    cells.set("count", str(len(cells)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), len(cells) - 1


def _write_sheet(dst: zipfile.ZipFile, info: zipfile.ZipInfo, xml: bytes, df: pd.DataFrame, date_style: int) -> None:
    found = _SHEET_DATA.search(xml)
    if found is None:
        raise ValueError(f"{info.filename} has no sheetData")
    with dst.open(info.filename, "w") as fh:
        fh.write(xml[:found.start()])
        for chunk in _sheet_data(df, date_style):
            fh.write(chunk.encode("utf-8"))
        fh.write(xml[found.end():])


def _sheet_data(df: pd.DataFrame, date_style: int) -> Iterator[str]:
    letters = [get_column_letter(i) for i in range(1, len(df.columns) + 1)]
    header = "".join(f'<c r="{col}1"{_text(str(name))}' for col, name in zip(letters, df.columns))
    yield f'<sheetData><row r="1">{header}</row>'
    # A block of rows at a time, so that a national table never stands in memory twice over as text.
    for start in range(0, len(df), ROWS_AT_ONCE):
        block = df.iloc[start:start + ROWS_AT_ONCE]
        cells = [_cells(block[name], date_style) for name in df.columns]
        yield "".join(f'<row r="{r}">' + "".join(f'<c r="{col}{r}"{cell}' for col, cell in zip(letters, row)
                                                   if cell is not None) + "</row>"
                      for r, row in enumerate(zip(*cells), start + 2))
    yield "</sheetData>"


def _cells(column: pd.Series, date_style: int) -> list[str | None]:
    """Each value of the column as the rest of its cell element (after `<c r="A2"`); None for
    no value."""
    if isinstance(column.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(column.dtype):
        naive = column.dt.tz_localize(None) if isinstance(column.dtype, pd.DatetimeTZDtype) else column
        days = ((naive - EPOCH) / pd.Timedelta(days=1)).astype(object).where(naive.notna(), None)
        return [None if d is None else f' s="{date_style}"><v>{float(d)!r}</v></c>' for d in days]
    missing = column.isna().tolist()
    values = column.astype(object).tolist()
    if isinstance(column.dtype, pd.StringDtype):
        # A file's name, a source, a rule's message: most texts repeat down a column.
        seen: dict[str, str] = {}
        return [None if gone or not v else seen.get(v) or seen.setdefault(v, _text(v))
                for v, gone in zip(values, missing)]
    return [None if gone else _cell(v, date_style) for v, gone in zip(values, missing)]


def _cell(v, date_style: int) -> str | None:
    if isinstance(v, str):
        return _text(v) if v else None      # an empty text is no value, as in Excel
    if isinstance(v, bool):
        return f' t="b"><v>{int(v)}</v></c>'
    if isinstance(v, int):
        return f"><v>{v}</v></c>"
    if isinstance(v, Number):        # Decimal amounts, floats
        number = float(v)
        if number != number or number in (float("inf"), float("-inf")):
            return _text(str(v))
        return f"><v>{number!r}</v></c>"
    if isinstance(v, datetime):
        when = v.replace(tzinfo=None) if v.tzinfo is None else pd.Timestamp(v).tz_convert(None)
        return f' s="{date_style}"><v>{(pd.Timestamp(when) - EPOCH) / pd.Timedelta(days=1)!r}</v></c>'
    if isinstance(v, date):
        return f' s="{date_style}"><v>{(pd.Timestamp(v) - EPOCH).days}</v></c>'
    return _text(str(v))


def _text(text: str) -> str:
    text = _ILLEGAL.sub("", text)[:MAX_TEXT]
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f' t="inlineStr"><is><t{space}>{escaped}</t></is></c>'
