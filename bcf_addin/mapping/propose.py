"""Propose which register column feeds each template column, and what local spellings mean.

A column is judged by its heading (folded, with the words officers use for the template's own:
'Budget' for expenditure, 'Ref' for the id, 'Notes' for comments) and by what it holds: values on
the column's drop-down list, amounts of money, short distinct ids, or free text. Each proposal
carries a confidence from 0 to 1 and the reason, for the officer to accept or correct.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from ..descriptions.loader import lists_of
from ..descriptions.schema import Column, Table, TemplateDescription
from ..errors import BcfError
from ..folding import best_choice, fold
from ..money import NotMoney, parse_money
from ..register import Register, as_text
from .store import ColumnMapping
from ..ledger import is_cost_centre

# Officers' words for the template's words, compared after folding.
SYNONYMS = {
    "ref": "id", "reference": "id", "code": "id", "no": "id", "number": "id",
    "budget": "expenditure", "spend": "expenditure", "spending": "expenditure", "cost": "expenditure",
    "costs": "expenditure", "amount": "expenditure", "allocation": "expenditure", "value": "expenditure",
    "actual": "actual", "outturn": "actual",
    "notes": "comments", "note": "comments", "remarks": "comments", "comment": "comments",
    "stream": "source", "fund": "funding", "funder": "funding",
    "supplier": "provider", "delivered": "provider",
    "purpose": "objective", "aim": "objective", "outcome": "objective",
    "title": "name",
}
# Words that say nothing about which column is meant.
STOP = {"of", "for", "the", "if", "and", "a", "an", "in", "to", "is", "optional", "bcf", "£", "gbp", "total"}
# Local words for a list value no spelling of it resembles: a council is the local authority.
LOCAL_WORDS = {"council": ("local authority", "la"), "icb": ("nhs",), "ccg": ("nhs",)}

THRESHOLD = 0.5          # a proposal below this is not made: the column is left for the officer
SAMPLE = 200             # lines looked at per column
FREE_TEXT = 0.6          # the most that free text alone says for a text column
VALUE_CUTOFF = 0.7       # how alike a local spelling must be to a list value to be proposed


@dataclass
class ColumnProposal:
    column: Column
    source: str | None
    confidence: float = 0.0
    why: str = ""


@dataclass
class Proposal:
    table: Table
    columns: list[ColumnProposal]
    values: dict[str, dict[str, str]] = field(default_factory=dict)   # template heading -> local -> value
    pending: dict[str, list[str]] = field(default_factory=dict)       # template heading -> unmatched values

    @property
    def score(self) -> float:
        return sum(p.confidence for p in self.columns)

    def mapping(self, kind: str) -> ColumnMapping:
        return ColumnMapping(kind=kind, table=self.table.id,
                             columns={p.column.header: p.source for p in self.columns},
                             values=self.values)

    def notes(self) -> dict[str, str]:
        return {p.column.header: (f"{p.confidence:.0%}: {p.why}" if p.source else p.why) for p in self.columns}


def propose(register: Register, desc: TemplateDescription) -> Proposal:
    """The best proposal over the template's tables of input lines."""
    lists = lists_of(desc)
    aliases = {name: src.aliases for name, src in desc.lists.items()}
    samples = {h: [as_text(row.get(h)) for row in register.rows[:SAMPLE]] for h in register.headers}
    best = None
    for table in _open_tables(desc):
        proposal = _propose_table(table, register.headers, samples, lists, aliases)
        if best is None or proposal.score > best.score:
            best = proposal
    if best is None:
        raise BcfError(f"the {desc.name} has no table of input lines to map a register to")
    _propose_values(best, register, lists, aliases)
    return best


def _open_tables(desc: TemplateDescription) -> list[Table]:
    return [item for sheet in desc.sheets for item in sheet.items
            if isinstance(item, Table) and item.rows is None and any(c.role == "input" for c in item.columns)]


def _propose_table(table: Table, headers: list[str], samples, lists, aliases) -> Proposal:
    inputs = [c for c in table.columns if c.role == "input"]
    scored = []
    for c in inputs:
        for h in headers:
            if is_cost_centre(h):
                continue        # looked up in the cost-centre file, never written to the return
            confidence, why = _judge(table, c, h, samples[h], lists, aliases)
            if confidence >= THRESHOLD:
                scored.append((confidence, c.id, h, why))
    chosen: dict[str, ColumnProposal] = {}
    used: set[str] = set()
    # Most confident first, each register column feeding one template column.
    for confidence, cid, h, why in sorted(scored, key=lambda s: -s[0]):
        if cid in chosen or h in used:
            continue
        column = next(c for c in inputs if c.id == cid)
        chosen[cid] = ColumnProposal(column, h, round(confidence, 2), why)
        used.add(h)
    return Proposal(table, [chosen.get(c.id) or ColumnProposal(c, None, 0.0, "no column of the register looks like it")
                            for c in inputs])


def _judge(table: Table, column: Column, header: str, values: list[str], lists, aliases) -> tuple[float, str]:
    if is_heading_of(header, column):
        return 1.0, "same heading"
    heading = heading_similarity(header, column)
    content, kind = _content(table, column, values, lists, aliases)
    if content is None:
        return heading, f"heading like '{column.header}'; the column is empty"
    confidence = (heading + content) / 2
    return confidence, f"heading {heading:.0%} alike; {kind} {content:.0%}"


def is_heading_of(header: str, column: Column) -> bool:
    return fold(header) in {fold(n) for n in (column.header, *column.aliases)}


def heading_similarity(header: str, column: Column) -> float:
    """How alike a register heading is to a template column's heading (or one of its aliases), short
    of the same: 'Spend Area' and 'Area of Spend' share their words, in another order."""
    key = fold(header)
    names = (column.header, *column.aliases)
    mine = _words(header)
    best = 0.0
    for name in names:
        theirs = _words(name)
        dice = 2 * len(mine & theirs) / (len(mine) + len(theirs)) if mine and theirs else 0.0
        ratio = difflib.SequenceMatcher(None, key, fold(name)).ratio()
        best = max(best, 0.9 * dice, 0.8 * ratio)
    return best


def _words(text: str) -> set[str]:
    words = re.findall(r"[a-z£%]+", fold(text))
    return {SYNONYMS.get(w, w) for w in words if w not in STOP}


def _content(table: Table, column: Column, values: list[str], lists, aliases) -> tuple[float | None, str]:
    """How well a column's values suit the template column: None when it has none."""
    given = [v for v in values if v]
    if not given:
        return None, ""
    if column.type == "list":
        choices = lists.get(column.list, [])
        on = sum(1 for v in given if best_choice(v, choices, aliases.get(column.list)) is not None)
        near = sum(1 for v in given if best_choice(v, choices, aliases.get(column.list)) is None
                   and local_value(v, choices, aliases.get(column.list)) is not None)
        return (on + near / 2) / len(given), "values on its list"
    money = sum(1 for v in given if _is_money(v)) / len(given)
    ids = _id_likeness(given)
    if column.type == "money":
        return money * (1 - ids * 0.7), "amounts of money"
    if column.type in ("number", "integer", "percent"):
        # Pence, pound signs and brackets are amounts of money, not counts or shares.
        counts = sum(1 for v in given if _is_money(v) and not any(ch in v for ch in ".£()")) / len(given)
        return counts, "numbers"
    if column is table.columns[0]:
        return ids, "short distinct ids"
    wordy = sum(1 for v in given if not _is_money(v) and len(v) > 3 and not _on_any_list(v, lists)) / len(given)
    # Any text will do for a text column, so the heading has to say more.
    return FREE_TEXT * wordy, "free text"


def _is_money(text: str) -> bool:
    try:
        return parse_money(text) is not None
    except (NotMoney, TypeError):
        return False


def _id_likeness(values: list[str]) -> float:
    """Short, distinct values (1, 2, 3 or S01, S02): what names a line rather than describes it.
    Numbers count only while small: a column of distinct large numbers is amounts, not ids."""
    small = max(1000, 10 * len(values))

    def like_an_id(v: str) -> bool:
        if len(v) > 10:
            return False
        if v.isdigit():
            return int(v) <= small
        return not (_is_money(v) and any(ch in v for ch in ".,(£"))     # 1,234.50 is an amount

    short = sum(1 for v in values if like_an_id(v)) / len(values)
    distinct = len(set(values)) / len(values)
    return short * distinct


def _on_any_list(value: str, lists) -> bool:
    return any(best_choice(value, choices) is not None for choices in lists.values())


def local_value(value: str, choices: list[str], aliases: dict[str, str] | None) -> str | None:
    """The list value a local spelling most likely means ('ICBF' -> iBCF's value, 'LLR ICB' ->
    'NHS', 'County Council' -> 'Local Authority'), or None: only proposed, for the officer to confirm."""
    names = {fold(n): n for n in (*choices, *(aliases or {}))}
    key = fold(value)
    near = difflib.get_close_matches(key, list(names), n=1, cutoff=VALUE_CUTOFF)
    if near:
        return best_choice(names[near[0]], choices, aliases)
    words = set(key.split())
    # A list value (or an old name of one) written inside the local spelling: 'LLR ICB'.
    inside = [n for n in names if len(n) > 1 and re.search(rf"(?<!\w){re.escape(n)}(?!\w)", key)]
    if inside:
        return best_choice(names[max(inside, key=len)], choices, aliases)
    for word, meanings in LOCAL_WORDS.items():
        if word in words:
            for meaning in meanings:
                if meaning in names:
                    return best_choice(names[meaning], choices, aliases)
    return None


def _propose_values(proposal: Proposal, register: Register, lists, aliases) -> None:
    for p in proposal.columns:
        if p.source is None or p.column.type != "list":
            continue
        choices, known = lists.get(p.column.list, []), aliases.get(p.column.list)
        seen: dict[str, None] = {}
        for v in (as_text(row.get(p.source)) for row in register.rows):
            if v and v != "0" and best_choice(v, choices, known) is None:
                seen.setdefault(v)
        for v in seen:
            found = local_value(v, choices, known)
            if found is not None:
                proposal.values.setdefault(p.column.header, {})[v] = found
            else:
                proposal.pending.setdefault(p.column.header, []).append(v)
