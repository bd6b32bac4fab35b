"""The release folder an IT service desk deploys: the wheel, the add-in, the Lite edition's files
and a one-page install sheet, side by side.

bcf-addin is not on PyPI yet, so the wheel in this folder is how every route installs it.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .. import __version__
from ..errors import BcfError
from . import ADDIN_FILENAME
from .build import build_addin

WHEEL = f"bcf_addin-{__version__}-py3-none-any.whl"

INSTALL_SHEET = """Better Care Fund tools {version}: installing them
======================================================

This folder holds everything; put it on a shared drive the officers' PCs can read.

  {wheel}   the Python package (not on PyPI yet: install it from this file)
  {addin}   the Excel add-in: a Better Care Fund tab on the ribbon
  lite\\                 main.py and requirements.txt for xlwings Lite (no Python on the PC)

Desktop add-in (Python allowed on the PC), for each user, Excel closed:
  1. Install Python 3.10 or later from python.org (per-user, "Add python.exe to PATH").
  2. In Command Prompt:
       pip install "<this folder>\\{wheel}"
       bcf addin install --file "<this folder>\\{addin}"
     pip fetches the wheel's dependencies from PyPI; with no internet access, first run
       pip download -d deps "<this folder>\\{wheel}"
     where there is, copy deps\\ beside it and add: --no-index --find-links deps
  3. Allow the add-in's macros (a trusted location such as XLSTART, where step 2 puts it) and
     allow Excel to start python.exe.

xlwings Lite (no Python on the PC): allow the xlwings Lite add-in from the Office store, publish
{wheel} at an address Excel can reach, open the return, open xlwings Lite, paste lite\\main.py into
its editor and lite\\requirements.txt into its requirements tab with that address. Save the workbook.

Command line only: steps 1 and the pip line of step 2; then `bcf --help`.

Which route suits which PC: docs/routes.md in the project, or the Help button.
"""


def _checkout() -> Path:
    root = Path(__file__).resolve().parents[2]
    if not (root / "setup.cfg").is_file() or not (root / "lite" / "main.py").is_file():
        raise BcfError("the release folder is built from a checkout of bcf-addin (with setup.cfg and lite/), "
                       f"not from an installed copy ({root})")
    return root


def bundle(folder: Path, *, interpreter_win: str = "", interpreter_mac: str = "") -> list[Path]:
    """Write the release folder; returns the files written."""
    root = _checkout()
    folder.mkdir(parents=True, exist_ok=True)
    ran = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(folder), str(root)],
                         capture_output=True, text=True)
    wheel = folder / WHEEL
    if ran.returncode != 0 or not wheel.is_file():
        raise BcfError(f"could not build the wheel: {(ran.stderr or ran.stdout).strip()[-500:]}", file=str(root))
    addin = build_addin(folder / ADDIN_FILENAME, interpreter_win=interpreter_win, interpreter_mac=interpreter_mac)
    lite = folder / "lite"
    lite.mkdir(exist_ok=True)
    (lite / "main.py").write_bytes((root / "lite" / "main.py").read_bytes())
    requirements = (root / "lite" / "requirements.txt").read_text(encoding="utf-8")
    (lite / "requirements.txt").write_text(requirements.replace("bcf_addin-0.1.0-py3-none-any.whl", WHEEL),
                                           encoding="utf-8")
    sheet = folder / "INSTALL.txt"
    sheet.write_text(INSTALL_SHEET.format(version=__version__, wheel=WHEEL, addin=ADDIN_FILENAME), encoding="utf-8")
    return [wheel, Path(addin), lite / "main.py", lite / "requirements.txt", sheet]
