"""Read an officer's own table (scheme register, ledger extract, income, C&D) from CSV or XLSX.

Every value arrives as text or Decimal, never as a float, so money stays exact. Line numbers
are the rows the officer sees in Excel (the first line of the file is line 1, title lines included).
"""
from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from .errors import RegisterError
from .folding import fold
from .model import cell_ref, column_letter
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

    def column(self, header: str) -> str | None:
        for h in self.headers:
            if fold(h) == fold(header):
                return h
        return None

    def refuse(self, line: int, header: str, message: str, hint: str | None = None) -> RegisterError:
        """The error for one value, named by line and column heading (and cell, in an Excel register)."""
        col = self.columns.get(header) if self.sheet else None
        return RegisterError(f"line {line}, column '{header}': {message}", file=self.path, sheet=self.sheet,
                             cell=cell_ref(line, col) if col else None, hint=hint)


def read_register(path: str | Path) -> Register:
    path = Path(path)
    if not path.is_file():
        raise RegisterError("does not exist", file=str(path))
    if path.stat().st_size > MAX_REGISTER_BYTES:
        raise RegisterError("is too large to be a scheme register", file=str(path))
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt", ".tsv", ""):
        return _read_csv(path)
    from .xlsx.package import OTHER_FORMATS
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


def _table(path: Path, grid: Grid, *, sheet: str | None = None) -> Register:
    top = _heading_row(grid, path)
    cols = sorted(grid[top])
    headers = [_heading(grid[top][c]) for c in cols]
    seen: dict[str, int] = {}
    for h, c in zip(headers, cols):
        if fold(h) in seen:
            raise RegisterError(f"has two columns headed '{h}' (columns {column_letter(seen[fold(h)])} and "
                                f"{column_letter(c)}), so which one to use is not clear", file=str(path),
                                hint="remove or rename one of them")
        seen[fold(h)] = c
    rows, lines = [], []
    for line in sorted(grid):
        if line <= top:
            continue
        values = grid[line]
        if not any(c in values for c in cols):
            continue
        rows.append({h: values.get(c) for h, c in zip(headers, cols)})
        lines.append(line)
    return Register(str(path), headers, rows, lines, sheet=sheet,
                    columns=dict(zip(headers, cols)) if sheet else {})


def _read_csv(path: Path) -> Register:
    text = decode_text(path.read_bytes(), str(path))
    delimiter = _delimiter(text)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    widths: dict[int, int] = {}
    grid: Grid = {}
    line = 0
    try:
        for line, record in enumerate(records, start=1):
            widths[line] = len(record)
            values = {c: v.strip() for c, v in enumerate(record, 1) if v.strip()}
            if values:
                grid[line] = values
    except csv.Error as exc:
        raise RegisterError(f"line {line + 1} cannot be read as CSV ({exc})", file=str(path)) from None
    if not grid:
        raise RegisterError("is empty", file=str(path))
    top = _heading_row(grid, path)
    for line, values in grid.items():
        if line > top and max(values) > widths[top]:
            raise RegisterError(
                f"line {line} has more values ({max(values)}) than the heading row has columns ({widths[top]})",
                file=str(path), hint=f"a {_NAMES[delimiter]} inside a value needs the value in double quotes")
    return _table(path, grid)


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


def _read_xlsx(path: Path) -> Register:
    from .xlsx.reader import read_workbook

    wb = read_workbook(path)                      # the same safety checks as a template
    sheet_name, sheet = next(iter(wb.sheets.items()))
    grid: Grid = {}
    for (r, c), cell in sheet.cells.items():
        value = cell.value.strip() if isinstance(cell.value, str) else cell.value
        if value not in (None, ""):
            grid.setdefault(r, {})[c] = value
    if not grid:
        raise RegisterError("is empty", file=str(path))
    register = _table(path, grid, sheet=sheet_name)
    _refuse_unsaved_formulas(path, sheet_name, sheet, register)
    return register


def _refuse_unsaved_formulas(path: Path, sheet_name: str, sheet, register: Register) -> None:
    """A formula whose result was never saved (a file written by a program, not Excel) has no value
    to read: it would be written as a blank amount."""
    first = min(register.lines, default=sheet.max_row + 1)
    cols = set(register.columns.values())
    suspects = sorted((r, c) for (r, c), cell in sheet.cells.items()
                      if cell.formula is not None and cell.value is None and r >= first and c in cols)
    if not suspects:
        return
    from .xlsx.package import open_package

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


def register_from_return(path: str | Path) -> Register:
    """Last quarter's (or last year's) return as a register: its scheme lines under its own headings.

    The headings then match this return's columns as any register's would, across template years.
    """
    from .api import open_template

    tpl = open_template(path)
    fin = tpl.description.finance
    if fin is None:
        raise RegisterError(f"is a {tpl.description.name}, which has no scheme lines to carry over", file=str(path))
    table, _ = tpl.table(fin.schemes)
    headers = [c.header for c in table.columns]
    rows, lines = [], []
    for line in tpl.lines(fin.schemes):
        rows.append({c.header: line.values.get(c.id) for c in table.columns})
        lines.append(line.row)
    sheet = tpl.layout.workbook_sheet(tpl.layout.tables[fin.schemes].sheet)
    return Register(f"{path} ('{sheet}')", headers, rows, lines, partial=True)


def _has_result(c) -> bool:
    # An empty text result ("" from an IF) is saved as an empty <v> of type str. An empty <v> of
    # any other type, as programs such as openpyxl write, or none at all, is no result.
    v = c.find("{*}v")
    return v is not None and (bool(v.text) or c.get("t") == "str")
