"""What to collect: workbook files, and the workbooks attached to e-mails, under the paths given.

Every input becomes a Source (something to examine) or an Unusable (a row saying why not): a bad
file or e-mail never stops the run. A file reached twice (the same path, or the same bytes under
another name or in another e-mail) is read once: the later one is a row saying so, never counted.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
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


@dataclass
class _Seen:
    """The first name under which each file on disk and each content was met."""

    paths: dict[Path, str] = field(default_factory=dict)
    contents: dict[str, str] = field(default_factory=dict)

    def first(self, name: str, path: Path | None, data: bytes | None) -> str | None:
        """The name this file was first met under, or None (and remembered) when it is new."""
        if path is not None:
            real = path.resolve()
            if real in self.paths:
                return self.paths[real]
            self.paths[real] = name
        if data is None:
            return None
        digest = hashlib.sha256(data).hexdigest()
        if digest in self.contents:
            return self.contents[digest]
        self.contents[digest] = name
        return None


def find(inputs: list[str | Path], exclude: Path | None = None) -> tuple[list[Source], list[Unusable]]:
    """Sources and unusable inputs, in a stable order (folders walked, names sorted). Nothing under
    `exclude` (the output folder, when it lies inside an input folder) is taken."""
    skip = exclude.resolve() if exclude is not None else None
    for given in inputs:
        if not Path(given).exists():
            # A mistyped path is refused before anything is read or written, not a row of the output.
            raise BcfError("does not exist", file=str(given))
    sources: list[Source] = []
    unusable: list[Unusable] = []
    seen = _Seen()
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and _wanted(p)
                           and not (skip and p.resolve().is_relative_to(skip)))
        else:
            files = [path]
        for file in files:
            _add(file, sources, unusable, seen)
    return sources, unusable


def _wanted(path: Path) -> bool:
    name = path.name.lower()
    return not name.startswith("~$") and name.endswith(WORKBOOK_SUFFIXES + MAIL_SUFFIXES)


def _add(file: Path, sources: list[Source], unusable: list[Unusable], seen: _Seen) -> None:
    suffix = file.suffix.lower()
    earlier = seen.first(str(file), file, _content(file))
    if earlier is not None:
        unusable.append(Unusable(str(file), same_as(earlier), received=_modified(file)))
        return
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
            attachment = f"{file} > {name}"
            earlier = seen.first(attachment, None, data)
            if earlier is not None:
                unusable.append(Unusable(attachment, same_as(earlier), mail.sender, received))
            else:
                sources.append(Source(attachment, str(file), received, mail.sender, data))
    elif is_workbook_name(file.name):
        sources.append(Source(str(file), str(file), _modified(file)))
    else:
        unusable.append(Unusable(str(file), "is not an .xlsx or .xlsm workbook, nor an .eml or .msg e-mail"))


def same_as(earlier: str) -> str:
    return f"the same file as {earlier}"


def _content(file: Path) -> bytes | None:
    """The file's bytes for comparing; None when it cannot be read (examining it says why)."""
    try:
        return file.read_bytes()
    except OSError:
        return None


def reason_of(exc: BcfError) -> str:
    """The message without the file name: the row already names the file."""
    return f"{exc.message} ({exc.hint})" if exc.hint else exc.message


def _modified(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)
