"""The ribbon's buttons: thin fronts on the library functions the command line uses.

bcf_addin.ribbon.dispatch calls each with the workbook in front (xlwings.Book.caller()). They
work on that workbook as it is open, unsaved changes included. None of them saves or closes it,
unprotects a sheet, or writes a cell the template does not leave for input; only populate
writes at all. A problem the officer can act on (a BcfError) is shown as a plain message;
anything else as a short message saying where the details were logged.
"""
from __future__ import annotations

import functools
import html
import os
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Sequence

from ..api import check_open, plan_populate, recognise
from ..balances import Balances, compute
from ..checks.findings import Severity
from ..checks.registry import rule
from ..checks.report import CheckReport
from ..errors import BcfError, UnmatchedHeadings, WrongTemplate
from ..money import pounds
from ..populate import TablePlan
from ..submission import save_copy, submission_name
from ..template import OpenTemplate
from .book import read_book, with_writes, write_cells
from .ui import ExcelUi

__all__ = ["populate", "check", "balances", "what_changed", "save_for_submission", "collect_returns", "help",
           "log_file"]

LOG_ENV = "BCF_ADDIN_LOG"
INSPECT_ADVICE = ("To see what the tools found in it and what not (a renamed heading, another year's template), "
                  "run bcf inspect with the return's file in Command Prompt.")
_LOG_LIMIT = 1_000_000


def log_file() -> Path:
    """Where the commands record what went wrong, for whoever supports the officer."""
    if os.environ.get(LOG_ENV):
        return Path(os.environ[LOG_ENV])
    if sys.platform.startswith("win") and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"])
    else:
        base = Path.home() / ".cache"
    return base / "bcf-addin" / "bcf-addin.log"


def _log(text: str) -> Path:
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > _LOG_LIMIT:
            os.replace(path, path.with_suffix(path.suffix + ".old"))
        with path.open("a", encoding="utf-8") as f:
            f.write(f"{datetime.now():%Y-%m-%d %H:%M:%S} {text.rstrip()}\n")
    except OSError:
        pass
    return path


def _plain(exc: BcfError) -> str:
    """The error as a message box says it. Messages about a file are written to follow its name
    ("... does not exist"), so with nothing more precise than the file they read as a sentence."""
    where = exc.where()
    if exc.file and not (exc.sheet or exc.cell):
        first = f"{exc.file} {exc.message}"
    elif where:
        first = f"{where}:\n{exc.message}"
    else:
        first = exc.message[:1].upper() + exc.message[1:]
    lines = [first.rstrip(".") + "."]
    if exc.hint:
        lines.append(exc.hint[:1].upper() + exc.hint[1:].rstrip(".") + ".")
    return "\n\n".join(lines)


def _command(func):
    """Run a command with its messages, progress and error handling; `ui` replaces Excel's."""

    @functools.wraps(func)
    def run(book, *args, ui: ExcelUi | None = None, **kwargs):
        ui = ui or ExcelUi(book)
        try:
            return func(book, ui, *args, **kwargs)
        except BcfError as exc:
            _log(f"{func.__name__}: {exc}")
            ui.message(_plain(exc), warning=True)
        except Exception as exc:
            path = _log(f"{func.__name__} stopped:\n{traceback.format_exc()}")
            detail = str(exc).splitlines()[0][:200] if str(exc) else ""
            ui.message(
                "The Better Care Fund tools stopped because of a problem they did not expect"
                f" ({exc.__class__.__name__}{': ' + detail if detail else ''}).\n\n"
                f"The details are in {path}. Please send that file to whoever supports the tools.",
                warning=True)
        finally:
            ui.status(None)
        return None

    return run


# -- shared steps ------------------------------------------------------------------------------

def _read(book, ui: ExcelUi) -> OpenTemplate:
    ui.status("Better Care Fund: reading the return...")
    wb = read_book(book)
    try:
        return recognise(wb)
    except WrongTemplate as exc:
        exc.hint = exc.hint or f'to see what the tools found in it and what not, run in Command Prompt: bcf inspect "{wb.path}"'
        raise


@dataclass
class Checked:
    report: CheckReport
    skipped: list[str] = field(default_factory=list)     # rule codes left out: their metadata was unreadable


def _check(tpl: OpenTemplate, *, stale_caches: bool = False) -> Checked:
    report = check_open(tpl, stale_caches=stale_caches)
    return Checked(report, report.skipped)


def _heading(tpl: OpenTemplate) -> str:
    d = tpl.description
    return f"{tpl.hwb or 'Health and Wellbeing Board not chosen'}: {d.name}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _verdict(checked: Checked) -> str:
    r = checked.report
    errors, warnings = r.count(Severity.ERROR), r.count(Severity.WARNING)
    if r.complete:
        text = "The return is complete: no errors."
        if warnings:
            text += f" {_count(warnings, 'warning')} to look at."
    else:
        text = (f"The return is not complete yet: {_count(errors, 'error')} to fix"
                f" and {_count(warnings, 'warning')} to look at.")
        todo = [s.sheet for s in r.sheets if not s.complete]
        if todo:
            text += "\nSheets still incomplete: " + ", ".join(todo) + "."
    if checked.skipped:
        unread = sorted({_UNREAD.get(n, n) for code in checked.skipped for n in rule(code).needs})
        one = len(checked.skipped) == 1
        which = ("rule " if one else "rules ") + ", ".join(checked.skipped)
        text += (f"\n{' and '.join(unread).capitalize()} cannot be read from this Excel, so {which} "
                 f"{'was' if one else 'were'} not applied (bcf check on the saved file applies "
                 f"{'it' if one else 'them'}).")
    return text


# What a read through Excel may lack, as the officer would name it.
_UNREAD = {"formulas": "the template's own formulas", "protection": "sheet protection"}


def _unallocated(b: Balances) -> str:
    left = [x for x in b.running_balances if x.balance != 0]
    if not b.running_balances:
        return ""
    if not left:
        return "Every funding source is fully allocated."
    parts = []
    for x in left:
        if x.balance > 0:
            parts.append(f"{x.source} {pounds(x.balance)} unallocated")
        else:
            parts.append(f"{x.source} {pounds(-x.balance)} more planned than its income")
    return "Not allocated exactly: " + "; ".join(parts) + "."


def _report_file(tpl: OpenTemplate, what: str) -> Path:
    folder = Path(tempfile.gettempdir()) / "bcf-addin"
    folder.mkdir(parents=True, exist_ok=True)
    stem = Path(tpl.workbook.path.replace("\\", "/")).stem or "return"
    # Excel cannot open two workbooks of the same name at once, so each report gets its own.
    base = f"{stem} - {what} {datetime.now():%H%M%S}"
    path, n = folder / f"{base}.xlsx", 2
    while path.exists():
        path, n = folder / f"{base} ({n}).xlsx", n + 1
    return path


def _open_report(ui: ExcelUi, tpl: OpenTemplate, checked: Checked, bal: Balances, what: str) -> Path:
    from ..report_workbook import write_report

    ui.status("Better Care Fund: writing the report...")
    path = write_report(checked.report, _report_file(tpl, what), bal)
    ui.open_workbook(path)
    return path


# -- the buttons -------------------------------------------------------------------------------

@dataclass
class Populated:
    tables: list[TablePlan]
    written: int
    checked: Checked


@_command
def populate(book, ui: ExcelUi, choose_register: Callable[[], object] | None = None) -> Populated | None:
    """Fill the open return from register file(s) the officer chooses, then check it.

    Everything is planned and checked against the template before the first cell is written;
    a register the template cannot take leaves the return untouched.
    """
    tpl = _read(book, ui)
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
        return Populated(plans, 0, Checked(CheckReport(tpl.description.kind, tpl.hwb, tpl.workbook.path)))
    ui.status(f"Better Care Fund: writing {len(writes)} cells...")
    written = write_cells(book, writes, before=tpl.workbook)
    ui.status("Better Care Fund: checking...")
    checked = _check(recognise(with_writes(tpl.workbook, writes), tpl.description.kind), stale_caches=True)
    ui.message(_populate_summary(tpl, registers, plans, written, checked))
    return Populated(plans, written, checked)


def _mapping_step(tpl: OpenTemplate, register: Path, ui: ExcelUi) -> bool:
    """A register headed in the officer's own words: propose which column feeds each template
    column, open the proposal to correct, and leave populating to the next press."""
    from ..mapping.commands import propose_workbook

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


def _populate_summary(tpl, registers: Sequence[Path], plans: list[TablePlan], written: int, checked: Checked) -> str:
    lines = [_heading(tpl), "",
             f"Wrote {written} cells from {', '.join(p.name for p in registers)}:"]
    lines += [f"  {p.sheet}: {_count(p.lines, 'line')} into the {p.table.replace('_', ' ')} table" for p in plans]
    notes = [n for p in plans for n in p.notes]
    if notes:
        lines += ["", f"{_count(len(notes), 'note')} on the register:"]
        lines += [f"  {n.severity}: {n.message}" for n in notes[:5]]
        if len(notes) > 5:
            lines.append(f"  and {len(notes) - 5} more.")
    lines += ["", _verdict(checked), "Press Check return for the list, with a link to each cell.",
              "", "Excel cannot undo this: to go back, close the return without saving it."]
    return "\n".join(lines)


def _checked_with_report(book, ui: ExcelUi, status: str, kind: str):
    """Read the open return once, check it and work out its balances, and open the report workbook."""
    tpl = _read(book, ui)
    ui.status(status)
    checked = _check(tpl)
    bal = compute(tpl)
    _open_report(ui, tpl, checked, bal, kind)
    return tpl, checked, bal


@_command
def check(book, ui: ExcelUi) -> CheckReport:
    """Check the open return; open the findings as a workbook and sum them up in a message."""
    tpl, checked, bal = _checked_with_report(book, ui, "Better Care Fund: checking...", "check")
    lines = [_heading(tpl), "", _verdict(checked)]
    unallocated = _unallocated(bal)
    if unallocated:
        lines.append(unallocated)
    lines += ["", "The list of what to fix, with a link to each cell, is open in a new workbook."]
    ui.message("\n".join(lines))
    return checked.report


@_command
def balances(book, ui: ExcelUi) -> Balances:
    """Running balances and minimum spend of the open return, computed from its scheme lines."""
    tpl, _, bal = _checked_with_report(book, ui, "Better Care Fund: computing the balances...", "balances")
    ui.message(_balances_summary(tpl, bal))
    return bal


def _balances_summary(tpl: OpenTemplate, b: Balances) -> str:
    lines = [_heading(tpl), ""]
    if not b.running_balances:
        lines.append("This template has no running balances.")
    for x in b.running_balances:
        if x.income == 0 and x.expenditure == 0:
            continue
        if x.balance == 0:
            lines.append(f"{x.source}: all {pounds(x.income)} allocated.")
        elif x.balance > 0:
            lines.append(f"{x.source}: {pounds(x.expenditure)} of {pounds(x.income)} allocated; "
                         f"{pounds(x.balance)} unallocated.")
        else:
            lines.append(f"{x.source}: {pounds(x.expenditure)} planned against {pounds(x.income)} of income; "
                         f"{pounds(-x.balance)} too much.")
    if b.unmatched_lines:
        lines.append(f"{_count(len(b.unmatched_lines), 'scheme line')} with money name no known funding source.")
    for m in b.minimum_spend:
        verdict = "met" if m.met else f"NOT met, {pounds(m.shortfall)} short"
        lines.append(f"\n{m.label}: {pounds(m.spend)} against a minimum of {pounds(m.minimum)} ({verdict}).")
    lines += ["", "The balances and the check's findings are open in a new workbook."]
    return "\n".join(lines)


@_command
def what_changed(book, ui: ExcelUi, choose_file: Callable[[], object] | None = None):
    """Compare the open return with an earlier version the officer picks (the one sent, last week's).

    The open return is read as it is in Excel, unsaved changes included; the changes open as a
    workbook with a link to each cell.
    """
    from ..api import open_template
    from ..diff import diff_templates
    from ..diff_workbook import write_diff_report

    tpl = _read(book, ui)
    picked = choose_file() if choose_file else ui.choose_workbook(
        "Choose the earlier version of this return to compare it with",
        "bcf diff EARLIER.xlsx RETURN.xlsx")
    if picked in (None, False, ""):
        return None
    ui.status("Better Care Fund: reading the earlier version...")
    d = diff_templates(open_template(Path(picked)), tpl)
    if not d.same:
        ui.status("Better Care Fund: writing the list of changes...")
        ui.open_workbook(write_diff_report(d, _report_file(tpl, "what changed")))
    ui.message(_changes_summary(tpl, Path(picked), d))
    return d


def _changes_summary(tpl: OpenTemplate, earlier: Path, d) -> str:
    lines = [_heading(tpl), "", f"Compared with {earlier.name}:"]
    if d.same:
        return "\n".join([*lines, "nothing has changed in the input cells."])
    changed = len({c.key for c in d.changes if c.kind == "line"})
    answers = sum(1 for c in d.changes if c.kind != "line")
    lines.append(f"{_count(changed, 'line')} changed, {len(d.lines_added)} added, {len(d.lines_removed)} removed; "
                 f"{_count(answers, 'other answer')} changed.")
    for m in d.moved():
        if m.old is not None and m.new is not None:
            lines.append(f"  {m.name}, {m.figure}: {pounds(m.old)} -> {pounds(m.new)}")
    lines += ["", "The list of changes, with a link to each cell, is open in a new workbook."]
    return "\n".join(lines)


@_command
def save_for_submission(book, ui: ExcelUi) -> Path | None:
    """Save a copy of the open return under the name NHS England asks for, next to it.

    The open workbook keeps its name and its saved/unsaved state; an existing file is replaced
    only when the officer says so.
    """
    tpl = _read(book, ui)
    name = submission_name(tpl)
    src = ui.book_path()
    if src is None:
        raise BcfError("the return has not been saved to a folder on this computer yet",
                       hint=f"save it first (File > Save As), then press Save for submission again to save "
                            f"'{name}' next to it")
    if src.suffix.lower() != ".xlsx":
        raise BcfError(f"is a {src.suffix or 'file without an extension'} workbook; NHS England takes the "
                       ".xlsx template", file=str(src),
                       hint="save the return as an Excel Workbook (.xlsx) first")
    target = src.parent / name
    if src.name.casefold() == name.casefold():
        raise BcfError(f"is already named '{name}', as NHS England asks", file=str(src),
                       hint="save it (Ctrl+S) and send that file; no copy is needed")
    ui.status("Better Care Fund: checking...")
    checked = _check(tpl)
    errors = checked.report.count(Severity.ERROR)
    if errors and not ui.confirm(
            f"{_heading(tpl)}\n\n{_verdict(checked)}\n\nNHS England may send back a return with errors. "
            "Press Check return for the list.\n\nSave a copy for submission anyway?"):
        return None
    overwrite = False
    if target.exists():
        if not ui.confirm(f"{target} already exists.\n\nReplace it with a copy of the return as it is now?"):
            return None
        overwrite = True
    ui.status("Better Care Fund: saving the copy...")
    with tempfile.TemporaryDirectory(prefix="bcf-") as staging:
        staged = Path(staging) / f"submission{src.suffix}"
        try:
            ui.save_copy_as(staged)
        except NotImplementedError:
            raise BcfError("this Excel cannot save a copy for the tools",
                           hint=f"use File > Save a Copy and name the copy '{name}'") from None
        saved = save_copy(staged, src.parent, name, overwrite=overwrite)
    lines = [f"Saved a copy for NHS England:\n{saved}", "",
             f"The return you have open is unchanged and is still {src.name}."]
    if errors:
        lines.append(f"The copy has {_count(errors, 'error')}: NHS England may send it back.")
    ui.message("\n".join(lines))
    return saved


@_command
def collect_returns(book, ui: ExcelUi, choose_folder: Callable[[], object] | None = None):
    """Collect every return in a folder the manager picks (workbooks and saved e-mails) into a
    `collected` folder inside it, as `bcf collect` does, and open the summary workbook."""
    from ..collect.run import collect

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


@_command
def help(book, ui: ExcelUi) -> str:      # named after its button; shadows the builtin here only
    """Open the add-in's guide (docs/addin.md) in the browser, or say what each button does."""
    doc = _guide()
    if doc is not None:
        page = _guide_page(doc)
        ui.open_url(page.as_uri())
        return page.as_uri()
    url = _project_url()
    if url:
        ui.open_url(url)
        return url
    from ..ribbon import COMMANDS

    ui.message("\n\n".join([*(f"{c.label}\n{c.description}" for c in COMMANDS.values()),
                             f"When the return is not recognised\n{INSPECT_ADVICE}"]))
    return ""


def _guide() -> Path | None:
    from .. import paths

    try:
        doc = paths.project_folder("docs") / "addin.md"
    except FileNotFoundError:
        return None
    return doc if doc.is_file() else None


def _guide_page(doc: Path) -> Path:
    """The guide as a web page: browsers show a .md file as bare text at best, or download it."""
    text = doc.read_text(encoding="utf-8")
    page = Path(tempfile.gettempdir()) / "bcf-addin" / "Better Care Fund add-in.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>The Better Care Fund add-in</title>"
        f"<base href='{doc.parent.as_uri()}/'>"
        "<style>body{font-family:'Segoe UI',Arial,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
        "pre{white-space:pre-wrap;font-family:inherit;line-height:1.45}</style></head><body>"
        f"<pre>{html.escape(text)}</pre></body></html>", encoding="utf-8")
    return page


def _project_url() -> str | None:
    from importlib import metadata

    try:
        meta = metadata.metadata("bcf-addin")
    except metadata.PackageNotFoundError:
        return None
    for entry in meta.get_all("Project-URL") or []:
        _, _, url = entry.partition(",")
        if url.strip():
            return url.strip()
    home = meta.get("Home-page")
    return home if home and home != "UNKNOWN" else None
