"""The copy of a return that goes to NHS England: its name, and saving it without harm.

NHS England names each return after its Health and Wellbeing Board ("Leicestershire HWB.xlsx",
"C&D - Leicestershire HWB.xlsx" for capacity and demand); the pattern is the description's
`submission_name`. The copy is written next to the return, never over an existing file unless
the caller says so (and then the old one is kept as a backup), and never half-written.
"""
from __future__ import annotations

import os
import re
import shutil
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BcfError
from .files import Replacement
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
    """Copy the file `src` to `folder`/`name`; raises CopyExists rather than replace a file unasked,
    and with `overwrite` keeps the file it replaces as a backup copy beside it."""
    return save_submission(src, folder, name, overwrite=overwrite).copy


@dataclass
class Submission:
    copy: Path
    draft: Path | None = None
    backups: list[Path] = field(default_factory=list)


def save_submission(src: str | Path, folder: str | Path, name: str, *, overwrite: bool = False,
                    draft_for: OpenTemplate | None = None) -> Submission:
    """The copy `folder`/`name` of the file `src` and, given `draft_for`, the e-mail draft beside it.

    Both are written in full under temporary names before either is put in place, so a refusal
    or failure leaves neither; an existing file of either name is refused unless `overwrite`,
    and then kept as a backup copy.
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
    draft = target.with_suffix(".eml") if draft_for is not None else None
    if draft is not None and draft.exists() and not overwrite:
        raise CopyExists(draft)
    existing = "backup" if overwrite else "refuse"
    # The draft is entered first so that the copy, the likelier to fail (open in Excel), lands first.
    with (Replacement(draft, existing=existing) if draft else nullcontext()) as mail, \
            Replacement(target, existing=existing) as copy:
        with open(src, "rb") as fh:
            shutil.copyfileobj(fh, copy.file)
        if mail is not None:
            mail.file.write(bytes(_message(src.read_bytes(), target.name, draft_for)))
    return Submission(target, draft, [r.backup for r in (copy, mail) if r is not None and r.backup])


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and os.path.samefile(a, b)
    except OSError:
        return False


NATIONAL_TEAM = "england.bettercarefundteam@nhs.net"


def _message(attachment: bytes, name: str, tpl: OpenTemplate):
    """An unsent e-mail to the national team with the submission copy attached.

    `X-Unsent: 1` makes Outlook open it as a new message ready to send rather than as one
    received; the officer adds their Better Care Manager and presses Send."""
    from email.message import EmailMessage

    desc = tpl.description
    msg = EmailMessage()
    msg["To"] = NATIONAL_TEAM
    msg["Subject"] = f"{Path(name).stem}: {desc.name}"
    msg["X-Unsent"] = "1"
    msg.set_content(
        f"Please find attached the {desc.name} (version {desc.version}) for {tpl.hwb}.\n\n"
        "(Copy in your Better Care Manager before sending.)\n")
    msg.add_attachment(attachment, maintype="application",
                       subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename=name)
    return msg
