"""The officer's own bcf-addin folder: settings and anything else kept per user, per computer.

Windows keeps it under %APPDATA% (it roams with the profile), macOS under
~/Library/Application Support, elsewhere under $XDG_CONFIG_HOME or ~/.config. BCF_ADDIN_HOME
names another folder outright: for a shared setup, and so tests never touch the real one.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

HOME_ENV = "BCF_ADDIN_HOME"
APP = "bcf-addin"


def user_folder() -> Path:
    """The per-user folder (it may not exist yet: nothing here creates it)."""
    if os.environ.get(HOME_ENV):
        return Path(os.environ[HOME_ENV])
    if sys.platform.startswith("win") and os.environ.get("APPDATA"):
        base = Path(os.environ["APPDATA"])
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / APP


def config_file() -> Path:
    return user_folder() / "config.yaml"
