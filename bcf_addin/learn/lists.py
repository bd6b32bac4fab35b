"""The drop-down lists a template offers, wherever they live.

A list validation's source may be typed inline ("Yes,No"), a range on any sheet, a workbook
name pointing into a hidden or very hidden list sheet, or INDIRECT(..) naming a list by another
answer (a dependent list). Each becomes an inline list of the values the file holds; a dependent
list's values depend on an answer, so it is marked for a person to confirm.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..folding import fold
from .facts import Facts, cells_of, split_reference

_NAME = re.compile(r"^[A-Za-z_\\][A-Za-z0-9_.]*$")


@dataclass
class Lists:
    lists: dict[str, list[str]] = field(default_factory=dict)         # list id -> values
    cells: dict[tuple[str, int, int], str] = field(default_factory=dict)  # (sheet, row, col) -> list id
    confirm: dict[str, str] = field(default_factory=dict)             # list id -> why a person should look
    sources: dict[str, str] = field(default_factory=dict)             # list id -> where its values stand


def learn_lists(facts: Facts) -> Lists:
    out = Lists()
    by_formula: dict[str, str] = {}
    for sheet_name, sheet in facts.workbook.sheets.items():
        for sqref, formula in sheet.validations:
            key = formula.strip().lstrip("=")
            if key not in by_formula:
                found = _resolve(facts, key)
                if found is None:
                    continue
                list_id, values, source, why = found
                list_id = unique(list_id, set(out.lists))
                out.lists[list_id], out.sources[list_id] = values, source
                if why:
                    out.confirm[list_id] = why
                by_formula[key] = list_id
            for part in sqref.split():
                for r, c in cells_of(part):
                    out.cells[(sheet_name, r, c)] = by_formula[key]
    return out


def _resolve(facts: Facts, formula: str):
    """(id, values, where they stand, why to confirm) for one validation source."""
    if formula.startswith('"'):
        values = [v.strip() for v in formula.strip('"').split(",") if v.strip()]
        return _id_from_values(values), values, "typed into the validation", None
    if formula.upper().startswith("INDIRECT("):
        # The list is chosen by another answer: gather every list that answer can name.
        values: list[str] = []
        for name, target in facts.names.items():
            values += _range_values(facts, target)
        values = list(dict.fromkeys(values))
        why = (f"a dependent list ({formula}): which values are allowed depends on another answer; "
               "the values of every named list are given here")
        return "dependent", values, formula, why if values else why
    if _NAME.match(formula) and formula in facts.names:
        values = _range_values(facts, facts.names[formula])
        return _id_from_name(formula), values, f"the workbook name {formula} ({facts.names[formula]})", None
    values = _range_values(facts, formula)
    if values:
        return _id_from_values(values), values, formula, None
    return None


def _range_values(facts: Facts, target: str) -> list[str]:
    sheet_name, rng = split_reference(target)
    sheet = facts.workbook.sheets.get(sheet_name) if sheet_name else None
    if sheet is None:
        return []
    values = []
    for r, c in cells_of(rng):
        v = sheet.value(r, c)
        if v not in (None, ""):
            text = str(v).strip()
            values.append(text[:-2] if text.endswith(".0") else text)
    return list(dict.fromkeys(values))


def _id_from_name(name: str) -> str:
    """ListAreaOfSpend -> area_of_spend."""
    bare = re.sub(r"^(list|lst|lkp|lookup)_?", "", name, flags=re.I) or name
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", bare)
    return slug(words)


def _id_from_values(values: list[str]) -> str:
    if {fold(v) for v in values} == {"yes", "no"}:
        return "yes_no"
    return slug("_".join(values[:2]))[:30] or "list"


def slug(text: str) -> str:
    """An id from any text: 'Area of Spend' -> area_of_spend."""
    s = re.sub(r"[^a-z0-9]+", "_", fold(text).replace("&", " and ")).strip("_")
    if s and s[0].isdigit():
        s = "n" + s
    return s[:40].rstrip("_") or "item"


def unique(base: str, taken: set[str]) -> str:
    """`base`, or base_2, base_3 .. when taken; the name is then taken."""
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name
