"""The narrative check as text for the terminal and the ribbon."""
from __future__ import annotations

from ..render import findings_lines
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
    lines += findings_lines(r.findings, "Whole narrative", 12)
    return "\n".join(lines)
