"""Put values into the input cells of an .xlsx without disturbing anything else in it.

A load-and-save through openpyxl drops what it does not model (logos, shapes, extension data),
so the package is rebuilt here entry by entry: every part except the edited sheets (and
workbook.xml, for the recalculation flag) is copied as its original compressed bytes, and in
an edited sheet only the target <c> elements change.
"""
from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from lxml import etree

from ..errors import BcfError, NotAWorkbook, ProtectedCell
from ..files import Replacement
from ..model import CellWrite, Value, cell_ref
from .package import DAMAGED, CellFormat, XlsxPackage, open_package, parse_xml
from .refs import MAX_COL, MAX_ROW, cell_range, int_attr

MAX_TEXT = 32_767                      # Excel's limit on the characters in one cell
MAX_NUMBER = Decimal("9.99999999999999E+307")
MIN_NUMBER = Decimal("2.2250738585072E-308")
DEFLATE_LEVEL = 6
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

# Excel reads _xHHHH_ in text as an escaped character, so a literal one must itself be escaped;
# characters XML 1.0 cannot carry are stored with that same escape, as Excel does.
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Unpaired surrogates and the non-characters U+FFFE/U+FFFF: no file can hold them, and Excel's
# _xHHHH_ escape does not bring the non-characters back when read.
_SURROGATE = re.compile("[\ud800-\udfff\ufffe\uffff]")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")

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
            edit = _SheetEdit(pkg, parts[sheet], sheet, formats)
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
                replaced[parts[sheet]] = edit.xml.serialise()
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
    """sharedStrings.xml as raw (still _xHHHH_-escaped) texts, parsed only if a target uses one."""

    def __init__(self, pkg: XlsxPackage):
        self._pkg = pkg
        self._texts: list[str] | None = None

    def get(self, index: str | None) -> str | None:
        if self._texts is None:
            part = self._pkg.shared_strings_part()
            root = self._pkg.parse(part) if part else None
            self._texts = [_rich_text(si) for si in root] if root is not None else []
        try:
            return self._texts[int(index or "")]
        except (ValueError, IndexError):
            return None


def _rich_text(el) -> str:
    # Plain <t> and rich-text runs <r><t>, but not phonetic guides <rPh><t>.
    return "".join(t.text or "" for t in el.iter("{*}t")
                   if etree.QName(t.getparent()).localname != "rPh")


# -- XML parts ---------------------------------------------------------------------

class _XmlPart:
    """A parsed part that serialises back with its original declaration and prolog."""

    def __init__(self, pkg: XlsxPackage, part: str):
        data = pkg.read(part)
        self.prolog = _prolog(data)
        self.root = parse_xml(data, pkg.path, part)
        self.ns = etree.QName(self.root).namespace or ""

    def q(self, local: str) -> str:
        return f"{{{self.ns}}}{local}"

    def serialise(self) -> bytes:
        match = _ENCODING.search(self.prolog)
        encoding = match.group(1).decode("ascii") if match else "UTF-8"
        if encoding.lower().replace("-", "").replace("_", "") == "utf8":
            return self.prolog + etree.tostring(self.root, encoding="UTF-8")
        tree = self.root.getroottree()
        return etree.tostring(tree, encoding=encoding, xml_declaration=True,
                              standalone=tree.docinfo.standalone)


def _prolog(data: bytes) -> bytes:
    """The bytes before the root element: declaration, any comments, any byte-order mark."""
    i = 0
    while True:
        j = data.find(b"<", i)
        if j < 0:
            return b""
        if data.startswith(b"<?", j):
            i = data.find(b"?>", j) + 2
        elif data.startswith(b"<!--", j):
            i = data.find(b"-->", j) + 3
        elif data.startswith(b"<!", j):
            i = data.find(b">", j) + 1
        else:
            return data[:j]
        if i < j:
            return b""


def _full_calc_on_load(pkg: XlsxPackage) -> bytes | None:
    """workbook.xml asking Excel to recalculate on open (cached formula values are now stale)."""
    xml = _XmlPart(pkg, pkg.workbook_part)
    calc = xml.root.find(xml.q("calcPr"))
    if calc is not None:
        if calc.get("fullCalcOnLoad") in ("1", "true"):
            return None
        calc.set("fullCalcOnLoad", "1")
        return xml.serialise()
    anchor = None
    for child in xml.root:
        if isinstance(child.tag, str) and child.tag.startswith(f"{{{xml.ns}}}") \
                and etree.QName(child).localname in _BEFORE_CALC:
            anchor = child
    calc = etree.SubElement(xml.root, xml.q("calcPr"))
    calc.set("fullCalcOnLoad", "1")
    if anchor is not None:
        anchor.addnext(calc)
    return xml.serialise()


class _SheetEdit:
    def __init__(self, pkg: XlsxPackage, part: str, sheet: str, formats: list[CellFormat]):
        self.file = pkg.path
        self.sheet = sheet
        self.formats = formats
        self.xml = _XmlPart(pkg, part)
        q = self.xml.q
        self.data = self.xml.root.find(q("sheetData"))
        if self.data is None:
            raise NotAWorkbook(f"is damaged: sheet '{sheet}' has no cell data", file=pkg.path, sheet=sheet)
        self.rows: dict[int, object] = {}
        index = 0
        for row in self.data.iterchildren(q("row")):
            index = int_attr(row.get("r"), index + 1)
            self.rows[index] = row
        self._cells: dict[int, dict[int, object]] = {}
        self.arrays = [cell_range(f.get("ref") or "") for f in self.data.iter(q("f")) if f.get("t") == "array"]
        self.merges = [cell_range(m.get("ref") or "")
                       for m in self.xml.root.iterfind(f"{q('mergeCells')}/{q('mergeCell')}")]
        self.col_styles = [(int_attr(c.get("min")), int_attr(c.get("max")), int_attr(c.get("style")))
                           for cols in self.xml.root.iterchildren(q("cols"))
                           for c in cols.iterchildren(q("col")) if c.get("style")]

    def cells(self, row: int) -> dict[int, object]:
        if row not in self._cells:
            found = {}
            row_el = self.rows.get(row)
            if row_el is not None:
                col = 0
                for c in row_el.iterchildren(self.xml.q("c")):
                    ref = c.get("r")
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
        q_f = self.xml.q("f")
        for (row, col) in targets:
            c = self.cells(row).get(col)
            if c is not None and c.find(q_f) is not None or self.arrays and any(
                    r and r[0] <= row <= r[2] and r[1] <= col <= r[3] for r in self.arrays):
                raise ProtectedCell("holds a formula; only input cells can be written",
                                    file=self.file, sheet=self.sheet, cell=cell_ref(row, col))
            if (row, col) in hidden:
                # Excel shows only the first cell of a merged block; a value here would be hidden.
                anchor = cell_ref(*hidden[(row, col)])
                raise ProtectedCell(f"is hidden inside the merged cells starting at {anchor}; write to "
                                    f"{anchor} instead", file=self.file, sheet=self.sheet, cell=cell_ref(row, col))
            style = int_attr(c.get("s")) if c is not None else self._default_style(row, col)
            fmt = self.formats[style] if 0 <= style < len(self.formats) else CellFormat()
            if fmt.locked:
                raise ProtectedCell("is locked: the template does not allow it to be filled in",
                                    file=self.file, sheet=self.sheet, cell=cell_ref(row, col))

    def _default_style(self, row: int, col: int) -> int:
        # A cell with no element takes its row's format if the row has one, else its column's.
        row_el = self.rows.get(row)
        if row_el is not None and row_el.get("customFormat") in ("1", "true"):
            return int_attr(row_el.get("s"))
        for lo, hi, style in self.col_styles:
            if lo <= col <= hi:
                return style
        return 0

    def apply(self, targets: dict, strings: _SharedStrings) -> int:
        """Edit the targets (already checked); returns how many actually changed."""
        changed = 0
        for (row, col), (kind, text) in targets.items():
            c = self.cells(row).get(col)
            if _same(kind, text, self._current(c, strings)):
                continue
            if c is None:
                c = self._create(row, col)
            self._set(c, kind, text)
            changed += 1
        return changed

    def _current(self, c, strings: _SharedStrings) -> tuple:
        if c is None or not len(c):
            return (None,)              # an empty styled cell: most input cells
        q = self.xml.q
        kind = c.get("t", "n")
        if kind == "inlineStr":
            is_ = c.find(q("is"))
            return ("s", _rich_text(is_)) if is_ is not None else (None,)
        v = c.findtext(q("v"))
        if v is None:
            return (None,)
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

    def _set(self, c, kind: str | None, text: str | None) -> None:
        q = self.xml.q
        had_children = len(c)
        if had_children:
            for child in c.findall(q("v")) + c.findall(q("is")):
                c.remove(child)
        attrib = c.attrib
        for attr in ("t", "vm", "cm"):      # value metadata describes the old value
            if attr in attrib:
                del attrib[attr]
        if kind is None:
            return
        if kind == "s":
            c.set("t", "inlineStr")
            new = etree.SubElement(c, q("is"))
            t = etree.SubElement(new, q("t"))
            t.set(XML_SPACE, "preserve")
            t.text = text
        else:
            if kind == "b":
                c.set("t", "b")
            new = etree.SubElement(c, q("v"))
            new.text = text
        if had_children and len(c) > 1:
            c.insert(0, new)     # <v>/<is> come before any <extLst>

    def _create(self, row: int, col: int):
        q = self.xml.q
        row_el = self.rows.get(row)
        if row_el is None:
            # Rows and cells may omit r (position = predecessor + 1); a new element never lands
            # between such a one and its predecessor, so giving the new one an explicit r is enough.
            row_el = etree.SubElement(self.data, q("row"))
            row_el.set("r", str(row))
            _place(row_el, self.rows, row)
            self.rows[row] = row_el
        cells = self.cells(row)
        c = etree.SubElement(row_el, q("c"))
        c.set("r", cell_ref(row, col))
        style = self._default_style(row, col)
        if style:
            c.set("s", str(style))
        _place(c, cells, col)
        cells[col] = c
        spans = row_el.get("spans")
        covered = (s.partition(":") for s in (spans or "").split())
        if spans and not any(int_attr(a) <= col <= int_attr(b) for a, _, b in covered):
            del row_el.attrib["spans"]      # an optional hint; wrong is worse than absent
        self._grow_dimension(row, col)
        return c

    def _grow_dimension(self, row: int, col: int) -> None:
        dim = self.xml.root.find(self.xml.q("dimension"))
        rng = cell_range(dim.get("ref") or "") if dim is not None else None
        if rng and not (rng[0] <= row <= rng[2] and rng[1] <= col <= rng[3]):
            dim.set("ref", f"{cell_ref(min(rng[0], row), min(rng[1], col))}:"
                           f"{cell_ref(max(rng[2], row), max(rng[3], col))}")


def _place(el, siblings: dict, index: int) -> None:
    """Move `el` (just appended) to keep siblings in ascending order."""
    later = [i for i in siblings if i > index]
    if later:
        siblings[min(later)].addprevious(el)
    elif siblings:
        siblings[max(siblings)].addnext(el)
    else:
        el.getparent().insert(0, el)


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
