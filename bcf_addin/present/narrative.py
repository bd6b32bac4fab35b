"""The narrative check in words, for the terminal and the ribbon."""
from __future__ import annotations

from pathlib import PureWindowsPath

from ..checks.findings import Severity
from ..narrative.check import NarrativeReport
from ..narrative.context import WORDS_IN_ALL, WORDS_PER_QUESTION
from .reports import count, findings_lines


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "..."


def _covers(r: NarrativeReport) -> str:
    return f"narrative return for {', '.join(r.hwbs) or 'no HWB named'}"


def narrative_text(r: NarrativeReport) -> str:
    lines = [f"{r.file}: {_covers(r)}"]
    lines.append(f"Checked against: {'; '.join(r.returns)}" if r.returns
                 else "Figures not compared: give the numerical return(s) with --return")
    lines += ["", f"Words, as Word counts them (guide: around {WORDS_PER_QUESTION} a question, "
                  f"{WORDS_IN_ALL:,} in all)"]
    for q in r.questions:
        lines.append(f"  Question {q.number}  {q.words:>6,}  {_short(q.title)}")
    lines.append(f"  {'Total':10}  {r.total_words:>6,}")
    lines += findings_lines(r.findings, "Whole narrative", 12)
    return "\n".join(lines)


def narrative_verdict(r: NarrativeReport) -> str:
    errors, warnings = r.count(Severity.ERROR), r.count(Severity.WARNING)
    if not errors:
        return "The narrative has no errors" + (f"; {count(warnings, 'warning')} to look at." if warnings else ".")
    return f"The narrative is not ready yet: {count(errors, 'error')} to fix and {count(warnings, 'warning')} to look at."


def narrative_summary(r: NarrativeReport, limit: int = 6) -> str:
    """The message box after Check narrative: the verdict, words, and the first errors and warnings."""
    lines = [f"{PureWindowsPath(r.file).name}: {_covers(r)}", "", narrative_verdict(r),
             f"{r.total_words:,} words in all (guide: around {WORDS_IN_ALL:,})."]
    if not r.returns:
        lines.append("Its figures were not compared: the open workbook is not a return they could be held to.")
    serious = [f for f in r.findings if f.severity is not Severity.INFO]
    if serious:
        lines.append("")
        lines += [f"{f.severity.value} {f.code}: {f.message}" for f in serious[:limit]]
        if len(serious) > limit:
            lines.append(f"and {len(serious) - limit} more.")
    lines += ["", "The list, with each finding's place in the document, is open in a new workbook."]
    return "\n".join(lines)
