"""Put values into the input cells of an .xlsx without disturbing anything else in it.

A load-and-save through openpyxl drops what it does not model (logos, shapes, extension data),
so the package is rebuilt here entry by entry: every part except the edited sheets (and
workbook.xml, for the recalculation flag) is copied as its original compressed bytes, and in
an edited sheet only the bytes of the target <c> elements change (or new ones are put in, in
order): every other cell, row and attribute keeps its exact bytes.

Here the whole job is planned and checked before anything is written; `sheetedit` edits one
sheet's part, `encode` turns a value into what a cell stores, and `repack` writes the package.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import ProtectedCell
from ..workbook import CellWrite, Value
from . import splice
from .encode import encode
from .package import XlsxPackage, open_package
from .repack import write_atomically
from .sheetedit import IN_PLACE, SheetEdit, StoredStrings, namespace_prefix, scan

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
        strings = StoredStrings(pkg)
        edits = []
        for sheet in (s for s in parts if s in plan):       # validate every sheet before editing any
            targets = {key: encode(value, date1904, src_name, sheet, key)
                       for key, value in plan[sheet].items()}
            edit = SheetEdit(pkg, parts[sheet], sheet, formats, {row for row, _ in targets})
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
        kept = write_atomically(pkg, replaced, str(dest), backup)
    return WriteResult(changed, unchanged, tuple(touched), kept)


def _full_calc_on_load(pkg: XlsxPackage) -> bytes | None:
    """workbook.xml asking Excel to recalculate on open (cached formula values are now stale)."""
    data, root = scan(pkg, pkg.workbook_part, lambda names, attrs, parent: len(names) == 2)
    prefix = namespace_prefix(root.name)
    encoding = splice.codec(data)
    calc = next((el for el in root.children if el.name == prefix + "calcPr"), None)
    if calc is not None:
        if calc.attrs.get("fullCalcOnLoad") in ("1", "true"):
            return None
        attrs = {**calc.attrs, "fullCalcOnLoad": "1"}
        tag = splice.start_tag(calc.name, attrs, empty=calc.empty).encode(encoding, "xmlcharrefreplace")
        return splice.apply(data, [(calc.start, calc.tag_end, IN_PLACE, tag)])
    anchors = [el for el in root.children if el.name.startswith(prefix) and el.name[len(prefix):] in _BEFORE_CALC
               and ":" not in el.name[len(prefix):]]
    # After the last element the schema puts before it; with none of those, at the end.
    at = anchors[-1].end if anchors else data.rindex(b"<", 0, root.end)
    tag = splice.start_tag(prefix + "calcPr", {"fullCalcOnLoad": "1"}, empty=True).encode(encoding)
    return splice.apply(data, [(at, at, IN_PLACE, tag)])
