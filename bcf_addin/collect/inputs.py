"""What to collect: workbook files, and the workbooks attached to e-mails, under the paths given.

Every input becomes a Source (something to examine) or an Unusable (a row saying why not): a bad
file or e-mail never stops the run. A file reached twice (the same path, or the same bytes under
another name or in another e-mail) counts once: the later one is a row saying so.

Each file is read once. A workbook on disk is read, hashed and examined by a worker; an e-mail is
read here, to take its attachments out. So a copy under another name is known only once the
workers have hashed it: `resolve` then settles, in the order the files were met, which came first.
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
class Met:
    """One file under the inputs, in the order met, with what it gave: sources to examine (a
    workbook, an e-mail's attachments) or the row saying why it gives none."""

    path: Path
    earlier: str | None = None             # the name this path was first met under
    digest: str | None = None              # known here for e-mails and other files; a worker's for workbooks
    sources: list[Source] = field(default_factory=list)
    digests: list[str | None] = field(default_factory=list)    # each attachment's
    unusable: Unusable | None = None

    @property
    def workbook(self) -> bool:
        """A workbook on disk, read and hashed by the worker that examines it."""
        return len(self.sources) == 1 and not self.sources[0].attachment


def walk(inputs: list[str | Path], exclude: Path | None = None) -> list[Met]:
    """Every file under `inputs`, in a stable order (folders walked, names sorted), nothing read
    yet. Nothing under `exclude` (the output folder, when it lies inside an input folder) is taken."""
    skip = exclude.resolve() if exclude is not None else None
    for given in inputs:
        if not Path(given).exists():
            # A mistyped path is refused before anything is read or written, not a row of the output.
            raise BcfError("does not exist", file=str(given))
    met: list[Met] = []
    paths: dict[Path, str] = {}
    for given in inputs:
        path = Path(given)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and _wanted(p)
                           and not (skip and p.resolve().is_relative_to(skip)))
        else:
            files = [path]
        for file in files:
            real = file.resolve()
            met.append(Met(file, earlier=paths.get(real)))
            paths.setdefault(real, str(file))
    return met


def open_up(met: Met) -> Met:
    """What the file gives: itself as a source (a workbook), or its workbook attachments (an
    e-mail, read here), or the reason it gives none."""
    file = met.path
    if met.earlier is not None:
        return met
    suffix = file.suffix.lower()
    if suffix in MAIL_SUFFIXES:
        data = _content(file)
        met.digest = digest(data)
        try:
            mail = read_mail(file, data)
        except BcfError as exc:
            met.unusable = Unusable(str(file), reason_of(exc))
            return met
        received = _utc(mail.sent) if mail.sent else _modified(file)
        if not mail.attachments:
            met.unusable = Unusable(str(file), "has no .xlsx or .xlsm attachment", mail.sender, received)
        for name, content in mail.attachments:
            met.sources.append(Source(f"{file} > {name}", str(file), received, mail.sender, content))
            met.digests.append(digest(content))
    elif is_workbook_name(file.name):
        met.sources.append(Source(str(file), str(file), _modified(file)))
    else:
        met.digest = digest(_content(file))
        met.unusable = Unusable(str(file), "is not an .xlsx or .xlsm workbook, nor an .eml or .msg e-mail")
    return met


def resolve(met: list[Met], workbook_digests: dict[str, str | None]) -> tuple[list[Source], list[Unusable]]:
    """Sources and unusable inputs, in the order met; of files with the same bytes, the first
    met counts and each later one is a row saying so. `workbook_digests`: each workbook file's
    digest, as its worker found it (None when it could not be read)."""
    sources: list[Source] = []
    unusable: list[Unusable] = []
    contents: dict[str, str] = {}

    def first(name: str, content: str | None) -> str | None:
        if content is None:
            return None
        if content in contents:
            return contents[content]
        contents[content] = name
        return None

    for m in met:
        name = str(m.path)
        if m.earlier is not None:
            unusable.append(Unusable(name, same_as(m.earlier), received=_modified(m.path)))
            continue
        content = workbook_digests.get(m.sources[0].file) if m.workbook else m.digest
        earlier = first(name, content)
        if earlier is not None:
            unusable.append(Unusable(name, same_as(earlier), received=_modified(m.path)))
            continue
        if m.unusable is not None:
            unusable.append(m.unusable)
        if m.workbook:
            sources.append(m.sources[0])
            continue
        for source, content in zip(m.sources, m.digests):
            earlier = first(source.file, content)
            if earlier is not None:
                unusable.append(Unusable(source.file, same_as(earlier), source.sender, source.received))
            else:
                sources.append(source)
    return sources, unusable


def digest(data: bytes | None) -> str | None:
    return hashlib.sha256(data).hexdigest() if data is not None else None


def _wanted(path: Path) -> bool:
    name = path.name.lower()
    return not name.startswith("~$") and name.endswith(WORKBOOK_SUFFIXES + MAIL_SUFFIXES)


def same_as(earlier: str) -> str:
    return f"the same file as {earlier}"


def _content(file: Path) -> bytes | None:
    """The file's bytes; None when it cannot be read (the row then says why)."""
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
