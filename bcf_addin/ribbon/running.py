"""How every ribbon button runs: with its messages, progress and error handling, on the return
in front (or behind the report in front), read once; and the log for whoever supports the
officer.

bcf_addin.ribbon.dispatch calls each button with the workbook in front (xlwings.Book.caller()).
The buttons work on that workbook as it is open, unsaved changes included. None of them saves or
closes it, unprotects a sheet, or writes a cell the template does not leave for input; only
Populate writes at all. A problem the officer can act on (a BcfError) is shown as a plain
message; anything else as a short message saying where the details were logged.
"""
from __future__ import annotations

import functools
import os
import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path
from typing import Callable

from ..api import recognise
from ..errors import BcfError, WrongTemplate
from ..excelbook import read_book
from ..located import OpenTemplate
from .dialogs import ExcelUi

LOG_ENV = "BCF_ADDIN_LOG"
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


def plain(exc: BcfError) -> str:
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


def button(func=None, *, needs_return: bool = True):
    """Run a button's function with its messages, progress and error handling; `ui` replaces Excel's.

    Pressed while a report this tool opened is in front, a button that works on a return works
    on the return the report was made from.
    """
    if func is None:
        return functools.partial(button, needs_return=needs_return)

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
            ui.message(plain(exc), warning=True)
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


def read_return(book, ui: ExcelUi) -> OpenTemplate:
    ui.status("Better Care Fund: reading the return...")
    wb = read_book(book)
    try:
        return recognise(wb)
    except WrongTemplate as exc:
        exc.hint = exc.hint or ("to see what the tools found in it and what not, press Inspect template; "
                                "for a new year's template, Learn template")
        raise


def read_and_choose(book, ui: ExcelUi, choose: Callable[[], object]) -> tuple[OpenTemplate, Path | None]:
    """The open return, and the one file the officer picks to go with it (None if they cancel)."""
    tpl = read_return(book, ui)
    picked = choose()
    return tpl, None if picked in (None, False, "") else Path(picked)


def reports_folder() -> Path:
    return Path(tempfile.gettempdir()) / "bcf-addin"


def report_path(workbook: str | Path, what: str) -> Path:
    """A new file in the reports folder named after `workbook`: 'RETURN - check 101502.xlsx'."""
    folder = reports_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stem = Path(str(workbook).replace("\\", "/")).stem or "return"
    # Excel cannot open two workbooks of the same name at once, so each report gets its own.
    base = f"{stem} - {what} {datetime.now():%H%M%S}"
    path, n = folder / f"{base}.xlsx", 2
    while path.exists():
        path, n = folder / f"{base} ({n}).xlsx", n + 1
    return path


def the_return(book):
    """`book`, or, when it is a report this tool wrote (in the reports folder, named after its
    return: 'RETURN - check 101502.xlsx'), the return it was made from among the open workbooks;
    None when that is not open."""
    path = Path(str(getattr(book, "fullname", "") or "").replace("\\", "/"))
    try:
        is_report = path.parent.resolve() == reports_folder().resolve()
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
