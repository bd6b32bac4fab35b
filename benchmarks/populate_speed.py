"""Populate against the floor F (unzip + expat over every XML part of the same file), with the
peers beside it: python-calamine reading the values, openpyxl loading and saving.

Targets: populate <= 3 x F at 74 and 2,000 lines; whole-process `bcf populate` of the 74-line
sample <= 250 ms; peak memory <= 3 x the file's uncompressed size. Prints figures, says which
targets are met, and where one is not, prints where the time goes. Asserts nothing.
Times are the least CPU time of several runs (steadiest on a shared machine); whole-process
times are medians of wall time.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from common import (best, big_plan_replica, calamine_read, finish, floor, peak_memory, phases, register,
                    uncompressed_size)

from bcf_addin.api import open_template, plan_populate, populate
from bcf_addin.xlsx.writer import write_cells

TIMES, MEMORY, WHOLE_MS = 3.0, 3.0, 250


def main() -> None:
    from openpyxl import load_workbook

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        print(f"{'case':22} {'F':>8} {'populate':>9} {'x F':>6} {'calamine':>9} {'openpyxl':>9} "
              f"{'peak':>8} {'x size':>7}  target")
        missed = []
        for lines in (74, 2000):
            template = big_plan_replica(tmp / f"plan-{lines}.xlsx", lines)
            reg = register(tmp / f"register-{lines}.csv", lines)
            out = tmp / f"out-{lines}.xlsx"
            run = lambda template=template, reg=reg, out=out: populate(template, [reg], out=out)  # noqa: E731
            run()                                           # warm imports and caches
            t_floor, t_pop = best(lambda: floor(out)), best(run)
            t_cal = best(lambda: calamine_read(out))
            t_pyxl = best(lambda: load_workbook(out).save(tmp / "pyxl.xlsx"), repeat=3)
            size = uncompressed_size(out)
            peak = peak_memory(run)
            met = t_pop <= TIMES * t_floor and peak <= MEMORY * size
            print(f"{str(lines) + '-line register':22} {t_floor * 1e3:6.1f}ms {t_pop * 1e3:7.1f}ms "
                  f"{t_pop / t_floor:5.1f}x {t_cal * 1e3:7.1f}ms {t_pyxl * 1e3:7.1f}ms "
                  f"{peak / 2**20:6.1f}MB {peak / size:6.1f}x  {'met' if met else 'NOT met'}")
            if not met:
                written = tmp / f"steps-{lines}.xlsx"
                steps = phases([("read, recognise and locate", lambda template=template: open_template(template)),
                                ("plan", lambda tpl, reg=reg: [w for p in plan_populate(tpl, [reg]) for w in p.writes]),
                                ("write", lambda writes, template=template: write_cells(template, writes, written))],
                               t_floor)
                missed.append((lines, run, steps))
        sample = tmp / "plan-74.xlsx"
        args = ["populate", str(sample), "--schemes", str(tmp / "register-74.csv"), "-o", str(tmp / "whole.xlsx")]
        finish("populate", args, WHOLE_MS, f"populate <= {TIMES:g} x F", missed)


if __name__ == "__main__":
    main()
