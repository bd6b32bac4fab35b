"""The reader bcf_addin.xlsx.reader replaced, kept as the yardstick its output is compared with.

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
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from lxml import etree

from bcf_addin.errors import BcfError, NotAWorkbook
from bcf_addin.workbook import Cell, Sheet, Value, Workbook, cell_ref
from bcf_addin.xlsx.formulas import cell_formula as _text_formula
from bcf_addin.xlsx.formulas import in_array as _in_array
from bcf_addin.xlsx.package import WONT_OPEN, CellFormat, open_package
from bcf_addin.xlsx.reader import MAX_CELLS, MAX_GRID, _far_out
from bcf_addin.xlsx.refs import MAX_COL, MAX_ROW, OutsideSheet, cell_range, int_attr
from bcf_addin.xlsx.refs import split_ref as _split_ref
from bcf_addin.xlsx.sheetscan import TooManyCells

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
        scans: dict[str, _Scan] = {}
        cells_left, grid_left = MAX_CELLS, MAX_GRID
        for sheet in ordered:
            scans[sheet] = scan = _scan_part(pkg, parts[sheet], formats, name, sheet, cells_left)
            cells_left -= scan.count
            grid_left -= scan.grid_size()
            if grid_left < 0:
                raise _far_out(scan, name, sheet)
    grids = _values(path if data is None else io.BytesIO(data), name, ordered)
    return Workbook(path=name, sheets={s: _combine(s, *grids.pop(s), scans.pop(s)) for s in ordered})


def _scan_part(pkg, part: str, formats: list[CellFormat], name: str, sheet: str, max_cells: int) -> _Scan:
    try:
        return _scan_sheet(etree.fromstring(pkg.read(part), etree.XMLParser(resolve_entities=False, huge_tree=True)),
                           formats, max_cells)
    except OutsideSheet as exc:
        raise NotAWorkbook(f"is damaged: the cell is outside the sheet (Excel's last row is "
                           f"{MAX_ROW:,} and its last column XFD)", file=name, sheet=sheet, cell=exc.ref) from None
    except TooManyCells:
        raise NotAWorkbook(WONT_OPEN.format(f"it has more than {MAX_CELLS:,} cells, far more than any "
                                            "template"), file=name, sheet=sheet) from None
    except ValueError as exc:       # a malformed cell or range reference
        raise NotAWorkbook(f"is damaged ({exc})", file=name, sheet=sheet) from None


def _values(path, name: str, sheets: list[str]) -> dict[str, tuple[list[list], tuple[int, int]]]:
    """Each sheet's values from its first used cell to its last, and where that block starts."""
    from python_calamine import CalamineWorkbook

    grids = {}
    sheet = None
    try:
        book = (CalamineWorkbook.from_filelike(path) if isinstance(path, io.BytesIO)
                else CalamineWorkbook.from_path(os.fspath(path)))
        try:
            for sheet in sheets:
                # Only the used block: a grid padded from A1 to one far-out value would be enormous.
                values = book.get_sheet_by_name(sheet)
                grids[sheet] = (values.to_python(skip_empty_area=True), values.start or (0, 0))
        finally:
            book.close()
    except BaseException as exc:  # calamine raises its own error types, and a panic, for damaged content
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise NotAWorkbook(f"is damaged and cannot be read ({exc})", file=name, sheet=sheet) from None
    return grids


def _combine(name: str, grid: list[list], start: tuple[int, int], scan: _Scan) -> Sheet:
    cells: dict[tuple[int, int], Cell] = {}
    meta = scan.cells
    formats = scan.formats
    blank_meta = (None, 0, None)
    first_col = start[1] + 1
    for r, row in enumerate(grid, start[0] + 1):
        if row.count("") == len(row):
            continue
        for c, raw in enumerate(row, first_col):
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
        self.count = 0                                          # <c> elements
        self.extent: tuple[int, int, int, int] | None = None    # corners of the cells with content
        self.far_cell: str | None = None                        # the cell that stretches it most

    def grid_size(self) -> int:
        if self.extent is None:
            return 0
        r1, c1, r2, c2 = self.extent
        return (r2 - r1 + 1) * (c2 - c1 + 1)

    def set_extent(self, keys: list[tuple[int, int]]) -> None:
        if not keys:
            self.extent = self.far_cell = None
            return
        rows, cols = zip(*keys)
        r1, r2, c1, c2 = min(rows), max(rows), min(cols), max(cols)
        self.extent = (r1, c1, r2, c2)
        # Tall or wide: name the cell at the far end of the longer side.
        far = max(keys) if r2 - r1 >= c2 - c1 else max(keys, key=lambda k: (k[1], k[0]))
        self.far_cell = cell_ref(*far)


# Below this the extent of every cell is close enough to that of the cells with content.
_EXACT_EXTENT = 100_000


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
        self.unstyled_refs = xp("m:row/m:c[not(@s)]/@r", smart=False)
        self.content_refs = xp("m:row/m:c[*]/@r", smart=False)      # a value, formula or inline text
        self.count = xp("count(m:row/m:c)")

    @classmethod
    def get(cls, ns: str) -> _Queries:
        if ns not in cls._cache:
            cls._cache[ns] = cls(ns)
        return cls._cache[ns]


def _scan_sheet(root, formats: list[CellFormat], max_cells: int = MAX_CELLS) -> _Scan:
    scan = _Scan(formats)
    ns = etree.QName(root).namespace or ""
    sheet_data = root.find(f"{{{ns}}}sheetData")
    if sheet_data is not None:
        queries = _Queries.get(ns)
        # Counted in C before any cell is visited from Python.
        scan.count = int(queries.count(sheet_data))
        if scan.count > max_cells:
            raise TooManyCells()
        refs = queries.styled_refs(sheet_data)
        styles = queries.styles(sheet_data)
        special = queries.special(sheet_data)
        unstyled = queries.unstyled_refs(sheet_data)
        if len(refs) + len(unstyled) != scan.count or any(c.get("r") is None for c in special):
            _scan_cells_slowly(sheet_data, ns, scan)
        else:
            cells = scan.cells
            for ref, style in zip(refs, styles):
                cells[_split_ref(ref)] = (None, int_attr(style), None)
            # Unstyled cells are not kept, but a position past the sheet is damage all the same.
            keys = [*cells, *map(_split_ref, unstyled)]
            scan.set_extent(keys)
            if scan.grid_size() > _EXACT_EXTENT:
                # Empty cells do not count towards the value grid: take the extent of the rest.
                scan.set_extent(list(map(_split_ref, queries.content_refs(sheet_data))))
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
    with_content = []
    row_no = 0
    for row in sheet_data.iterchildren(f"{{{ns}}}row"):
        row_no = int_attr(row.get("r"), row_no + 1)
        col_no = 0
        for c in row.iterchildren(f"{{{ns}}}c"):
            ref = c.get("r")
            row_no, col_no = _split_ref(ref) if ref else (row_no, col_no + 1)
            if not (0 < row_no <= MAX_ROW and 0 < col_no <= MAX_COL):
                raise OutsideSheet(cell_ref(row_no, col_no) if 0 < col_no else f"R{row_no}C{col_no}")
            if len(c):
                with_content.append((row_no, col_no))
            f = c.find(f"{{{ns}}}f")
            formula = _formula(f, row_no, col_no, shared, scan.arrays) if f is not None else None
            error = c.findtext(f"{{{ns}}}v") if c.get("t") == "e" else None
            scan.cells[(row_no, col_no)] = (formula, int_attr(c.get("s")), error)
    scan.set_extent(with_content)


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
    # Formula text (shared and array formulas) is read alike by both readers; only values differ.
    return _text_formula(f.text or "", dict(f.attrib), row, col, shared, arrays)
