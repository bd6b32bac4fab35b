"""Read an .xlsx into bcf_addin.workbook.Workbook without Excel.

One streaming pass of expat over each sheet's XML gives everything at once: values, formulas,
styles (hence lockedness and fill), merges, protection and list validations. Shared strings and
styles are parsed once per workbook. Only the standard library is used, so that the engine can
run where no compiled XML or spreadsheet library can be installed; pandas and openpyxl are not
imported here at all, since `bcf check` has to start quickly. Each sheet part is read by sheetscan.py, its sheetData
matched by pattern first where it is plain (plainsheet.py).
"""
from __future__ import annotations

from ..errors import BcfError, NotAWorkbook
from ..workbook import Sheet, Workbook, cell_ref
from . import plainsheet
from .package import WONT_OPEN, open_package
from .refs import MAX_ROW, OutsideSheet, split_ref
from .sheetscan import SheetScan, TooManyCells, shown_text

# Cells written in the file, over every sheet read: a large real template has tens of thousands,
# and each costs the reader some microseconds and hundreds of bytes.
MAX_CELLS = 400_000
# Cells from each sheet's first value to its last, over every sheet read: a block that size is
# what a program that lays a sheet out as a grid (pandas, or a reader such as calamine) would
# allocate, so one stray far-out value is refused rather than passed on to cost gigabytes.
MAX_GRID = 4_000_000

_PLAIN_COLUMNS: dict[bytes, int] = {}      # column letters, as bytes, to their numbers


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
        recalculate = pkg.recalculates_on_open()
    return Workbook(path=name, sheets=read, recalculate_on_open=recalculate)


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


def _scan_part(pkg, part: str, book: _Book, name: str, sheet: str, max_cells: int) -> SheetScan:
    data = pkg.counted(part)
    plain = plainsheet.split(data)
    if plain is not None:
        try:
            return _plain_scan(pkg, part, plain, SheetScan(book, max_cells))
        except (plainsheet.NotPlain, BcfError, ValueError):
            pass        # read again through expat: the same cells, or the part refused as it always was
    try:
        return pkg.stream(part, SheetScan(book, max_cells), data)
    except OutsideSheet as exc:
        raise NotAWorkbook(f"is damaged: the cell is outside the sheet (Excel's last row is "
                           f"{MAX_ROW:,} and its last column XFD)", file=name, sheet=sheet, cell=exc.ref) from None
    except TooManyCells:
        raise NotAWorkbook(WONT_OPEN.format(f"it has more than {MAX_CELLS:,} cells, far more than any "
                                            "template"), file=name, sheet=sheet) from None
    except ValueError as exc:       # a malformed cell, range reference or value
        raise NotAWorkbook(f"is damaged ({exc})", file=name, sheet=sheet) from None


def _plain_scan(pkg, part: str, plain: plainsheet.Plain, scan: SheetScan) -> SheetScan:
    """The part read with its sheetData matched by pattern (see plainsheet); the rest through expat."""
    pkg.stream(part, scan, plain.rest)
    finish, max_cells, columns = scan.finish, scan.max_cells, _PLAIN_COLUMNS
    rows: dict[bytes, int] = {}       # a row's cells share one number (most rows are past the small ints)
    for letters, digits, s, kind, formula, v, inline, preserve, children in plain.cells():
        scan.count += 1
        if scan.count > max_cells:
            raise TooManyCells()
        col = columns.get(letters)
        row = rows.get(digits)
        if row is None or col is None:
            row = int(digits)
            if col is None or not 0 < row <= MAX_ROW or digits[0] == 48:        # new letters, or row 0, 01...
                row, col = split_ref((letters + digits).decode())
                columns[letters] = col
            rows[digits] = row
        finish((row, col), s, kind, children, v, formula, None if inline is None else shown_text(inline, preserve))
    return scan


def _far_out(scan: SheetScan, name: str, sheet: str) -> NotAWorkbook:
    r1, c1, r2, c2 = scan.extent
    return NotAWorkbook(
        f"holds a value far from the rest of the sheet: reading {cell_ref(r1, c1)}:{cell_ref(r2, c2)} "
        f"would take {scan.grid_size():,} cells, more than this tool reads", file=name, sheet=sheet,
        cell=scan.far_cell, hint="clear that cell, save, and try again")
