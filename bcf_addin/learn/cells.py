"""A sheet seen as kinds of cells: inputs, pre-populated figures, formulas, checkers and text.

An input is an unlocked cell (NHS England colours them yellow). A pre-populated figure is a
locked cell the template fills from its hidden data (a formula looking up a name or range on a
hidden sheet) or a locked number in the same colour as those. A checker is a formula giving
Yes or No. Cells of hidden helper columns are left out: nobody types there.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..folding import fold
from ..workbook import Sheet
from .facts import Facts, split_reference

INPUT, PREPOP, FORMULA, CHECKER, TEXT = "input", "prepopulated", "formula", "checker", "text"
VALUE_KINDS = (INPUT, PREPOP, FORMULA)
TOP_ROWS = 8                 # a sheet's own 'Complete:' stands near its top

_YES_NO = re.compile(r'"(yes|no)"\s*,\s*"(yes|no)"\s*\)\s*$|^"(yes|no)"$', re.I)
_WORD = re.compile(r"(?:'(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_ .]*)!|[A-Za-z_\\][A-Za-z0-9_.]*")


@dataclass
class Grid:
    name: str
    sheet: Sheet
    kinds: dict[tuple[int, int], str] = field(default_factory=dict)   # top-left cells only
    covered: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)  # cell -> its merge's top-left
    checker_col: int | None = None

    def text(self, r: int, c: int) -> str:
        """The constant text shown at a cell, merged cells included."""
        r, c = self.covered.get((r, c), (r, c))
        if self.kinds.get((r, c)) != TEXT:
            return ""
        return str(self.sheet.value(r, c)).strip()

    def top_left(self, r: int, c: int) -> tuple[int, int]:
        return self.covered.get((r, c), (r, c))

    def width(self, r: int, c: int) -> int:
        merge = self.sheet.merge_at(r, c)
        return merge[3] - merge[1] + 1 if merge and merge[:2] == (r, c) else 1


def prepopulated_fills(facts: Facts) -> set[str]:
    """The colours of cells the template fills from its hidden data, anywhere in the workbook."""
    return {cell.fill for sheet in facts.workbook.sheets.values() if facts.visible(sheet.name)
            for cell in sheet.cells.values() if cell.formula and cell.fill and cell.locked
            and looks_up_hidden_data(facts, cell.formula)}


def grid_of(facts: Facts, name: str, prepop_fills: set[str]) -> Grid:
    sheet = facts.workbook.sheets[name]
    grid = Grid(name, sheet)
    hidden = facts.hidden_columns.get(name, set())
    for r1, c1, r2, c2 in sheet.merges:
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    grid.covered[(r, c)] = (r1, c1)
    for (r, c), cell in sheet.cells.items():
        if c in hidden or (r, c) in grid.covered:
            continue
        if not cell.locked:
            grid.kinds[(r, c)] = INPUT
        elif cell.formula:
            if _YES_NO.search(cell.formula.strip()):
                grid.kinds[(r, c)] = CHECKER
            elif looks_up_hidden_data(facts, cell.formula):
                grid.kinds[(r, c)] = PREPOP
            else:
                grid.kinds[(r, c)] = FORMULA
        elif isinstance(cell.value, str) and cell.value.strip():
            grid.kinds[(r, c)] = TEXT
        elif cell.value is not None:
            grid.kinds[(r, c)] = "number"
    for key, kind in list(grid.kinds.items()):
        if kind == "number":
            # A locked figure in the pre-populated colour is one; any other locked number is a label.
            grid.kinds[key] = PREPOP if sheet.get(*key).fill in prepop_fills else TEXT
    grid.checker_col = _checker_column(grid)
    if grid.checker_col is None:
        # Without a 'Complete:' a sheet asks nothing; a filled-in unlocked cell there is a legend.
        for key in [k for k, kind in grid.kinds.items() if kind == INPUT and isinstance(sheet.value(*k), str)]:
            grid.kinds[key] = TEXT
    if grid.checker_col:
        for key in [k for k in grid.kinds if k[1] == grid.checker_col and grid.kinds[k] in (CHECKER, FORMULA)]:
            grid.kinds[key] = CHECKER
    return grid


def looks_up_hidden_data(facts: Facts, formula: str) -> bool:
    """Whether a formula reads a name or range on a hidden sheet (the HWB's published figures)."""
    for token in _WORD.findall(re.sub(r'"(?:[^"]|"")*"', "", formula)):
        if token.endswith("!"):
            sheet = token[:-1].strip("'").replace("''", "'")
        elif token in facts.names:
            sheet, _ = split_reference(facts.names[token])
        else:
            continue
        if sheet and not facts.visible(sheet):
            return True
    return False


def _checker_column(grid: Grid) -> int | None:
    for (r, c), kind in sorted(grid.kinds.items()):
        if r <= TOP_ROWS and kind == TEXT and fold(grid.sheet.value(r, c)) == "complete":
            return c
    return None


def value_rows(grid: Grid) -> dict[int, dict[int, str]]:
    """Row -> {column: kind} of its input, pre-populated and formula cells, with the columns a
    value cell merged down from a row above covers (kind 'spanned')."""
    rows: dict[int, dict[int, str]] = {}
    for (r, c), k in grid.kinds.items():
        if k in VALUE_KINDS:
            rows.setdefault(r, {})[c] = k
    for (r, c), (r0, c0) in grid.covered.items():
        if r0 < r and c == c0 and grid.kinds.get((r0, c0)) in VALUE_KINDS:
            rows.setdefault(r, {}).setdefault(c, "spanned")
    return rows
