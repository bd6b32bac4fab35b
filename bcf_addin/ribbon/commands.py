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
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, Sequence

from ..api import check_open, plan_populate, recognise
from ..balances import Balances, compute
from ..checks.report import CheckReport
from ..errors import BcfError, UnmatchedHeadings, WrongTemplate
from ..populate import TablePlan
from ..present import balances_summary, changes_summary, check_summary, verdict
from ..present.reports import count, heading
from ..submission import submission_name
from ..located import OpenTemplate
from ..excelbook import read_book, with_writes, write_cells
from .dialogs import ExcelUi

__all__ = ["populate", "check", "balances", "what_changed", "check_narrative", "save_for_submission",
           "collect_returns", "help", "log_file"]

LOG_ENV = "BCF_ADDIN_LOG"
INSPECT_ADVICE = ("To see what the tools found in it and what not (a renamed heading, another year's template), "
                  "press Inspect template; for a new year's template, Learn template.")
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


def _command(func=None, *, needs_return: bool = True):
    """Run a command with its messages, progress and error handling; `ui` replaces Excel's.

    Pressed while a report this tool opened is in front, a command that works on a return works
    on the return the report was made from.
    """
    if func is None:
        return functools.partial(_command, needs_return=needs_return)

    @functools.wraps(func)
    def run(book, *args, ui: ExcelUi | None = None, **kwargs):
        behind = the_return(book) if needs_return else book
        ui = ui or ExcelUi(behind or book)
        try:
            if behind is None:
                raise BcfError("the workbook in front is a report the Better Care Fund tools wrote, and the "
                               "return it was made from is not open",
                               hint="open the return, click in it, and press the button again")
            return func(behind, ui, *args, **kwargs)
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
        exc.hint = exc.hint or ("to see what the tools found in it and what not, press Inspect template; "
                                "for a new year's template, Learn template")
        raise


def _read_and_choose(book, ui: ExcelUi, choose: Callable[[], object]) -> tuple[OpenTemplate, Path | None]:
    """The open return, and the one file the officer picks to go with it (None if they cancel)."""
    tpl = _read(book, ui)
    picked = choose()
    return tpl, None if picked in (None, False, "") else Path(picked)


def _check(tpl: OpenTemplate, *, stale_caches: bool = False) -> CheckReport:
    return check_open(tpl, stale_caches=stale_caches)


def _reports_folder() -> Path:
    return Path(tempfile.gettempdir()) / "bcf-addin"


def the_return(book):
    """`book`, or, when it is a report this tool wrote (in the reports folder, named after its
    return: 'RETURN - check 101502.xlsx'), the return it was made from among the open workbooks;
    None when that is not open."""
    path = Path(str(getattr(book, "fullname", "") or "").replace("\\", "/"))
    try:
        is_report = path.parent.resolve() == _reports_folder().resolve()
    except OSError:
        is_report = False
    if not is_report or " - " not in path.stem:
        return book
    stem = path.stem.rsplit(" - ", 1)[0]
    try:
        others = [b for b in book.app.books if str(b.fullname) != str(book.fullname)]
    except Exception:             # an engine that lists no other workbooks
        return None
    found = [b for b in others if Path(str(b.fullname).replace("\\", "/")).stem == stem]
    return found[0] if len(found) == 1 else None


def _report_file(tpl: OpenTemplate, what: str) -> Path:
    return report_path(tpl.workbook.path, what)


def report_path(workbook: str | Path, what: str) -> Path:
    """A new file in the reports folder named after `workbook`: 'RETURN - check 101502.xlsx'."""
    folder = _reports_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stem = Path(str(workbook).replace("\\", "/")).stem or "return"
    # Excel cannot open two workbooks of the same name at once, so each report gets its own.
    base = f"{stem} - {what} {datetime.now():%H%M%S}"
    path, n = folder / f"{base}.xlsx", 2
    while path.exists():
        path, n = folder / f"{base} ({n}).xlsx", n + 1
    return path


def _open_report(ui: ExcelUi, tpl: OpenTemplate, checked: CheckReport, bal: Balances, what: str) -> Path:
    from ..report_workbook import write_report

    ui.status("Better Care Fund: writing the report...")
    path = write_report(checked, _report_file(tpl, what), bal)
    ui.open_workbook(path)
    return path


# -- the buttons -------------------------------------------------------------------------------

@dataclass
class Populated:
    tables: list[TablePlan]
    written: int
    checked: CheckReport


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
        return Populated(plans, 0, CheckReport(tpl.description.kind, tpl.hwb, tpl.workbook.path, title=tpl.title))
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


def _populate_summary(tpl, registers: Sequence[Path], plans: list[TablePlan], written: int, checked: CheckReport) -> str:
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
    _, checked, _ = _checked_with_report(book, ui, "Better Care Fund: checking...", "check")
    ui.message(check_summary(checked))
    return checked


@_command
def balances(book, ui: ExcelUi) -> Balances:
    """Running balances and minimum spend of the open return, computed from its scheme lines."""
    _, _, bal = _checked_with_report(book, ui, "Better Care Fund: computing the balances...", "balances")
    ui.message(balances_summary(bal))
    return bal


@_command
def what_changed(book, ui: ExcelUi, choose_file: Callable[[], object] | None = None):
    """Compare the open return with an earlier version the officer picks (the one sent, last week's).

    The open return is read as it is in Excel, unsaved changes included; the changes open as a
    workbook with a link to each cell.
    """
    from ..api import open_template
    from ..diff import diff_templates
    from ..diff_workbook import write_diff_report

    tpl, picked = _read_and_choose(book, ui, choose_file or (lambda: ui.choose_workbook(
        "Choose the earlier version of this return to compare it with", "bcf diff EARLIER.xlsx RETURN.xlsx")))
    if picked is None:
        return None
    ui.status("Better Care Fund: reading the earlier version...")
    d = diff_templates(open_template(picked), tpl)
    if not d.same:
        ui.status("Better Care Fund: writing the list of changes...")
        ui.open_workbook(write_diff_report(d, _report_file(tpl, "what changed")))
    ui.message(changes_summary(d, picked.name))
    return d


@_command
def check_narrative(book, ui: ExcelUi, choose_file: Callable[[], object] | None = None):
    """Check a Word narrative return the officer picks, its figures held to the open return's.

    The findings open as a workbook and are summed up in a message, as Check return does.
    """
    from ..api import check_narrative as check_document
    from ..present import narrative_summary
    from ..report_workbook import write_narrative_report

    tpl, picked = _read_and_choose(book, ui, choose_file or (lambda: ui.choose_document(
        "Choose the narrative return (.docx) to check against this return",
        "bcf narrative NARRATIVE.docx --return RETURN.xlsx")))
    if picked is None:
        return None
    ui.status("Better Care Fund: checking the narrative...")
    report = check_document(picked, open_returns=[tpl])
    ui.status("Better Care Fund: writing the report...")
    ui.open_workbook(write_narrative_report(report, _report_file(tpl, "narrative check")))
    ui.message(narrative_summary(report))
    return report


@_command
def save_for_submission(book, ui: ExcelUi, outlook=None) -> Path | None:
    """Save the submission pack of the open return next to it: a copy under the name NHS England
    asks for, and manifest.json; then an e-mail ready to send, in Outlook where classic Outlook
    is there to open it, else as an .eml file beside the copy. Nothing is ever sent.

    The pack is the one `bcf submit` writes. The open workbook keeps its name and its
    saved/unsaved state; an existing file is replaced only when the officer says so.
    """
    from ..api import pack_contents
    from ..mail import submission_draft
    from ..outlook import classic_outlook, show_draft
    from ..pack import MANIFEST, write_pack
    from ..present import pack_summary
    from ..userconfig import load_config

    tpl = _read(book, ui)
    name = submission_name(tpl)
    src = ui.book_path()
    if src is None and ui.online_address():
        # xlwings maps OneDrive and SharePoint addresses to their synced folders when it can find
        # them; an address left over is a library not synced, or synced somewhere xlwings is not told.
        raise BcfError(f"the return is open from OneDrive or SharePoint ({ui.online_address()}) and its "
                       "synced copy on this computer cannot be found",
                       hint="sync the library to this computer (Sync in OneDrive or SharePoint), or, if it is "
                            "synced to a folder of your own choosing, name that folder in the xlwings.conf "
                            "sheet (ONEDRIVE_COMMERCIAL_WIN or SHAREPOINT_WIN), or save a copy to a local "
                            "folder with File > Save As; then press Save for submission again")
    if src is None:
        raise BcfError("the return has not been saved to a folder on this computer yet",
                       hint=f"save it first (File > Save As), then press Save for submission again to save "
                            f"'{name}' next to it")
    if src.suffix.lower() != ".xlsx":
        raise BcfError(f"is a {src.suffix or 'file without an extension'} workbook; NHS England takes the "
                       ".xlsx template", file=str(src),
                       hint="save the return as an Excel Workbook (.xlsx) first")
    if src.name.casefold() == name.casefold():
        raise BcfError(f"is already named '{name}', as NHS England asks", file=str(src),
                       hint="save it under a working name (File > Save As), then press Save for submission again")
    config = load_config()
    ui.status("Better Care Fund: checking...")
    checked = _check(tpl)
    reason = None
    if checked.errors:
        reason = ui.ask(f"{heading(checked)}\n\n{verdict(checked)}\n\nNHS England may send back a "
                        "return with errors. Press Check return for the list.\n\nTo save it for submission anyway, "
                        "say why (the reason goes into the manifest and the e-mail):")
        if not (reason or "").strip():
            return None
    outlook = outlook if outlook is not None else classic_outlook()
    names = [src.parent / name, src.parent / MANIFEST] + ([] if outlook else [(src.parent / name).with_suffix(".eml")])
    existing = [p for p in names if p.exists()]
    if existing and not ui.confirm("\n".join(map(str, existing)) + "\n\nalready there. Replace with the return as it "
                                   "is now? (The files replaced are kept as backup copies.)"):
        return None
    ui.status("Better Care Fund: saving the pack...")
    with tempfile.TemporaryDirectory(prefix="bcf-") as staging:
        staged = Path(staging) / f"submission{src.suffix}"
        try:
            ui.save_copy_as(staged)
        except NotImplementedError:
            raise BcfError("this Excel cannot save a copy for the tools",
                           hint=f"use File > Save a Copy and name the copy '{name}'") from None
        contents = pack_contents(tpl, checked, staged, accept_errors=reason)
    draft = submission_draft(contents, config.regional_managers)
    pack = write_pack(contents, src.parent, overwrite=bool(existing), draft=None if outlook else draft)
    if outlook:
        show_draft(outlook, draft, pack.paths)
    ui.message(pack_summary(pack, open_name=src.name, in_outlook=bool(outlook),
                            managers_set=bool(config.regional_managers), config=str(config.path)))
    return pack.paths[0]


@_command(needs_return=False)
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


@_command(needs_return=False)
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
    from . import COMMANDS

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
