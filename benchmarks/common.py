"""Shared set-up for the benchmark scripts: replicas sized for large registers, timing, the
floor and the peers, and a profile of what is left where a target is missed."""
from __future__ import annotations

import cProfile
import csv
import os
import pstats
import statistics
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path
from xml.parsers import expat

import yaml

from bcf_addin import paths
from bcf_addin.descriptions.schema import TemplateDescription
from bcf_addin.hwb import load_bundled
from bcf_addin.replica.builder import build

SAMPLE = paths.samples() / "leicestershire-2025-26-plan-schemes.csv"


def big_plan_replica(out: Path, lines: int) -> Path:
    """A Leicestershire planning replica whose scheme table has room for `lines` lines."""
    data = yaml.safe_load((paths.descriptions() / "planning-2025-26.yaml").read_text(encoding="utf-8"))
    for sheet in data["sheets"]:
        for item in sheet["items"]:
            if item.get("id") == "schemes":
                item["capacity"] = max(lines, item["capacity"])
    build(TemplateDescription.model_validate(data), out, hwb=load_bundled("Leicestershire", "planning-2025-26"))
    return out


def register(out: Path, lines: int) -> Path:
    """The published sample repeated (with fresh Scheme IDs) to `lines` lines."""
    with open(SAMPLE, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        for i in range(lines):
            row = dict(rows[i % len(rows)])
            row["Scheme ID"] = str(i + 1)
            w.writerow(row)
    return out


def floor(path: Path) -> None:
    """F, the least any tool must do: unzip every part and run expat over every XML part."""
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            data = zf.read(name)
            if name.endswith((".xml", ".rels")):
                expat.ParserCreate().Parse(data, True)


def calamine_read(path: Path) -> None:
    """Peer: every sheet's values through python-calamine (values only: no styles, no locks)."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()
    book.close()


def openpyxl_read(path: Path) -> None:
    """Peer: openpyxl's full load (values, formulas, styles)."""
    from openpyxl import load_workbook

    load_workbook(path)


def uncompressed_size(path: Path) -> int:
    with zipfile.ZipFile(path) as zf:
        return sum(info.file_size for info in zf.infolist())


def peak_memory(fn) -> int:
    """The most Python memory `fn` held at once, in bytes."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _cpu() -> float:
    return time.process_time()


def best(fn, repeat: int = 5) -> float:
    """The least CPU time of `repeat` runs: on a shared, busy machine the least is the steadiest."""
    times = []
    for _ in range(repeat):
        t = _cpu()
        fn()
        times.append(_cpu() - t)
    return min(times)


def median(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def whole_process(args: list[str], repeat: int = 7) -> float:
    """Median wall time of a whole `bcf` process, start-up included.

    The first run may write the package's compiled bytecode, as installing it does: an officer's
    `bcf` never compiles its modules afresh, even where this shell says not to keep bytecode.
    """
    bcf = Path(sys.executable).with_name("bcf")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    run = lambda: subprocess.run([str(bcf), *args], capture_output=True, env=env)  # noqa: E731
    run()
    return median(run, repeat)


def verdict(value: float, target: float) -> str:
    return "met" if value <= target else "NOT met"


def profile(fn, top: int = 8) -> None:
    """Where `fn`'s time goes, by module of this package (own time), largest first."""
    prof = cProfile.Profile()
    prof.runcall(fn)
    stats = pstats.Stats(prof).stats
    by_module: dict[str, float] = {}
    total = 0.0
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.items():
        total += tottime
        key = _module(filename)
        by_module[key] = by_module.get(key, 0.0) + tottime
    for key, spent in sorted(by_module.items(), key=lambda kv: -kv[1])[:top]:
        print(f"      {spent / total:5.0%}  {key}")


def _module(filename: str) -> str:
    path = Path(filename)
    if "bcf_addin" in path.parts:
        parts = path.parts[path.parts.index("bcf_addin"):]
        return ".".join(parts[:3] if len(parts) > 3 else parts).removesuffix(".py")
    if filename.startswith("~") or filename.startswith("<"):
        return "built-ins (expat, zlib, str, dict)"
    return "standard library and others"


def import_profile(args: list[str], top: int = 6) -> None:
    """The slowest imports of a whole `bcf` process (python -X importtime), cumulative."""
    code = f"import sys; from bcf_addin.cli import main; sys.argv = {['bcf', *args]!r}; main()"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    res = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, env=env)
    rows = []
    for line in res.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line.split("|")
            if cumulative.strip().isdigit():
                rows.append((int(cumulative), name.rstrip()))
    total = max((c for c, n in rows if not n.startswith("  ")), default=0)
    for cumulative, name in sorted(rows, reverse=True)[:top]:
        print(f"      {cumulative / 1000:6.0f} ms  {name.strip()}")
    print(f"      (imports in all: {sum(c for c, n in rows if not n.startswith('  ')) / 1000:.0f} ms; "
          f"largest single: {total / 1000:.0f} ms)")


def phases(steps: list[tuple[str, object]], t_floor: float) -> str:
    """Each step's least CPU time, in ms and as a multiple of F: `steps` is (name, function) with
    each function taking what the one before returned (the first, nothing)."""
    shown, before = [], None
    for name, fn in steps:
        value = fn() if before is None else fn(before)
        spent = best(lambda: fn() if before is None else fn(before))
        shown.append(f"{name} {spent * 1e3:.1f} ms ({spent / t_floor:.1f} x F)")
        before = value
    return ", ".join(shown)


def finish(command: str, args: list[str], whole_ms: float, in_process: str, missed: list) -> None:
    """The whole-process time and its verdict, the targets, and where the time goes in each case
    that missed its target (`missed`: (lines, the timed function, its steps as phases() says them))."""
    t_whole = whole_process(args) * 1e3
    print(f"whole process `bcf {command}` of the 74-line sample: {t_whole:.0f} ms (median of 7)  "
          f"target <= {whole_ms:g} ms: {verdict(t_whole, whole_ms)}")
    print(f"targets: {in_process}; peak memory <= 3 x the uncompressed size; whole process <= {whole_ms:g} ms")
    for lines, fn, steps in missed:
        print(f"  where the {lines}-line case spends its time, step by step: {steps}")
        print("    and by module (own time):")
        profile(fn)
    if t_whole > whole_ms:
        print(f"  the slowest imports of a whole `bcf {command}`:")
        import_profile(args)
