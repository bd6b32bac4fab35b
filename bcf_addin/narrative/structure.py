"""Where things are in a narrative: the sections, the submission details table, the questions and
the answer under each, and a place for every block that a person can find in Word."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import BcfError
from .document import Block, Paragraph, Table

QUESTION = re.compile(r"^\s*(?:[-\u2022]\s*)?([1-9])\.\s*(Please\b.+)", re.S)
# The template's line between each question and its answer; the answer starts after it.
RESPONSE_PROMPT = re.compile(r"please provide your response below", re.I)
END_MATTER = re.compile(r"^\s*this page is intentionally left blank\s*$", re.I)
CAPTION = re.compile(r"^\s*Table\s*(\d+)\s*:?\s*$", re.I)
DETAILS_HEADER = re.compile(r"\bHWB area\b", re.I)

INTRODUCTION = "Introduction"
DETAILS = "Submission details"


@dataclass
class Placed:
    section: str        # "Introduction", "Submission details", "Question 2"
    where: str          # "paragraph 3" (non-empty paragraphs, counted within the section) or "Table 2"
    block: Block


@dataclass
class Question:
    number: int
    title: str
    answer: list[Placed] = field(default_factory=list)
    prompt_seen: bool = False


@dataclass
class Narrative:
    path: str
    placed: list[Placed]
    details: Table | None
    questions: list[Question]


def structure(path: str, blocks: list[Block]) -> Narrative:
    placed: list[Placed] = []
    questions: list[Question] = []
    details: Table | None = None
    section, paragraphs, tables, caption = INTRODUCTION, 0, 0, None
    current: Question | None = None
    for block in blocks:
        if isinstance(block, Paragraph):
            text = block.text.strip()
            m = QUESTION.match(text)
            if m:
                current = Question(int(m.group(1)), m.group(2).strip().rstrip("*").strip())
                questions.append(current)
                section, paragraphs = f"Question {current.number}", 0
            elif END_MATTER.match(text):
                current, section, paragraphs = None, "End", 0
            if text or block.placeholders:
                paragraphs += 1
            item = Placed(section, f"paragraph {paragraphs}", block)
            named = CAPTION.match(text)
            if named or text:
                caption = named.group(1) if named else None
            if current and not m:
                if RESPONSE_PROMPT.search(text) and not current.prompt_seen:
                    current.prompt_seen = True
                    current.answer.clear()       # what came before was the template's guidance
                elif text:
                    current.answer.append(item)
        else:
            tables += 1
            if details is None and block.rows and any(DETAILS_HEADER.search(c) for c in block.rows[0]):
                details, section, paragraphs = block, DETAILS, 0
            item = Placed(section, f"Table {caption}" if caption else f"table {tables} of the document", block)
            caption = None
            if current:
                current.answer.append(item)
        placed.append(item)
    if not questions and details is None:
        raise BcfError("is not a BCF narrative return: it has no numbered questions ('1. Please ...') "
                       "and no submission details table", file=path)
    return Narrative(path, placed, details, questions)
