"""Check + balances in-process against the floor F (unzip + expat over every XML part of the
same file), with the peers beside it: python-calamine reading the values, openpyxl loading.

Targets: in-process <= 3 x F at 74 and 2,000 lines; whole-process `bcf check` on the sample
<= 150 ms; peak memory <= 3 x the file's uncompressed size. Prints figures, says which targets
are met, and where one is not, prints where the time goes. Asserts nothing.
Times are the least CPU time of several runs (steadiest on a shared machine); whole-process
times are medians of wall time.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from common import (best, big_plan_replica, calamine_read, finish, floor, openpyxl_read, peak_memory, phases,
                    register, uncompressed_size)

from bcf_addin.api import open_template, populate, recognise
from bcf_addin.balances import compute
from bcf_addin.checks.run import check_template
from bcf_addin.located import OpenTemplate
from bcf_addin.xlsx.reader import read_workbook

TIMES, MEMORY, WHOLE_MS = 3.0, 3.0, 150


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        print(f"{'case':22} {'F':>8} {'check+bal':>10} {'x F':>6} {'calamine':>9} {'openpyxl':>9} "
              f"{'peak':>8} {'x size':>7}  target")
        samples, missed = {}, []
        for lines in (74, 2000):
            template = big_plan_replica(tmp / f"plan-{lines}.xlsx", lines)
            out = tmp / f"return-{lines}.xlsx"
            populate(template, [register(tmp / f"reg-{lines}.csv", lines)], out=out)
            samples[lines] = out

            def both(out=out):
                # One read of the file serves both, as in the ribbon and the report workbook.
                tpl = open_template(out)
                check_template(tpl, stale_caches=tpl.workbook.recalculate_on_open)
                compute(tpl)

            both()
            t_floor, t_check = best(lambda: floor(out)), best(both)
            t_cal, t_pyxl = best(lambda: calamine_read(out)), best(lambda: openpyxl_read(out), repeat=3)
            size = uncompressed_size(out)
            peak = peak_memory(both)
            met = t_check <= TIMES * t_floor and peak <= MEMORY * size
            print(f"{str(lines) + '-line return':22} {t_floor * 1e3:6.1f}ms {t_check * 1e3:8.1f}ms "
                  f"{t_check / t_floor:5.1f}x {t_cal * 1e3:7.1f}ms {t_pyxl * 1e3:7.1f}ms "
                  f"{peak / 2**20:6.1f}MB {peak / size:6.1f}x  {'met' if met else 'NOT met'}")
            if not met:
                steps = phases([("read", lambda out=out: read_workbook(out)), ("recognise and locate", recognise),
                                ("check", _checked), ("balances", lambda tpl: compute(_fresh(tpl)))], t_floor)
                missed.append((lines, both, steps))
        args = ["check", str(samples[74])]
        finish("check", args, WHOLE_MS, f"check + balances <= {TIMES:g} x F", missed)


def _fresh(tpl: OpenTemplate) -> OpenTemplate:
    """The template as recognised, without the lines a run before read: each run reads its own."""
    return OpenTemplate(tpl.workbook, tpl.description, tpl.layout)


def _checked(tpl: OpenTemplate) -> OpenTemplate:
    check_template(_fresh(tpl))
    return tpl


if __name__ == "__main__":
    main()
