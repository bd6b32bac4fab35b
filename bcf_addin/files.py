"""Writing the officer's files safely: the one way this tool puts a file on disk.

Every file is written whole under a temporary name beside its target and then renamed over it,
so nobody ever sees half a file; an existing file is either refused or kept as a backup copy,
made only once the new content is safely written; a temporary is removed on any error, and one
left by a killed run is removed by the next run on that target; two runs never write the same
file at once.
"""
from __future__ import annotations

import errno
import os
import shutil
import stat
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Iterator, Literal

from .errors import BcfError

Existing = Literal["refuse", "backup", "replace"]

TEMP_TAG = ".bcf-tmp-"
LOCK_TAG = ".bcf-lock"
# A lock file with no process number in it is one being created this instant, unless it is
# older than this: then its run was killed between creating and filling it.
EMPTY_LOCK_STALE_SECONDS = 60

_PLAIN = {
    errno.ENOSPC: "the disk is full",
    getattr(errno, "EDQUOT", errno.ENOSPC): "the disk is full",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the drive is read-only",
    errno.EISDIR: "is a folder, not a file",
    errno.ENOENT: "does not exist",
    errno.ENOTDIR: "a folder in its path is not a folder",
    errno.ENAMETOOLONG: "the name is too long",
    errno.EBUSY: "is in use by another program",
}


def plain_os_error(exc: OSError) -> str:
    """What went wrong with a file, in words an officer can act on."""
    return _PLAIN.get(exc.errno, (exc.strerror or str(exc)).rstrip(".").lower())


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


def real_path(path: str | Path) -> Path:
    """The file a name stands for: writing through a symbolic link updates the file it points to,
    and the temporary, the lock and the backup go beside that file."""
    return Path(os.path.realpath(path))


# -- the lock: one writer per target -----------------------------------------------------
#
# A lock file beside the target, created with O_CREAT|O_EXCL and holding the writer's process
# number. Unlike fcntl/msvcrt locks (and the filelock package built on them) it behaves the same
# on Windows, macOS, Linux and network drives, and it can be deleted when the run ends, so no
# lock file is left beside the officer's workbook. A run that is killed leaves it behind; the next
# run sees that its process is gone and takes it over.

_held: dict[Path, int] = {}


def lock_path(target: Path) -> Path:
    return target.with_name(f".~{target.name}{LOCK_TAG}")


def temp_path(target: Path, tail: str = "") -> Path:
    """The temporary for `target`, named after it so the next run on it can find a stale one."""
    return target.with_name(f".~{target.name}{TEMP_TAG}{os.getpid()}{tail}")


@contextmanager
def claimed(target: str | Path) -> Iterator[Path]:
    """Hold the right to write `target` (its real path is yielded) for the duration.

    Refuses, writing nothing, a missing folder, a folder, a read-only file, or a file another
    run of bcf is writing. Re-entrant: a run may claim a target it already holds.
    """
    real = real_path(target)
    if real in _held:
        _held[real] += 1
        try:
            yield real
        finally:
            _held[real] -= 1
        return
    _check_writable(real, Path(target))
    _take_lock(real, Path(target))
    _held[real] = 1
    try:
        _remove_stale_temporaries(real)
        yield real
    finally:
        del _held[real]
        try:
            os.unlink(lock_path(real))
        except OSError:
            pass


def _check_writable(real: Path, named: Path) -> None:
    folder = real.parent
    if not folder.is_dir():
        raise BcfError(f"cannot be written: the folder {folder} does not exist", file=str(named))
    if real.is_dir():
        raise BcfError("is a folder, not a file", file=str(named))
    try:
        st = real.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise BcfError(f"cannot be written: {plain_os_error(exc)}", file=str(named)) from None
    # The mode bits as well as os.access: an administrator may write anything, but a file the
    # officer marked read-only is not to be changed by this tool.
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(real, os.W_OK):
        raise BcfError("is read-only; make it writable, or write the result to another file", file=str(named))


def _take_lock(real: Path, named: Path) -> None:
    lock = lock_path(real)
    for _ in range(3):
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            if not _lock_is_stale(lock):
                raise BcfError("is being written by another bcf; wait for it to finish, then try again",
                               file=str(named)) from None
            try:
                os.unlink(lock)
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise _cannot_write(exc, named) from None
            continue
        except OSError as exc:
            raise _cannot_write(exc, named) from None
        try:
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(str(os.getpid()))
        except OSError as exc:
            _unlink(lock)
            raise _cannot_write(exc, named) from None
        return
    raise BcfError("is being written by another bcf; wait for it to finish, then try again", file=str(named))


def _lock_is_stale(lock: Path) -> bool:
    try:
        text = lock.read_text(encoding="ascii").strip()
        age = time.time() - lock.stat().st_mtime
    except FileNotFoundError:
        return True
    except (OSError, UnicodeDecodeError):
        return False
    if not text.isdigit():
        return age > EMPTY_LOCK_STALE_SECONDS
    pid = int(text)
    # Our own number in a lock we do not hold: left by an earlier run that had the same number.
    return pid == os.getpid() or not _alive(pid)


def _alive(pid: int) -> bool:
    if os.name == "nt":
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        handle = kernel32.OpenProcess(0x1000, False, pid)     # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ctypes.get_last_error() == 5               # access denied: it exists
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259                          # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _remove_stale_temporaries(real: Path) -> None:
    # Holding the lock proves no other run is writing this target, so any temporary of it is
    # one a killed run left behind.
    import glob

    for leftover in real.parent.glob(f"{glob.escape('.~' + real.name + TEMP_TAG)}*"):
        try:
            leftover.unlink()
        except OSError:
            pass


def _cannot_write(exc: OSError, named: Path) -> BcfError:
    reason = plain_os_error(exc)
    if exc.errno == errno.ENOENT:
        reason = f"the folder {named.parent} does not exist"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        reason = f"no permission to write in the folder {real_path(named).parent}"
    return BcfError(f"cannot be written: {reason}", file=str(named))


# -- the write ------------------------------------------------------------------------------

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
