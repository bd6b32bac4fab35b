"""`bcf collect` from start to finish: find the returns, examine them across the machine's cores,
build the tables, and write them with the summary workbook."""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable

import pandas as pd

from ..errors import BcfError
from ..files import Replacement
from . import tables as T
from .examine import Examined, examine
from .history import Received, history_rows, latest_and_versions
from .inputs import Source, Unusable, find
from .leftovers import ATTACHMENTS, personal_leftovers, remove

Progress = Callable[[int, int], None]
# Below this many returns starting worker processes costs more than it saves.
PARALLEL_FROM = 8


@dataclass
class Collected:
    tables: dict[str, pd.DataFrame]
    written: list[Path] = field(default_factory=list)
    summary: Path | None = None
    pictures: list[Path] = field(default_factory=list)
    pictures_note: str | None = None
    removed: list[Path] = field(default_factory=list)   # personal data an earlier run left
    unsaved: int = 0             # versions in the history that came in e-mails, not saved without contacts


def collect(inputs: list[str | Path], outdir: str | Path | None = None, *, fmt: str = "csv",
            contacts: bool = False, workers: int | None = None, pictures: bool = True,
            progress: Progress | None = None) -> Collected:
    """Examine every return under `inputs`; with `outdir`, write the tables and summary there."""
    T.require_format(fmt)
    sources, unusable = find(inputs, Path(outdir) if outdir is not None else None)
    if not sources and not unusable:
        raise BcfError("found no .xlsx, .xlsm, .eml or .msg files in " + ", ".join(str(i) for i in inputs))
    if outdir is not None:
        _make_folder(Path(outdir))
    examined = examine_all(sources, contacts=contacts, workers=workers, progress=progress)
    result = Collected(build_tables(sources, unusable, examined, outdir, contacts=contacts))
    result.unsaved = _unsaved_versions(result.tables["history"], sources) if not contacts else 0
    if outdir is not None:
        out = Path(outdir)
        if not contacts:
            result.removed = personal_leftovers(out)
            remove(result.removed)
        result.written = T.write_tables(result.tables, out, fmt)
        from .summary import write_summary

        result.summary = write_summary(result.tables, out / "summary.xlsx")
        if pictures:
            from .pictures import write_pictures

            result.pictures, result.pictures_note = write_pictures(result.tables, out / "charts")
    return result


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


def examine_all(sources: list[Source], *, contacts: bool = False, workers: int | None = None,
                progress: Progress | None = None) -> list[Examined]:
    """Each source examined once, in the order given; spread over `workers` processes."""
    workers = workers or os.cpu_count() or 1
    job = partial(examine, contacts=contacts)
    total = len(sources)
    if workers < 2 or total < PARALLEL_FROM:
        results = []
        for i, source in enumerate(sources, 1):
            results.append(job(source))
            if progress:
                progress(i, total)
        return results
    # fork inherits the imported library, so a worker starts in milliseconds (spawn elsewhere).
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    chunk = max(1, min(8, total // (workers * 4)))
    results = []
    with ProcessPoolExecutor(max_workers=min(workers, total), mp_context=context) as pool:
        for i, done in enumerate(pool.map(job, sources, chunksize=chunk), 1):
            results.append(done)
            if progress:
                progress(i, total)
    return results


def build_tables(sources: list[Source], unusable: list[Unusable], examined: list[Examined],
                 outdir: str | Path | None = None, *, contacts: bool = False) -> dict[str, pd.DataFrame]:
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
    for u in unusable:
        rows.append({"file": u.file, "sender": u.sender, "received": u.received, "latest": False, "reason": u.reason})
    tables = {"returns": T.returns_table(rows, hwbs)}
    names = list(T.PER_RETURN) + (["contacts"] if any("contacts" in e.tables for e in examined) else [])
    for name in names:
        records = []
        for e in examined:
            keys = {"file": e.file, "hwb": e.hwb, "kind": e.kind, "latest": versions.get(e.file, (0, False))[1]}
            records.extend({**keys, **r} for r in e.tables.get(name, ()))
        tables[name] = T.per_return(name, records)
    tables["missing"] = T.missing_table(tables["returns"], hwbs)
    # A return's cover names people (who submitted it, the sign-off, their e-mails and phone numbers),
    # so a copy of an attachment is saved only when contacts are asked for.
    saved = _attachment_saver(by_file, Path(outdir) / ATTACHMENTS if outdir is not None and contacts else None)
    tables["history"] = T.per_return("history", history_rows(received, saved))
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
