"""A rule: a stable code, a default severity, plain-English docs, and the function that checks."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Callable, Iterable

from .findings import Finding, Severity

if TYPE_CHECKING:
    from .context import CheckContext


class Family(str, Enum):
    COMPLETENESS = "completeness"
    VALUES = "values"
    MONEY = "money"
    MINIMUM_SPEND = "minimum spend"
    ARITHMETIC = "arithmetic"
    CROSS_SHEET = "cross-sheet"
    YEAR_ON_YEAR = "year on year"
    NARRATIVE = "narrative"

    @classmethod
    def of(cls, code: str) -> "Family":
        """A rule's family is its code's letter: C101 completeness, X601 cross-sheet."""
        return _LETTERS[code[:1]]


_LETTERS = {"C": Family.COMPLETENESS, "V": Family.VALUES, "M": Family.MONEY, "S": Family.MINIMUM_SPEND,
            "A": Family.ARITHMETIC, "X": Family.CROSS_SHEET, "Y": Family.YEAR_ON_YEAR, "N": Family.NARRATIVE}


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    title: str                  # one line, for lists
    what: str                   # what it checks
    why: str                    # why it matters
    example: str                # a return that triggers it
    fix: str                    # how to fix it
    check: Callable[["CheckContext", "Rule"], Iterable[Finding]]
    # Workbook facts beyond values the rule reads ("formulas"): a read that lacks them skips it.
    needs: frozenset[str] = frozenset()

    def __post_init__(self):
        if self.code[:1] not in _LETTERS:
            raise ValueError(f"rule {self.code} needs a code starting with a family's letter ({', '.join(_LETTERS)})")
        for name in ("title", "what", "why", "example", "fix"):
            if not getattr(self, name).strip():
                raise ValueError(f"rule {self.code} needs its {name} documented")

    @property
    def family(self) -> Family:
        return Family.of(self.code)

    def finding(self, sheet: str | None, cell: str | None, message: str, hint: str | None = None,
                severity: Severity | None = None) -> Finding:
        return Finding(self.code, severity or self.severity, sheet, cell, message, hint or self.fix)
