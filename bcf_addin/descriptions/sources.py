"""Where template descriptions come from: the bundled folder, the officer's own folder, a named file.

A description written for a year the package does not know yet (`bcf learn`, or by hand) is put
in the user folder, where every command and the ribbon find it, or named on one command with
`--description FILE`. A named file comes first, then the user folder, then the bundled folder:
a user description of a bundled kind takes that kind's place.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Literal

from .. import paths
from ..errors import BcfError
from ..userdirs import subfolder
from .reading import bundled_entry, described
from .schema import Identity, TemplateDescription
from .validated import Entry

USER_ENV = "BCF_DESCRIPTIONS"       # a folder to use instead of the per-user one (tests, shared drives)
PATTERNS = ("*.yaml", "*.yml")


@dataclass(frozen=True)
class Source:
    entry: Entry                     # its kind and identity; the description is built when first asked for
    path: Path
    origin: Literal["named", "user", "bundled"]
    replaces: Path | None = None     # the bundled description of the same kind it takes the place of

    @property
    def kind(self) -> str:
        return self.entry.kind

    @property
    def identity(self) -> Identity:
        return self.entry.identity

    @property
    def description(self) -> TemplateDescription:
        return self.entry.description


def user_folder() -> Path:
    """The per-user folder of descriptions: `descriptions` in the officer's own bcf-addin folder."""
    return subfolder("descriptions", USER_ENV)


def _files(folder: Path) -> list[Path]:
    try:
        return sorted({p for pattern in PATTERNS for p in folder.glob(pattern) if p.is_file()})
    except OSError:
        return []


def _bundled_path(kind: str) -> Path:
    return paths.descriptions() / f"{kind}.yaml"


def bundled_kinds() -> list[str]:
    return sorted(p.stem for p in paths.descriptions().glob("*.yaml"))


def user_sources() -> list[Source]:
    """The user folder's usable descriptions, one per kind; each unusable file is skipped with a
    warning on stderr naming it (the other commands must go on working)."""
    folder = user_folder()
    files = _files(folder)
    stamp = []
    for f in files:
        try:
            st = f.stat()
        except OSError:
            continue
        stamp.append((str(f), st.st_size, st.st_mtime_ns))
    return list(_read_user_folder(str(folder), tuple(stamp)))


@lru_cache(maxsize=8)
def _read_user_folder(folder: str, stamp: tuple) -> tuple[Source, ...]:
    # Keyed by the folder's files, sizes and times: read (and warned about) once per version.
    bundled = set(bundled_kinds())
    found: dict[str, Source] = {}
    for name, _, _ in stamp:
        path = Path(name)
        try:
            entry = described(path)
        except BcfError as exc:
            _warn(f"{exc}\n{path}: skipped; run `bcf validate \"{path}\"` once it is put right")
            continue
        if entry.kind in found:
            _warn(f"{path}: skipped; {found[entry.kind].path.name} in the same folder already describes "
                  f"'{entry.kind}'")
            continue
        found[entry.kind] = Source(entry, path, "user", _bundled_path(entry.kind) if entry.kind in bundled else None)
    return tuple(found.values())


def _warn(text: str) -> None:
    for line in text.splitlines():
        print(f"warning: {line}", file=sys.stderr)


_named: ContextVar[tuple[Source, ...]] = ContextVar("bcf_named_descriptions", default=())


@contextmanager
def named(path: str | Path | None) -> Iterator[TemplateDescription | None]:
    """Use the description in `path` (besides the known ones, and before them) within the block.

    An unusable file is an error here, not a warning: the officer asked for it by name.
    """
    if path is None:
        yield None
        return
    path = Path(path)
    if not path.is_file():
        raise BcfError("does not exist or is not a file (give the template description's .yaml file)", file=str(path))
    entry = described(path)
    desc = entry.description
    bundled = _bundled_path(desc.kind)
    source = Source(entry, path, "named", bundled if bundled.is_file() else None)
    token = _named.set((source, *_named.get()))
    try:
        yield desc
    finally:
        _named.reset(token)


def extra_sources() -> list[Source]:
    """The descriptions from outside the package, one per kind: named first, then the user folder's."""
    out: dict[str, Source] = {}
    for source in (*_named.get(), *user_sources()):
        out.setdefault(source.kind, source)
    return list(out.values())


def all_sources() -> list[Source]:
    """Every description in use, in the order recognition tries them: from outside the package
    first, then the bundled ones whose kind none of those takes."""
    extra = extra_sources()
    taken = {s.kind for s in extra}
    return [*extra, *(Source(bundled_entry(k), _bundled_path(k), "bundled") for k in bundled_kinds() if k not in taken)]


def overriding(kind: str) -> TemplateDescription | None:
    """The named or user description of `kind`, where one takes the bundled folder's place."""
    for source in extra_sources():
        if source.kind == kind:
            return source.description
    return None
