"""The file back end: read and write .xlsx templates directly, without Excel.

Names are loaded on first use so that a read-only command does not pay for the writer.
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .package import XlsxPackage, open_package
    from .reader import read_workbook
    from .writer import WriteResult, write_cells

_HOMES = {
    "XlsxPackage": "package",
    "open_package": "package",
    "read_workbook": "reader",
    "WriteResult": "writer",
    "write_cells": "writer",
}

__all__ = list(_HOMES)


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value
    return value
