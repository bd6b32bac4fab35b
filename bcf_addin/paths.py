"""Where the data folders live: inside the installed package, or beside it in a checkout."""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def project_folder(name: str) -> Path:
    """`workbooks`, `ribbon` or `macros_bridge`, wherever this installation keeps it.

    A wheel install carries them inside the package (see setup.py); an editable install or a
    checkout finds them beside it.
    """
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bcf-addin's {name}/ folder is missing from {_PACKAGE}; reinstall the package")


def workbooks() -> Path:
    return project_folder("workbooks")


def descriptions() -> Path:
    return workbooks() / "descriptions"


def reference() -> Path:
    return workbooks() / "reference"


def samples() -> Path:
    return workbooks() / "samples"
