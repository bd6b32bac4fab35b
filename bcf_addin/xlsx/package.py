"""An .xlsx file as a package of parts, screened (screening.py) before any part is trusted: its
parts, their relationships, the workbook's sheets, styles and shared strings, each XML part
parsed under a limit on its size.
"""
from __future__ import annotations

import io
import os
import posixpath
import zipfile
import zlib
from dataclasses import dataclass
from urllib.parse import unquote

from ..errors import BcfError, NotAWorkbook
from . import safexml
from .cellvalues import SharedStrings, builtin_date_format, date_format
from .screening import DAMAGED, OLE_MAGIC, TOO_LARGE, WONT_OPEN, check_entries, check_head, refuse_other_formats

# Tags and attributes in one XML part. A parsed node costs ~150 bytes, so this bounds the
# memory of one parse; a large real sheet has a few hundred thousand.
MAX_MARKUP = 4_000_000
MAX_BOOK_MARKUP = 10_000_000      # the same over every part parsed from one file: bounds the time


@dataclass(frozen=True)
class CellFormat:
    """What the writer and reader need from one cellXfs entry."""

    locked: bool = True
    fill: str | None = None
    # How a number in a cell of this format reads: 'datetime', 'timedelta' or None (a number).
    dates: str | None = None


class XlsxPackage:
    """An open, validated .xlsx zip. Use `open_package` to make one."""

    def __init__(self, path: str, zf: zipfile.ZipFile):
        self.path = path
        self._zf = zf
        # Part names are case-insensitive in OPC, but zip member names are not.
        self._names = {info.filename.lower(): info for info in zf.infolist()}
        self._rels_cache: dict[str, list[tuple[str, str, str]]] = {}
        self._workbook_root = None
        self._strings: list[str] | None = None
        self._markup_left = MAX_BOOK_MARKUP
        self.workbook_part = self._find_workbook_part()

    # -- context manager -------------------------------------------------
    def __enter__(self) -> XlsxPackage:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._zf.close()

    # -- parts -----------------------------------------------------------
    def infolist(self) -> list[zipfile.ZipInfo]:
        return self._zf.infolist()

    @property
    def comment(self) -> bytes:
        return self._zf.comment

    def has(self, part: str) -> bool:
        return part.lower() in self._names

    def info(self, part: str) -> zipfile.ZipInfo:
        try:
            return self._names[part.lower()]
        except KeyError:
            raise NotAWorkbook(f"is damaged: its part {part} is missing", file=self.path) from None

    def read(self, part: str) -> bytes:
        info = self.info(part)
        try:
            with self._zf.open(info) as fh:
                # Asking for one byte more than declared both bounds memory and detects a lie.
                data = fh.read(info.file_size + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
            raise NotAWorkbook(DAMAGED, file=self.path) from None
        if len(data) != info.file_size:
            raise NotAWorkbook(DAMAGED, file=self.path)
        return data

    def parse(self, part: str):
        """The part as an xml.etree element."""
        data = self.read(part)
        self.spend(data, part)
        return parse_xml(data, self.path, part)

    def stream(self, part: str, handler, data: bytes | None = None):
        """Feed `part` to `handler`'s start(tag, attrs), end(tag) and chars(text), tags as
        'namespace}local'; returns the handler. `data`: the part's text (or some of it) as
        `counted` gave it, rather than the part read again."""
        return self._parse_with(part, handler, data)

    def counted(self, part: str) -> bytes:
        """The part's bytes, counted against the limits on markup as parsing it would be."""
        data = self.read(part)
        self.spend(data, part)
        return data

    # -- relationships -----------------------------------------------------
    def relationships(self, part: str) -> list[tuple[str, str, str]]:
        """(id, type, target part) of the internal relationships of `part` ('' for the package)."""
        if part in self._rels_cache:
            return self._rels_cache[part]
        folder, base = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", base + ".rels")
        out: list[tuple[str, str, str]] = []
        if self.has(rels_part):
            for rel in self.parse(rels_part):
                if rel.get("TargetMode") == "External":
                    continue
                target = rel.get("Target") or ""
                out.append((rel.get("Id") or "", rel.get("Type") or "", self._resolve(folder, target)))
        self._rels_cache[part] = out
        return out

    def _resolve(self, folder: str, target: str) -> str:
        path = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        if not self.has(path) and self.has(unquote(path)):
            path = unquote(path)
        return self._names[path.lower()].filename if self.has(path) else path

    def _related(self, part: str, type_suffix: str) -> str | None:
        for _id, rtype, target in self.relationships(part):
            if rtype.endswith(type_suffix):
                return target
        return None

    def _find_workbook_part(self) -> str:
        part = self._related("", "/officeDocument") or "xl/workbook.xml"
        if not self.has(part) or not part.lower().endswith(".xml") or "workbook" not in part.lower():
            raise NotAWorkbook("is not an Excel workbook (it has no workbook part); "
                               "is it a Word or PowerPoint file?", file=self.path)
        return self.info(part).filename

    # -- workbook-level facts ----------------------------------------------
    def workbook_root(self):
        if self._workbook_root is None:
            self._workbook_root = self.parse(self.workbook_part)
        return self._workbook_root

    def sheet_parts(self) -> dict[str, str]:
        """Worksheet name -> part path, in workbook order. Chart and dialog sheets are left out."""
        root = self.workbook_root()
        targets = {rid: (rtype, target) for rid, rtype, target in self.relationships(self.workbook_part)}
        out: dict[str, str] = {}
        for sheet in root.iterfind(f".//{{{namespace(root)}}}sheet"):
            rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
            rtype, target = targets.get(rid, ("", ""))
            if not rtype.endswith("/worksheet"):
                continue
            name = sheet.get("name") or ""
            if not self.has(target):
                raise NotAWorkbook(f"is damaged: sheet '{name}' has no content", file=self.path)
            out[name] = target
        return out

    def date1904(self) -> bool:
        root = self.workbook_root()
        pr = root.find(f"{{{namespace(root)}}}workbookPr")
        return pr is not None and pr.get("date1904") in ("1", "true")

    def recalculates_on_open(self) -> bool:
        """Whether the workbook asks Excel to recalculate every formula when it is opened."""
        root = self.workbook_root()
        calc = root.find(f"{{{namespace(root)}}}calcPr")
        return calc is not None and calc.get("fullCalcOnLoad") in ("1", "true")

    def styles_part(self) -> str | None:
        part = self._related(self.workbook_part, "/styles")
        return part if part and self.has(part) else None

    def shared_strings_part(self) -> str | None:
        part = self._related(self.workbook_part, "/sharedStrings")
        return part if part and self.has(part) else None

    def cell_formats(self) -> list[CellFormat]:
        """One entry per cellXfs index: a cell's `s` attribute points here."""
        part = self.styles_part()
        if part is None:
            return []
        root = self.parse(part)
        ns = namespace(root)
        fills = []
        fills_el = root.find(f"{{{ns}}}fills")
        for fill in (fills_el if fills_el is not None else ()):
            fills.append(_fill_colour(fill, ns))
        codes = {el.get("numFmtId"): el.get("formatCode") for el in root.iterfind(f"{{{ns}}}numFmts/{{{ns}}}numFmt")
                 if el.get("numFmtId") is not None and el.get("formatCode") is not None}
        formats = []
        xfs = root.find(f"{{{ns}}}cellXfs")
        for xf in (xfs if xfs is not None else ()):
            if local(xf.tag) != "xf":
                continue
            prot = xf.find(f"{{{ns}}}protection")
            locked = prot is None or prot.get("locked") not in ("0", "false")
            fill_id = _int(xf.get("fillId"))
            number_format = xf.get("numFmtId")
            dates = None if number_format is None else (
                date_format(codes[number_format]) if number_format in codes else builtin_date_format(number_format))
            formats.append(CellFormat(locked, fills[fill_id] if 0 <= fill_id < len(fills) else None, dates))
        return formats

    def shared_strings(self) -> list[str]:
        """Every shared string as a cell shows it, parsed once for the package."""
        if self._strings is None:
            part = self.shared_strings_part()
            self._strings = [] if part is None else self._parse_with(part, SharedStrings()).texts
        return self._strings

    def _parse_with(self, part: str, handler, data: bytes | None = None):
        """Stream `part` through `handler` (start, end and chars methods), under the same limits."""
        if data is None:
            data = self.counted(part)
        p = safexml.parser()
        p.StartElementHandler = handler.start
        p.EndElementHandler = handler.end
        p.CharacterDataHandler = handler.chars
        try:
            p.Parse(data, True)
        except (safexml.ExpatError, safexml.EntitiesForbidden):
            raise NotAWorkbook(f"is damaged: its part {part} is not valid XML", file=self.path) from None
        return handler

    def spend(self, data: bytes, part: str) -> None:
        count = markup(data)
        if count > MAX_MARKUP:
            raise NotAWorkbook(WONT_OPEN.format(f"its part {part} is far larger than any template's"), file=self.path)
        self._markup_left -= count
        if self._markup_left < 0:
            raise NotAWorkbook(TOO_LARGE, file=self.path)


def _fill_colour(fill, ns: str) -> str | None:
    pattern = fill.find(f"{{{ns}}}patternFill")
    if pattern is None or pattern.get("patternType", "none") == "none":
        return None
    fg = pattern.find(f"{{{ns}}}fgColor")
    rgb = fg.get("rgb") if fg is not None else None
    # Theme and indexed colours are not resolved: templates mark input cells with explicit RGB.
    return rgb[-6:].upper() if rgb and len(rgb) >= 6 else None


def _int(text: str | None, default: int = 0) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def namespace(el) -> str:
    return safexml.namespace(el.tag)


local = safexml.local


def markup(data: bytes) -> int:
    """At least the number of elements and attributes in an XML text, counted without parsing it."""
    return data.count(b"<") + data.count(b"=")


def parse_xml(data: bytes, file: str, part: str | None):
    # Counted before parsing: the tree can take 30 times the memory of the text.
    if markup(data) > MAX_MARKUP:
        raise NotAWorkbook(WONT_OPEN.format(f"its part {part} is far larger than any template's"), file=file)
    # No entity expansion or network access: a workbook is untrusted input.
    try:
        return safexml.parse_tree(data)
    except (safexml.ExpatError, safexml.EntitiesForbidden):
        raise NotAWorkbook(f"is damaged: its part {part} is not valid XML", file=file) from None


def open_package(path, data: bytes | None = None) -> XlsxPackage:
    """Open `path` as an .xlsx package, refusing anything that is not a sound one.

    With `data`, the package is those bytes (an e-mail attachment, say) and `path` only names it.
    """
    name = str(path)
    if data is not None:
        return _open_bytes(name, data)
    fs_path = os.fspath(path)
    if not os.path.exists(fs_path):
        raise NotAWorkbook("does not exist", file=name)
    if not os.path.isfile(fs_path):
        raise NotAWorkbook("is not a file", file=name)
    try:
        with open(fs_path, "rb") as fh:
            head = fh.read(len(OLE_MAGIC))
    except OSError as exc:
        raise BcfError(f"cannot be read ({exc.strerror})", file=name) from None
    check_head(head, fs_path, name)
    try:
        zf = zipfile.ZipFile(fs_path)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
        raise NotAWorkbook(DAMAGED, file=name) from None
    return _checked(zf, name, os.path.getsize(fs_path))


def _open_bytes(name: str, data: bytes) -> XlsxPackage:
    check_head(data[:len(OLE_MAGIC)], data, name)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
        raise NotAWorkbook(DAMAGED, file=name) from None
    return _checked(zf, name, len(data))


def _checked(zf: zipfile.ZipFile, name: str, size: int) -> XlsxPackage:
    try:
        check_entries(zf, name, size)
        refuse_other_formats(zf, name)
        return XlsxPackage(name, zf)
    except BaseException:
        zf.close()
        raise
