"""The copy of a return that goes to NHS England: its name, and saving it without harm.

NHS England names each return after its Health and Wellbeing Board ("Leicestershire HWB.xlsx",
"C&D - Leicestershire HWB.xlsx" for capacity and demand); the pattern is the description's
`submission_name`. The copy is written next to the return, never over an existing file unless
the caller says so, and never half-written.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from .errors import BcfError
from .template import OpenTemplate

# Characters Windows does not allow in a file name; HWB names do not use them, but a typed one might.
_NOT_IN_FILE_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


class CopyExists(BcfError):
    """The submission copy's name is already taken by a file; `path` is that file."""

    def __init__(self, path: Path):
        super().__init__("already exists", file=str(path),
                         hint="choose to replace it, or move it out of the folder first")
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


def save_copy(src: str | Path, folder: str | Path, name: str, *, overwrite: bool = False) -> Path:
    """Copy the file `src` to `folder`/`name`; raises CopyExists rather than replace a file unasked.

    The copy is made under a temporary name in the same folder and then renamed, so a failure
    part-way never leaves a damaged file under the submission name.
    """
    src, folder = Path(src), Path(folder)
    if not folder.is_dir():
        raise BcfError("is not a folder that exists", file=str(folder))
    target = folder / name
    if target.exists():
        if _same_file(src, target):
            raise BcfError("is the return itself; a submission copy cannot replace the file it is copied from",
                           file=str(target), hint="save the return under another name first")
        if not overwrite:
            raise CopyExists(target)
    fd, tmp = tempfile.mkstemp(prefix="~bcf-", suffix=target.suffix, dir=folder)
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, target)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise BcfError(f"could not be written: {exc.strerror or exc}", file=str(target),
                       hint="if it is open in Excel, close it and try again") from None
    return target


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and os.path.samefile(a, b)
    except OSError:
        return False


NATIONAL_TEAM = "england.bettercarefundteam@nhs.net"


def email_draft(copy: str | Path, tpl: OpenTemplate, *, to: str = NATIONAL_TEAM, cc: str | None = None) -> Path:
    """An unsent e-mail with the submission copy attached, beside it ('Leicestershire HWB.eml').

    `X-Unsent: 1` makes Outlook open it as a new message ready to send rather than as one
    received; the officer adds their Better Care Manager and presses Send.
    """
    from email.message import EmailMessage

    copy = Path(copy)
    desc = tpl.description
    msg = EmailMessage()
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = f"{copy.stem}: {desc.name}"
    msg["X-Unsent"] = "1"
    msg.set_content(
        f"Please find attached the {desc.name} (version {desc.version}) for {tpl.hwb}.\n\n"
        "(Copy in your Better Care Manager before sending.)\n")
    msg.add_attachment(copy.read_bytes(), maintype="application",
                       subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename=copy.name)
    draft = copy.with_suffix(".eml")
    fd, tmp = tempfile.mkstemp(prefix="~bcf-", suffix=".eml", dir=copy.parent)
    with os.fdopen(fd, "wb") as fh:
        fh.write(bytes(msg))
    os.replace(tmp, draft)
    return draft
