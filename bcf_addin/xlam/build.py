"""Build bcf_addin.xlam from the text sources, on any operating system.

What goes in:

* ``ribbon/customUI14.xml``, related from the package root as Office 2010+ ribbon XML;
* a VBA project (see :mod:`bcf_addin.xlam.vbaproject` for how it is written and why Excel will
  compile it) holding ``macros_bridge/BcfRibbon.bas`` and xlwings' RunPython module and its
  Dictionary class, both from the installed xlwings (see :mod:`bcf_addin.xlam.vba`);
* an ``xlwings.conf`` sheet with xlwings' settings, which the xlwings module reads from the add-in.

On Windows with Excel, :mod:`bcf_addin.xlam.via_excel` builds the same add-in through Excel instead.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from bcf_addin.xlam import ADDIN_FILENAME, parts, vbaproject
from bcf_addin.xlam.vba import addin_modules
from bcf_addin.ribbon import customui_path

TITLE = "Better Care Fund"
DESCRIPTION = ("The Better Care Fund tab: populate, check and balance NHS England's BCF returns, "
               "and save them for submission.")


def xlwings_settings(interpreter_win: str = "", interpreter_mac: str = "") -> list[tuple[str, str | bool]]:
    """The rows of the add-in's xlwings.conf sheet, in the order xlwings' own template uses.

    An empty Interpreter means "python" found on PATH. ADD_WORKBOOK_TO_PYTHONPATH is off because
    the tools come from the installed package: a stray .py file beside a return must not
    replace one of its modules.
    """
    return [
        ("Interpreter_Win", interpreter_win),
        ("Interpreter_Mac", interpreter_mac),
        ("PYTHONPATH", ""),
        ("Conda Path", ""),
        ("Conda Env", ""),
        ("UDF Modules", ""),
        ("Debug UDFs", False),
        ("Use UDF Server", False),
        ("Show Console", False),
        ("ADD_WORKBOOK_TO_PYTHONPATH", False),
    ]


def build_addin(out: Path, *, interpreter_win: str = "", interpreter_mac: str = "") -> Path:
    """Write the add-in to ``out`` and return its path.

    ``interpreter_win`` / ``interpreter_mac`` go into the xlwings.conf sheet; ``bcf addin install``
    sets the one for the current system to the Python it runs in.
    """
    out = Path(out)
    customui = customui_path().read_bytes()
    with tempfile.TemporaryDirectory() as scratch:
        staged = vbaproject.write_blank_addin_with(addin_modules(), Path(scratch) / ADDIN_FILENAME)
        addin = parts.Package(staged)
    addin.parts[vbaproject.VBA_PROJECT_PART] = vbaproject.source_only(addin.parts[vbaproject.VBA_PROJECT_PART])
    parts.make_config_sheet(addin, xlwings_settings(interpreter_win, interpreter_mac))
    parts.add_ribbon(addin, customui)
    parts.describe(addin, TITLE, DESCRIPTION, "bcf-addin")
    parts.check_addin(addin)
    return addin.save(out)
