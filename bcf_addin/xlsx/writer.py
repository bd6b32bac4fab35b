"""Put values into the input cells of an .xlsx without disturbing anything else in it.

A load-and-save through openpyxl drops what it does not model (logos, shapes, extension data),
so the package is rebuilt here entry by entry: every part except the edited sheets (and
workbook.xml, for the recalculation flag) is copied as its original compressed bytes, and in
an edited sheet only the bytes of the target <c> elements change (or new ones are put in, in
order): every other cell, row and attribute keeps its exact bytes.
"""
from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from ..errors import BcfError, NotAWorkbook, ProtectedCell
from ..files import Replacement
from ..workbook import CellWrite, Value, cell_ref
from . import safexml, splice
from .cellvalues import SharedStrings
from .package import DAMAGED, CellFormat, XlsxPackage, open_package
from .refs import MAX_COL, MAX_ROW, cell_range, int_attr

MAX_TEXT = 32_767                      # Excel's limit on the characters in one cell
MAX_NUMBER = Decimal("9.99999999999999E+307")
MIN_NUMBER = Decimal("2.2250738585072E-308")
DEFLATE_LEVEL = 6

# Excel reads _xHHHH_ in text as an escaped character, so a literal one must itself be escaped;
# characters XML 1.0 cannot carry are stored with that same escape, as Excel does.
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Unpaired surrogates and the non-characters U+FFFE/U+FFFF: no file can hold them, and Excel's
# _xHHHH_ escape does not bring the non-characters back when read.
_SURROGATE = re.compile("[\ud800-\udfff\ufffe\uffff]")

# CT_Workbook children that come before <calcPr>, in schema order.
_BEFORE_CALC = {"fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews",
                "sheets", "functionGroups", "externalReferences", "definedNames"}


@dataclass(frozen=True)
class WriteResult:
    changed: int                 # cells whose stored value was replaced
    unchanged: int               # cells that already held the value asked for
    sheets: tuple[str, ...]      # sheets whose XML was rewritten, in workbook order
    backup: str | None = None    # where the file that was at dest was kept, if it was


def write_cells(src, writes: list[CellWrite], dest, *, recalc_on_open: bool = True,
                backup: bool = False) -> WriteResult:
    """Copy `src` to `dest` with `writes` applied. Refuses the whole job, writing nothing, if any
    target is locked, holds a formula, or is on a sheet the workbook does not have. With `backup`
    a file already at `dest` is kept as a backup copy beside it."""
    src_name = str(src)
    plan: dict[str, dict[tuple[int, int], Value]] = {}
    for w in writes:
        plan.setdefault(w.sheet, {})[(w.row, w.col)] = w.value   # the last write to a cell wins

    with open_package(src) as pkg:
        parts = pkg.sheet_parts()
        for sheet in plan:
            if sheet not in parts:
                raise ProtectedCell(f"has no sheet named '{sheet}'", file=src_name, sheet=sheet)
        formats = pkg.cell_formats()
        date1904 = pkg.date1904()
        strings = _SharedStrings(pkg)
        edits = []
        for sheet in (s for s in parts if s in plan):       # validate every sheet before editing any
            targets = {key: _encode(value, date1904, src_name, sheet, key)
                       for key, value in plan[sheet].items()}
            edit = _SheetEdit(pkg, parts[sheet], sheet, formats, {row for row, _ in targets})
            edit.check(targets)
            edits.append((sheet, edit, targets))

        replaced: dict[str, bytes] = {}
        changed = unchanged = 0
        touched = []
        for sheet, edit, targets in edits:
            n = edit.apply(targets, strings)
            changed += n
            unchanged += len(targets) - n
            if n:
                replaced[parts[sheet]] = edit.serialise()
                touched.append(sheet)
        if changed and recalc_on_open:
            workbook = _full_calc_on_load(pkg)
            if workbook is not None:
                replaced[pkg.workbook_part] = workbook
        kept = _write_atomically(pkg, replaced, str(dest), backup)
    return WriteResult(changed, unchanged, tuple(touched), kept)


# -- values ------------------------------------------------------------------------

def _encode(value: Value, date1904: bool, file: str, sheet: str, key: tuple[int, int]):
    """(kind, text) as stored in the XML: kind is 's', 'n', 'b', or None for an empty cell."""
    row, col = key
    if not (1 <= row <= MAX_ROW and 1 <= col <= MAX_COL):
        ref = cell_ref(row, col) if 1 <= col <= MAX_COL else f"R{row}C{col}"
        raise ProtectedCell("is outside the sheet", file=file, sheet=sheet, cell=ref)

    def refuse(message: str):
        return BcfError(message, file=file, sheet=sheet, cell=cell_ref(row, col))

    if value is None or value == "":
        return None, None       # an empty string would count as filled in Excel (COUNTA)
    if isinstance(value, bool):
        return "b", "1" if value else "0"
    if isinstance(value, str):
        if value.isascii() and value.isprintable() and "_x" not in value and len(value) <= MAX_TEXT:
            return "s", value           # the common case: nothing to escape or refuse
        if _SURROGATE.search(value):
            raise refuse("text contains an invalid character (an unpaired surrogate or a non-character) and cannot be saved")
        if len(value.encode("utf-16-le")) // 2 > MAX_TEXT:
            raise refuse(f"text is longer than the {MAX_TEXT:,} characters an Excel cell can hold")
        text = _ESCAPE_LIKE.sub(r"_x005F_\1", value)
        return "s", _NOT_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite():
            raise refuse(f"{value} is not a number Excel can hold")
        if number == 0:
            return "n", "0"
        if abs(number) > MAX_NUMBER or abs(number) < MIN_NUMBER:
            raise refuse(f"{value} is outside the range of numbers Excel can hold")
        return "n", format(number, "f")
    if isinstance(value, (datetime, date)):
        return "n", _serial(value, date1904, refuse)
    raise refuse(f"cannot write a value of type {type(value).__name__}")


def _serial(value: date, date1904: bool, refuse) -> str:
    if isinstance(value, datetime):
        moment = value.replace(tzinfo=None)      # wall-clock time, as Excel has no time zones
    else:
        moment = datetime(value.year, value.month, value.day)
    first = datetime(1904, 1, 1) if date1904 else datetime(1900, 1, 1)
    if moment < first:
        raise refuse(f"{value} is before the first date Excel can hold ({first:%d/%m/%Y})")
    if date1904:
        base = first
    elif moment < datetime(1900, 3, 1):
        base = datetime(1899, 12, 31)     # Excel counts a 29 February 1900 that never was
    else:
        base = datetime(1899, 12, 30)
    delta = moment - base
    if not delta.seconds and not delta.microseconds:
        return str(delta.days)
    return repr(delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400)


def _same(kind: str | None, text: str | None, current: tuple) -> bool:
    if kind is None:
        return current == (None,)
    if kind == "n":
        return current[0] == "n" and current[1] == Decimal(text)
    if kind == "b":
        return current == ("b", text == "1")
    return current == ("s", text)


class _SharedStrings:
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


# -- XML parts ---------------------------------------------------------------------

def _scan(pkg: XlsxPackage, part: str, keep, texts: frozenset = frozenset()) -> tuple[bytes, splice.Element]:
    data = pkg.read(part)
    pkg.spend(data, part)
    data = splice.as_utf8(data)
    try:
        return data, splice.Scanner(data, keep, texts).run()
    except (safexml.ExpatError, safexml.EntitiesForbidden, ValueError):
        raise NotAWorkbook(f"is damaged: its part {part} is not valid XML", file=pkg.path) from None


def _full_calc_on_load(pkg: XlsxPackage) -> bytes | None:
    """workbook.xml asking Excel to recalculate on open (cached formula values are now stale)."""
    data, root = _scan(pkg, pkg.workbook_part, lambda names, attrs, parent: len(names) == 2)
    prefix = _prefix(root.name)
    encoding = splice.codec(data)
    calc = next((el for el in root.children if el.name == prefix + "calcPr"), None)
    if calc is not None:
        if calc.attrs.get("fullCalcOnLoad") in ("1", "true"):
            return None
        attrs = {**calc.attrs, "fullCalcOnLoad": "1"}
        tag = splice.start_tag(calc.name, attrs, empty=calc.empty).encode(encoding, "xmlcharrefreplace")
        return splice.apply(data, [(calc.start, calc.tag_end, _IN_PLACE, tag)])
    anchors = [el for el in root.children if el.name.startswith(prefix) and el.name[len(prefix):] in _BEFORE_CALC
               and ":" not in el.name[len(prefix):]]
    # After the last element the schema puts before it; with none of those, at the end.
    at = anchors[-1].end if anchors else data.rindex(b"<", 0, root.end)
    tag = splice.start_tag(prefix + "calcPr", {"fullCalcOnLoad": "1"}, empty=True).encode(encoding)
    return splice.apply(data, [(at, at, _IN_PLACE, tag)])


def _prefix(name: str) -> str:
    return name.rpartition(":")[0] + ":" if ":" in name else ""


# Where edits at one place go: a row's new cells, then the end tag of a row that had none, then
# new rows (which may start where that row ended), then the end of a sheetData that had none.
_IN_PLACE, _CLOSE, _LAST = (0, 0), (1, 0), (3, 0)
_INSIDE, _AFTER = 0, 2


class _SheetEdit:
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

        self.bytes, self.root = _scan(pkg, part, keep, frozenset({"v", "t"}))
        self.prefix = _prefix(self.root.name)
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

    def apply(self, targets: dict, strings: _SharedStrings) -> int:
        """Plan the edits for the targets (already checked); returns how many actually change."""
        changed = 0
        for (row, col), (kind, text) in targets.items():
            c = self.cells(row).get(col)
            if _same(kind, text, self._current(c, strings)):
                continue
            if c is None:
                style = self._default_style(row, col)
                attrs = {"r": cell_ref(row, col), **({"s": str(style)} if style else {})}
                self.new_cells.setdefault(row, {})[col] = self._cell_xml(attrs, kind, text, b"")
            else:
                attrs = {k: v for k, v in c.attrs.items() if k not in ("t", "vm", "cm")}
                # Anything else in the cell (an extension list) stays, after the value.
                rest = b"".join(self.bytes[ch.start:ch.end] for ch in c.children if ch.local not in ("v", "is"))
                self.edits.append((c.start, c.end, _IN_PLACE, self._cell_xml(attrs, kind, text, rest)))
            changed += 1
        return changed

    def _current(self, c: splice.Element | None, strings: _SharedStrings) -> tuple:
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
            edits.append((self.data_el.start, self.data_el.end, _IN_PLACE, splice.start_tag(
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
        edits = [(row_el.start, row_el.tag_end, _IN_PLACE, splice.start_tag(row_el.name, attrs).encode(self.encoding))]
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
        return [(dim.start, dim.tag_end, _IN_PLACE, splice.start_tag(dim.name, attrs, empty=dim.empty).encode(self.encoding))]


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


# -- the package -------------------------------------------------------------------

def _write_atomically(pkg: XlsxPackage, replaced: dict[str, bytes], dest: str, backup: bool) -> str | None:
    with Replacement(dest, existing="backup" if backup else "replace") as staged:
        _write_zip(pkg, replaced, staged.file)
        staged.file.flush()
        with zipfile.ZipFile(staged.path) as check:      # the central directory must read back
            if len(check.infolist()) != len(pkg.infolist()):
                raise NotAWorkbook("could not be written completely", file=dest)
        pkg.close()      # Windows will not replace a file that is still open
    return str(staged.backup) if staged.backup else None


def _write_zip(pkg: XlsxPackage, replaced: dict[str, bytes], out) -> None:
    central = []
    with open(pkg.path, "rb") as src:
        for info in pkg.infolist():
            data = replaced.get(info.filename)
            if data is None:
                raw = _raw_entry(src, info, pkg)
                method, crc, size = info.compress_type, info.CRC, info.file_size
                flags = info.flag_bits & ~0x08       # sizes go in the local header, not a descriptor
            else:
                stored = info.compress_type == zipfile.ZIP_STORED
                method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                raw = data if method == zipfile.ZIP_STORED else _deflate(data)
                crc, size = zlib.crc32(data), len(data)
                flags = info.flag_bits & 0x800
            name = info.orig_filename.encode("utf-8" if flags & 0x800 else "cp437")
            extra = _without_zip64(info.extra)
            y, mo, d, h, mi, s = info.date_time
            dos_time, dos_date = h << 11 | mi << 5 | s // 2, (y - 1980) << 9 | mo << 5 | d
            offset = out.tell()
            out.write(struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", info.extract_version, info.reserved, flags,
                                  method, dos_time, dos_date, crc, len(raw), size, len(name), len(extra)))
            out.write(name)
            out.write(extra)
            out.write(raw)
            central.append(struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", info.create_version,
                                       info.create_system, info.extract_version, info.reserved, flags,
                                       method, dos_time, dos_date, crc, len(raw), size, len(name),
                                       len(extra), len(info.comment), 0, info.internal_attr,
                                       info.external_attr, offset) + name + extra + info.comment)
    start = out.tell()
    directory = b"".join(central)
    out.write(directory)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), len(directory),
                          start, len(pkg.comment)) + pkg.comment)


def _raw_entry(src, info: zipfile.ZipInfo, pkg: XlsxPackage) -> bytes:
    """The entry's compressed bytes, checked against its CRC so a damaged part is not passed on."""
    src.seek(info.header_offset)
    head = src.read(30)
    if len(head) != 30 or head[:4] != b"PK\x03\x04":
        raise NotAWorkbook(DAMAGED, file=pkg.path)
    name_len, extra_len = struct.unpack("<2H", head[26:30])
    src.seek(info.header_offset + 30 + name_len + extra_len)
    raw = src.read(info.compress_size)
    if len(raw) != info.compress_size:
        raise NotAWorkbook(DAMAGED, file=pkg.path)
    if info.compress_type == zipfile.ZIP_STORED:
        data = raw
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        try:
            data = zlib.decompressobj(-15).decompress(raw, info.file_size + 1)
        except zlib.error:
            raise NotAWorkbook(DAMAGED, file=pkg.path) from None
    else:
        data = pkg.read(info.filename)      # zipfile checks the CRC itself
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        raise NotAWorkbook(DAMAGED, file=pkg.path)
    return raw


def _deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def _without_zip64(extra: bytes) -> bytes:
    # Sizes here always fit 32 bits (open_package caps them), so a zip64 field would only mislead.
    out = []
    i = 0
    while i + 4 <= len(extra):
        kind, size = struct.unpack("<2H", extra[i:i + 4])
        if kind != 0x0001:
            out.append(extra[i:i + 4 + size])
        i += 4 + size
    return b"".join(out)
