"""What every narrative rule reads: the narrative's structure and the returns it goes with."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from ..folding import fold
from .details import Area, areas, named
from .figures import Figure, figures
from .matching import Match, match
from .return_figures import ReturnFigure
from .structure import Narrative, Question
from .words import block_words

QUESTIONS = 5               # the 2026-27 narrative return asks five questions
WORDS_PER_QUESTION = 500    # 'around a page (around 500 words)'
WORDS_IN_ALL = 2500         # 'around 2500 words' overall
AROUND = 1.1                # 'around': more than a tenth over the guide is worth a look


@dataclass
class ReturnRead:
    path: str
    hwb: str | None
    figures: list[ReturnFigure] = field(default_factory=list)


@dataclass
class NarrativeContext:
    narrative: Narrative
    returns: list[ReturnRead] = field(default_factory=list)

    @cached_property
    def areas(self) -> list[Area]:
        return named(areas(self.narrative.details)) if self.narrative.details else []

    def words(self, question: Question) -> int:
        return sum(block_words(item.block) for item in question.answer)

    @property
    def total_words(self) -> int:
        return sum(self.words(q) for q in self.narrative.questions)

    def return_for_area(self, ret: ReturnRead) -> bool:
        """A return goes with this narrative when its HWB is one the details table names
        (or the table names none, so there is nothing to hold it to)."""
        hwbs = {fold(a.hwb) for a in self.areas if a.hwb}
        return not hwbs or fold(ret.hwb) in hwbs

    @cached_property
    def figures(self) -> list[Figure]:
        return figures(self.narrative)

    @cached_property
    def matches(self) -> list[Match]:
        targets = [f for r in self.returns if self.return_for_area(r) for f in r.figures]
        return match(self.figures, targets)
