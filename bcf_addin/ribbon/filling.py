"""The Populate button: the open return filled from register files the officer chooses."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from ..api import check_open, plan_populate, recognise
from ..checks.report import CheckReport
from ..errors import UnmatchedHeadings
from ..excelbook import with_writes, write_cells
from ..located import OpenTemplate
from ..present import verdict
from ..present.reports import count, heading
from ..table_plan import TablePlan
from .dialogs import ExcelUi
from .running import button, read_return


@dataclass
class Populated:
    tables: list[TablePlan]
    written: int
    checked: CheckReport


@button
def populate(book, ui: ExcelUi, choose_register: Callable[[], object] | None = None) -> Populated | None:
    """Fill the open return from register file(s) the officer chooses, then check it.

    Everything is planned and checked against the template before the first cell is written;
    a register the template cannot take leaves the return untouched.
    """
    tpl = read_return(book, ui)
    registers = _registers(choose_register() if choose_register else ui.choose_registers())
    if not registers:
        return None
    try:
        plans = plan_populate(tpl, registers, progress=lambda text: ui.status(f"Better Care Fund: {text}..."))
    except UnmatchedHeadings:
        if not _mapping_step(tpl, registers[0], ui):
            raise
        return None
    writes = [w for p in plans for w in p.writes]
    if not writes:
        ui.message("There was nothing to write: the register has no lines the template takes.")
        return Populated(plans, 0, CheckReport(tpl.description.kind, tpl.hwb, tpl.workbook.path, title=tpl.title))
    ui.status(f"Better Care Fund: writing {len(writes)} cells...")
    written = write_cells(book, writes, before=tpl.workbook)
    ui.status("Better Care Fund: checking...")
    checked = check_open(recognise(with_writes(tpl.workbook, writes), tpl.description.kind), stale_caches=True)
    ui.message(populate_summary(tpl, registers, plans, written, checked))
    return Populated(plans, written, checked)


def _mapping_step(tpl: OpenTemplate, register: Path, ui: ExcelUi) -> bool:
    """A register headed in the officer's own words: propose which column feeds each template
    column, open the proposal to correct, and leave populating to the next press."""
    from ..mapping.commands import propose_workbook    # reading and matching registers, ~100 ms: seldom needed

    proposal = propose_workbook(register, tpl.description)
    if proposal is None:
        return False
    ui.open_workbook(proposal)
    ui.message(f"The headings of {register.name} are not the template's own, so nothing was written.\n\n"
               f"Which of your columns feeds each template column is proposed in {proposal.name}, now open: "
               "correct column B where it is wrong (and the Values sheet, your spellings of the drop-down "
               "values), save it, and press Populate again. It is kept beside the register and used every "
               "time after.")
    return True


def _registers(picked) -> list[Path]:
    if picked in (None, False, ""):
        return []
    if isinstance(picked, (str, Path)):
        return [Path(picked)]
    return [Path(p) for p in picked]


def populate_summary(tpl, registers: Sequence[Path], plans: list[TablePlan], written: int, checked: CheckReport) -> str:
    lines = [heading(checked), "",
             f"Wrote {written} cells from {', '.join(p.name for p in registers)}:"]
    lines += [f"  {p.sheet}: {count(p.lines, 'line')} into the {p.table.replace('_', ' ')} table" for p in plans]
    notes = [n for p in plans for n in p.notes]
    if notes:
        lines += ["", f"{count(len(notes), 'note')} on the register:"]
        lines += [f"  {n.severity}: {n.place() + ': ' if n.place() else ''}{n.message}" for n in notes[:5]]
        if len(notes) > 5:
            lines.append(f"  and {len(notes) - 5} more.")
    lines += ["", verdict(checked), "Press Check return for the list, with a link to each cell.",
              "", "Excel cannot undo this: to go back, close the return without saving it."]
    return "\n".join(lines)
