"""Read an .xlsx into bcf_addin.model.Workbook without Excel.

Values come from python-calamine (fast, and it resolves shared strings, escapes and dates);
what the engine needs besides values - formulas, styles, lockedness, merges, validations -
comes from one lxml parse of each sheet's XML, queried with compiled XPath so that tens of
thousands of cells are not visited one by one from Python. openpyxl's read-only mode was the
other candidate for the metadata, but it reports neither merged cells nor data validations and
costs several times the parse; pandas and openpyxl are not imported here at all, since
`bcf check` has to start quickly.
"""
from __future__ import annotations

import io
import os
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from lxml import etree

from ..errors import BcfError, NotAWorkbook
from ..model import Cell, Sheet, Value, Workbook, column_index, column_letter
from .package import CellFormat, open_package, parse_xml
from .refs import cell_range, int_attr

X14_NS = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM_NS = "http://schemas.microsoft.com/office/excel/2006/main"
_MAX_EXACT_INT = 2**53


def read_workbook(path, sheets: list[str] | None = None, *, data: bytes | None = None) -> Workbook:
    """Every worksheet (or just `sheets`) of the workbook at `path`, in workbook order.

    With `data`, the workbook is read from those bytes and `path` only names it in messages.
    """
    name = str(path)
    with open_package(path, data) as pkg:
        parts = pkg.sheet_parts()
        wanted = list(parts) if sheets is None else list(dict.fromkeys(sheets))
        for sheet in wanted:
            if sheet not in parts:
                raise BcfError(f"has no sheet named '{sheet}'", file=name, sheet=sheet,
                               hint="its sheets are: " + ", ".join(f"'{s}'" for s in parts))
        formats = pkg.cell_formats()
        ordered = [s for s in parts if s in wanted]
        try:
            scans = {s: _scan_sheet(pkg.read(parts[s]), formats, name, parts[s]) for s in ordered}
        except ValueError as exc:       # a malformed cell or range reference
            raise NotAWorkbook(f"is damaged ({exc})", file=name) from None
    grids = _values(path if data is None else io.BytesIO(data), name, ordered)
    return Workbook(path=name, sheets={s: _combine(s, grids[s], scans[s]) for s in ordered})


def _values(path, name: str, sheets: list[str]) -> dict[str, list[list]]:
    from python_calamine import CalamineWorkbook

    grids = {}
    sheet = None
    try:
        book = (CalamineWorkbook.from_filelike(path) if isinstance(path, io.BytesIO)
                else CalamineWorkbook.from_path(os.fspath(path)))
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
    formats = scan.formats
    blank_meta = (None, 0, None)
    for r, row in enumerate(grid, 1):
        if row.count("") == len(row):
            continue
        for c, raw in enumerate(row, 1):
            cls = raw.__class__
            if cls is str:
                if not raw:
                    continue
                value = raw
            elif cls is float:
                value = _number(raw)
            else:
                value = _convert(raw)
            formula, style, _error = meta.get((r, c), blank_meta)
            locked, fill = formats.get(style, _DEFAULT_FORMAT)
            cells[(r, c)] = Cell(value, formula, locked, style, fill)
    empties: dict[tuple, Cell] = {}
    for key, (formula, style, error) in meta.items():
        if key not in cells:
            locked, fill = formats.get(style, _DEFAULT_FORMAT)
            # calamine gives '' for an error value; the error text is more use to a check.
            shape = (error, formula, locked, style, fill)
            # Input areas are mostly identical empty styled cells; Cell is frozen, so share them.
            cell = empties.get(shape)
            if cell is None:
                cell = empties[shape] = Cell(*shape)
            cells[key] = cell
    if scan.arrays:
        for key, cell in cells.items():
            if cell.formula is None:
                formula = _in_array(scan.arrays, *key)
                if formula is not None:
                    cells[key] = Cell(cell.value, formula, cell.locked, cell.style, cell.fill)
    max_row = max((r for r, _ in cells), default=0)
    max_col = max((c for _, c in cells), default=0)
    return Sheet(name=name, cells=cells, merges=scan.merges, protected=scan.protected,
                 validations=scan.validations, max_row=max_row, max_col=max_col)


def _number(raw: float) -> Decimal:
    if raw.is_integer() and -_MAX_EXACT_INT < raw < _MAX_EXACT_INT:
        return Decimal(int(raw))
    # repr is the shortest string that round-trips, so 0.45 stays 0.45 and not 0.4500000000000000111
    return Decimal(repr(raw))


def _convert(raw) -> Value:
    if raw.__class__ is float:
        return _number(raw)
    if isinstance(raw, str):
        return raw or None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, datetime):
        return raw
    if isinstance(raw, date):
        return datetime(raw.year, raw.month, raw.day)
    # Times and durations are fractions of a day in the file; keep them as that number.
    if isinstance(raw, time):
        seconds = raw.hour * 3600 + raw.minute * 60 + raw.second + raw.microsecond / 1e6
        return _number(seconds / 86400)
    if isinstance(raw, timedelta):
        return _number(raw.total_seconds() / 86400)
    return str(raw)


# -- metadata pass ---------------------------------------------------------------

class _Scan:
    def __init__(self, formats: list[CellFormat]):
        # style index -> (locked, fill)
        self.formats = {i: (f.locked, f.fill) for i, f in enumerate(formats)}
        self.cells: dict[tuple[int, int], tuple[str | None, int, str | None]] = {}
        self.arrays: list[tuple[tuple[int, int, int, int], str]] = []
        self.merges: list[tuple[int, int, int, int]] = []
        self.validations: list[tuple[str, str]] = []
        self.protected = False


_DEFAULT_FORMAT = (True, None)


class _Queries:
    """Compiled XPath per namespace (transitional or strict). Pulling attribute values out in
    C is several times faster than visiting tens of thousands of cells from Python."""

    _cache: dict[str, _Queries] = {}

    def __init__(self, ns: str):
        def xp(path: str, smart: bool = True):
            return etree.XPath(path, namespaces={"m": ns}, smart_strings=smart)

        self.styled_refs = xp("m:row/m:c[@s]/@r", smart=False)
        self.styles = xp("m:row/m:c[@s]/@s", smart=False)
        self.special = xp("m:row/m:c[m:f or @t='e']")

    @classmethod
    def get(cls, ns: str) -> _Queries:
        if ns not in cls._cache:
            cls._cache[ns] = cls(ns)
        return cls._cache[ns]


def _scan_sheet(data: bytes, formats: list[CellFormat], file: str = "", part: str = "") -> _Scan:
    scan = _Scan(formats)
    root = parse_xml(data, file, part)
    ns = etree.QName(root).namespace or ""
    sheet_data = root.find(f"{{{ns}}}sheetData")
    if sheet_data is not None:
        queries = _Queries.get(ns)
        refs = queries.styled_refs(sheet_data)
        styles = queries.styles(sheet_data)
        special = queries.special(sheet_data)
        if len(refs) != len(styles) or any(c.get("r") is None for c in special):
            _scan_cells_slowly(sheet_data, ns, scan)
        else:
            cells = scan.cells
            for ref, style in zip(refs, styles):
                cells[_split_ref(ref)] = (None, int_attr(style), None)
            shared: dict[str, tuple[int, int, str]] = {}      # si -> master row, col, formula
            # Masters first: a dependent shared formula is written relative to its master.
            f_tag = f"{{{ns}}}f"
            special.sort(key=lambda c: c.find(f_tag) is None or not _is_shared_master(c.find(f_tag)))
            for c in special:
                key = _split_ref(c.get("r"))
                f = c.find(f_tag)
                formula = _formula(f, *key, shared, scan.arrays) if f is not None else None
                error = c.findtext(f"{{{ns}}}v") if c.get("t") == "e" else None
                cells[key] = (formula, int_attr(c.get("s")), error)
    for el in root.iterfind(f"{{{ns}}}mergeCells/{{{ns}}}mergeCell"):
        rng = cell_range(el.get("ref") or "")
        if rng:
            scan.merges.append(rng)
    protection = root.find(f"{{{ns}}}sheetProtection")
    scan.protected = protection is not None and protection.get("sheet") in ("1", "true")
    for el in root.iterfind(f"{{{ns}}}dataValidations/{{{ns}}}dataValidation"):
        _add_validation(scan, el)
    x14 = f"{{{X14_NS}}}"
    for el in root.iterfind(f"{{{ns}}}extLst/{{*}}ext/{x14}dataValidations/{x14}dataValidation"):
        _add_validation(scan, el)
    return scan


def _is_shared_master(f) -> bool:
    return f.get("t") == "shared" and bool(f.text)


def _scan_cells_slowly(sheet_data, ns: str, scan: _Scan) -> None:
    """For files whose rows or cells omit `r`, leaving positions implied by order."""
    shared: dict[str, tuple[int, int, str]] = {}
    row_no = 0
    for row in sheet_data.iterchildren(f"{{{ns}}}row"):
        row_no = int_attr(row.get("r"), row_no + 1)
        col_no = 0
        for c in row.iterchildren(f"{{{ns}}}c"):
            ref = c.get("r")
            row_no, col_no = _split_ref(ref) if ref else (row_no, col_no + 1)
            f = c.find(f"{{{ns}}}f")
            formula = _formula(f, row_no, col_no, shared, scan.arrays) if f is not None else None
            error = c.findtext(f"{{{ns}}}v") if c.get("t") == "e" else None
            scan.cells[(row_no, col_no)] = (formula, int_attr(c.get("s")), error)


def _add_validation(scan: _Scan, el) -> None:
    found = _validation(el)
    if found:
        scan.validations.append(found)


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
        rng = cell_range(f.get("ref") or "")
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


_COLUMNS: dict[str, int] = {}


def _split_ref(ref: str) -> tuple[int, int]:
    """'AB12' -> (12, 28), caching the column letters: a sheet has few distinct columns."""
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters):]
    col = _COLUMNS.get(letters)
    if col is None:
        bare = letters.replace("$", "").upper()
        if not (bare.isascii() and bare.isalpha() and len(bare) <= 3):
            raise ValueError(f"{ref!r} is not a cell reference")
        col = 0
        for ch in bare:
            col = col * 26 + ord(ch) - 64
        _COLUMNS[letters] = col
    if not digits:
        raise ValueError(f"{ref!r} is not a cell reference")
    return int(digits), col


