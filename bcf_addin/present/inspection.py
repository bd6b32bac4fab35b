"""`bcf inspect` in words: the one-line summary, then what was not found, found twice, noted and found."""
from __future__ import annotations

from ..inspection import Inspection, summary
from ..inspection_items import FOUND, MISSING, NO_INPUT, NOTE, PROBLEMS, TWICE, Outcome


def inspection_text(ins: Inspection) -> str:
    lines = [summary(ins)]
    if not ins.inspected:
        return "\n".join(lines)
    if ins.source:
        lines.append(f"Description: {ins.recognition.kind}, {ins.source}")
    groups = [("Not found", PROBLEMS), ("Found twice", (TWICE,)), ("Notes", (NOTE,)), ("Found", (FOUND,))]
    for title, statuses in groups:
        chosen = [o for o in ins.outcomes if o.status in statuses]
        if not chosen:
            continue
        lines += ["", f"{title} ({len(chosen)}):"]
        lines += [f"  {_line(o)}" for o in chosen]
    if ins.problems or not ins.recognition.recognised:
        lines += ["", "A label or heading renamed in a new year's template can be described with `bcf learn`; "
                      "see docs/addin.md, 'When something goes wrong'."]
    return "\n".join(lines)


def _line(o: Outcome) -> str:
    where = f"{o.sheet}!{o.at}" if o.at else o.sheet
    text = f"{where}: {o.what} {o.id} '{_short(o.text)}'"
    if o.status == NO_INPUT:
        return f"{text}: {o.why}"
    if o.status == MISSING:
        text += f": {o.why}" if o.why else ": not found"
        if o.nearest:
            text += f"; nearest is '{_short(o.nearest)}'" + (f" at {o.nearest_at}" if o.nearest_at else "")
        return text
    return f"{text} ({o.why})" if o.why else text


def _short(text: str, width: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[:width - 3].rstrip() + "..."
