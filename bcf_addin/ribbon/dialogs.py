"""What the ribbon commands show and ask, through the Excel that called them.

Each piece can be replaced when an ExcelUi is made, so the commands run unchanged where Excel
cannot do it: xlwings' remote engine has no status bar, cannot answer a message box while
Python waits, cannot open a file as a new workbook and cannot save a copy.
"""
from __future__ import annotations

import subprocess
import sys
import webbrowser
from pathlib import Path
from typing import Callable, Sequence

from ..errors import BcfError

TITLE = "Better Care Fund"
# Windows message boxes cut their text off at about 1,024 characters.
MAX_MESSAGE = 1000

REGISTER_FILTER = "Scheme registers (*.csv; *.xlsx),*.csv;*.xlsx,All files (*.*),*.*"
CHOOSER_TITLE = "Choose the register to populate the return from"
WORKBOOK_FILTER = "Excel workbooks (*.xlsx; *.xlsm),*.xlsx;*.xlsm,All files (*.*),*.*"
DOCUMENT_FILTER = "Word documents (*.docx),*.docx,All files (*.*),*.*"
WORKBOOK_TYPES = ("xlsx", "xlsm", "org.openxmlformats.spreadsheetml.sheet")
DOCUMENT_TYPES = ("docx", "org.openxmlformats.wordprocessingml.document")


class ExcelUi:
    def __init__(self, book, *, choose_files: Callable[[], Sequence[str | Path]] | None = None,
                 open_workbook: Callable[[Path], object] | None = None,
                 open_url: Callable[[str], object] | None = None,
                 save_copy_as: Callable[[Path], object] | None = None):
        self.book = book
        self._choose_files = choose_files
        self._open_workbook = open_workbook
        self._open_url = open_url
        self._save_copy_as = save_copy_as

    # -- messages ----------------------------------------------------------------------------

    def message(self, text: str, *, warning: bool = False) -> None:
        self.book.app.alert(_fit(text), title=TITLE, buttons="ok", mode="critical" if warning else "info")

    def confirm(self, text: str) -> bool:
        """OK or Cancel. An engine that cannot wait for the answer counts as Cancel."""
        answer = self.book.app.alert(_fit(text), title=TITLE, buttons="ok_cancel", mode="critical")
        return answer == "ok"

    def ask(self, text: str) -> str | None:
        """A typed answer; None when the person cancels or this Excel cannot take one."""
        if sys.platform.startswith("win"):
            answer = self.book.app.api.InputBox(_fit(text), TITLE, "", Type=2)     # Type 2: text
            return None if answer is False else str(answer)
        if sys.platform == "darwin":
            return _mac_ask(text)
        self.message("This Excel cannot take a typed answer. Use the command line instead "
                     "(bcf submit RETURN.xlsx --accept-errors \"REASON\").", warning=True)
        return None

    def status(self, text: str | None) -> None:
        """Show progress in Excel's status bar; None hands the status bar back to Excel."""
        try:
            self.book.app.status_bar = text if text else False
        except Exception:       # no status bar on this engine: progress is a courtesy
            pass

    # -- files -------------------------------------------------------------------------------

    def book_path(self) -> Path | None:
        """The open return's file, when it has been saved to a folder on this computer."""
        try:
            name = self.book.fullname
        except Exception:
            return None
        path = Path(name)
        if "://" in name or not path.is_absolute() or not path.parent.is_dir():
            return None
        return path

    def online_address(self) -> str | None:
        """The web address Excel gives for a return opened from OneDrive or SharePoint, when xlwings
        could not map it to a synced folder on this computer."""
        try:
            name = str(self.book.fullname)
        except Exception:
            return None
        return name if name.lower().startswith(("http://", "https://")) else None

    def choose_registers(self) -> list[Path]:
        """Ask which register file(s) to populate from; an empty list when the person cancels."""
        if self._choose_files is not None:
            picked = self._choose_files()
        elif sys.platform.startswith("win"):
            picked = _windows_open_dialog(self.book.app, REGISTER_FILTER, CHOOSER_TITLE, multiple=True)
        elif sys.platform == "darwin":
            picked = _mac_open_dialog(CHOOSER_TITLE, ("csv", "xlsx", "public.comma-separated-values-text",
                                                      "org.openxmlformats.spreadsheetml.sheet"))
        else:
            raise BcfError("this Excel offers no way to choose a file",
                           hint="use the command line instead: bcf populate RETURN.xlsx --schemes REGISTER.csv")
        return _paths(picked)

    def choose_workbook(self, title: str, command_line: str) -> Path | None:
        """Ask for one workbook file; None when the person cancels."""
        return self._choose_one(title, command_line, WORKBOOK_FILTER, WORKBOOK_TYPES)

    def choose_document(self, title: str, command_line: str) -> Path | None:
        """Ask for one Word document; None when the person cancels."""
        return self._choose_one(title, command_line, DOCUMENT_FILTER, DOCUMENT_TYPES)

    def _choose_one(self, title: str, command_line: str, file_filter: str, mac_types) -> Path | None:
        if sys.platform.startswith("win"):
            picked = _windows_open_dialog(self.book.app, file_filter, title, multiple=False)
        elif sys.platform == "darwin":
            picked = _mac_open_dialog(title, mac_types)
        else:
            raise BcfError("this Excel offers no way to choose a file", hint=f"use the command line instead: {command_line}")
        found = _paths(picked)
        return found[0] if found else None

    def choose_folder(self, title: str, command_line: str) -> Path | None:
        """Ask for a folder; None when the person cancels."""
        if sys.platform.startswith("win"):
            dialog = self.book.app.api.FileDialog(4)      # msoFileDialogFolderPicker
            dialog.Title = title
            picked = dialog.SelectedItems(1) if dialog.Show() == -1 else None
        elif sys.platform == "darwin":
            done = subprocess.run(["osascript", "-e", f'POSIX path of (choose folder with prompt "{title}")'],
                                  capture_output=True, text=True)
            picked = done.stdout.strip() if done.returncode == 0 else None
        else:
            raise BcfError("this Excel offers no way to choose a folder", hint=f"use the command line instead: {command_line}")
        found = _paths(picked)
        return found[0] if found else None

    def open_workbook(self, path: Path) -> None:
        if self._open_workbook is not None:
            self._open_workbook(path)
        else:
            # The same Excel as the return, so the report's links open there.
            self.book.app.books.open(str(path))

    def open_url(self, url: str) -> None:
        (self._open_url or webbrowser.open)(url)

    def save_copy_as(self, path: Path) -> None:
        """Save the open book's current contents to `path`, leaving its name and saved state alone."""
        if self._save_copy_as is not None:
            self._save_copy_as(path)
        elif sys.platform.startswith("win"):
            self.book.api.SaveCopyAs(str(path))
        else:
            raise NotImplementedError("saving a copy of an open workbook")


def _fit(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE - 40].rstrip() + "\n\n(The rest is in the report.)"


def _paths(picked) -> list[Path]:
    if picked in (None, False, ""):
        return []
    if isinstance(picked, (str, Path)):
        picked = [picked]
    return [Path(p) for p in picked]


def _windows_open_dialog(app, file_filter: str, title: str, *, multiple: bool) -> Sequence[str] | None:
    picked = app.api.GetOpenFilename(FileFilter=file_filter, FilterIndex=1, Title=title, MultiSelect=multiple)
    # Cancel gives False; with MultiSelect a choice is an array even of one file.
    if picked is False or picked is None:
        return None
    return [picked] if isinstance(picked, str) else list(picked)


_MAC_CHOOSER = '''
set picked to choose file with prompt "{prompt}" of type {{{types}}} with multiple selections allowed
set out to ""
repeat with f in picked
    set out to out & POSIX path of f & linefeed
end repeat
return out
'''


def _mac_open_dialog(prompt: str, types: Sequence[str]) -> list[str]:
    script = _MAC_CHOOSER.format(prompt=prompt, types=", ".join(f'"{t}"' for t in types))
    done = subprocess.run(["osascript", "-e", script], capture_output=True, text=True)
    if done.returncode != 0:    # -128: the person pressed Cancel
        return []
    return [line for line in done.stdout.splitlines() if line.strip()]


def _mac_ask(text: str) -> str | None:
    quoted = text.replace("\\", "\\\\").replace('"', '\\"')
    script = f'text returned of (display dialog "{quoted}" default answer "" with title "{TITLE}")'
    done = subprocess.run(["osascript", "-e", script], capture_output=True, text=True)
    return done.stdout.rstrip("\n") if done.returncode == 0 else None      # -128: Cancel
