"""Writing the officer's files safely: the one way this tool puts a file on disk.

Every file is written whole under a temporary name beside its target and then renamed over it,
so nobody ever sees half a file; an existing file is either refused or kept as a backup copy,
made only once the new content is safely written; a temporary is removed on any error, and one
left by a killed run is removed by the next run on that target; two runs never write the same
file at once (lockfile.py).
"""
from __future__ import annotations

import os
import shutil
import stat
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Literal

from .errors import BcfError, plain_os_error
from .lockfile import claimed, temp_path

Existing = Literal["refuse", "backup", "replace"]


def backup_name(path: Path, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now()).strftime("%Y-%m-%d %H%M%S")
    candidate = path.with_name(f"{path.stem} (backup {stamp}){path.suffix}")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem} (backup {stamp} {n}){path.suffix}")
        n += 1
    return candidate


def output_path(src: Path, out: Path | None, in_place: bool) -> Path:
    """Where a change to `src` goes. Writing over the source needs --in-place, said out loud."""
    if in_place:
        if out is not None:
            raise BcfError("give either -o OUT or --in-place, not both")
        return src
    if out is None:
        raise BcfError("say where to write the result: -o OUT.xlsx, or --in-place to change the workbook itself "
                       "(a backup copy is kept)")
    if out.resolve() == src.resolve():
        raise BcfError("the output is the workbook itself; use --in-place to change it (a backup copy is kept)",
                       file=str(src))
    suffix = src.suffix.lower() if src.suffix.lower() in (".xlsx", ".xlsm") else ".xlsx"
    if out.suffix.lower() != suffix:
        raise BcfError(f"the output must be an {suffix} file, like the workbook it is a copy of", file=str(out))
    return out


def xlsx_target(out: Path) -> Path:
    """A workbook this tool makes is saved as .xlsx: any other name would mislead Excel and the officer."""
    if Path(out).suffix.lower() != ".xlsx":
        raise BcfError("a workbook must be saved with a name ending .xlsx", file=str(out))
    return Path(out)


class Replacement:
    """A new version of `target`, written under a temporary name beside it and put in place
    only when the `with` block ends without error.

    `existing` says what to do about a file already there: "refuse" it (before anything is
    written), keep it as a "backup" copy beside it, or "replace" it (for files the caller has
    already asked about). After the block, `backup` is the backup copy's path, if one was made.
    """

    def __init__(self, target: str | Path, *, existing: Existing = "replace"):
        self.named = Path(target)
        self.existing = existing
        self.backup: Path | None = None
        self.file: BinaryIO | None = None
        self._claim = None

    def __enter__(self) -> Replacement:
        self._claim = claimed(self.named)
        self.target = self._claim.__enter__()
        try:
            if self.existing == "refuse" and self.target.exists():
                raise BcfError("already exists; choose another name or remove it first", file=str(self.named))
            self.path = temp_path(self.target)
            self.file = _open_temp(self.path)
        except BaseException:
            self._claim.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, kind, exc, tb) -> bool:
        try:
            if exc is None:
                self._commit()
            else:
                self._discard()
                if isinstance(exc, OSError) and exc.filename in (None, str(self.path)):
                    raise BcfError(f"could not be written: {plain_os_error(exc)}", file=str(self.named)) from None
        finally:
            self._claim.__exit__(None, None, None)
        return False

    def _commit(self) -> None:
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
            if self.target.exists():
                os.chmod(self.path, stat.S_IMODE(self.target.stat().st_mode))
                if self.existing == "backup":
                    self.backup = _keep_backup(self.target)
            try:
                os.replace(self.path, self.target)
            except OSError as exc:
                raise BcfError(f"cannot be replaced ({plain_os_error(exc)}); is it open in Excel?",
                               file=str(self.named)) from None
        except BaseException as exc:
            self._discard()
            if self.backup is not None:
                _unlink(self.backup)
                self.backup = None
            if isinstance(exc, OSError):
                raise BcfError(f"could not be written: {plain_os_error(exc)}", file=str(self.named)) from None
            raise

    def _discard(self) -> None:
        try:
            self.file.close()
        except OSError:
            pass
        _unlink(self.path)


def _open_temp(path: Path) -> BinaryIO:
    # O_EXCL: never write into a file someone else made; 0o666 so the new file gets the
    # officer's usual permissions (their umask), as a file saved by Excel would.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    return os.fdopen(fd, "wb")


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _keep_backup(real: Path) -> Path:
    """Set the current `real` aside under a backup name, atomically: a hard link where the drive
    allows one (instant, no space needed), else a whole copy written under a temporary name."""
    while True:
        copy = backup_name(real)
        try:
            os.link(real, copy)
            return copy
        except FileExistsError:
            continue
        except OSError:
            break
    staged = temp_path(real, ".backup")
    try:
        with open(real, "rb") as src, _open_temp(staged) as dst:
            shutil.copyfileobj(src, dst)
            dst.flush()
            os.fsync(dst.fileno())
        shutil.copystat(real, staged)
        copy = backup_name(real)
        os.replace(staged, copy)
    except OSError as exc:
        _unlink(staged)
        raise BcfError(f"cannot make a backup copy before changing it: {plain_os_error(exc)}",
                       file=str(real)) from None
    return copy


def save_atomically(workbook, out: Path, *, existing: Existing = "replace") -> Replacement:
    """Save an openpyxl workbook this tool made (replica, report) through a Replacement."""
    with Replacement(out, existing=existing) as staged:
        workbook.save(staged.file)
    return staged
