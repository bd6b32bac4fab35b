"""Something populate could not do, or did with a change, said by file, line and column.

A line of a CSV file is its line in the text; a line of a workbook is the row the officer sees in
Excel, named with its sheet ('Schemes', row 14)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Note:
    severity: str              # warning or info
    file: str
    line: int | None
    column: str | None
    message: str
    hint: str | None = None
    sheet: str | None = None   # the sheet of a workbook register: its lines are rows

    def place(self) -> str:
        """Where in the file, without the file: "sheet 'Schemes', row 14, column 'Provider'"."""
        return ", ".join(x for x in (f"sheet '{self.sheet}'" if self.sheet else None,
                                     f"{'row' if self.sheet else 'line'} {self.line}" if self.line else None,
                                     f"column '{self.column}'" if self.column else None) if x)

    def __str__(self) -> str:
        where = ", ".join(x for x in (self.file, self.place()) if x)
        return f"{where}: {self.message}" + (f" ({self.hint})" if self.hint else "")
