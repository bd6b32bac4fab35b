"""A worksheet part read into a Sheet as it streams past expat: its cells (values, formulas, styles),
merges, protection and list validations, and the extent of its cells, which the reader's limits
are held to."""
from __future__ import annotations

from operator import itemgetter

from ..workbook import Cell, Sheet, cell_ref
from .cellvalues import iso_datetime, number, serial_datetime, unescape
from .formulas import cell_formula, in_array
from .refs import MAX_COL, MAX_ROW, OutsideSheet, cell_range, int_attr, position

X14_NS = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM_NS = "http://schemas.microsoft.com/office/excel/2006/main"

# Below this the extent of every cell is close enough to that of the cells with content.
_EXACT_EXTENT = 100_000


class TooManyCells(ValueError):
    pass


_DEFAULT_FORMAT = (True, None)
_COLUMN = itemgetter(1)
_new = tuple.__new__
_XML_SPACE = "http://www.w3.org/XML/1998/namespace}space"
# What the scanner is inside of, by element.
(_CELL, _V, _F, _IS, _T, _PHONETIC, _ROW, _MERGE, _PROTECTION, _VALIDATION, _FORMULA1, _X14_VALIDATION,
 _X14_FORMULA1, _XM_F, _XM_SQREF) = range(15)


def _corners(keys: list[tuple[int, int]]) -> tuple[int, int, int, int] | None:
    """Top-left and bottom-right of a set of cells, found in C (min and max of the keys)."""
    if not keys:
        return None
    return min(keys)[0], min(keys, key=_COLUMN)[1], max(keys)[0], max(keys, key=_COLUMN)[1]


def _far_cell(keys: list[tuple[int, int]]) -> str:
    """The cell at the far end of the longer side of a set of cells: the one to clear."""
    r1, c1, r2, c2 = _corners(keys)
    if r2 - r1 >= c2 - c1:
        return cell_ref(*max(keys))
    row, col = max(keys, key=lambda k: (k[1], k[0]))
    return cell_ref(row, col)


class SheetScan:
    """An expat handler for one worksheet part, building its cells as they stream past.

    It runs once for every element of the sheet, so it is written for speed: one dictionary
    lookup decides what an element is, and a cell is finished where its end tag is met."""

    def __init__(self, book, max_cells: int):
        """`book` answers what the cells refer to: formats, shared strings and dates (reader._Book)."""
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
        # Cells written but holding nothing, and cells holding something: with the cells kept,
        # they give the sheet's extent once it is read.
        self.unstored: list[tuple[int, int]] = []
        self.content: list[tuple[int, int]] = []
        self.extent: tuple[int, int, int, int] | None = None
        self.extent_of: list[tuple[int, int]] = []
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
        self.alike: dict[tuple, Cell] = {}
        self.styles: dict[str | None, tuple[bool, int, str | None]] = {}

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
                self.row, self.col = position(ref)
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
            self.row = int_attr(r, self.row + 1)
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
            attrs = self.attrs
            self.finish((self.row, self.col), attrs.get("s"), attrs.get("t"), self.children, self.v, self.f,
                        None if self.inline is None else "".join(self.inline))
        elif kind == _V:
            self.v = "".join(self.buf)
        elif kind == _T:
            if self.inline is not None and not self.phonetic:
                self.inline.append(shown_text("".join(self.buf), self.preserve))
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
    def finish(self, key: tuple[int, int], s: str | None, kind: str | None, children: bool, v: str | None,
               f: tuple[str, dict] | None, inline: str | None) -> None:
        """Keep the cell at `key`: its `s` and `t` attributes, whether it has a value, formula or
        inline string (`children`), their texts, and the formula's attributes."""
        special = f is not None or kind == "e"
        if not children:
            if s is None and not special:
                self.unstored.append(key)
                return
            value = None
        else:
            self.content.append(key)
            value = v if kind == "e" else self._value(kind, s, v, inline)
        shown = self.styles.get(s)
        if shown is None:
            shown = self.styles[s] = self._style(s)
        formula = None
        if f is not None:
            text, f_attrs = f
            if f_attrs:
                self.formulas.append((key, text, f_attrs))
            else:
                formula = text[1:] if text.startswith("=") else text
        if value is None and s is None and not special:
            return
        shape = (value, formula, *shown)
        if value is None or value.__class__ is str:
            # A table repeats its texts (a scheme type, a funding source) and its input areas are
            # empty styled cells: Cell is frozen, so cells alike are one object.
            cell = self.alike.get(shape)
            if cell is None:
                cell = self.alike[shape] = _new(Cell, shape)       # Cell's fields, in order
            self.cells[key] = cell
        else:
            self.cells[key] = _new(Cell, shape)

    def _style(self, s: str | None) -> tuple[bool, int, str | None]:
        """(locked, style, fill) of a cell whose `s` attribute is `s`."""
        style = (int(s) if s.isdigit() else 0) if s else 0
        locked, fill = self.formats.get(style, _DEFAULT_FORMAT)
        return locked, style, fill

    def _value(self, kind: str | None, s: str | None, v: str | None, inline: str | None):
        """The cell's value as a person sees it, or None when it shows nothing."""
        if inline is not None:
            return inline or None
        if not v or kind == "inlineStr":
            return None
        if kind is None or kind == "n":
            value = number(v)
            if value is None:
                if kind is None:
                    return v          # no type and not a number: the text itself
                raise ValueError(f"{v!r} is not a number")
            if s is not None and self.dated(s) and value.is_finite():
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

    def dated(self, s: str) -> bool:
        """Whether a number in a cell of style `s` is shown as a date and time."""
        dates = self.book.dates
        return bool(dates) and dates.get(int_attr(s, 0)) == "datetime"

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
        keys = [*self.cells, *self.unstored]
        corners = _corners(keys)
        if corners and (corners[2] - corners[0] + 1) * (corners[3] - corners[1] + 1) > _EXACT_EXTENT:
            keys = self.content
            corners = _corners(keys)
        self.extent, self.extent_of = corners, keys

    @property
    def far_cell(self) -> str | None:
        return _far_cell(self.extent_of) if self.extent else None

    def sheet(self, name: str) -> Sheet:
        cells = self.cells
        self._resolve_formulas()
        if self.arrays:
            for key, cell in cells.items():
                if cell.formula is None:
                    formula = in_array(self.arrays, *key)
                    if formula is not None:
                        cells[key] = cell._replace(formula=formula)
        max_row = max(cells)[0] if cells else 0
        max_col = max(cells, key=_COLUMN)[1] if cells else 0
        return Sheet(name=name, cells=cells, merges=self.merges, protected=self.protected,
                     validations=self.validations, max_row=max_row, max_col=max_col)

    def _resolve_formulas(self) -> None:
        """Shared, array and data-table formulas: masters first, since a dependent shared
        formula is written relative to its master."""
        shared: dict[str, tuple[int, int, str]] = {}
        pending = sorted(self.formulas, key=lambda x: not (x[2].get("t") == "shared" and x[1]))
        cells = self.cells
        for key, text, attrs in pending:
            formula = cell_formula(text, attrs, *key, shared, self.arrays)
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


def shown_text(text: str, preserve: bool) -> str:
    """An inline string's text as shown: white space around it dropped unless kept, escapes undone."""
    if not preserve:
        text = text.strip(" \t\r\n")
    return unescape(text) if "_x00" in text else text
