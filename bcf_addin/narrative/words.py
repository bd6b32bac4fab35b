"""Counting words as Word's status bar does, so the number shown is the one the author sees.

Word counts each run of non-space characters between spaces, tabs or line ends as one word:
numbers and symbols count ('£550,000' is one word, a standalone '–' is one), and joined text
counts once ('people—particularly' is one word, 'step-up' is one). Table cells count the same
way, each cell on its own.
"""
from __future__ import annotations

from .document import Block, Paragraph


def count_words(text: str) -> int:
    return len(text.split())


def block_words(block: Block) -> int:
    if isinstance(block, Paragraph):
        return count_words(block.text)
    return sum(count_words(cell) for row in block.rows for cell in row)
