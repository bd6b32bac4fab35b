"""One worksheet part edited in place: where its rows and the cells written to are, whether each
may be written (no formula, not locked, not hidden in a merged block), and the part with only
those cells' bytes changed.

Shared by the workbook part's edit in writer.py: `scan` reads a part keeping only the elements
asked for, and the positions order edits that land at one place.
"""
from __future__ import annotations

from decimal import Decimal

from ..errors import NotAWorkbook, ProtectedCell
from ..workbook import cell_ref
from . import safexml, splice
from .cellvalues import SharedStrings
from .encode import same
from .package import CellFormat, XlsxPackage
from .refs import cell_range, int_attr


class StoredStrings:
    """sharedStrings.xml as stored (still _xHHHH_-escaped) texts, parsed only if a target uses one."""

    def __init__(self, pkg: XlsxPackage):
        self._pkg = pkg
        self._texts: list[str] | None = None

    def get(self, index: str | None) -> str | None:
        if self._texts is None:
            part = self._pkg.shared_strings_part()
            self._texts = self._pkg.stream(part, SharedStrings(stored=True)).texts if part else []
        try:
            return self._texts[int(index or "")]
        except (ValueError, IndexError):
            return None


def scan(pkg: XlsxPackage, part: str, keep, texts: frozenset = frozenset()) -> tuple[bytes, splice.Element]:
    data = pkg.read(part)
    pkg.spend(data, part)
    data = splice.as_utf8(data)
    try:
        return data, splice.Scanner(data, keep, texts).run()
    except (safexml.ExpatError, safexml.EntitiesForbidden, ValueError):
        raise NotAWorkbook(f"is damaged: its part {part} is not valid XML", file=pkg.path) from None


def namespace_prefix(name: str) -> str:
    return name.rpartition(":")[0] + ":" if ":" in name else ""


# Where edits at one place go: a row's new cells, then the end tag of a row that had none, then
# new rows (which may start where that row ended), then the end of a sheetData that had none.
IN_PLACE, _CLOSE, _LAST = (0, 0), (1, 0), (3, 0)
_INSIDE, _AFTER = 0, 2


class SheetEdit:
    """One worksheet part: where its rows and the cells of the target rows are, and the edits."""

    def __init__(self, pkg: XlsxPackage, part: str, sheet: str, formats: list[CellFormat], rows: set[int]):
        self.file = pkg.path
        self.sheet = sheet
        self.formats = formats
        self.arrays: list = []
        self.merges: list = []
        self.col_styles: list[tuple[int, int, int]] = []
        self.rows: dict[int, splice.Element] = {}
        self.data_el: splice.Element | None = None
        self.dimension: splice.Element | None = None
        counter = {"row": 0}

        def keep(names, attrs, parent) -> bool:
            depth, local = len(names), names[-1]
            if depth == 2:
                return local in ("sheetData", "dimension")
            if depth == 3:
                if names[1] == "sheetData" and local == "row":
                    counter["row"] = int_attr(attrs.get("r"), counter["row"] + 1)
                    return True
                if names[1] == "mergeCells" and local == "mergeCell":
                    self.merges.append(cell_range(attrs.get("ref") or ""))
                elif names[1] == "cols" and local == "col" and attrs.get("style"):
                    self.col_styles.append((int_attr(attrs.get("min")), int_attr(attrs.get("max")),
                                            int_attr(attrs.get("style"))))
                return False
            if local == "f" and attrs.get("t") == "array" and names[1] == "sheetData":
                self.arrays.append(cell_range(attrs.get("ref") or ""))
            # The cells, and what is in them, of the rows written to only.
            return depth > 4 or depth == 4 and local == "c" and counter["row"] in rows

        self.bytes, self.root = scan(pkg, part, keep, frozenset({"v", "t"}))
        self.prefix = namespace_prefix(self.root.name)
        self.encoding = splice.codec(self.bytes)
        for el in self.root.children:
            if el.local == "sheetData":
                self.data_el = el
            elif el.local == "dimension":
                self.dimension = el
        if self.data_el is None:
            raise NotAWorkbook(f"is damaged: sheet '{sheet}' has no cell data", file=pkg.path, sheet=sheet)
        index = 0
        for row in self.data_el.children:
            index = int_attr(row.attrs.get("r"), index + 1)
            self.rows[index] = row
        self._cells: dict[int, dict[int, splice.Element]] = {}
        self.edits: list[tuple[int, int, tuple, bytes]] = []
        self.new_cells: dict[int, dict[int, str]] = {}

    def cells(self, row: int) -> dict[int, splice.Element]:
        found = self._cells.get(row)
        if found is not None:
            return found
        if row not in self._cells:
            found = {}
            row_el = self.rows.get(row)
            if row_el is not None:
                col = 0
                for c in row_el.children:
                    if c.local != "c":
                        continue
                    ref = c.attrs.get("r")
                    col = _col(ref) if ref else col + 1
                    found[col] = c
            self._cells[row] = found
        return self._cells[row]

    def _hidden(self) -> dict[tuple[int, int], tuple[int, int]]:
        """Every cell hidden inside a merged block, with the block's first cell (built once)."""
        if not hasattr(self, "_hidden_cells"):
            self._hidden_cells = {}
            for m in self.merges:
                if m and (m[2] - m[0] + 1) * (m[3] - m[1] + 1) <= 100_000:
                    for r in range(m[0], m[2] + 1):
                        for c in range(m[1], m[3] + 1):
                            if (r, c) != (m[0], m[1]):
                                self._hidden_cells[(r, c)] = (m[0], m[1])
        return self._hidden_cells

    def check(self, targets: dict) -> None:
        hidden = self._hidden()
        for (row, col) in targets:
            c = self.cells(row).get(col)
            if c is not None and c.children and c.child("f") is not None or self.arrays and any(
                    r and r[0] <= row <= r[2] and r[1] <= col <= r[3] for r in self.arrays):
                raise ProtectedCell("holds a formula; only input cells can be written",
                                    file=self.file, sheet=self.sheet, cell=cell_ref(row, col))
            if (row, col) in hidden:
                # Excel shows only the first cell of a merged block; a value here would be hidden.
                anchor = cell_ref(*hidden[(row, col)])
                raise ProtectedCell(f"is hidden inside the merged cells starting at {anchor}; write to "
                                    f"{anchor} instead", file=self.file, sheet=self.sheet, cell=cell_ref(row, col))
            style = int_attr(c.attrs.get("s")) if c is not None else self._default_style(row, col)
            fmt = self.formats[style] if 0 <= style < len(self.formats) else CellFormat()
            if fmt.locked:
                raise ProtectedCell("is locked: the template does not allow it to be filled in",
                                    file=self.file, sheet=self.sheet, cell=cell_ref(row, col))

    def _default_style(self, row: int, col: int) -> int:
        # A cell with no element takes its row's format if the row has one, else its column's.
        row_el = self.rows.get(row)
        if row_el is not None and row_el.attrs.get("customFormat") in ("1", "true"):
            return int_attr(row_el.attrs.get("s"))
        for lo, hi, style in self.col_styles:
            if lo <= col <= hi:
                return style
        return 0

    def apply(self, targets: dict, strings: StoredStrings) -> int:
        """Plan the edits for the targets (already checked); returns how many actually change."""
        changed = 0
        for (row, col), (kind, text) in targets.items():
            c = self.cells(row).get(col)
            if same(kind, text, self._current(c, strings)):
                continue
            if c is None:
                style = self._default_style(row, col)
                attrs = {"r": cell_ref(row, col), **({"s": str(style)} if style else {})}
                self.new_cells.setdefault(row, {})[col] = self._cell_xml(attrs, kind, text, b"")
            else:
                attrs = {k: v for k, v in c.attrs.items() if k not in ("t", "vm", "cm")}
                # Anything else in the cell (an extension list) stays, after the value.
                rest = b"".join(self.bytes[ch.start:ch.end] for ch in c.children if ch.local not in ("v", "is"))
                self.edits.append((c.start, c.end, IN_PLACE, self._cell_xml(attrs, kind, text, rest)))
            changed += 1
        return changed

    def _current(self, c: splice.Element | None, strings: StoredStrings) -> tuple:
        if c is None or not c.children:
            return (None,)              # an empty styled cell: most input cells
        kind = c.attrs.get("t", "n")
        if kind == "inlineStr":
            is_ = c.child("is")
            return ("s", _stored_text(is_)) if is_ is not None else (None,)
        v = c.child("v")
        if v is None:
            return (None,)
        v = v.content()
        if kind == "s":
            return ("s", strings.get(v))
        if kind == "b":
            return ("b", v.strip() in ("1", "true"))
        if kind == "n":
            try:
                return ("n", Decimal(v))
            except ArithmeticError:
                return ("?", v)
        return (kind, v)

    def _cell_xml(self, attrs: dict, kind: str | None, text: str | None, rest: bytes) -> bytes:
        p = self.prefix
        if kind == "s":
            attrs["t"] = "inlineStr"
            value = f'<{p}is><{p}t xml:space="preserve">{splice.escape(text)}</{p}t></{p}is>'
        elif kind is not None:
            if kind == "b":
                attrs["t"] = "b"
            value = f"<{p}v>{text}</{p}v>"
        else:
            value = ""
        if not value and not rest:
            return splice.start_tag(p + "c", attrs, empty=True).encode(self.encoding, "xmlcharrefreplace")
        head = (splice.start_tag(p + "c", attrs) + value).encode(self.encoding, "xmlcharrefreplace")
        return head + rest + f"</{p}c>".encode(self.encoding)

    def serialise(self) -> bytes:
        """The part with every edit spliced in; untouched bytes stay as they were."""
        edits = list(self.edits)
        new_rows = []
        for row, cells in self.new_cells.items():
            row_el = self.rows.get(row)
            if row_el is None:
                new_rows.append((row, cells))
                continue
            existing = self.cells(row)
            for col, xml in cells.items():
                later = [c for i, c in existing.items() if i > col]
                # Rows and cells may omit r (position = predecessor + 1); a new element never
                # lands between such a one and its predecessor, and always carries its own r.
                at = min(later, key=lambda c: c.start).start if later else self._row_content_end(row_el)
                edits.append((at, at, (_INSIDE, col), xml))
            edits.extend(self._row_start_edits(row_el, cells))
        for row, cells in new_rows:
            later = [el for i, el in self.rows.items() if i > row]
            at = min(later, key=lambda el: el.start).start if later else self._sheet_data_end()
            xml = splice.start_tag(self.prefix + "row", {"r": str(row)}).encode(self.encoding)
            xml += b"".join(cells[col] for col in sorted(cells)) + f"</{self.prefix}row>".encode(self.encoding)
            edits.append((at, at, (_AFTER, row), xml))
        if self.data_el.empty and new_rows:
            edits.append((self.data_el.start, self.data_el.end, IN_PLACE, splice.start_tag(
                self.data_el.name, self.data_el.attrs).encode(self.encoding)))
            edits.append((self.data_el.end, self.data_el.end, _LAST, f"</{self.data_el.name}>".encode(self.encoding)))
        edits.extend(self._dimension_edit())
        return splice.apply(self.bytes, edits)

    def _row_content_end(self, row_el: splice.Element) -> int:
        return row_el.end if row_el.empty else self.bytes.rindex(b"<", row_el.start, row_el.end)

    def _sheet_data_end(self) -> int:
        el = self.data_el
        return el.end if el.empty else self.bytes.rindex(b"<", el.start, el.end)

    def _row_start_edits(self, row_el: splice.Element, cells: dict[int, bytes]) -> list:
        attrs = dict(row_el.attrs)
        spans = attrs.get("spans")
        covered = [s.partition(":") for s in (spans or "").split()]
        if spans and not all(any(int_attr(a) <= col <= int_attr(b) for a, _, b in covered) for col in cells):
            del attrs["spans"]      # an optional hint; wrong is worse than absent
        elif not row_el.empty:
            return []
        edits = [(row_el.start, row_el.tag_end, IN_PLACE, splice.start_tag(row_el.name, attrs).encode(self.encoding))]
        if row_el.empty:
            edits.append((row_el.end, row_el.end, _CLOSE, f"</{row_el.name}>".encode(self.encoding)))
        return edits

    def _dimension_edit(self) -> list:
        dim = self.dimension
        rng = cell_range(dim.attrs.get("ref") or "") if dim is not None else None
        if not rng or not self.new_cells:
            return []
        r1, c1, r2, c2 = rng
        for row, cells in self.new_cells.items():
            r1, r2 = min(r1, row), max(r2, row)
            c1, c2 = min(c1, *cells), max(c2, *cells)
        if (r1, c1, r2, c2) == rng:
            return []
        attrs = {**dim.attrs, "ref": f"{cell_ref(r1, c1)}:{cell_ref(r2, c2)}"}
        return [(dim.start, dim.tag_end, IN_PLACE, splice.start_tag(dim.name, attrs, empty=dim.empty).encode(self.encoding))]


def _stored_text(el: splice.Element) -> str:
    # Plain <t> and rich-text runs <r><t>, but not phonetic guides <rPh><t>.
    out = []
    for child in el.children:
        if child.local == "t":
            out.append(child.content())
        elif child.local == "r":
            out.extend(t.content() for t in child.children if t.local == "t")
    return "".join(out)


def _col(ref: str) -> int:
    col = 0
    for ch in ref:
        if ch.isalpha():
            col = col * 26 + ord(ch.upper()) - 64
        elif ch != "$":
            break
    return col
