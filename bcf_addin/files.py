"""Safe handling of the officer's files: never overwrite a workbook without a backup beside it."""
from __future__ import annotations

import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from .errors import BcfError


def backup_name(path: Path, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now()).strftime("%Y-%m-%d %H%M%S")
    candidate = path.with_name(f"{path.stem} (backup {stamp}){path.suffix}")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem} (backup {stamp} {n}){path.suffix}")
        n += 1
    return candidate


def keep_backup(path: Path) -> Path:
    """Copy `path` aside before it is replaced; returns the copy's path."""
    copy = backup_name(path)
    try:
        shutil.copy2(path, copy)
    except OSError as exc:
        raise BcfError(f"cannot make a backup copy before changing it: {exc.strerror}", file=str(path)) from None
    return copy


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
    if out.suffix.lower() != ".xlsx" and src.suffix.lower() == ".xlsx":
        raise BcfError("the output must be an .xlsx file", file=str(out))
    return out


def save_atomically(workbook, out: Path) -> Path:
    """Save a workbook this tool made (replica, report) via a temporary file in the same folder,
    so a failure part-way leaves no half-written file under the real name."""
    out = Path(out)
    fd, tmp = tempfile.mkstemp(suffix=out.suffix or ".xlsx", dir=out.parent)
    os.close(fd)
    try:
        workbook.save(tmp)
        os.replace(tmp, out)
    except BaseException:
        os.unlink(tmp)
        raise
    return out
