"""Read an .xlsx into bcf_addin.model.Workbook without Excel.

Values come from python-calamine (fast, and it resolves shared strings and dates); what the
engine needs besides values - formulas, styles, lockedness, merges, validations - comes from
one streaming lxml pass over each sheet's XML. pandas and openpyxl are deliberately not
imported here: `bcf check` has to start quickly.
"""
from __future__ import annotations

import io
import os
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from lxml import etree

from ..errors import BcfError, NotAWorkbook
from ..model import Cell, Sheet, Value, Workbook
from .package import CellFormat, open_package

X14_NS = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM_NS = "http://schemas.microsoft.com/office/excel/2006/main"
_MAX_EXACT_INT = 2**53
_DEFAULT_FORMAT = CellFormat()


def read_workbook(path, sheets: list[str] | None = None) -> Workbook:
    """Every worksheet (or just `sheets`) of the workbook at `path`, in workbook order."""
    name = str(path)
    with open_package(path) as pkg:
        parts = pkg.sheet_parts()
        wanted = list(parts) if sheets is None else list(dict.fromkeys(sheets))
        for sheet in wanted:
            if sheet not in parts:
                raise BcfError(f"has no sheet named '{sheet}'", file=name, sheet=sheet,
                               hint="its sheets are: " + ", ".join(f"'{s}'" for s in parts))
        formats = pkg.cell_formats()
        ordered = [s for s in parts if s in wanted]
        scans = {s: _scan_sheet(pkg.read(parts[s]), formats) for s in ordered}
    grids = _values(path, name, ordered)
    return Workbook(path=name, sheets={s: _combine(s, grids[s], scans[s]) for s in ordered})


def _values(path, name: str, sheets: list[str]) -> dict[str, list[list]]:
    from python_calamine import CalamineWorkbook

    grids = {}
    sheet = None
    try:
        book = CalamineWorkbook.from_path(os.fspath(path))
        try:
            for sheet in sheets:
                # With skip_empty_area=False the grid starts at A1 whatever the first used cell is.
                grids[sheet] = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        finally:
            book.close()
    except Exception as exc:  # calamine raises its own error types for damaged content
        raise NotAWorkbook(f"is damaged and cannot be read ({exc})", file=name, sheet=sheet) from None
    return grids


def _combine(name: str, grid: list[list], scan: _Scan) -> Sheet:
    cells: dict[tuple[int, int], Cell] = {}
    meta = scan.cells
    for r, row in enumerate(grid, 1):
        if row.count("") == len(row):
            continue
        for c, raw in enumerate(row, 1):
            if raw.__class__ is str and not raw:
                continue
            formula, style, _error = meta.get((r, c), (None, 0, None))
            fmt = scan.format(style)
            cells[(r, c)] = Cell(_convert(raw), formula, fmt.locked, style, fmt.fill)
    for key, (formula, style, error) in meta.items():
        if key not in cells:
            fmt = scan.format(style)
            # calamine gives '' for an error value; the error text is more use to a check.
            cells[key] = Cell(error, formula, fmt.locked, style, fmt.fill)
    max_row = max((r for r, _ in cells), default=0)
    max_col = max((c for _, c in cells), default=0)
    return Sheet(name=name, cells=cells, merges=scan.merges, protected=scan.protected,
                 validations=scan.validations, max_row=max_row, max_col=max_col)


def _convert(raw) -> Value:
    cls = raw.__class__
    if cls is float:
        if raw.is_integer() and abs(raw) < _MAX_EXACT_INT:
            return Decimal(int(raw))
        # repr is the shortest string that round-trips, so 0.45 stays 0.45 and not 0.4500000000000000111
        return Decimal(repr(raw))
    if cls is str:
        return raw or None
    if cls is bool:
        return raw
    if cls is int:
        return Decimal(raw)
    if isinstance(raw, datetime):
        return raw
    if isinstance(raw, date):
        return datetime(raw.year, raw.month, raw.day)
    # Times and durations are fractions of a day in the file; keep them as that number.
    if isinstance(raw, time):
        seconds = raw.hour * 3600 + raw.minute * 60 + raw.second + raw.microsecond / 1e6
        return Decimal(repr(seconds / 86400))
    if isinstance(raw, timedelta):
        return Decimal(repr(raw.total_seconds() / 86400))
    return str(raw)


# -- metadata pass ---------------------------------------------------------------

class _Scan:
    def __init__(self, formats: list[CellFormat]):
        self.formats = formats
        self.cells: dict[tuple[int, int], tuple[str | None, int, str | None]] = {}
        self.merges: list[tuple[int, int, int, int]] = []
        self.validations: list[tuple[str, str]] = []
        self.protected = False

    def format(self, style: int) -> CellFormat:
        return self.formats[style] if 0 <= style < len(self.formats) else _DEFAULT_FORMAT


_TAGS = ("{*}row", "{*}c", "{*}mergeCell", "{*}sheetProtection", "{*}dataValidation")


def _scan_sheet(data: bytes, formats: list[CellFormat]) -> _Scan:
    scan = _Scan(formats)
    shared: dict[str, tuple[int, int, str]] = {}     # si -> master row, col, formula
    arrays: list[tuple[tuple[int, int, int, int], str]] = []
    row_no = 0
    col_no = 0
    for event, el in etree.iterparse(io.BytesIO(data), events=("start", "end"), tag=_TAGS,
                                     resolve_entities=False, no_network=True, huge_tree=True):
        local = el.tag[el.tag.rfind("}") + 1:]
        if event == "start":
            if local == "row":
                row_no = _int(el.get("r"), row_no + 1)
                col_no = 0
            continue
        if local == "c":
            ref = el.get("r")
            if ref:
                row_no, col_no = _split_ref(ref, row_no)
            else:
                col_no += 1
            formula = error = None
            for child in el:
                tag = child.tag
                if not isinstance(tag, str):
                    continue
                if tag.endswith("}f"):
                    formula = _formula(child, row_no, col_no, shared, arrays)
                elif tag.endswith("}v") and el.get("t") == "e":
                    error = child.text
            if formula is None and arrays:
                formula = _in_array(arrays, row_no, col_no)
            scan.cells[(row_no, col_no)] = (formula, _int(el.get("s")), error)
        elif local == "row":
            el.clear()
            parent = el.getparent()
            # Drop finished rows so a long sheet is not held in memory twice.
            while el.getprevious() is not None:
                del parent[0]
        elif local == "mergeCell":
            rng = _range(el.get("ref") or "")
            if rng:
                scan.merges.append(rng)
        elif local == "sheetProtection":
            scan.protected = el.get("sheet") in ("1", "true")
        elif local == "dataValidation":
            found = _validation(el)
            if found:
                scan.validations.append(found)
    return scan


def _validation(el) -> tuple[str, str] | None:
    if el.get("type") != "list":
        return None
    ns = etree.QName(el).namespace
    if ns == X14_NS:
        formula = el.findtext(f"{{{X14_NS}}}formula1/{{{XM_NS}}}f")
        sqref = el.findtext(f"{{{XM_NS}}}sqref")
    else:
        formula = el.findtext(f"{{{ns}}}formula1")
        sqref = el.get("sqref")
    return (sqref, formula) if sqref and formula is not None else None


def _formula(f, row: int, col: int, shared: dict, arrays: list) -> str:
    text = f.text or ""
    if text.startswith("="):
        text = text[1:]
    kind = f.get("t")
    if kind == "shared":
        si = f.get("si") or ""
        if text:
            shared[si] = (row, col, text)
        elif si in shared:
            m_row, m_col, master = shared[si]
            text = shift_formula(master, row - m_row, col - m_col)
    elif kind == "array":
        rng = _range(f.get("ref") or "")
        if rng:
            arrays.append((rng, text))
    elif kind == "dataTable":
        text = f"TABLE({f.get('r1') or ''},{f.get('r2') or ''})"
    return text


def _in_array(arrays, row: int, col: int) -> str | None:
    for (r1, c1, r2, c2), text in arrays:
        if r1 <= row <= r2 and c1 <= col <= c2:
            return text
    return None


# A1 references outside string literals and quoted sheet names; a name such as LOG10( or
# Sheet1! is not a reference. Groups: string, quoted name, cell ref, column range, row range.
_REF_RE = re.compile(
    r"""("(?:[^"]|"")*")|('(?:[^']|'')*')"""
    r"""|(?<![A-Za-z0-9_.$])(\$?)([A-Z]{1,3})(\$?)([0-9]+)(?![A-Za-z0-9_(!\[])"""
    r"""|(?<![A-Za-z0-9_.$:])(\$?)([A-Z]{1,3}):(\$?)([A-Z]{1,3})(?![A-Za-z0-9_(!\[])"""
    r"""|(?<![A-Za-z0-9_.$:])(\$?)([0-9]+):(\$?)([0-9]+)(?![A-Za-z0-9_(!\[.])""")


def shift_formula(text: str, d_row: int, d_col: int) -> str:
    """A shared formula as it reads in a cell d_row rows and d_col columns from its master."""
    from ..model import column_index, column_letter

    def col(mark: str, letters: str) -> str:
        return mark + (letters if mark else column_letter(column_index(letters) + d_col))

    def row(mark: str, digits: str) -> str:
        return mark + (digits if mark else str(int(digits) + d_row))

    def sub(m: re.Match) -> str:
        g = m.groups()
        if g[0] is not None or g[1] is not None:
            return m.group(0)
        if g[3] is not None:
            return col(g[2], g[3]) + row(g[4], g[5])
        if g[7] is not None:
            return col(g[6], g[7]) + ":" + col(g[8], g[9])
        return row(g[10], g[11]) + ":" + row(g[12], g[13])

    return _REF_RE.sub(sub, text)


def _split_ref(ref: str, row_hint: int) -> tuple[int, int]:
    col = 0
    i = 0
    for ch in ref:
        o = ord(ch)
        if 65 <= o <= 90:
            col = col * 26 + o - 64
        elif 97 <= o <= 122:
            col = col * 26 + o - 96
        elif ch != "$":
            break
        i += 1
    return _int(ref[i:].replace("$", ""), row_hint), col


def _range(ref: str) -> tuple[int, int, int, int] | None:
    first, _, last = ref.partition(":")
    try:
        r1, c1 = _split_ref(first, 0)
        r2, c2 = _split_ref(last, 0) if last else (r1, c1)
    except ValueError:
        return None
    if not (r1 and c1 and r2 and c2):
        return None
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def _int(text: str | None, default: int = 0) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default
