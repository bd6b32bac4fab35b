"""The column mapping file: reading, writing and finding the one saved for a register."""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BcfError
from ..files import Replacement
from ..folding import fold
from ..register import as_text
from ..userdirs import user_folder
from ..xlsx.reader import read_workbook

if TYPE_CHECKING:
    from .columns import ColumnMapping

SUFFIX = ".columns.yaml"
SHEET_SUFFIX = ".columns.xlsx"        # the same, as the ribbon's mapping step writes it for Excel

# The mapping as a workbook (mapping/sheet.py writes it for the officer to correct in Excel).
COLUMNS_SHEET = "Column mapping"
VALUES_SHEET = "Values"
COLUMNS_HEAD = ("Template column", "Your column", "Confidence", "Why")
VALUES_HEAD = ("Template column", "Your spelling", "Template value")


def beside(register: str | Path) -> Path:
    """Where the mapping of `register` is kept by default: 'schemes.csv' -> 'schemes.columns.yaml'."""
    register = Path(register)
    return register.with_name(register.stem + SUFFIX)


def beside_sheet(register: str | Path) -> Path:
    register = Path(register)
    return register.with_name(register.stem + SHEET_SUFFIX)


def saved_beside(register: str | Path) -> Path | None:
    """The mapping kept beside `register`, YAML or workbook; the one saved last where both are."""
    found = [p for p in (beside(register), beside_sheet(register)) if p.is_file()]
    return max(found, key=lambda p: p.stat().st_mtime_ns) if found else None


USER_ENV = "BCF_USER_FOLDER"      # a folder to keep columns/ in instead of the officer's own bcf-addin folder


def user_mappings() -> Path:
    """The mappings kept for every register: `columns` in the officer's own bcf-addin folder."""
    return (Path(os.environ[USER_ENV]) if os.environ.get(USER_ENV) else user_folder()) / "columns"


def load_mapping(path: str | Path) -> ColumnMapping:
    # Deferred, as is ColumnMapping: a register with no saved mapping needs neither YAML nor pydantic.
    import yaml
    from pydantic import ValidationError

    from .columns import ColumnMapping

    path = Path(path)
    if not path.is_file():
        raise BcfError("does not exist", file=str(path), hint="make one with 'bcf map REGISTER WORKBOOK'")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_mapping_workbook(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 1}" if where is not None else ""
        raise BcfError(f"is not a readable column mapping{at}", file=str(path),
                       hint="keep each line as 'Template column: Your column'") from None
    try:
        return ColumnMapping.model_validate(data or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise BcfError(f"is not a usable column mapping: {where}: {first['msg']}", file=str(path)) from None


def find_saved(register: str | Path, headers: list[str]) -> Path | None:
    """The mapping kept for this register: beside it, else one in the user folder made for a
    register with these same headings (next quarter's file, under a new name)."""
    here = saved_beside(register)
    if here is not None:
        return here
    folder = user_mappings()
    if not folder.is_dir():
        return None
    have = {h.casefold() for h in headers}
    for candidate in sorted(folder.glob("*" + SUFFIX)):
        try:
            mapping = load_mapping(candidate)
        except BcfError:
            continue
        wanted = {h.casefold() for h in mapping.columns.values() if h}
        if wanted and wanted <= have:
            return candidate
    return None


HEADER = """\
# Column mapping for 'bcf populate': which column of your register feeds each column of the
# {template} ({table} table).
#
# columns: on the left the template's column, on the right the heading of YOUR column that feeds
#   it. Correct any right-hand side that is wrong; leave it empty (~) for a column you do not have.
#   The comment after each line says how sure the proposal was and why.
# values: your own spellings (left) of the template's drop-down values (right). Delete a line that
#   is wrong. A value listed in neither place, and not on the template's list, is never guessed:
#   populate leaves it out and says so.
#
# Saved as REGISTER{suffix} beside the register, it is used every time that register is populated.
"""


def dump_mapping(mapping: ColumnMapping, template: str, notes: dict[str, str] | None = None,
                 pending: dict[str, list[str]] | None = None) -> str:
    """The mapping as YAML with comments: `notes` per template column, `pending` the values no
    proposal was found for (listed so the officer can add them)."""
    notes = notes or {}
    lines = [HEADER.format(template=template, table=(mapping.table or "").replace("_", " "), suffix=SUFFIX)]
    lines.append(f"kind: {_scalar(mapping.kind)}")
    lines.append(f"table: {_scalar(mapping.table)}")
    lines.append("columns:")
    for column, source in mapping.columns.items():
        note = f"  # {notes[column]}" if column in notes else ""
        lines.append(f"  {_scalar(column)}: {_scalar(source)}{note}")
    lines.append("values:" if mapping.values or pending else "values: {}")
    for column in {**mapping.values, **(pending or {})}:
        lines.append(f"  {_scalar(column)}:" + ("" if mapping.values.get(column) else " {}"))
        for local, value in mapping.values.get(column, {}).items():
            lines.append(f"    {_scalar(local)}: {_scalar(value)}")
        for local in (pending or {}).get(column, []):
            lines.append(f"    # {_scalar(local)}: (not on the list and no close value: write the list value here)")
    return "\n".join(lines) + "\n"


def _scalar(value) -> str:
    import yaml

    if value is None:
        return "~"
    return yaml.safe_dump(value, default_style=None, allow_unicode=True, width=1 << 16).strip().removesuffix("\n...").strip()


def save_mapping(text: str, out: str | Path) -> Path:
    out = Path(out)
    with Replacement(out, existing="backup") as staged:
        staged.file.write(text.encode("utf-8"))
    return out


def read_mapping_workbook(path: Path) -> ColumnMapping:
    """A mapping corrected in Excel: the workbook mapping/sheet.py wrote, read back."""
    from .columns import ColumnMapping

    wb = read_workbook(path)
    sheets = {fold(name): sheet for name, sheet in wb.sheets.items()}
    sheet = sheets.get(fold(COLUMNS_SHEET))
    if sheet is None or [fold(sheet.value(1, c)) for c in (1, 2)] != [fold(h) for h in COLUMNS_HEAD[:2]]:
        raise BcfError(f"is not a column mapping: it needs a sheet '{COLUMNS_SHEET}' headed "
                       f"'{COLUMNS_HEAD[0]}', '{COLUMNS_HEAD[1]}'", file=str(path))
    columns = {as_text(sheet.value(r, 1)): as_text(sheet.value(r, 2)) or None
               for r in range(2, sheet.max_row + 1) if as_text(sheet.value(r, 1))}
    values: dict[str, dict[str, str]] = {}
    spelt = sheets.get(fold(VALUES_SHEET))
    for r in range(2, (spelt.max_row if spelt else 1) + 1):
        column, local, value = (as_text(spelt.value(r, c)) for c in (1, 2, 3))
        if column and local and value:
            values.setdefault(column, {})[local] = value
    return ColumnMapping(columns=columns, values=values)
