"""The VBA modules that go into the add-in, as text.

Two sources:

* ``macros_bridge/*.bas`` / ``*.cls``: this project's ribbon callback, kept as the VBE exports it.
* xlwings' VBA, taken from the *installed* xlwings package at build time so the VBA and the
  Python half of RunPython are always the same version. xlwings ships it as plain text:
  ``xlwings_custom_addin.bas`` (the single-module RunPython for custom add-ins, the file
  ``xlwings copy customaddin`` hands out) and ``addin/Dictionary.cls`` (the Mac stand-in for
  Scripting.Dictionary that its config reader needs). No copy of either lives in this repository.

The custom add-in flavour matters: ``xlwings.bas`` passes ``ThisWorkbook`` to Python, which in an
add-in is the add-in itself, so ``Book.caller()`` would return the add-in instead of the user's
return. ``xlwings_custom_addin.bas`` passes ``ActiveWorkbook`` and reads its settings from a sheet
named ``PROJECT_NAME & ".conf"`` in the active workbook, then in the add-in. Its PROJECT_NAME is
set to ``xlwings`` here, so the add-in's settings sheet is ``xlwings.conf``, as in xlwings' own
standalone workbooks, and ``~/.xlwings/xlwings.conf`` remains the per-user fallback.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import xlwings

from bcf_addin import paths

XLWINGS_MODULE = "xlwings"
_PROJECT_NAME = re.compile(r'^Public Const PROJECT_NAME As String = "[^"]*"\r?$', re.MULTILINE)
_VERSION = re.compile(r'^Public Const XLWINGS_VERSION As String = "([^"]*)"\r?$', re.MULTILINE)
_VB_NAME = re.compile(r'^Attribute VB_Name = "([A-Za-z][A-Za-z0-9_]*)"\r?$', re.MULTILINE)


class VbaSourceError(RuntimeError):
    """The VBA text is not what the build expects (a renamed file, or an xlwings that changed)."""


@dataclass(frozen=True)
class VbaModule:
    name: str
    kind: str  # "standard" (a .bas) or "class" (a .cls)
    code: str  # CRLF line ends, as the VBE exports and imports
    origin: Path

    @property
    def filename(self) -> str:
        return self.name + (".cls" if self.kind == "class" else ".bas")


def crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def read_module(path: Path, code: str | None = None) -> VbaModule:
    """A module file in VBE export form; its name comes from the Attribute VB_Name line."""
    text = crlf(code if code is not None else path.read_text(encoding="cp1252"))
    found = _VB_NAME.search(text)
    if not found:
        raise VbaSourceError(f"{path} has no Attribute VB_Name line, so it cannot become a VBA module")
    header = text[:found.start()]
    # A .bas must start with the name line; a .cls starts with VERSION/BEGIN/END then the name.
    if path.suffix.lower() == ".bas" and header.strip():
        raise VbaSourceError(f"{path} must start with its Attribute VB_Name line, as the VBE exports it")
    return VbaModule(found.group(1), "class" if path.suffix.lower() == ".cls" else "standard", text, path)


def bridge_modules() -> list[VbaModule]:
    folder = paths.project_folder("macros_bridge")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".bas", ".cls"))
    if not files:
        raise VbaSourceError(f"{folder} holds no .bas or .cls file")
    return [read_module(p) for p in files]


def xlwings_folder() -> Path:
    return Path(xlwings.__file__).resolve().parent


def xlwings_module() -> VbaModule:
    """xlwings' RunPython module, configured to read the add-in's xlwings.conf sheet."""
    path = xlwings_folder() / "xlwings_custom_addin.bas"
    if not path.is_file():
        raise VbaSourceError(f"xlwings {xlwings.__version__} ships no {path.name}; install a version that does")
    text = path.read_text(encoding="cp1252")
    version = _VERSION.search(text)
    if not version or version.group(1) != xlwings.__version__:
        raise VbaSourceError(
            f"{path} is for xlwings {version.group(1) if version else '?'}, but xlwings {xlwings.__version__} "
            "is installed; reinstall xlwings so its VBA and Python match")
    text, replaced = _PROJECT_NAME.subn(f'Public Const PROJECT_NAME As String = "{XLWINGS_MODULE}"', text)
    if replaced != 1:
        raise VbaSourceError(f"{path} no longer declares PROJECT_NAME once; the add-in's settings sheet would not be found")
    module = read_module(path, text)
    if module.name != XLWINGS_MODULE:
        raise VbaSourceError(f"{path} names its module {module.name!r}, expected {XLWINGS_MODULE!r}")
    return module


def xlwings_dictionary() -> VbaModule:
    return read_module(xlwings_folder() / "addin" / "Dictionary.cls")


def addin_modules() -> list[VbaModule]:
    """Everything the add-in's VBA project holds besides its workbook and sheet modules."""
    modules = bridge_modules() + [xlwings_module(), xlwings_dictionary()]
    names = [m.name.casefold() for m in modules]
    clashes = sorted({m.name for m in modules if names.count(m.name.casefold()) > 1})
    if clashes:
        raise VbaSourceError(f"two VBA modules share a name: {', '.join(clashes)}")
    return modules
