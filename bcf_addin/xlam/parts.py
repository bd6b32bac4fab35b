"""The parts of the add-in package around the VBA: the ribbon and the xlwings.conf sheet.

Edits are made on an Excel-authored package (pyOpenVBA's blank add-in, or a file Excel saved),
so everything not touched here stays as Excel wrote it.
"""
from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from typing import Iterable, Union

from lxml import etree

ConfigValue = Union[str, bool]

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
NS_CORE = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
NS_DC = "http://purl.org/dc/elements/1.1/"

# customUI14.xml (Office 2010 schema) is found through this type; the 2006 type is for customUI.xml.
RIBBON_REL_TYPE = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
RIBBON_PART = "customUI/customUI14.xml"
ADDIN_CONTENT_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
VBA_CONTENT_TYPE = "application/vnd.ms-office.vbaProject"
VBA_REL_TYPE = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
CONFIG_SHEET = "xlwings.conf"

# Fixed timestamps: the same sources give the same bytes, so a rebuilt add-in can be compared.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


def _xml(element: etree._Element) -> bytes:
    # Office writes this exact declaration (double quotes); lxml would write single quotes.
    return _DECLARATION + etree.tostring(element, encoding="UTF-8")


def rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve_target(source_part: str, target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def config_sheet_xml(rows: Iterable[tuple[str, ConfigValue]]) -> bytes:
    """A worksheet with the settings in A:B, the layout xlwings' GetConfigFromSheet reads.

    It reads from A1 down to the first blank cell, so there must be no gaps; booleans stay
    booleans because xlwings compares them with True/False. Inline strings avoid a shared
    strings part; Excel converts them on its next save.
    """
    worksheet = etree.Element(f"{{{NS_MAIN}}}worksheet", nsmap={None: NS_MAIN, "r": NS_REL})
    etree.SubElement(worksheet, f"{{{NS_MAIN}}}sheetPr", codeName="Sheet1")
    cols = etree.SubElement(worksheet, f"{{{NS_MAIN}}}cols")
    etree.SubElement(cols, f"{{{NS_MAIN}}}col", min="1", max="1", width="30", customWidth="1")
    etree.SubElement(cols, f"{{{NS_MAIN}}}col", min="2", max="2", width="60", customWidth="1")
    data = etree.SubElement(worksheet, f"{{{NS_MAIN}}}sheetData")
    for number, (key, value) in enumerate(rows, start=1):
        if not key:
            raise ValueError("an xlwings.conf row needs a key: a blank one ends the settings early")
        row = etree.SubElement(data, f"{{{NS_MAIN}}}row", r=str(number))
        _string_cell(row, f"A{number}", key)
        if isinstance(value, bool):
            cell = etree.SubElement(row, f"{{{NS_MAIN}}}c", r=f"B{number}", t="b")
            etree.SubElement(cell, f"{{{NS_MAIN}}}v").text = "1" if value else "0"
        elif value:
            _string_cell(row, f"B{number}", value)
    return _xml(worksheet)


def _string_cell(row: etree._Element, ref: str, text: str) -> None:
    cell = etree.SubElement(row, f"{{{NS_MAIN}}}c", r=ref, t="inlineStr")
    inline = etree.SubElement(cell, f"{{{NS_MAIN}}}is")
    t = etree.SubElement(inline, f"{{{NS_MAIN}}}t")
    t.text = text
    if text != text.strip():
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


class Package:
    """An OOXML package held in memory as part name -> bytes, written back in one go."""

    def __init__(self, path: Path):
        with zipfile.ZipFile(path) as archive:
            self.parts = {info.filename: archive.read(info.filename) for info in archive.infolist()
                          if not info.is_dir()}

    def xml(self, part: str) -> etree._Element:
        return etree.fromstring(self.parts[part])

    def set_xml(self, part: str, element: etree._Element) -> None:
        self.parts[part] = _xml(element)

    def relationships(self, part: str) -> list[etree._Element]:
        name = rels_path(part) if part else "_rels/.rels"
        if name not in self.parts:
            return []
        return list(self.xml(name).iter(f"{{{NS_PKG_REL}}}Relationship"))

    def add_relationship(self, part: str, rel_type: str, target: str) -> None:
        """Relate ``part`` ('' for the package root) to ``target`` unless it already is."""
        name = rels_path(part) if part else "_rels/.rels"
        root = self.xml(name) if name in self.parts else etree.Element(
            f"{{{NS_PKG_REL}}}Relationships", nsmap={None: NS_PKG_REL})
        existing = list(root.iter(f"{{{NS_PKG_REL}}}Relationship"))
        if any(r.get("Type") == rel_type and r.get("Target") == target for r in existing):
            return
        used = {r.get("Id") for r in existing}
        number = 1
        while f"rId{number}" in used:
            number += 1
        etree.SubElement(root, f"{{{NS_PKG_REL}}}Relationship", Id=f"rId{number}", Type=rel_type, Target=target)
        self.set_xml(name, root)

    def content_type(self, part: str) -> str | None:
        types = self.xml("[Content_Types].xml")
        for override in types.iter(f"{{{NS_CT}}}Override"):
            if override.get("PartName") == "/" + part:
                return override.get("ContentType")
        extension = part.rsplit(".", 1)[-1].lower()
        for default in types.iter(f"{{{NS_CT}}}Default"):
            if default.get("Extension", "").lower() == extension:
                return default.get("ContentType")
        return None

    def workbook_part(self) -> str:
        for rel in self.relationships(""):
            if rel.get("Type", "").endswith("/officeDocument"):
                return resolve_target("", rel.get("Target"))
        raise ValueError("the package has no workbook")

    def save(self, out: Path) -> Path:
        out.parent.mkdir(parents=True, exist_ok=True)
        order = ["[Content_Types].xml"] + sorted(p for p in self.parts if p != "[Content_Types].xml")
        tmp = out.with_name(out.name + ".part")
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in order:
                info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, self.parts[name])
        tmp.replace(out)
        return out


def add_ribbon(package: Package, customui: bytes) -> None:
    """Put the ribbon XML in the package and relate it from the root, where Office looks for it."""
    package.parts[RIBBON_PART] = customui
    package.add_relationship("", RIBBON_REL_TYPE, RIBBON_PART)


def make_config_sheet(package: Package, rows: Iterable[tuple[str, ConfigValue]]) -> None:
    """Turn the workbook's only sheet into the xlwings.conf sheet holding ``rows``.

    The sheet keeps its code name, so the VBA project's document module for it still matches.
    """
    workbook_part = package.workbook_part()
    workbook = package.xml(workbook_part)
    sheets = list(workbook.iter(f"{{{NS_MAIN}}}sheet"))
    if len(sheets) != 1:
        raise ValueError(f"expected a workbook with one sheet, found {len(sheets)}")
    sheet = sheets[0]
    old_name = sheet.get("name")
    sheet.set("name", CONFIG_SHEET)
    package.set_xml(workbook_part, workbook)

    rel_id = sheet.get(f"{{{NS_REL}}}id")
    target = next(r.get("Target") for r in package.relationships(workbook_part) if r.get("Id") == rel_id)
    sheet_part = resolve_target(workbook_part, target)
    code_name = package.xml(sheet_part).find(f"{{{NS_MAIN}}}sheetPr")
    xml = etree.fromstring(config_sheet_xml(rows))
    if code_name is not None and code_name.get("codeName"):
        xml.find(f"{{{NS_MAIN}}}sheetPr").set("codeName", code_name.get("codeName"))
    package.set_xml(sheet_part, xml)

    # The sheet title list in docProps/app.xml is what Explorer and Excel's Properties show.
    if "docProps/app.xml" in package.parts:
        app = package.xml("docProps/app.xml")
        for title in app.iter(f"{{{NS_VT}}}lpstr"):
            if title.text == old_name:
                title.text = CONFIG_SHEET
        package.set_xml("docProps/app.xml", app)


def describe(package: Package, title: str, description: str, author: str) -> None:
    """Title and description are what Excel's Add-ins dialog shows for the add-in."""
    part = "docProps/core.xml"
    core = package.xml(part)
    for name in ("title", "description", "creator"):
        for old in core.findall(f"{{{NS_DC}}}{name}"):
            core.remove(old)
    for old in core.findall(f"{{{NS_CORE}}}lastModifiedBy"):
        core.remove(old)
    for name, text in (("title", title), ("description", description), ("creator", author)):
        etree.SubElement(core, f"{{{NS_DC}}}{name}").text = text
    etree.SubElement(core, f"{{{NS_CORE}}}lastModifiedBy").text = author
    package.set_xml(part, core)


def check_addin(package: Package) -> None:
    """Refuse to save a file Excel would not open as a macro-enabled add-in."""
    workbook = package.workbook_part()
    if package.content_type(workbook) != ADDIN_CONTENT_TYPE:
        raise ValueError(f"{workbook} is not an add-in workbook ({package.content_type(workbook)})")
    projects = [resolve_target(workbook, r.get("Target")) for r in package.relationships(workbook)
                if r.get("Type") == VBA_REL_TYPE]
    if len(projects) != 1 or projects[0] not in package.parts or package.content_type(projects[0]) != VBA_CONTENT_TYPE:
        raise ValueError("the add-in has no VBA project, or it is not related and typed as one")
    if RIBBON_PART not in package.parts:
        raise ValueError("the add-in has no ribbon")
