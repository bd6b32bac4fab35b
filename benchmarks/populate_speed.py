"""Populate time against the floor (unzip + XML parse of the same file) and an openpyxl load+save.

Target: populate within 5 x the floor. Prints figures; asserts nothing.
"""
from __future__ import annotations

import tempfile
import tracemalloc
from pathlib import Path

from common import best, big_plan_replica, floor, register

from bcf_addin.api import populate


def main() -> None:
    from openpyxl import load_workbook

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        print(f"{'case':28} {'floor':>9} {'populate':>9} {'x floor':>8} {'openpyxl':>9} {'peak MiB':>9}")
        for lines in (74, 2000):
            template = big_plan_replica(tmp / f"plan-{lines}.xlsx", lines)
            reg = register(tmp / f"register-{lines}.csv", lines)
            out = tmp / f"out-{lines}.xlsx"
            populate(template, [reg], out=out)               # warm imports and caches
            t_floor = best(lambda: floor(out))
            t_pop = best(lambda: populate(template, [reg], out=out))
            t_pyxl = best(lambda: load_workbook(out).save(tmp / "pyxl.xlsx"), repeat=3)
            tracemalloc.start()
            populate(template, [reg], out=out)
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            name = f"{lines}-line register"
            print(f"{name:28} {t_floor * 1000:8.1f}ms {t_pop * 1000:8.1f}ms {t_pop / t_floor:7.1f}x "
                  f"{t_pyxl * 1000:8.1f}ms {peak:8.1f}")
        print("target: populate within 5 x the floor")


if __name__ == "__main__":
    main()
