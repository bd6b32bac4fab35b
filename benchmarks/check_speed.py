"""Check + balances in-process against the floor, and the whole-process time of `bcf check`.

Targets: in-process <= 2 x the floor; whole process <= 250 ms on the sample. Prints figures.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from common import best, big_plan_replica, floor, median, register

from bcf_addin.api import open_template, populate, stale_caches
from bcf_addin.balances import compute
from bcf_addin.checks.run import check_template


def main() -> None:
    bcf = Path(sys.executable).with_name("bcf")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        print(f"{'case':28} {'floor':>9} {'check+bal':>10} {'x floor':>8}")
        samples = {}
        for lines in (74, 2000):
            template = big_plan_replica(tmp / f"plan-{lines}.xlsx", lines)
            out = tmp / f"return-{lines}.xlsx"
            populate(template, [register(tmp / f"reg-{lines}.csv", lines)], out=out)
            samples[lines] = out

            def both():
                # One read of the file serves both, as in the ribbon and the report workbook.
                tpl = open_template(out)
                check_template(tpl, stale_caches=stale_caches(out))
                compute(tpl)

            both()
            t_floor, t_check = best(lambda: floor(out)), best(both)
            print(f"{str(lines) + '-line return':28} {t_floor * 1000:8.1f}ms {t_check * 1000:9.1f}ms "
                  f"{t_check / t_floor:7.1f}x")
        run = lambda: subprocess.run([str(bcf), "check", str(samples[74])], capture_output=True)  # noqa: E731
        run()
        print(f"whole process `bcf check` on the sample: {median(run, 7) * 1000:.0f} ms (median of 7)")
        print("targets: in-process <= 2 x the floor; whole process <= 250 ms")


if __name__ == "__main__":
    main()
