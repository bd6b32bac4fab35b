"""Something populate could not do, or did with a change, said by file, line and column."""
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

    def __str__(self) -> str:
        where = ", ".join(x for x in (self.file, f"line {self.line}" if self.line else None,
                                      f"column '{self.column}'" if self.column else None) if x)
        return f"{where}: {self.message}" + (f" ({self.hint})" if self.hint else "")
