"""`bcf demo`: the whole job on the bundled Leicestershire sample, in a folder of its own."""
from __future__ import annotations

from pathlib import Path

from . import paths
from .api import balances, check, new_replica, populate
from .errors import BcfError
from .present import balances_text, check_text
from .report_workbook import write_report

MARKER = ".bcf-demo"
SAMPLE = "leicestershire-2025-26-plan-schemes.csv"


def prepare_folder(folder: Path) -> None:
    """A demo folder is the demo's own: refuse one that holds anything else."""
    if folder.exists() and any(folder.iterdir()) and not (folder / MARKER).exists():
        raise BcfError("exists and holds other files; choose an empty or new folder for the demo", file=str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("Files written by `bcf demo`; safe to delete.\n", encoding="utf-8")
    for name in ("plan.xlsx", "Leicestershire HWB.xlsx", "findings.xlsx"):
        (folder / name).unlink(missing_ok=True)
        for backup in folder.glob(f"{Path(name).stem} (backup *"):
            backup.unlink()


def run(folder: Path, echo) -> int:

    prepare_folder(folder)
    sample = paths.samples() / SAMPLE
    plan = folder / "plan.xlsx"
    filled = folder / "Leicestershire HWB.xlsx"
    echo(f"$ bcf new planning-2025-26 {plan} --hwb Leicestershire")
    new_replica("planning-2025-26", plan, hwb="Leicestershire")
    echo(f"$ bcf populate {plan} --schemes {sample} -o '{filled}'")
    result = populate(plan, [sample], out=filled)
    echo(f"  {result.tables[0].lines} scheme lines written into '{result.tables[0].sheet}'")
    echo(f"$ bcf balances '{filled}'")
    echo(balances_text(balances(filled)))
    echo(f"$ bcf check '{filled}' --report {folder / 'findings.xlsx'}")
    report = check(filled)
    write_report(report, folder / "findings.xlsx")
    echo(check_text(report))
    echo("")
    echo(f"The demo's files are in {folder}: the replica, the populated return and the findings workbook.")
    return 0
