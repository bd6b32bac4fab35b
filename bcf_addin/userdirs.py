"""The officer's own bcf-addin folder: settings and anything else kept per user, per computer.

Windows keeps it under %APPDATA% (it roams with the profile), macOS under
~/Library/Application Support, elsewhere under $XDG_CONFIG_HOME or ~/.config. BCF_ADDIN_HOME
names another folder outright: for a shared setup, and so tests never touch the real one.
This is the one place that works the folder out: the descriptions and column mappings kept per
user are folders inside it, each with its own variable to name another (see subfolder).
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
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / APP


def subfolder(name: str, env: str) -> Path:
    """The folder `name` inside the per-user folder, or the folder the variable `env` names."""
    if os.environ.get(env):
        return Path(os.environ[env]).expanduser()
    return user_folder() / name


def config_file() -> Path:
    return user_folder() / "config.yaml"
