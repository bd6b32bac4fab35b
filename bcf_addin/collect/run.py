"""`bcf collect` from start to finish: find the returns, examine them across the machine's cores,
build the tables, and write them with the summary workbook and the PNG charts.

The worker processes start before anything else is read: while they examine the returns, this
process opens the e-mails, hands out the work, and imports what it needs for the tables. When
the tables are built the same workers draw the PNG charts while this process writes the tables
and the summary workbook. So pandas, openpyxl and matplotlib (~0.6 s together) are imported
inside functions: the workers start without them, and this process loads them while they work.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..errors import BcfError
from ..files import Replacement
from .examine import Examined, examine
from .history import Received, history_rows, latest_and_versions
from .formats import require_format
from .inputs import Met, Source, Unusable, open_up, resolve, walk
from .leftovers import ATTACHMENTS, personal_leftovers, remove
from .workers import Workers, how_many

if TYPE_CHECKING:
    import pandas as pd

Progress = Callable[[int, int], None]


@dataclass
class Collected:
    tables: dict[str, pd.DataFrame]
    written: list[Path] = field(default_factory=list)
    summary: Path | None = None
    pictures: list[Path] = field(default_factory=list)
    pictures_note: str | None = None
    removed: list[Path] = field(default_factory=list)   # personal data an earlier run left
    unsaved: int = 0             # versions in the history that came in e-mails, not saved without contacts


@dataclass
class Gathered:
    """Every input, examined: what the tables are built from."""

    sources: list[Source]
    unusable: list[Unusable]
    examined: list[Examined]        # one per source, in the same order


def collect(inputs: list[str | Path], outdir: str | Path | None = None, *, fmt: str = "csv",
            contacts: bool = False, workers: int | None = None, pictures: bool = True,
            progress: Progress | None = None) -> Collected:
    """Examine every return under `inputs`; with `outdir`, write the tables and summary there.
    `workers`: processes to examine the returns in (default: BCF_WORKERS, else one per core)."""
    require_format(fmt)
    out = Path(outdir) if outdir is not None else None
    met = walk(inputs, out)
    if not met:
        raise BcfError("found no .xlsx, .xlsm, .eml or .msg files in " + ", ".join(str(i) for i in inputs))
    if out is not None:
        _make_folder(out)
    with Workers(how_many(workers, len(met))) as pool:
        gathered = gather(met, pool, contacts=contacts, progress=progress,
                          meanwhile=lambda: _get_ready(pool, writing=out is not None, pictures=pictures))
        result = Collected(build_tables(gathered, out, contacts=contacts))
        result.unsaved = _unsaved_versions(result.tables["history"], gathered.sources) if not contacts else 0
        if out is not None:
            _write(result, out, fmt, pool, contacts=contacts, pictures=pictures)
    return result


def gather(met: list[Met], pool: Workers, *, contacts: bool = False, progress: Progress | None = None,
           meanwhile: Callable[[], None] | None = None) -> Gathered:
    """Every return examined once, in the order met. The work is handed out as the files are
    opened, and the results taken in the same order, so the tables are the same however many
    workers there are. `meanwhile` runs once all is handed out, while the workers work."""
    submitted: list[tuple[Source, object]] = []
    for m in met:
        for source in open_up(m).sources:
            submitted.append((source, pool.submit(examine, source, contacts)))
    if meanwhile:
        meanwhile()
    done: dict[int, Examined] = {}      # by the source's id: two attachments may share a name
    for i, (source, job) in enumerate(submitted, 1):
        done[id(source)] = job.result()
        if progress:
            progress(i, len(submitted))
    sources, unusable = resolve(met, {s.file: done[id(s)].digest for s, _ in submitted if not s.attachment})
    return Gathered(sources, unusable, [done[id(s)] for s in sources])


def _get_ready(pool: Workers, *, writing: bool, pictures: bool) -> None:
    """What comes after the examining, started while the workers examine: this process imports
    the libraries for the tables and the summary, and each worker, once it has no return left,
    matplotlib for the pictures."""
    if writing and pictures and pool.count > 1:
        from .pictures import available, prepare   # its charts module needs pandas

        if available():
            for _ in range(pool.count):
                pool.submit(prepare)
    from . import tables  # noqa: F401 - pandas
    if writing:
        from . import summary  # noqa: F401 - openpyxl


def _write(result: Collected, out: Path, fmt: str, pool: Workers, *, contacts: bool, pictures: bool) -> None:
    from . import tables as T               # pandas, loaded by _get_ready
    from .charts import all_charts
    from .summary import write_summary      # openpyxl, likewise

    charts = all_charts(result.tables)
    if pictures:
        from .pictures import draw_all, write_pictures   # pandas, loaded by _get_ready

        drawn = draw_all(charts, pool)      # drawn by the workers while this process writes
    if not contacts:
        result.removed = personal_leftovers(out)
        remove(result.removed)
    result.written = T.write_tables(result.tables, out, fmt)
    result.summary = write_summary(result.tables, out / "summary.xlsx", charts)
    if pictures:
        result.pictures, result.pictures_note = write_pictures(drawn, out / "charts")


def _unsaved_versions(history: pd.DataFrame, sources: list[Source]) -> int:
    """How many versions in the history came only in an e-mail, and so have no file for bcf diff."""
    in_mail = {s.file for s in sources if s.attachment}
    return sum(1 for f in history["file"] if f in in_mail) if len(history) else 0


def _make_folder(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise BcfError("is a file; give a folder for the tables and summary", file=str(out))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BcfError(f"cannot be made ({exc.strerror})", file=str(out)) from None


def build_tables(gathered: Gathered, outdir: str | Path | None = None, *,
                 contacts: bool = False) -> dict[str, pd.DataFrame]:
    from . import tables as T               # pandas, loaded by _get_ready

    sources, examined = gathered.sources, gathered.examined
    by_file = {s.file: s for s in sources}
    received = [Received(e.file, e.kind, e.hwb, by_file[e.file].received, e.balances)
                for e in examined if e.usable]
    versions = latest_and_versions(received)
    hwbs = T.reference_hwbs()
    rows = []
    for e in examined:
        s = by_file[e.file]
        version, latest = versions.get(e.file, (None, False))
        rows.append({"file": e.file, "sender": s.sender, "received": s.received, "kind": e.kind,
                     "template": e.template, "year": e.year, "hwb": e.hwb, "complete": e.complete,
                     "errors": e.errors, "warnings": e.warnings, "version": version, "latest": latest,
                     "reason": e.reason})
    for u in gathered.unusable:
        rows.append({"file": u.file, "sender": u.sender, "received": u.received, "latest": False, "reason": u.reason})
    tables = {"returns": T.returns_table(rows, hwbs)}
    names = list(T.PER_RETURN) + (["contacts"] if any("contacts" in e.tables for e in examined) else [])
    for name in names:
        parts = [({"file": e.file, "hwb": e.hwb, "kind": e.kind, "latest": versions.get(e.file, (0, False))[1]},
                  e.tables[name]) for e in examined if e.tables.get(name)]
        tables[name] = T.per_return(name, parts)
    tables["missing"] = T.missing_table(tables["returns"], hwbs)
    # A return's cover names people (who submitted it, the sign-off, their e-mails and phone numbers),
    # so a copy of an attachment is saved only when contacts are asked for.
    saved = _attachment_saver(by_file, Path(outdir) / ATTACHMENTS if outdir is not None and contacts else None)
    tables["history"] = T.frame_of_rows("history", history_rows(received, saved))
    return tables


def _attachment_saver(by_file: dict[str, Source], folder: Path | None):
    """A file on disk for each return in a history, so `bcf diff` can be run on it: an attachment
    is saved under OUTDIR/attachments/ (only those that have another version), given a folder;
    without one an attachment has no file (None)."""
    def path_for(file: str) -> str | None:
        source = by_file[file]
        if source.data is None:
            return source.path
        if folder is None:
            return None
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{Path(source.path).stem} - {Path(file.rsplit(' > ', 1)[-1]).name}"
        dest = folder / name
        with Replacement(dest, existing="backup") as staged:
            staged.file.write(source.data)
        return str(dest)

    return path_for
