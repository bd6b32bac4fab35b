"""The Collect returns button: every return in a folder checked and added up, as `bcf collect`
does, and the summary workbook opened."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..collect.run import collect
from .dialogs import ExcelUi
from .running import button


@button(needs_return=False)
def collect_returns(book, ui: ExcelUi, choose_folder: Callable[[], object] | None = None):
    """Collect every return in a folder the manager picks (workbooks and saved e-mails) into a
    `collected` folder inside it, as `bcf collect` does, and open the summary workbook."""
    picked = choose_folder() if choose_folder else ui.choose_folder(
        "Choose the folder of returns (and saved e-mails) to collect", "bcf collect FOLDER -o OUT")
    if picked in (None, False, ""):
        return None
    folder = Path(picked)
    out = folder / "collected"

    def progress(done: int, total: int) -> None:
        ui.status(f"Better Care Fund: checking returns, {done} of {total}...")

    # In-process: worker processes started from inside Excel's Python would each start a new
    # interpreter (Windows has no fork), and the PNG pictures are for reports, not for this view.
    result = collect([folder], out, workers=1, pictures=False, progress=progress)
    ui.open_workbook(result.summary)
    returns = result.tables["returns"]
    unusable = int(returns["reason"].notna().sum())
    ui.message(f"{len(returns) - unusable} returns checked, {unusable} could not be used "
               f"(the summary's 'returns' sheet says why); {len(result.tables['missing'])} HWBs sent nothing.\n\n"
               f"The tables and the summary workbook are in {out}.")
    return result
