"""Learn a template description from an NHS England-style workbook (`bcf learn`).

From the file alone: its identity, sheets, questions, tables, drop-down lists, protection and
formulas. With a known description (`--like`), the meaning is carried over by matching labels.
Whatever cannot be decided is listed under `to_confirm` for a person, never guessed.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..folding import fold
from ..workbook import cell_ref
from .blocks import learn_sheet
from .cells import grid_of, prepopulated_fills
from .facts import read_facts
from .like import carry
from .lists import learn_lists
from .output import made_valid
from .verify import found_again

TOP_ROWS = 30


def learn(path: str | Path, *, kind: str, like=None) -> dict:
    """The description data learned from the workbook at `path` (see docs/descriptions.md), ready
    to write: it passes the schema, and `to_confirm` lists what a person must decide."""
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
    if like is not None:
        carry(desc, like, confirm)
    elif not desc["_family_known"]:
        confirm.append(("family", "the title does not say which kind of return this is"))
    if like is None:
        confirm.append(("finance", "which column is the funding source, the area of spend and the amount, which "
                                   "sources each running balance counts and the minimum spends are not decided; "
                                   "learn again with --like KIND, or write the finance section by hand"))
    confirm += _unwritten_formulas(facts, desc)
    return made_valid(desc, confirm)


def _unwritten_formulas(facts, desc: dict) -> list[tuple[str, str]]:
    """Formula cells whose formula is not yet written over item names: shown for a person to write.

    Until then such a cell is read (role label), never recalculated, so no check trusts a guess."""
    marks = []
    for sheet in desc["sheets"]:
        cells = facts.workbook.sheets[sheet["name"]]
        for item in sheet["items"]:
            at = item["_at"]
            if item["kind"] == "field":
                if item.get("role") == "formula" and not item.get("formula"):
                    item["role"] = "label"
                    marks.append((f"fields.{item['id']}", _shown(cells, at["row"], at["col"])))
                continue
            for n, column in enumerate(item["columns"]):
                if column.get("role") == "formula" and not column.get("formula") and not _rows_give(item, column):
                    column["role"] = "label"
                    first = at["rows"][0] if at["rows"] else at["header_row"] + 1
                    marks.append((f"tables.{item['id']}.columns[{n}]",
                                  _shown(cells, first, at["columns"][column["id"]])))
    return marks


def _rows_give(table: dict, column: dict) -> bool:
    rows = table.get("rows")
    return bool(rows) and all(column["id"] in r.get("values", {}) for r in rows)


def _shown(sheet, row: int, col: int) -> str:
    return (f"the template's formula at {cell_ref(row, col)} is ={sheet.get(row, col).formula or ''}; "
            "write it over item names (see 'Formulas') and set role: formula")


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
