"""The copy of a return that goes to NHS England: its name and where it goes.

NHS England names each return after its Health and Wellbeing Board ("Leicestershire HWB.xlsx",
"C&D - Leicestershire HWB.xlsx" for capacity and demand); the pattern is the description's
`submission_name`. The pack (bcf_addin.pack) writes the copy.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import BcfError
from .located import OpenTemplate

# Characters Windows does not allow in a file name; HWB names do not use them, but a typed one might.
_NOT_IN_FILE_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


class CopyExists(BcfError):
    """The submission copy's name is already taken by a file; `path` is that file."""

    def __init__(self, path: Path):
        super().__init__("already exists", file=str(path),
                         hint="replace it with bcf submit --replace (a backup copy is kept), or move it out of the folder first")
        self.path = path


def submission_name(tpl: OpenTemplate) -> str:
    """The file name NHS England asks for, e.g. 'Leicestershire HWB.xlsx'."""
    hwb = tpl.hwb
    if not hwb:
        where = tpl.layout.fields.get("hwb")
        raise BcfError(
            "the Health and Wellbeing Board is not chosen, and NHS England names each return after its HWB",
            file=tpl.workbook.path, sheet=tpl.layout.workbook_sheet(where.sheet) if where else None,
            cell=where.ref if where else None,
            hint="choose the HWB from the drop-down list on the cover sheet, then save for submission again")
    stem = tpl.description.submission_name.format(hwb=hwb)
    stem = _NOT_IN_FILE_NAMES.sub("-", stem).strip().rstrip(".")
    return f"{stem}.xlsx"


def same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


NATIONAL_TEAM = "england.bettercarefundteam@nhs.net"

