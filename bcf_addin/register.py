"""Read an officer's own table (scheme register, ledger extract, income, C&D) from CSV or XLSX.

Every value arrives as text or Decimal, never as a float, so money stays exact. Line numbers
are the ones the officer sees in Excel or a text editor (header = line 1).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from .errors import RegisterError
from .folding import fold

MAX_REGISTER_BYTES = 200 * 1024 * 1024


@dataclass
class Register:
    path: str
    headers: list[str]
    rows: list[dict[str, object]]     # header -> raw value ('' or None when empty)
    lines: list[int]                  # the file line of each row
    partial: bool = False             # lines carried from a return: columns it lacks are left to fill in

    def column(self, header: str) -> str | None:
        for h in self.headers:
            if fold(h) == fold(header):
                return h
        return None


def read_register(path: str | Path) -> Register:
    path = Path(path)
    if not path.is_file():
        raise RegisterError("does not exist", file=str(path))
    if path.stat().st_size > MAX_REGISTER_BYTES:
        raise RegisterError("is too large to be a scheme register", file=str(path))
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt", ""):
        return _read_csv(path)
    from .xlsx.package import OTHER_FORMATS
    raise RegisterError(OTHER_FORMATS.get(suffix, "is neither a CSV nor an Excel (.xlsx) file"), file=str(path))


def _read_csv(path: Path) -> Register:
    import pandas as pd

    for encoding in ("utf-8-sig", "cp1252"):
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding, skip_blank_lines=False)
            break
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise RegisterError(f"cannot be read as CSV: {str(exc).strip()}", file=str(path)) from None
    else:
        raise RegisterError("is not text in UTF-8 or Windows encoding", file=str(path))
    headers = [str(h).strip() for h in frame.columns]
    rows, lines = [], []
    for i, values in enumerate(frame.itertuples(index=False), start=2):
        row = {h: (v.strip() if isinstance(v, str) else v) for h, v in zip(headers, values)}
        if all(v in ("", None) for v in row.values()):
            continue
        rows.append(row)
        lines.append(i)
    return Register(str(path), headers, rows, lines)


def _read_xlsx(path: Path) -> Register:
    from .xlsx.reader import read_workbook

    wb = read_workbook(path)                      # the same safety checks as a template
    sheet = next(iter(wb.sheets.values()))
    if not sheet.cells:
        raise RegisterError("is empty", file=str(path))
    top = min(r for (r, _), c in sheet.cells.items() if c.value is not None)
    cols = sorted(c for (r, c), cell in sheet.cells.items() if r == top and cell.value is not None)
    headers = [_heading(sheet.value(top, c)) for c in cols]
    rows, lines = [], []
    for r in range(top + 1, sheet.max_row + 1):
        row = {}
        for h, c in zip(headers, cols):
            v = sheet.value(r, c)
            row[h] = v.strip() if isinstance(v, str) else v
        if all(v in ("", None) for v in row.values()):
            continue
        rows.append(row)
        lines.append(r)
    return Register(str(path), headers, rows, lines)


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
