"""Put the add-in where Excel opens it at start-up, and take it away again.

This mirrors ``xlwings addin install``: the file goes into Excel's user start-up folder (the one
``Application.StartupPath`` names), an open copy is closed first because Windows locks it, and on
a Mac xlwings' RunPython AppleScript is copied to where Excel's sandbox lets VBA call it.
xlwings asks a running Excel for the folder; when Excel is not running the folder is worked out
here instead of starting Excel, which is slow and would flash a window.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import xlwings

from bcf_addin.xlam import ADDIN_FILENAME
from bcf_addin.xlam.build import build_addin
from bcf_addin.xlam.vba import xlwings_folder

# Excel 2016 and later for Mac: what Application.StartupPath returns there.
MAC_STARTUP = Path("Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel")
# Excel's sandbox lets AppleScriptTask run only scripts from this folder.
MAC_SCRIPTS = Path("Library/Application Scripts/com.microsoft.Excel")


class UnsupportedSystem(RuntimeError):
    """Excel add-ins exist only on Windows and macOS."""


@dataclass
class Outcome:
    """What install or uninstall did, in sentences a finance officer can read."""

    path: Path | None = None
    steps: list[str] = field(default_factory=list)

    def say(self, text: str) -> None:
        self.steps.append(text)


def _system(platform: str | None) -> str:
    platform = platform or sys.platform
    if platform.startswith("win"):
        return "windows"
    if platform == "darwin":
        return "mac"
    raise UnsupportedSystem(
        "Excel add-ins can only be installed on Windows or macOS, where Excel runs. On this computer, "
        "build the file with 'bcf addin build -o bcf_addin.xlam', copy it to the Windows PC and run "
        "'bcf addin install --file bcf_addin.xlam' there.")


def startup_folder(platform: str | None = None, environ: Mapping[str, str] | None = None,
                   home: Path | None = None) -> Path:
    """Excel's per-user start-up folder (XLSTART) for this system."""
    environ = os.environ if environ is None else environ
    home = Path.home() if home is None else home
    if _system(platform) == "windows":
        appdata = environ.get("APPDATA")
        if not appdata:
            raise UnsupportedSystem("APPDATA is not set, so Excel's XLSTART folder cannot be found")
        return Path(appdata) / "Microsoft" / "Excel" / "XLSTART"
    return home / MAC_STARTUP


def _running_excels() -> list:
    """Excel instances xlwings can see; none when Excel is closed or cannot be reached."""
    try:
        return list(xlwings.apps)
    except Exception:  # no Excel, no COM/AppleScript access, or not Windows/macOS
        return []


def _addin_folder(apps: list, platform: str | None) -> Path:
    # A running Excel knows its own start-up folder, which an administrator may have moved.
    return Path(apps[0].startup_path) if apps else startup_folder(platform)


def _close_open_copies(apps: list, outcome: Outcome) -> None:
    for app in apps:
        try:
            app.books[ADDIN_FILENAME].close()
            outcome.say("Closed the add-in in the running Excel so it could be replaced.")
        except Exception:  # not open in that instance
            pass


def install_addin(path: Path | str | None = None, *, folder: Path | None = None,
                  platform: str | None = None) -> Outcome:
    """Copy the add-in into Excel's start-up folder.

    With no ``path``, a fresh add-in is built from this installation, set to run the Python that
    is running now, which is the one bcf-addin is installed in.
    """
    system = _system(platform)
    apps = _running_excels()
    folder = Path(folder) if folder is not None else _addin_folder(apps, platform)
    outcome = Outcome(path=folder / ADDIN_FILENAME)
    folder.mkdir(parents=True, exist_ok=True)
    _close_open_copies(apps, outcome)
    try:
        if path is None:
            setting = {"interpreter_win": sys.executable} if system == "windows" else {"interpreter_mac": sys.executable}
            with tempfile.TemporaryDirectory() as scratch:
                built = build_addin(Path(scratch) / ADDIN_FILENAME, **setting)
                shutil.copyfile(built, outcome.path)
            outcome.say(f"Built the add-in to use the Python at {sys.executable}.")
        elif Path(path).resolve() != outcome.path.resolve():
            shutil.copyfile(path, outcome.path)
    except PermissionError as error:
        raise PermissionError(
            f"Could not write {outcome.path}: it is probably open in Excel. Close Excel and try again.") from error
    outcome.say(f"Installed the Better Care Fund add-in at {outcome.path}.")
    if system == "mac":
        _install_runpython_script(outcome)
        outcome.say("Quit Excel completely (Cmd-Q) and start it again: the Better Care Fund tab appears on the ribbon.")
    elif apps:
        _open_in(apps, outcome)
    else:
        outcome.say("Start Excel: the Better Care Fund tab appears on the ribbon.")
    return outcome


def _open_in(apps: list, outcome: Outcome) -> None:
    for app in apps:
        try:
            app.books.open(outcome.path)
        except Exception:
            outcome.say("Close Excel and start it again to load the add-in.")
            return
    outcome.say("Loaded the add-in into the running Excel: the Better Care Fund tab is on the ribbon.")


def _install_runpython_script(outcome: Outcome) -> None:
    """What ``xlwings runpython install`` does: RunPython on a Mac goes through this AppleScript."""
    script = xlwings_folder() / f"xlwings-{xlwings.__version__}.applescript"
    target = Path.home() / MAC_SCRIPTS
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(script, target)
    outcome.say(f"Copied xlwings' RunPython script to {target}.")


def uninstall_addin(*, folder: Path | None = None, platform: str | None = None) -> Outcome:
    """Remove the add-in from Excel's start-up folder.

    xlwings' RunPython AppleScript stays on a Mac: the xlwings add-in and other tools share it.
    """
    _system(platform)
    apps = _running_excels()
    folder = Path(folder) if folder is not None else _addin_folder(apps, platform)
    outcome = Outcome(path=folder / ADDIN_FILENAME)
    if not outcome.path.exists():
        outcome.say(f"The Better Care Fund add-in is not installed at {outcome.path}; nothing to remove.")
        return outcome
    _close_open_copies(apps, outcome)
    try:
        outcome.path.unlink()
    except PermissionError as error:
        raise PermissionError(
            f"Could not remove {outcome.path}: it is probably open in Excel. Close Excel and try again.") from error
    outcome.say(f"Removed the Better Care Fund add-in from {outcome.path}.")
    outcome.say("The Better Care Fund tab disappears the next time Excel starts.")
    return outcome
