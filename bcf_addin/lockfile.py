"""One run at a time writes a file: the lock file beside it, and the temporaries a killed run
left there.

The lock is a file beside the target, created with O_CREAT|O_EXCL and holding the writer's
process number. Unlike fcntl/msvcrt locks (and the filelock package built on them) it behaves the
same on Windows, macOS, Linux and network drives, and it can be deleted when the run ends, so no
lock file is left beside the officer's workbook. A run that is killed leaves it behind; the next
run sees that its process is gone and takes it over.
"""
from __future__ import annotations

import contextlib
import errno
import glob
import os
import stat
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import BcfError, plain_os_error

TEMP_TAG = ".bcf-tmp-"
LOCK_TAG = ".bcf-lock"
# A lock file with no process number in it is one being created this instant, unless it is
# older than this: then its run was killed between creating and filling it.
EMPTY_LOCK_STALE_SECONDS = 60

_held: dict[Path, int] = {}


def real_path(path: str | Path) -> Path:
    """The file a name stands for: writing through a symbolic link updates the file it points to,
    and the temporary, the lock and the backup go beside that file."""
    return Path(os.path.realpath(path))


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
            with contextlib.suppress(OSError):
                os.unlink(lock)
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
        import ctypes       # Windows only: elsewhere a signal 0 asks

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
