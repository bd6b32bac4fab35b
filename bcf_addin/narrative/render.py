"""The narrative check as text for the terminal and the ribbon."""
from __future__ import annotations

from ..checks.findings import Severity
from .check import NarrativeReport
from .context import WORDS_IN_ALL, WORDS_PER_QUESTION


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "..."


def narrative_text(r: NarrativeReport) -> str:
    lines = [f"{r.file}: narrative return for {', '.join(r.hwbs) or 'no HWB named'}"]
    lines.append(f"Checked against: {'; '.join(r.returns)}" if r.returns
                 else "Figures not compared: give the numerical return(s) with --return")
    lines += ["", f"Words, as Word counts them (guide: around {WORDS_PER_QUESTION} a question, "
                  f"{WORDS_IN_ALL:,} in all)"]
    for q in r.questions:
        lines.append(f"  Question {q.number}  {q.words:>6,}  {_short(q.title)}")
    lines.append(f"  {'Total':10}  {r.total_words:>6,}")
    errors, warnings, notes = (r.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
    lines += ["", f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}, "
                  f"{notes} note{'s' * (notes != 1)}"]
    by_section: dict[str, list] = {}
    for f in r.findings:
        by_section.setdefault(f.sheet or "Whole narrative", []).append(f)
    for section, found in by_section.items():
        lines += ["", section]
        for f in found:
            lines.append(f"  {f.severity.value:7} {f.code}  {f.cell or '':12} {f.message}")
            lines.append(f"  {'':7} {'':4}  {'':12} Fix: {f.hint}")
    return "\n".join(lines)
