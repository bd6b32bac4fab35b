"""Builders for small workbooks shaped like the real templates, for the xlsx file-layer tests."""
from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

YELLOW = "FFFF00"
BLUE = "BDD7EE"
LIST_VALIDATION_EXT = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1">'
    "<x14:formula1><xm:f>Lists!$A$1:$A$3</xm:f></x14:formula1><xm:sqref>E3:E6</xm:sqref>"
    "</x14:dataValidation></x14:dataValidations></ext></extLst>"
)


def png_bytes() -> bytes:
    from PIL import Image as PILImage

    buf = io.BytesIO()
    PILImage.new("RGB", (12, 8), (0, 94, 184)).save(buf, format="PNG")
    return buf.getvalue()


def build_template(path: Path) -> Path:
    """A protected 'Schemes' sheet like a BCF template, a 'Lists' sheet and an unprotected 'Notes'.

    Schemes: A1:D1 merged title; B3:B6 yellow unlocked inputs (B3=100, B4 shared string 'Existing',
    B5 and B6 empty but styled); C3:C6 blue locked formulas =B3*2; D3 locked 0.45 with a hyperlink;
    D4 a date; B8 an empty unlocked date input; E3:E6 unlocked with an x14 list validation; F3:F6 a classic list validation;
    a conditional format on B3:B6, a logo image, column H unlocked by its column style and row 20
    unlocked by its row style.
    """
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "Schemes"
    yellow = PatternFill("solid", fgColor=YELLOW)
    blue = PatternFill("solid", fgColor=BLUE)
    unlocked = Protection(locked=False)

    ws["A1"] = "Better Care Fund 2025-26 Planning Template"
    ws.merge_cells("A1:D1")
    ws["A2"], ws["B2"], ws["C2"], ws["D2"] = "Scheme", "Planned spend", "Doubled", "Share"
    for row in range(3, 7):
        ws.cell(row, 1, f"Scheme {row - 2}")
        for col, fill in ((2, yellow), (5, yellow)):
            cell = ws.cell(row, col)
            cell.fill = fill
            cell.protection = unlocked
        formula = ws.cell(row, 3, f"=B{row}*2")
        formula.fill = blue
        ws.cell(row, 6).protection = unlocked
    ws["B3"] = 100
    ws["B4"] = "Existing"
    ws["D3"] = 0.45
    ws["D3"].fill = blue
    ws["D3"].hyperlink = "https://www.england.nhs.uk/ourwork/part-rel/bcf/"
    ws["D4"] = datetime(2025, 4, 1)
    ws["D4"].number_format = "dd/mm/yyyy"
    ws["B8"].protection = unlocked
    ws["B8"].fill = yellow
    ws["B8"].number_format = "dd/mm/yyyy"
    ws.column_dimensions["H"].protection = unlocked
    ws.row_dimensions[20].protection = unlocked

    dv = DataValidation(type="list", formula1='"Yes,No"', allow_blank=True)
    ws.add_data_validation(dv)
    dv.add("F3:F6")
    ws.conditional_formatting.add("B3:B6", CellIsRule(operator="lessThan", formula=["0"], fill=blue))
    ws.add_image(Image(io.BytesIO(png_bytes())), "G2")
    ws.protection.sheet = True

    lists = wb.create_sheet("Lists")
    for i, item in enumerate(("Social Care", "NHS Community", "Other"), 1):
        lists.cell(i, 1, item)
    lists.protection.sheet = True
    notes = wb.create_sheet("Notes")
    notes["A1"] = "Free text"
    wb.save(path)
    _finish_like_excel(path)
    return path


def _finish_like_excel(path: Path) -> None:
    """Give the openpyxl file the parts Excel would: an x14 list validation and shared strings."""
    with zipfile.ZipFile(path) as zf:
        entries = [(info, zf.read(info)) for info in zf.infolist()]
    out = []
    for info, data in entries:
        if info.filename == "xl/worksheets/sheet1.xml":
            text = data.decode()
            inline = '<c r="B4" s="{}" t="inlineStr"><is><t>Existing</t></is></c>'
            start = text.index('<c r="B4"')
            end = text.index("</c>", start) + 4
            style = text[start:end].split('s="')[1].split('"')[0]
            assert text[start:end] == inline.format(style), text[start:end]
            text = text[:start] + f'<c r="B4" s="{style}" t="s"><v>0</v></c>' + text[end:]
            data = text.replace("</worksheet>", LIST_VALIDATION_EXT + "</worksheet>").encode()
        elif info.filename == "xl/_rels/workbook.xml.rels":
            data = data.replace(b"</Relationships>", (
                b'<Relationship Id="rIdSst" Target="/xl/sharedStrings.xml" Type="http://schemas.'
                b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>'))
        elif info.filename == "[Content_Types].xml":
            data = data.replace(b"</Types>", (
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
        out.append((info, data))
    sst = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.'
           b'openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>Existing</t>'
           b"</si></sst>")
    out.append((zipfile.ZipInfo("xl/sharedStrings.xml", date_time=(2025, 1, 1, 0, 0, 0)), sst))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in out:
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DEFAULT_STYLES = (
    f'<styleSheet xmlns="{MAIN_NS}"><fonts count="1"><font/></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
    '</fill><fill><patternFill patternType="solid"><fgColor rgb="FFFFFF00"/></patternFill></fill></fills>'
    '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="0" fillId="2" applyProtection="1"><protection locked="0"/>'
    '</xf><xf numFmtId="0" fillId="2"/><xf numFmtId="14" applyProtection="1"><protection locked="0"/></xf>'
    '</cellXfs></styleSheet>'
)
UNLOCKED = 1      # cellXfs index of the yellow unlocked style in DEFAULT_STYLES
LOCKED_YELLOW = 2
UNLOCKED_DATE = 3


def build_raw(path: Path, sheets: dict[str, str], *, styles: str = DEFAULT_STYLES,
              workbook_pr: str = "", absolute_targets: bool = False, calc_pr: str = "",
              defined_names: str = "") -> Path:
    """A minimal hand-written package, for the cases openpyxl cannot produce.

    `sheets` maps name -> the inner XML of <worksheet> (e.g. '<sheetData>...</sheetData>').
    """
    names = list(sheets)
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" '
        f'Target="{"/xl/" if absolute_targets else ""}worksheets/sheet{i}.xml"/>'
        for i in range(1, len(names) + 1))
    rels += f'<Relationship Id="rIdS" Type="{REL_NS}/styles" Target="styles.xml"/>'
    sheet_list = "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, 1))
    decl = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                      f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      for i in range(1, len(names) + 1))
            + '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
              'officedocument.spreadsheetml.styles+xml"/></Types>'),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">{workbook_pr}<bookViews><workbookView/>'
            f"</bookViews><sheets>{sheet_list}</sheets>{defined_names}{calc_pr}</workbook>"),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}'
            "</Relationships>"),
        "xl/styles.xml": styles,
    }
    for i, name in enumerate(names, 1):
        parts[f"xl/worksheets/sheet{i}.xml"] = f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">{sheets[name]}</worksheet>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, xml in parts.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2024, 5, 1, 9, 30, 0)), (decl + xml).encode(),
                        compress_type=zipfile.ZIP_DEFLATED)
    return path


def office_package(path: Path, main_part: str, content: bytes | str) -> Path:
    """A zip whose package relationship names `main_part` as its main document, holding `content`."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("_rels/.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="{main_part}"/></Relationships>'))
        zf.writestr(main_part, content)
    return path
