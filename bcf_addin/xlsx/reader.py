"""Read an .xlsx into bcf_addin.workbook.Workbook without Excel.

One streaming pass of expat over each sheet's XML gives everything at once: values, formulas,
styles (hence lockedness and fill), merges, protection and list validations. Shared strings and
styles are parsed once per workbook. Only the standard library is used, so that the engine can
run where no compiled XML or spreadsheet library can be installed; pandas and openpyxl are not
imported here at all, since `bcf check` has to start quickly.
"""
from __future__ import annotations

import re

from ..errors import BcfError, NotAWorkbook
from ..workbook import Cell, Sheet, Workbook, cell_ref, column_index, column_letter
from .cellvalues import iso_datetime, number, serial_datetime, unescape
from .package import WONT_OPEN, CellFormat, open_package
from .refs import MAX_COL, MAX_ROW, cell_range

X14_NS = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM_NS = "http://schemas.microsoft.com/office/excel/2006/main"

# Cells written in the file, over every sheet read: a large real template has tens of thousands,
# and each costs the reader some microseconds and hundreds of bytes.
MAX_CELLS = 400_000
# Cells from each sheet's first value to its last, over every sheet read: a block that size is
# what a program that lays a sheet out as a grid (pandas, or a reader such as calamine) would
# allocate, so one stray far-out value is refused rather than passed on to cost gigabytes.
MAX_GRID = 4_000_000
# Below this the extent of every cell is close enough to that of the cells with content.
_EXACT_EXTENT = 100_000


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
        book = _Book(pkg)
        read: dict[str, Sheet] = {}
        cells_left, grid_left = MAX_CELLS, MAX_GRID
        for sheet in (s for s in parts if s in wanted):
            scan = _scan_part(pkg, parts[sheet], book, name, sheet, cells_left)
            cells_left -= scan.count
            grid_left -= scan.grid_size()
            if grid_left < 0:
                raise _far_out(scan, name, sheet)
            read[sheet] = scan.sheet(sheet)
    return Workbook(path=name, sheets=read)


class _Book:
    """What every sheet's cells refer to: formats, shared strings (read on first use), dates."""

    def __init__(self, pkg):
        self._pkg = pkg
        formats = pkg.cell_formats()
        self.formats = {i: (f.locked, f.fill) for i, f in enumerate(formats)}
        self.dates = {i: f.dates for i, f in enumerate(formats) if f.dates}
        self.date1904 = pkg.date1904()
        self._strings: list[str] | None = None

    def string(self, index: str) -> str:
        if self._strings is None:
            self._strings = self._pkg.shared_strings()
        try:
            return self._strings[int(index)]
        except (ValueError, IndexError):
            raise ValueError(f"shared string {index} is not in the workbook") from None


def _scan_part(pkg, part: str, book: _Book, name: str, sheet: str, max_cells: int) -> _Scan:
    try:
        return pkg.stream(part, _Scan(book, max_cells))
    except OutsideSheet as exc:
        raise NotAWorkbook(f"is damaged: the cell is outside the sheet (Excel's last row is "
                           f"{MAX_ROW:,} and its last column XFD)", file=name, sheet=sheet, cell=exc.ref) from None
    except TooManyCells:
        raise NotAWorkbook(WONT_OPEN.format(f"it has more than {MAX_CELLS:,} cells, far more than any "
                                            "template"), file=name, sheet=sheet) from None
    except ValueError as exc:       # a malformed cell, range reference or value
        raise NotAWorkbook(f"is damaged ({exc})", file=name, sheet=sheet) from None


def _far_out(scan: _Scan, name: str, sheet: str) -> NotAWorkbook:
    r1, c1, r2, c2 = scan.extent
    return NotAWorkbook(
        f"holds a value far from the rest of the sheet: reading {cell_ref(r1, c1)}:{cell_ref(r2, c2)} "
        f"would take {scan.grid_size():,} cells, more than this tool reads", file=name, sheet=sheet,
        cell=scan.far_cell, hint="clear that cell, save, and try again")


class OutsideSheet(ValueError):
    """A cell reference past Excel's last row or column: no spreadsheet program writes one."""

    def __init__(self, ref: str):
        super().__init__(f"{ref} is outside the sheet")
        self.ref = ref


class TooManyCells(ValueError):
    pass


_DEFAULT_FORMAT = (True, None)
_XML_SPACE = "http://www.w3.org/XML/1998/namespace}space"
# What the scanner is inside of, by element.
(_CELL, _V, _F, _IS, _T, _PHONETIC, _ROW, _MERGE, _PROTECTION, _VALIDATION, _FORMULA1, _X14_VALIDATION,
 _X14_FORMULA1, _XM_F, _XM_SQREF) = range(15)


class _Extent:
    """Corners of a set of cells, and the cell at the far end of its longer side."""

    __slots__ = ("r1", "c1", "r2", "c2", "last_by_row", "last_by_col")

    def __init__(self):
        self.r1 = self.c1 = MAX_ROW + MAX_COL
        self.r2 = self.c2 = 0
        self.last_by_row = self.last_by_col = (0, 0)

    def add(self, row: int, col: int) -> None:
        if row < self.r1:
            self.r1 = row
        if row >= self.r2:
            self.r2 = row
            if (row, col) > self.last_by_row:
                self.last_by_row = (row, col)
        if col < self.c1:
            self.c1 = col
        if col >= self.c2:
            self.c2 = col
            if (col, row) > self.last_by_col:
                self.last_by_col = (col, row)

    def corners(self) -> tuple[int, int, int, int] | None:
        return (self.r1, self.c1, self.r2, self.c2) if self.r2 else None

    def far_cell(self) -> str:
        if self.r2 - self.r1 >= self.c2 - self.c1:
            return cell_ref(*self.last_by_row)
        col, row = self.last_by_col
        return cell_ref(row, col)


class _Scan:
    """An expat handler for one worksheet part, building its cells as they stream past.

    It runs once for every element of the sheet, so it is written for speed: one dictionary
    lookup decides what an element is, and a cell is finished where its end tag is met."""

    def __init__(self, book: _Book, max_cells: int):
        self.book = book
        self.formats = book.formats
        self.max_cells = max_cells
        self.tags: dict[str, int] | None = None
        self.cells: dict[tuple[int, int], Cell] = {}
        self.formulas: list[tuple[tuple[int, int], str, dict]] = []
        self.arrays: list[tuple[tuple[int, int, int, int], str]] = []
        self.merges: list[tuple[int, int, int, int]] = []
        self.validations: list[tuple[str, str]] = []
        self.protected = False
        self.count = 0
        self.row = self.col = 0
        self.all_cells, self.with_content = _Extent(), _Extent()
        self.extent: tuple[int, int, int, int] | None = None
        self.far_cell: str | None = None
        # The cell being read.
        self.attrs: dict = {}
        self.v: str | None = None
        self.f: tuple[str, dict] | None = None
        self.f_attrs: dict = {}
        self.inline: list[str] | None = None       # the texts of an inline string's <t>s
        self.children = False
        self.buf: list[str] = []
        self.collect = False
        self.preserve = self.phonetic = False
        self.validation: dict | None = None
        self.in_formula1 = False
        self.empties: dict[tuple, Cell] = {}

    # -- expat callbacks --------------------------------------------------------
    def start(self, tag: str, attrs: dict) -> None:
        tags = self.tags
        if tags is None:
            tags = self.tags = _tags(tag.rpartition("}")[0])
        kind = tags.get(tag)
        if kind is None:
            return
        if kind == _CELL:
            self.attrs = attrs
            self.v = self.f = self.inline = None
            self.children = False
            self.count += 1
            if self.count > self.max_cells:
                raise TooManyCells()
            ref = attrs.get("r")
            if ref:
                self.row, self.col = _split_ref(ref)
            else:
                self.col += 1
                if not (0 < self.row <= MAX_ROW and 0 < self.col <= MAX_COL):
                    raise OutsideSheet(cell_ref(self.row, self.col) if 0 < self.col else f"R{self.row}C{self.col}")
        elif kind == _V:
            self.children = self.collect = True
            self.buf = []
        elif kind == _T:
            if self.inline is not None and not self.phonetic:
                self.collect = True
                self.buf = []
                self.preserve = attrs.get(_XML_SPACE) == "preserve"
        elif kind == _ROW:
            r = attrs.get("r")
            self.row = _int(r, self.row + 1) if r is not None else self.row + 1
            self.col = 0
        elif kind == _F:
            self.children = self.collect = True
            self.buf = []
            self.f_attrs = attrs
        elif kind == _IS:
            self.children = True
            self.inline = []
        elif kind == _PHONETIC:
            self.phonetic = True
        elif kind == _MERGE:
            rng = cell_range(attrs.get("ref") or "")
            if rng:
                self.merges.append(rng)
        elif kind == _PROTECTION:
            self.protected = attrs.get("sheet") in ("1", "true")
        elif kind == _VALIDATION:
            self.validation = {"sqref": attrs.get("sqref")} if attrs.get("type") == "list" else None
        elif kind == _X14_VALIDATION:
            self.validation = {"sqref": None} if attrs.get("type") == "list" else None
        elif self.validation is not None:
            if kind == _X14_FORMULA1:
                self.in_formula1 = True
            elif kind != _XM_F or self.in_formula1:      # formula1, x14:formula1/xm:f, xm:sqref
                self.buf = []
                self.collect = True

    def chars(self, text: str) -> None:
        if self.collect:
            self.buf.append(text)

    def end(self, tag: str) -> None:
        kind = self.tags.get(tag)
        if kind is None:
            return
        self.collect = False
        if kind == _CELL:
            self._cell()
        elif kind == _V:
            self.v = "".join(self.buf)
        elif kind == _T:
            if self.inline is not None and not self.phonetic:
                text = "".join(self.buf)
                self.inline.append(unescape(text if self.preserve else text.strip(" \t\r\n")))
        elif kind == _F:
            self.f = ("".join(self.buf), self.f_attrs)
        elif kind == _PHONETIC:
            self.phonetic = False
        elif kind in (_VALIDATION, _X14_VALIDATION):
            found = self.validation
            if found and found["sqref"] and found.get("formula") is not None:
                self.validations.append((found["sqref"], found["formula"]))
            self.validation = None
        elif self.validation is not None:
            if kind == _FORMULA1 or kind == _XM_F and self.in_formula1:
                self.validation["formula"] = "".join(self.buf)
            elif kind == _XM_SQREF:
                self.validation["sqref"] = "".join(self.buf)
            elif kind == _X14_FORMULA1:
                self.in_formula1 = False

    # -- cells ----------------------------------------------------------------------
    def _cell(self) -> None:
        key = (self.row, self.col)
        self.all_cells.add(*key)
        attrs = self.attrs
        s = attrs.get("s")
        kind = attrs.get("t")
        f = self.f
        special = f is not None or kind == "e"
        if not self.children:
            if s is None and not special:
                return
            value = None
        else:
            self.with_content.add(*key)
            value = self.v if kind == "e" else self._value(kind, s)
        style = (int(s) if s.isdigit() else 0) if s else 0
        formula = None
        if f is not None:
            text, f_attrs = f
            if f_attrs:
                self.formulas.append((key, text, f_attrs))
            else:
                formula = text[1:] if text.startswith("=") else text
        locked, fill = self.formats.get(style, _DEFAULT_FORMAT)
        if value is not None:
            self.cells[key] = Cell(value, formula, locked, style, fill)
        elif s is not None or special:
            shape = (None, formula, locked, style, fill)
            # Input areas are mostly identical empty styled cells; Cell is frozen, so share them.
            cell = self.empties.get(shape)
            if cell is None:
                cell = self.empties[shape] = Cell(*shape)
            self.cells[key] = cell

    def _value(self, kind: str | None, s: str | None):
        """The cell's value as a person sees it, or None when it shows nothing."""
        if self.inline is not None:
            return "".join(self.inline) or None
        v = self.v
        if not v or kind == "inlineStr":
            return None
        if kind is None or kind == "n":
            value = number(v)
            if value is None:
                if kind is None:
                    return v          # no type and not a number: the text itself
                raise ValueError(f"{v!r} is not a number")
            if s is not None and self.book.dates and self.book.dates.get(_int(s, 0)) == "datetime" \
                    and value.is_finite():
                return serial_datetime(value, self.book.date1904) or value
            return value
        if kind == "s":
            return self.book.string(v) or None
        if kind == "str":
            return unescape(v)
        if kind == "b":
            return v != "0"
        if kind == "d":
            return iso_datetime(v)
        raise ValueError(f"a cell has the unknown type {kind!r}")

    # -- the finished sheet --------------------------------------------------------------
    def grid_size(self) -> int:
        if self.extent is None:
            self._set_extent()
        if self.extent is None:
            return 0
        r1, c1, r2, c2 = self.extent
        return (r2 - r1 + 1) * (c2 - c1 + 1)

    def _set_extent(self) -> None:
        # Empty cells do not count towards a value grid unless the extent of them all is small.
        extent = self.all_cells
        corners = extent.corners()
        if corners and (corners[2] - corners[0] + 1) * (corners[3] - corners[1] + 1) > _EXACT_EXTENT:
            extent = self.with_content
            corners = extent.corners()
        self.extent = corners
        self.far_cell = extent.far_cell() if corners else None

    def sheet(self, name: str) -> Sheet:
        cells = self.cells
        self._resolve_formulas()
        if self.arrays:
            for key, cell in cells.items():
                if cell.formula is None:
                    formula = _in_array(self.arrays, *key)
                    if formula is not None:
                        cells[key] = cell._replace(formula=formula)
        max_row = max((r for r, _ in cells), default=0)
        max_col = max((c for _, c in cells), default=0)
        return Sheet(name=name, cells=cells, merges=self.merges, protected=self.protected,
                     validations=self.validations, max_row=max_row, max_col=max_col)

    def _resolve_formulas(self) -> None:
        """Shared, array and data-table formulas: masters first, since a dependent shared
        formula is written relative to its master."""
        shared: dict[str, tuple[int, int, str]] = {}
        pending = sorted(self.formulas, key=lambda x: not (x[2].get("t") == "shared" and x[1]))
        cells = self.cells
        for key, text, attrs in pending:
            formula = _formula(text, attrs, *key, shared, self.arrays)
            cells[key] = cells[key]._replace(formula=formula)


def _tags(ns: str) -> dict[str, int]:
    main = ns + "}" if ns else ""          # a sheet in no namespace, as some programs write
    x14, xm = X14_NS + "}", XM_NS + "}"
    return {main + "c": _CELL, main + "v": _V, main + "f": _F, main + "is": _IS, main + "row": _ROW,
            main + "t": _T, main + "rPh": _PHONETIC,
            main + "mergeCell": _MERGE, main + "sheetProtection": _PROTECTION,
            main + "dataValidation": _VALIDATION, main + "formula1": _FORMULA1,
            x14 + "dataValidation": _X14_VALIDATION, x14 + "formula1": _X14_FORMULA1, xm + "f": _XM_F,
            xm + "sqref": _XM_SQREF}


def _int(text: str, default: int) -> int:
    try:
        return int(text)
    except ValueError:
        return default


def _formula(text: str, attrs: dict, row: int, col: int, shared: dict, arrays: list) -> str:
    if text.startswith("="):
        text = text[1:]
    kind = attrs.get("t")
    if kind == "shared":
        si = attrs.get("si") or ""
        if text:
            shared[si] = (row, col, text)
        elif si in shared:
            m_row, m_col, master = shared[si]
            text = shift_formula(master, row - m_row, col - m_col)
    elif kind == "array":
        rng = cell_range(attrs.get("ref") or "")
        if rng:
            arrays.append((rng, text))
    elif kind == "dataTable":
        text = f"TABLE({attrs.get('r1') or ''},{attrs.get('r2') or ''})"
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
        if col > MAX_COL:
            raise OutsideSheet(ref)
        _COLUMNS[letters] = col
    if not digits:
        raise ValueError(f"{ref!r} is not a cell reference")
    row = int(digits)
    if not 0 < row <= MAX_ROW:
        raise OutsideSheet(ref)
    return row, col
