"""Personal data an earlier `--include-contacts` run left in the output folder: the contacts table
(in any format, and its backup copies), summary workbooks with a contacts sheet, and the returns
saved out of e-mails (their covers name people). A run without --include-contacts removes them,
without a backup, since the point is not to keep that data."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..errors import BcfError
from ..files import plain_os_error
from .formats import FORMATS

_CONTACTS_SHEET = re.compile(rb'<sheet\b[^>]*\bname="contacts"')
ATTACHMENTS = "attachments"          # the folder of returns saved out of e-mails, for bcf diff


def personal_leftovers(out: Path) -> list[Path]:
    if not out.is_dir():
        return []
    tables = [p for fmt in FORMATS for p in out.glob(f"contacts*.{fmt}")
              if p.stem == "contacts" or p.stem.startswith("contacts (backup ")]
    summaries = [p for p in out.glob("summary*.xlsx") if _has_contacts_sheet(p)]
    saved = [p for p in (out / ATTACHMENTS).rglob("*") if p.is_file()]
    return sorted(tables) + sorted(summaries) + sorted(saved)


def remove(paths: list[Path]) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            raise BcfError(f"holds personal data from an earlier --include-contacts run and cannot be removed: "
                           f"{plain_os_error(exc)}", file=str(path)) from None
    for folder in sorted({p.parent for p in paths if p.parent.name == ATTACHMENTS}):
        try:
            folder.rmdir()
        except OSError:
            pass        # something else is kept there: the personal files are gone all the same


def shown(path: Path) -> str:
    """A removed file as the report names it: a saved return with its folder."""
    return f"{ATTACHMENTS}/{path.name}" if path.parent.name == ATTACHMENTS else path.name


def _has_contacts_sheet(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return bool(_CONTACTS_SHEET.search(zf.read("xl/workbook.xml")))
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
