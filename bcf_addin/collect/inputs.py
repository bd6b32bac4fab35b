"""What to collect: workbook files, and the workbooks attached to e-mails, under the paths given.

Every input becomes a Source (something to examine) or an Unusable (a row saying why not): a bad
file or e-mail never stops the run.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..errors import BcfError
from .mail import WORKBOOK_SUFFIXES, is_workbook_name, read_mail

MAIL_SUFFIXES = (".eml", ".msg")


@dataclass(frozen=True)
class Source:
    file: str                     # how the return is named in every table: a path, or "mail.eml > name.xlsx"
    path: str                     # the file on disk (the e-mail, for an attachment)
    received: datetime            # the e-mail's date, else the file's modification time (UTC)
    sender: str | None = None
    data: bytes | None = None     # an attachment's content; None for a workbook file on disk

    @property
    def attachment(self) -> bool:
        return self.data is not None


@dataclass(frozen=True)
class Unusable:
    file: str
    reason: str
    sender: str | None = None
    received: datetime | None = None


def find(inputs: list[str | Path], exclude: Path | None = None) -> tuple[list[Source], list[Unusable]]:
    """Sources and unusable inputs, in a stable order (folders walked, names sorted). Nothing under
    `exclude` (the output folder, when it lies inside an input folder) is taken."""
    skip = exclude.resolve() if exclude is not None else None
    sources: list[Source] = []
    unusable: list[Unusable] = []
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and _wanted(p)
                           and not (skip and p.resolve().is_relative_to(skip)))
        elif path.exists():
            files = [path]
        else:
            unusable.append(Unusable(str(path), "does not exist"))
            continue
        for file in files:
            _add(file, sources, unusable)
    return sources, unusable


def _wanted(path: Path) -> bool:
    name = path.name.lower()
    return not name.startswith("~$") and name.endswith(WORKBOOK_SUFFIXES + MAIL_SUFFIXES)


def _add(file: Path, sources: list[Source], unusable: list[Unusable]) -> None:
    suffix = file.suffix.lower()
    if suffix in MAIL_SUFFIXES:
        try:
            mail = read_mail(file)
        except BcfError as exc:
            unusable.append(Unusable(str(file), reason_of(exc)))
            return
        received = _utc(mail.sent) if mail.sent else _modified(file)
        if not mail.attachments:
            unusable.append(Unusable(str(file), "has no .xlsx or .xlsm attachment", mail.sender, received))
        for name, data in mail.attachments:
            sources.append(Source(f"{file} > {name}", str(file), received, mail.sender, data))
    elif is_workbook_name(file.name):
        sources.append(Source(str(file), str(file), _modified(file)))
    else:
        unusable.append(Unusable(str(file), "is not an .xlsx or .xlsm workbook, nor an .eml or .msg e-mail"))


def reason_of(exc: BcfError) -> str:
    """The message without the file name: the row already names the file."""
    return f"{exc.message} ({exc.hint})" if exc.hint else exc.message


def _modified(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)
