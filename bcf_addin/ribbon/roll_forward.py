"""The ribbon's Roll forward button: start the return in front from the last one sent."""
from __future__ import annotations

from typing import Callable

from ..api import check_open, open_template, recognise
from ..excelbook import with_writes, write_cells
from ..present import verdict
from ..present.reports import count, heading, rollforward_lines
from ..rollforward import RollForward, plan_rollforward
from .dialogs import ExcelUi
from .running import button, read_and_choose

__all__ = ["roll_forward"]


@button
def roll_forward(book, ui: ExcelUi, choose_file: Callable[[], object] | None = None) -> RollForward | None:
    """Carry the scheme lines and contact details of the return the officer picks (last quarter's,
    last year's) into the return in front, then check it; what could not be carried is listed.

    Everything is planned before the first cell is written. Cells that already hold something
    else are replaced only when the officer says so.
    """
    tpl, picked = read_and_choose(book, ui, choose_file or (lambda: ui.choose_workbook(
        "Choose the last return you sent, to start this one from",
        'bcf rollforward "LAST.xlsx" "THIS.xlsx" -o "NEW.xlsx"')))
    if picked is None:
        return None
    ui.status(f"Better Care Fund: reading {picked.name}...")
    rolled = plan_rollforward(open_template(picked), tpl)
    writes = rolled.writes
    if not writes:
        ui.message("\n".join([f"Nothing in {picked.name} could be carried into this return.", "",
                              *rollforward_lines(rolled, picked.name)]))
        return rolled
    replaced = [w for w in writes if tpl.workbook.sheets[w.sheet].value(w.row, w.col) not in (None, "", w.value)]
    if replaced and not ui.confirm(
            f"{count(len(replaced), 'cell')} of this return already hold something else (the first is "
            f"{replaced[0].sheet}!{replaced[0].ref}). Replace them with what {picked.name} holds?"):
        return None
    ui.status(f"Better Care Fund: writing {len(writes)} cells...")
    written = write_cells(book, writes, before=tpl.workbook)
    ui.status("Better Care Fund: checking...")
    checked = check_open(recognise(with_writes(tpl.workbook, writes), tpl.description.kind), stale_caches=True)
    ui.message("\n".join([heading(checked), "", f"Wrote {count(written, 'cell')}.",
                          *rollforward_lines(rolled, picked.name), "", verdict(checked),
                          "Press Check return for the list, with a link to each cell.", "",
                          "Excel cannot undo this: to go back, close the return without saving it."]))
    return rolled
