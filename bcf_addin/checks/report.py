"""The one report object a check produces: the CLI, the report workbook and the ribbon render it."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..located import TemplateName
from .findings import Finding, Severity


@dataclass
class SheetStatus:
    sheet: str
    complete: bool

    def to_dict(self) -> dict:
        return {"sheet": self.sheet, "complete": self.complete}


@dataclass
class CheckReport:
    template: str
    hwb: str | None
    path: str
    sheets: list[SheetStatus] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)      # rule codes the read gave no facts for
    title: TemplateName | None = None
    stale_results: bool = False       # the file's formula results await Excel's recalculation
    balances: object | None = field(default=None, repr=False)     # the Balances the money rules used

    @property
    def complete(self) -> bool:
        return all(s.complete for s in self.sheets) and not self.errors

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0

    def to_dict(self) -> dict:
        return {"template": self.template, "hwb": self.hwb, "complete": self.complete,
                "sheets": [s.to_dict() for s in self.sheets],
                "findings": [f.to_dict() for f in self.findings]}
