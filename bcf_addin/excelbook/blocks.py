"""The cells populate writes, grouped into the few rectangles Excel takes in one call each.

Every call from Python to Excel crosses a process boundary (COM on Windows, Apple events on a
Mac), so the number of calls, not of cells, is what a write costs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator

from ..workbook import CellWrite, Value, cell_ref


@dataclass(frozen=True)
class Block:
    """A rectangle of cells written with one call: values[i][j] goes to (row + i, col + j)."""

    sheet: str
    row: int
    col: int
    values: tuple[tuple[Value, ...], ...]

    @property
    def last_row(self) -> int:
        return self.row + len(self.values) - 1

    @property
    def last_col(self) -> int:
        return self.col + len(self.values[0]) - 1

    @property
    def ref(self) -> str:
        first, last = cell_ref(self.row, self.col), cell_ref(self.last_row, self.last_col)
        return first if first == last else f"{first}:{last}"

    def cells(self) -> Iterator[tuple[int, int]]:
        for r in range(self.row, self.last_row + 1):
            for c in range(self.col, self.last_col + 1):
                yield r, c


def rectangles(cells: Iterable[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Cover exactly these (row, col) cells with few rectangles (min_row, min_col, max_row, max_col).

    Two covers are built, rows first (runs of adjacent columns, stacked while the rows below have
    the same run) and columns first (the same, turned), and the one with fewer rectangles wins:
    a table with an optional last column filled on some lines is then still one block for the
    full columns plus one per run of that column, instead of one block per line.
    """
    cells = set(cells)
    if not cells:
        return []
    by_rows = _stack(cells)
    by_cols = [(r1, c1, r2, c2) for (c1, r1, c2, r2) in _stack({(c, r) for r, c in cells})]
    best = by_cols if len(by_cols) < len(by_rows) else by_rows
    return sorted(best)


def _stack(cells: set[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    cols_of: dict[int, list[int]] = {}
    for r, c in cells:
        cols_of.setdefault(r, []).append(c)
    runs: dict[int, list[tuple[int, int]]] = {}
    for r in sorted(cols_of):
        cols = sorted(cols_of[r])
        start = prev = cols[0]
        row_runs = []
        for c in cols[1:]:
            if c != prev + 1:
                row_runs.append((start, prev))
                start = c
            prev = c
        row_runs.append((start, prev))
        runs[r] = row_runs
    done: list[tuple[int, int, int, int]] = []
    open_: dict[tuple[int, int], list[int]] = {}
    for r in sorted(runs):
        still_open: dict[tuple[int, int], list[int]] = {}
        for run in runs[r]:
            rect = open_.pop(run, None)
            if rect is not None and rect[1] == r - 1:
                rect[1] = r
            else:
                if rect is not None:
                    done.append((rect[0], run[0], rect[1], run[1]))
                rect = [r, r]
            still_open[run] = rect
        done.extend((rect[0], run[0], rect[1], run[1]) for run, rect in open_.items())
        open_ = still_open
    done.extend((rect[0], run[0], rect[1], run[1]) for run, rect in open_.items())
    return done


def blocks(writes: Iterable[CellWrite]) -> list[Block]:
    """The writes grouped by sheet (in the order sheets first appear) into rectangles.

    A cell named twice takes its last value, as it would if the writes were made one by one.
    """
    by_sheet: dict[str, dict[tuple[int, int], Value]] = {}
    for w in writes:
        by_sheet.setdefault(w.sheet, {})[(w.row, w.col)] = w.value
    out = []
    for sheet, cells in by_sheet.items():
        for r1, c1, r2, c2 in rectangles(cells):
            values = tuple(tuple(cells[(r, c)] for c in range(c1, c2 + 1)) for r in range(r1, r2 + 1))
            out.append(Block(sheet, r1, c1, values))
    return out
