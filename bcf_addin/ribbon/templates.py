"""The ribbon's Template buttons: what the tools find in the workbook in front, and learning a
template they do not know yet (a new year's, or one whose headings NHS England reworded).

Both read the workbook's saved file, not the copy open in Excel: hidden sheets, locked cells,
drop-down lists and defined names are what they look at, and Excel gives those only cell by cell.
"""
from __future__ import annotations

from pathlib import Path

from ..api import inspect
from ..descriptions.loader import load_file
from ..descriptions.sources import user_folder
from ..errors import BcfError
from ..inspection import Inspection, summary
from ..inspection_workbook import write_inspection_report
from ..learn.cli import kind_name, learn_to_file
from ..present.reports import count
from .dialogs import ExcelUi
from .running import button, report_path

__all__ = ["inspect_template", "learn_template"]


@button
def inspect_template(book, ui: ExcelUi) -> Inspection:
    """Each label, heading, list and formula of the template the workbook is, where it was found or
    why not; opened as a workbook with a link to each cell, and summed up in a message."""
    path = _saved_file(ui, "inspect", 'bcf inspect "RETURN.xlsx"')
    ui.status("Better Care Fund: looking through the workbook...")
    ins = inspect(path)
    if ins.inspected:
        ui.status("Better Care Fund: writing the list...")
        ui.open_workbook(write_inspection_report(ins, report_path(path, "inspect")))
    ui.message(_inspected_message(ins))
    return ins


def _inspected_message(ins: Inspection) -> str:
    lines = [summary(ins)]
    rec = ins.recognition
    if ins.inspected:
        lines += ["", "The list is open: things not found first, each with the nearest text on its sheet."]
    if rec is None or not rec.recognised or ins.problems:
        lines += ["", "If this is a new year's template, or NHS England reworded a heading, press Learn template: "
                      "the tools then describe it for themselves and use that description from then on."]
    return "\n".join(lines)


@button
def learn_template(book, ui: ExcelUi) -> Path | None:
    """Describe the template in front from its own file, into the officer's descriptions folder,
    where every button (and `bcf`) finds it from then on; what could not be decided opens as a list."""
    path = _saved_file(ui, "learn", 'bcf learn "TEMPLATE.xlsx" -o NAME.yaml --like KIND')
    ui.status("Better Care Fund: looking through the template...")
    before = inspect(path)
    rec = before.recognition
    if rec is not None and rec.recognised and not before.problems:
        ui.message(f"{summary(before)}.\n\nThe tools already know this template, so there is nothing to learn.")
        return None
    # Meaning (which column is the funding source, which figure is a minimum) is carried over from
    # the nearest known template when any of its labels are there; otherwise only structure is learned.
    like = rec.kind if rec is not None and rec.labels[0] else None
    folder = user_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BcfError(f"cannot be made ({exc.strerror or exc})", file=str(folder),
                       hint="set BCF_DESCRIPTIONS to a folder you can write to") from None
    out = _new_name(folder, path)
    ui.status("Better Care Fund: learning the template...")
    marks = learn_to_file(path, out, like)
    desc = load_file(out)
    after = inspect(path, desc.kind)
    ui.status("Better Care Fund: writing the list...")
    ui.open_workbook(write_inspection_report(after, report_path(path, "learned"), learned=out,
                                             to_confirm=desc.to_confirm))
    ui.message(_learned_message(path, out, like, marks, after))
    return out


def _learned_message(path: Path, out: Path, like: str | None, marks: int, after: Inspection) -> str:
    lines = [f"Learned {path.name} into {out}" + (f", with the meaning of {like} carried over." if like else "."),
             "", "Every button now uses this description for this template."]
    if marks:
        lines += ["", f"{count(marks, 'guess')} to confirm are on the To confirm sheet of the list now open. "
                      f"Whoever looks after the tools can check each in {out.name}, put it right, and delete "
                      "its entry."]
    if after.problems:
        lines += ["", f"{count(len(after.problems), 'thing')} still not found in the template: see the list."]
    return "\n".join(lines)


def _saved_file(ui: ExcelUi, what: str, command_line: str) -> Path:
    path = ui.book_path()
    if path is None or not path.is_file():
        raise BcfError(f"the workbook in front has no saved file on this computer to {what}",
                       hint=f"save it to a folder first (or use the command line: {command_line})")
    return path


def _new_name(folder: Path, template: Path) -> Path:
    """A description file named after the template, never one already there."""
    stem = kind_name(template.stem)
    out, n = folder / f"{stem}.yaml", 2
    while out.exists():
        out, n = folder / f"{stem}-{n}.yaml", n + 1
    return out
