"""Build the add-in through Excel on Windows, from the same text sources as build.py.

Use it when an add-in written by Excel itself is wanted, for example to rule out the Linux build
when Excel reports a problem with the file. Excel compiles the modules as it imports them, so the
saved project carries real p-code for that Excel. Needs Excel for Windows and, for the duration
of the build, File > Options > Trust Center > Trust Center Settings > Macro Settings >
"Trust access to the VBA project object model".
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import xlwings

from bcf_addin.xlam import parts
from bcf_addin.xlam.build import xlwings_settings
from bcf_addin.xlam.vba import addin_modules
from bcf_addin.ribbon import customui_path

XL_OPENXML_ADDIN = 55  # XlFileFormat.xlOpenXMLAddIn


class ExcelBuildError(RuntimeError):
    """Excel could not build the add-in; the message says what to change."""


def build_addin_via_excel(out: Path, *, interpreter_win: str = "", interpreter_mac: str = "",
                          visible: bool = False) -> Path:
    if not sys.platform.startswith("win"):
        raise ExcelBuildError("Building through Excel needs Excel for Windows; use 'bcf addin build' without --via-excel.")

    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        files = _module_files(Path(scratch))
        app = xlwings.App(visible=visible, add_book=False)
        try:
            app.display_alerts = False
            book = app.books.add()
            _import_modules(book, files)
            _write_settings(book, xlwings_settings(interpreter_win, interpreter_mac))
            book.api.SaveAs(str(out), FileFormat=XL_OPENXML_ADDIN)
            book.close()
        finally:
            app.quit()
    # Excel's object model cannot add ribbon XML, so that one part is added to the saved file.
    addin = parts.Package(out)
    parts.add_ribbon(addin, customui_path().read_bytes())
    parts.check_addin(addin)
    return addin.save(out)


def _module_files(folder: Path) -> list[Path]:
    """The modules as files for VBComponents.Import, which needs CRLF and the ANSI code page."""
    files = []
    for module in addin_modules():
        path = folder / module.filename
        path.write_bytes(module.code.encode("cp1252"))
        files.append(path)
    return files


def _import_modules(book, files: list[Path]) -> None:
    try:
        components = book.api.VBProject.VBComponents
    except Exception as error:
        raise ExcelBuildError(
            "Excel refused access to the workbook's VBA project. Turn on File > Options > Trust Center > "
            "Trust Center Settings > Macro Settings > 'Trust access to the VBA project object model', "
            "build again, then turn it off.") from error
    for path in files:
        components.Import(str(path))


def _write_settings(book, rows) -> None:
    # A new workbook may have several sheets (Excel's "Include this many sheets" option).
    while len(book.sheets) > 1:
        book.sheets[-1].delete()
    sheet = book.sheets[0]
    sheet.name = parts.CONFIG_SHEET
    sheet["A1"].value = [[key, value if value != "" else None] for key, value in rows]
    sheet["A:B"].autofit()
