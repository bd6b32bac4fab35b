"""`bcf collect` over 150 distinct generated returns (3 damaged, 5 in e-mails, 2 resubmissions),
against the floor of reading the same files with python-calamine alone.

Target: 150 returns checked and aggregated in under 1.5 s of wall time on a 2-core machine,
memory under 1 GB. Prints wall and CPU times (CPU time is steadier on a busy machine).
"""
from __future__ import annotations

import resource
import sys
import tempfile
import time
from email import policy
from email.parser import BytesParser
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from generate_returns import generate  # noqa: E402

from bcf_addin.collect import run  # noqa: E402
from bcf_addin.collect.inputs import find  # noqa: E402


def calamine_floor(folder: Path) -> None:
    """Every sheet of every return read by python-calamine, attachments taken out of e-mails."""
    from python_calamine import CalamineWorkbook

    for path in sorted(folder.iterdir()):
        if path.suffix == ".eml":
            msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            books = [BytesIO(p.get_payload(decode=True)) for p in msg.iter_attachments()]
        else:
            books = [path]
        for book in books:
            try:
                wb = (CalamineWorkbook.from_filelike(book) if isinstance(book, BytesIO)
                      else CalamineWorkbook.from_path(str(book)))
                for name in wb.sheet_names:
                    wb.get_sheet_by_name(name).to_python()
            except Exception:  # noqa: BLE001 - the damaged files fail here too
                continue


def timed(fn):
    wall, cpu = time.perf_counter(), _cpu()
    out = fn()
    return out, time.perf_counter() - wall, _cpu() - cpu


def _cpu() -> float:
    """This process and its finished workers, user + system."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        made = generate(tmp / "returns", 150, damaged=3, emails=5, resubmissions=2)
        print(f"{len(made.files)} files, {made.rows} returns and damaged files, in {made.folder.name}/")
        calamine_floor(made.folder)          # warm the page cache for both
        _, floor_wall, floor_cpu = timed(lambda: calamine_floor(made.folder))

        def checked_and_aggregated():
            sources, unusable = find([made.folder])
            examined = run.examine_all(sources)
            return run.build_tables(sources, unusable, examined)

        tables, wall, cpu = timed(checked_and_aggregated)
        out = tmp / "out"
        _, all_wall, all_cpu = timed(lambda: run.collect([made.folder], out))
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"returns rows: {len(tables['returns'])}, scheme lines: {len(tables['scheme_lines'])}")
        print(f"{'':34} {'wall':>8} {'cpu':>8}")
        print(f"{'floor: python-calamine alone':34} {floor_wall:7.2f}s {floor_cpu:7.2f}s")
        print(f"{'checked and aggregated':34} {wall:7.2f}s {cpu:7.2f}s   {wall / floor_wall:5.1f}x the floor (wall)")
        print(f"{'whole collect, with every output':34} {all_wall:7.2f}s {all_cpu:7.2f}s")
        print(f"peak memory: {rss:.0f} MB main process, {kids:.0f} MB largest worker")
        print("target: checked and aggregated < 1.5 s wall on 2 cores, memory < 1 GB")


if __name__ == "__main__":
    main()
