"""One return, read once: hashed (to know a copy under another name), recognised (kind, HWB,
year), checked and balanced from the same in-memory workbook, its figures turned into columns of
the tables. Runs in a worker process, so what it returns is plain data; whatever goes wrong
becomes the reason on the return's row, never an exception."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from ..api import recognise
from ..balances import Balances
from ..checks.findings import Severity
from ..checks.run import check_template
from ..errors import BcfError
from ..xlsx.reader import read_workbook
from . import figures
from .figures import Columns, columns
from .inputs import Source, digest, reason_of


@dataclass
class Examined:
    file: str
    kind: str | None = None
    template: str | None = None
    year: str | None = None
    hwb: str | None = None
    complete: bool | None = None
    errors: int | None = None
    warnings: int | None = None
    reason: str | None = None
    balances: Balances | None = None
    tables: dict[str, Columns] = field(default_factory=dict)
    digest: str | None = None       # SHA-256 of a workbook file's bytes, as read
    seconds: dict[str, float] = field(default_factory=dict)   # CPU time of each step, for the benchmark

    @property
    def usable(self) -> bool:
        return self.reason is None


def examine(source: Source, contacts: bool = False) -> Examined:
    seen = Examined(source.file)
    try:
        return _examine(source, contacts, seen)
    except BcfError as exc:
        seen.reason = reason_of(exc)
    except Exception as exc:  # noqa: BLE001 - one strange file must not stop 150 others
        seen.reason = f"could not be read ({type(exc).__name__}: {exc})"
    return seen


def _examine(source: Source, contacts: bool, seen: Examined) -> Examined:
    clock = _Clock(seen.seconds)
    try:
        data = source.data if source.data is not None else Path(source.path).read_bytes()
    except OSError as exc:
        raise BcfError(f"cannot be read ({exc.strerror})", file=source.file) from None
    if source.data is None:
        seen.digest = digest(data)
    book = read_workbook(source.file, data=data)
    clock("read")
    tpl = recognise(book)
    clock("recognise")
    # The reader says whether the file asks to be recalculated on open: the package is not opened twice.
    report = check_template(tpl, stale_caches=book.recalculate_on_open)
    clock("check")
    balances = report.balances       # worked out once, by the checks that compare with it
    desc = tpl.description
    seen.kind, seen.template, seen.year, seen.hwb = desc.kind, f"{desc.name} v{desc.version}", desc.year, tpl.hwb
    seen.complete = report.complete
    seen.errors, seen.warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    seen.tables = {name: columns(rows) for name, rows in figures.rows(tpl, report, balances, contacts=contacts).items()}
    # The Balances travel back without the template's lines, which only the worker needs.
    balances.unmatched_lines = []
    seen.balances = balances
    clock("figures")
    return seen


class _Clock:
    """Adds the CPU time since the last call to the step named (this process's time: a worker
    runs one return at a time)."""

    def __init__(self, into: dict[str, float]):
        self.into, self.last = into, time.process_time()

    def __call__(self, step: str) -> None:
        now = time.process_time()
        self.into[step] = self.into.get(step, 0.0) + now - self.last
        self.last = now

