"""The file back end: read and write .xlsx templates directly, without Excel.

Names are loaded on first use so that a read-only command does not pay for the writer.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .. import names_loaded_on_use

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
__getattr__ = names_loaded_on_use(__name__, _HOMES)
