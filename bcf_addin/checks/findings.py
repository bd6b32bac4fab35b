"""What a check reports: a finding with a stable code, a severity and the exact place."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"       # the return is wrong or incomplete: fix before sending
    WARNING = "warning"   # probably wrong: look before sending
    INFO = "info"         # worth knowing

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    sheet: str | None
    cell: str | None
    message: str
    hint: str

    def to_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity.value, "sheet": self.sheet, "cell": self.cell,
                "message": self.message, "hint": self.hint}
