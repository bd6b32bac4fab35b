"""Check a Word narrative return, on its own or against the numerical return(s) it goes with."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..checks.findings import Finding, Severity
from ..checks.registry import NARRATIVE_RULES
from ..recognise import open_template
from .context import NarrativeContext, ReturnRead
from .document import read_blocks
from .return_figures import return_figures
from .structure import structure


@dataclass
class QuestionWords:
    number: int
    title: str
    words: int

    def to_dict(self) -> dict:
        return {"number": self.number, "title": self.title, "words": self.words}


@dataclass
class NarrativeReport:
    file: str
    hwbs: list[str]
    returns: list[str]                      # "path (HWB)" for each return compared
    questions: list[QuestionWords] = field(default_factory=list)
    total_words: int = 0
    findings: list[Finding] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def exit_code(self) -> int:
        return 1 if self.count(Severity.ERROR) else 0

    def to_dict(self) -> dict:
        return {"file": self.file, "questions": [q.to_dict() for q in self.questions],
                "total_words": self.total_words, "findings": [f.to_dict() for f in self.findings]}


def check_narrative(path: str | Path, returns: list[str | Path] = (),
                    progress: Callable[[str], None] = lambda _: None, *, open_returns=()) -> NarrativeReport:
    """Every narrative rule over the document; with returns (files, or `open_returns` already
    read, such as the workbook open in Excel), its figures are held to theirs.
    Confirmed figures are reported as info findings (N807), so one list says everything."""

    progress(f"Reading {Path(path).name}")
    narrative = structure(str(path), read_blocks(path))
    reads = []
    for ret in returns:
        progress(f"Reading {Path(ret).name}")
        tpl = open_template(ret)
        reads.append(ReturnRead(str(ret), tpl.hwb, return_figures(tpl)))
    for tpl in open_returns:
        reads.append(ReturnRead(tpl.workbook.path, tpl.hwb, return_figures(tpl)))
    ctx = NarrativeContext(narrative, reads)
    findings = [f for rule in NARRATIVE_RULES for f in rule.check(ctx, rule)]
    order = {(p.section, p.where): i for i, p in enumerate(narrative.placed)}
    sections = list(dict.fromkeys(p.section for p in narrative.placed))

    def position(f: Finding):
        at = order.get((f.sheet, (f.cell or "").split(", row")[0]), -1)
        section = sections.index(f.sheet) if f.sheet in sections else len(sections)
        return section, at, f.severity.rank
    findings.sort(key=position)
    return NarrativeReport(str(path), [a.hwb for a in ctx.areas if a.hwb],
                           [f"{r.path} ({r.hwb or 'HWB not chosen'})" for r in reads],
                           [QuestionWords(q.number, q.title, ctx.words(q)) for q in narrative.questions],
                           ctx.total_words, findings)
