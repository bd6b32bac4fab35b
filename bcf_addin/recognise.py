"""A workbook made an OpenTemplate: read (from a file or from Excel), recognised and located."""
from __future__ import annotations

from pathlib import Path

from .detect import detect
from .locate import locate
from .workbook import Workbook
from .located import OpenTemplate


def open_template(path: str | Path, kind: str | None = None) -> OpenTemplate:
    """Read a workbook file (refusing damaged, encrypted or oversized ones), tell which template
    it is and find every item in it."""
    from .xlsx.reader import read_workbook      # deferred: a workbook read from Excel (recognise) needs no file reader

    return recognise(read_workbook(str(path)), kind)


def recognise(wb: Workbook, kind: str | None = None) -> OpenTemplate:
    """Tell which template an in-memory workbook (from a file or from Excel) is, and locate it."""
    desc = detect(wb, kind)
    return OpenTemplate(wb, desc, locate(wb, desc))
