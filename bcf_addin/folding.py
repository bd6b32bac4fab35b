"""Tolerant matching of labels, headers and dropdown values.

Real templates and registers differ from the canonical text in case, spacing, line breaks,
dashes ("short term" / "short-term"), curly quotes and trailing colons; these fold away.
"""
from __future__ import annotations

import difflib
from datetime import date, datetime
import unicodedata
from functools import lru_cache

_TRANSLATE = str.maketrans({**{d: " " for d in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212-_"},
                            "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})

# How a register or a template says a number does not apply, folded: accepted as text, not an error.
NOT_APPLICABLE = frozenset({"n/a", "na", "not applicable"})


def fold(text: object) -> str:
    """The comparison key of a label or value: 'Short-term  Home\nCare:' -> 'short term home care'."""
    if text is None:
        return ""
    if isinstance(text, (datetime, date)):
        # A month heading typed as 'Apr-25' becomes a date in Excel, shown as mmm-yy.
        return _fold(text.strftime("%b-%y"))
    return _fold(text if isinstance(text, str) else str(text))


@lru_cache(maxsize=65536)
def _fold(s: str) -> str:
    # Registers and templates repeat the same few hundred texts thousands of times: cache them.
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s)
    s = " ".join(s.translate(_TRANSLATE).split()).casefold()
    return s.rstrip(":* ").strip()


# fold() of a str, without the look at what else it might be: for code folding thousands.
fold_text = _fold


def best_choice(value: object, choices: list[str], aliases: dict[str, str] | None = None) -> str | None:
    """The list's own spelling of `value`, or None. Aliases map old names to this year's."""
    key = fold(value)
    if not key:
        return None
    return _choices(tuple(choices), tuple((aliases or {}).items())).get(key)


@lru_cache(maxsize=256)
def _choices(choices: tuple[str, ...], aliases: tuple[tuple[str, str], ...]) -> dict[str, str]:
    found = {fold(old): new for old, new in aliases}
    found.update({fold(c): c for c in choices})
    return found


def closest(value: object, choices: list[str]) -> str | None:
    """The nearest valid value, offered as a hint when a value is not on the list."""
    folded = {fold(c): c for c in choices}
    found = difflib.get_close_matches(fold(value), list(folded), n=1, cutoff=0.5)
    return folded[found[0]] if found else None
