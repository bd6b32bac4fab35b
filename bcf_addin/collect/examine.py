"""One return, read once: recognised (kind, HWB, year), checked and balanced from the same
in-memory workbook, its figures turned into rows. Runs in a worker process, so what it returns is
plain data; whatever goes wrong becomes the reason on the return's row, never an exception."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..api import recognise, stale_caches
from ..balances import Balances, compute
from ..checks.findings import Severity
from ..checks.run import check_template
from ..errors import BcfError
from ..xlsx.reader import read_workbook
from . import figures
from .inputs import Source, reason_of


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
    tables: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def usable(self) -> bool:
        return self.reason is None


def examine(source: Source, contacts: bool = False) -> Examined:
    try:
        return _examine(source, contacts)
    except BcfError as exc:
        return Examined(source.file, reason=reason_of(exc))
    except Exception as exc:  # noqa: BLE001 - one strange file must not stop 150 others
        return Examined(source.file, reason=f"could not be read ({type(exc).__name__}: {exc})")


def _examine(source: Source, contacts: bool) -> Examined:
    try:
        data = source.data if source.data is not None else Path(source.path).read_bytes()
    except OSError as exc:
        raise BcfError(f"cannot be read ({exc.strerror})", file=source.file) from None
    tpl = recognise(read_workbook(source.file, data=data))
    report = check_template(tpl, stale_caches=stale_caches(source.file, data))
    balances = compute(tpl)
    desc = tpl.description
    # The Balances travel back without the template's lines, which only the worker needs.
    balances.unmatched_lines = []
    return Examined(source.file, desc.kind, f"{desc.name} v{desc.version}", desc.year, tpl.hwb, report.complete,
                    report.count(Severity.ERROR), report.count(Severity.WARNING), None, balances,
                    figures.rows(tpl, report, balances, contacts=contacts))

