"""Read an officer's own table (scheme register, ledger extract, income, C&D) from CSV or XLSX.

Every value arrives as text or Decimal, never as a float, so money stays exact. Line numbers
are the rows the officer sees in Excel, and in a CSV file the lines of the text (the first line of
the file is line 1, title lines included).
"""
from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Iterable

from .errors import RegisterError
from .folding import fold
from .notes import Note
from .workbook import cell_ref, column_letter
from .textfile import decode_text

MAX_REGISTER_BYTES = 200 * 1024 * 1024


@dataclass
class Register:
    path: str
    headers: list[str]
    rows: list[dict[str, object]]     # header -> raw value (None when empty)
    lines: list[int]                  # the file line of each row
    partial: bool = False             # lines carried from a return: columns it lacks are left to fill in
    sheet: str | None = None          # for an Excel register: its sheet, and each heading's column
    columns: dict[str, int] = field(default_factory=dict)
    skipped: list[tuple[str, int | None, str]] = field(default_factory=list)  # (severity, line, why) of lines not read
    totals: list[int] = field(default_factory=list)     # the lines skipped as totals (a subtotal ends a group)
    mapped_by: str | None = None      # the column mapping its headings were renamed by
    own_headings: dict[str, str] = field(default_factory=dict)     # heading -> the officer's own, where renamed

    def column(self, header: str) -> str | None:
        for h in self.headers:
            if fold(h) == fold(header):
                return h
        return None

    def at(self, line: int) -> str:
        """A line as the officer finds it: 'line 14' of a CSV file, 'row 14' of a sheet."""
        return f"{self.line_word} {line}"

    def at_lines(self, lines: Iterable[int]) -> str:
        """'lines 3, 4 and 7' of a CSV file, 'rows 3, 4 and 7' of a sheet ('line 3' for one)."""
        return numbered(self.line_word, list(lines))

    @property
    def line_word(self) -> str:
        return "row" if self.sheet else "line"

    def note(self, severity: str, line: int | None, column: str | None, message: str,
             hint: str | None = None) -> Note:
        return Note(severity, self.path, line, column, message, hint, sheet=self.sheet)

    def skipped_notes(self) -> list[Note]:
        """The lines not read as lines (blank, totals), each said."""
        return [self.note(severity, line, None, why) for severity, line, why in self.skipped]

    def refuse(self, line: int, header: str, message: str, hint: str | None = None) -> RegisterError:
        """The error for one value, named by line and column heading (and cell, in an Excel register)."""
        col = self.columns.get(header) if self.sheet else None
        return RegisterError(f"{self.at(line)}, column '{self.own_headings.get(header, header)}': {message}",
                             file=self.path, sheet=self.sheet, cell=cell_ref(line, col) if col else None, hint=hint)


def numbered(word: str, numbers: list[int], most: int | None = None) -> str:
    """'line 3', 'lines 3, 4 and 7', 'rows 3 to 40' for a run; beyond `most`, 'and 12 more'."""
    if len(numbers) == 1:
        return f"{word} {numbers[0]}"
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{word}s {numbers[0]} to {numbers[-1]}"
    shown = [str(n) for n in numbers[:most]] if most else [str(n) for n in numbers]
    if len(shown) < len(numbers):
        return f"{word}s {', '.join(shown)} and {len(numbers) - len(shown)} more"
    return f"{word}s {', '.join(shown[:-1])} and {shown[-1]}"


def read_register(path: str | Path, *, sheet: str | None = None, headings: Iterable[str] = ()) -> Register:
    """The table in a CSV or Excel file. In a workbook of several sheets, `sheet` names the one to
    read; without it, the sheet whose heading row has most of `headings` is read (the first if none)."""
    path = Path(path)
    if not path.is_file():
        raise RegisterError("does not exist", file=str(path))
    if path.stat().st_size > MAX_REGISTER_BYTES:
        raise RegisterError("is too large to be a scheme register", file=str(path))
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet, headings)
    if sheet:
        raise RegisterError(f"is a CSV file, which has no sheets; --sheet '{sheet}' is for an Excel register",
                            file=str(path))
    if suffix in (".csv", ".txt", ".tsv", ""):
        return _read_csv(path)
    from .xlsx.screening import OTHER_FORMATS     # ~7 ms: only for a file of another kind
    raise RegisterError(OTHER_FORMATS.get(suffix, "is neither a CSV nor an Excel (.xlsx) file"), file=str(path))


Grid = dict[int, dict[int, object]]      # line -> column -> a value that is not blank

HEADING_SEARCH = 20      # lines looked at for the heading row, below any title lines


def _heading_row(grid: Grid, path: Path) -> int:
    """The first line as wide as a heading row: title lines above it ('Leicestershire BCF 2025-26',
    'Prepared by ...') fill a cell or two, a heading row most of the table's width."""
    top = sorted(grid)[:HEADING_SEARCH]
    if not top:
        raise RegisterError("is empty", file=str(path))
    widest = max(len(grid[line]) for line in top)
    need = max(2, -(-widest // 2)) if widest > 1 else 1
    return next(line for line in top if len(grid[line]) >= need)


def _table(path: Path, grid: Grid, *, sheet: str | None = None, not_blank: set[int] = frozenset()) -> Register:
    top = _heading_row(grid, path)
    cols = sorted(grid[top])
    headers = [_heading(grid[top][c]) for c in cols]
    seen: dict[str, int] = {}
    for h, c in zip(headers, cols):
        if fold(h) in seen:
            raise RegisterError(f"has two columns headed '{h}' (columns {column_letter(seen[fold(h)])} and "
                                f"{column_letter(c)}), so which one to use is not clear", file=str(path),
                                sheet=sheet, cell=cell_ref(top, c), hint="remove or rename one of them")
        seen[fold(h)] = c
    rows, lines, skipped, totals = [], [], [], []
    for line in sorted(grid):
        if line <= top:
            continue
        values = grid[line]
        if not any(c in values for c in cols):
            continue
        label = _totals_label(values, cols)
        if label is not None:
            totals.append(line)
            skipped.append(("warning", line, f"is a totals line ('{label}'), so it was not read as a line of the "
                                             "register: the template adds its lines up itself"))
            continue
        rows.append({h: values.get(c) for h, c in zip(headers, cols)})
        lines.append(line)
    if lines:
        # Between lines, not after the last: a line cleared by mistake, or half-deleted, leaves its
        # scheme's money out of the return, so it is a warning rather than a note.
        blank = [n for n in range(top + 1, lines[-1]) if n not in grid and n not in not_blank]
        if blank:
            word = "row" if sheet else "line"
            said = f"{numbered(word, blank, 10)} {'is' if len(blank) == 1 else 'are'}"
            skipped.insert(0, ("warning", None, f"{said} blank, so {'it was' if len(blank) == 1 else 'they were'} "
                                                "skipped: if a line was deleted there by mistake, put it back"))
    return Register(str(path), headers, rows, lines, sheet=sheet,
                    columns=dict(zip(headers, cols)) if sheet else {}, skipped=skipped, totals=totals)


# The words that mark a line of a register as a total rather than a line of its own: 'Total',
# 'Sub-total', 'Subtotal', 'Grand total', 'Total BCF', 'DFG total'. Folded text is compared word by
# word, so 'Sub-total' reads as 'sub total'. The one list: the reader and populate both use it.
TOTAL_WORDS = frozenset({"total", "totals", "subtotal", "subtotals"})
_WORDS = re.compile(r"[^\W_]+")


def is_total_label(value: object) -> bool:
    """Whether a register's text says its line is a total ('Total', 'Sub-total', 'Total BCF')."""
    return isinstance(value, str) and any(w in TOTAL_WORDS for w in _WORDS.findall(fold(value)))


def _totals_label(values: dict[int, object], cols: list[int]) -> str | None:
    """The label of a totals line ('Total', 'Grand total: BCF'): its first value says so and it
    fills at most half the columns, where a scheme line fills most of them."""
    filled = [values[c] for c in cols if c in values]
    first = filled[0] if filled else None
    if is_total_label(first) and len(filled) * 2 <= len(cols):
        return as_text(first)
    return None


def _read_csv(path: Path) -> Register:
    text = decode_text(path.read_bytes(), str(path))
    delimiter = _delimiter(text)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    widths: dict[int, int] = {}
    grid: Grid = {}
    within: set[int] = set()       # lines a quoted value with line breaks runs on to: not blank
    ended = 0                      # the last line of the text read so far
    try:
        for record in records:
            # A record is named by the line of the text it starts on, as an editor shows it, even
            # where a quoted value above it ran over several lines.
            line, ended = ended + 1, records.line_num
            within.update(range(line + 1, ended + 1))
            widths[line] = len(record)
            values = {c: v.strip() for c, v in enumerate(record, 1) if v.strip()}
            if values:
                grid[line] = values
    except csv.Error as exc:
        raise RegisterError(f"line {ended + 1} cannot be read as CSV ({exc})", file=str(path)) from None
    if not grid:
        raise RegisterError("is empty", file=str(path))
    top = _heading_row(grid, path)
    for line, values in grid.items():
        if line > top and max(values) > widths[top]:
            raise RegisterError(
                f"line {line} has more values ({max(values)}) than the heading row has columns ({widths[top]})",
                file=str(path), hint=f"a {_NAMES[delimiter]} inside a value needs the value in double quotes")
    return _table(path, grid, not_blank=within)


_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
DELIMITER_SAMPLE = 100       # lines read to tell the delimiter


def _delimiter(text: str) -> str:
    """Comma, semicolon (Excel where the decimal separator is a comma) or tab: the one that splits
    the most lines into the same number of fields. Title lines above the table do not sway it."""
    sample = text[:1 << 16]
    best, best_score = ",", -1
    for candidate in _NAMES:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=candidate)
        try:
            widths = [len(r) for r, _ in zip(reader, range(DELIMITER_SAMPLE)) if any(v.strip() for v in r)]
        except csv.Error:
            continue
        common = Counter(w for w in widths if w > 1).most_common(1)
        score = common[0][1] if common else 0
        if score > best_score:
            best, best_score = candidate, score
    return best


def _read_xlsx(path: Path, wanted: str | None = None, headings: Iterable[str] = ()) -> Register:
    from .xlsx.reader import read_workbook      # ~17 ms: not for a CSV register beside the open workbook

    wb = read_workbook(path)                      # the same safety checks as a template
    grids = {name: _grid(sheet) for name, sheet in wb.sheets.items()}
    sheet_name = _choose_sheet(path, grids, wanted, headings)
    sheet, grid = wb.sheets[sheet_name], grids[sheet_name]
    if not grid:
        raise RegisterError("is empty", file=str(path), sheet=sheet_name if len(grids) > 1 else None)
    register = _table(path, grid, sheet=sheet_name)
    _refuse_unsaved_formulas(path, sheet_name, sheet, register)
    return register


def register_from_sheet(sheet, label: str | None = None) -> Register:
    """A register kept in (or pasted into) a sheet of the workbook open in Excel, its values as
    Excel shows them: where Python runs inside Excel (xlwings Lite) it cannot open a file."""
    path = Path(label or "this workbook")         # its sheet and rows are named beside it
    grid = _grid(sheet)
    if not grid:
        raise RegisterError("is empty", file=str(path))
    return _table(path, grid, sheet=sheet.name)


def _grid(sheet) -> Grid:
    grid: Grid = {}
    for (r, c), cell in sheet.cells.items():
        value = cell.value.strip() if isinstance(cell.value, str) else cell.value
        if value not in (None, ""):
            grid.setdefault(r, {})[c] = value
    return grid


def _choose_sheet(path: Path, grids: dict[str, Grid], wanted: str | None, headings: Iterable[str]) -> str:
    """The sheet asked for by name, else the one whose heading row has most of the headings sought."""
    names = list(grids)
    if wanted:
        found = next((n for n in names if fold(n) == fold(wanted)), None)
        if found is None:
            raise RegisterError(f"has no sheet '{wanted}'; its sheets are {', '.join(names)}", file=str(path))
        return found
    sought = {fold(h) for h in headings}
    if len(names) == 1 or not sought:
        return names[0]

    def matched(name: str) -> int:
        grid = grids[name]
        if not grid:
            return 0
        return len({fold(_heading(v)) for v in grid[_heading_row(grid, path)].values()} & sought)

    return max(names, key=matched)      # the first sheet among equals


def _refuse_unsaved_formulas(path: Path, sheet_name: str, sheet, register: Register) -> None:
    """A formula whose result was never saved (a file written by a program, not Excel) has no value
    to read: it would be written as a blank amount."""
    first = min(register.lines, default=sheet.max_row + 1)
    cols = set(register.columns.values())
    suspects = sorted((r, c) for (r, c), cell in sheet.cells.items()
                      if cell.formula is not None and cell.value is None and r >= first and c in cols)
    if not suspects:
        return
    from .xlsx.package import open_package      # not for a CSV register (the reader has loaded it)

    with open_package(str(path)) as pkg:
        root = pkg.parse(pkg.sheet_parts()[sheet_name])
    saved = {c.get("r") for c in root.iterfind(".//{*}c") if _has_result(c)}
    for r, c in suspects:
        if cell_ref(r, c) not in saved:
            raise RegisterError(f"has a formula ={sheet.get(r, c).formula} with no saved result", file=str(path),
                                sheet=sheet_name, cell=cell_ref(r, c),
                                hint="open and save it in Excel first, so the result is stored with it")


def _heading(value: object) -> str:
    # Excel turns a typed month heading ('Apr-25') into a date; name it as the template does.
    if isinstance(value, datetime):
        return value.strftime("%b-%y")
    return str(value).strip()


def as_text(value: object) -> str:
    if value.__class__ is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    return str(value).strip()


def _has_result(c) -> bool:
    # An empty text result ("" from an IF) is saved as an empty <v> of type str. An empty <v> of
    # any other type, as programs such as openpyxl write, or none at all, is no result.
    v = c.find("{*}v")
    return v is not None and (bool(v.text) or c.get("t") == "str")
