"""Learn a template description from an NHS England-style workbook (`bcf learn`).

From the file alone: its identity, sheets, questions, tables, drop-down lists, protection and
formulas. With a known description (`--like`), the meaning is carried over by matching labels.
Whatever cannot be decided is listed under `to_confirm` for a person, never guessed.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..folding import fold
from .blocks import learn_sheet
from .cells import grid_of, prepopulated_fills
from .facts import read_facts
from .lists import learn_lists
from .verify import found_again

TOP_ROWS = 30


def learn(path: str | Path, *, kind: str, like=None) -> dict:
    """The description data learned from the workbook at `path` (see docs/descriptions.md)."""
    facts = read_facts(path)
    lists = learn_lists(facts)
    ids: set[str] = set()
    sheets, confirm, grids = [], [], {}
    fills = prepopulated_fills(facts)
    for name in facts.workbook.sheets:
        if not facts.visible(name):
            continue
        grid = grids[name] = grid_of(facts, name, fills)
        found = learn_sheet(grid, lists, facts.formats, ids)
        sheet = {"name": name}
        if not facts.workbook.sheets[name].protected:
            sheet["protected"] = False
        if grid.checker_col is None:
            sheet["complete_cell"] = False
        kept, lost = found_again(facts.workbook.sheets[name], found.items, str(path))
        sheet["items"] = kept
        sheets.append(sheet)
        confirm += found.confirm + lost
    desc = {"kind": kind, **_identity(facts), "lists": {k: {"values": v} for k, v in lists.lists.items()},
            "sheets": sheets}
    confirm += [(f"lists.{k}", why) for k, why in lists.confirm.items()]
    desc["to_confirm"] = confirm
    return desc


def _identity(facts) -> dict:
    """Title and version text from the sheet that shows a version near its top."""
    for name, sheet in facts.workbook.sheets.items():
        if not facts.visible(name):
            continue
        texts = [str(c.value).strip() for (r, _), c in sorted(sheet.cells.items())
                 if r <= TOP_ROWS and isinstance(c.value, str) and c.value.strip() and not c.formula]
        version = next((t for t in texts if re.match(r"^version\s*\d", fold(t))), None)
        if version is None:
            continue
        title = next((t for t in texts if "template" in fold(t)), texts[0])
        year = re.search(r"(20\d\d)[-/](\d\d)", title)
        family = next((fam for fam, words in _FAMILIES if any(w in fold(title) for w in words)), None)
        return {"family": family or "planning", "name": title, "year": year.group(0) if year else "",
                "version": re.sub(r"^version\s*", "", version, flags=re.I),
                "identity": {"sheet": name, "title": title, "version": version}, "_family_known": bool(family)}
    return {"family": "planning", "name": "", "year": "", "version": "",
            "identity": {"sheet": next(iter(facts.workbook.sheets)), "title": "", "version": ""},
            "_family_known": False}


_FAMILIES = [("planning", ("planning", " plan")), ("eoy", ("end of year", "year end", "year-end")),
             ("quarterly", ("quarter", " q1", " q2", " q3")), ("cd", ("capacity", "demand"))]
