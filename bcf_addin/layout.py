"""Where a template's items sit in one workbook.

The replica builder decides a layout; the locator finds one in any workbook by its labels and
headers. Populate, check and balances only ever address cells through a layout, so a template
whose rows have moved still works.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .workbook import cell_ref, column_letter


@dataclass
class FieldAt:
    id: str
    sheet: str
    row: int
    col: int
    label_row: int
    label_col: int

    @property
    def ref(self) -> str:
        return cell_ref(self.row, self.col)


@dataclass
class TableAt:
    id: str
    sheet: str
    header_row: int
    columns: dict[str, int]                               # column id -> sheet column
    rows: list[int]                                       # data rows, top to bottom
    row_ids: dict[str, int] = field(default_factory=dict) # fixed row id -> sheet row
    label_col: int | None = None
    key_col: int | None = None
    total_row: int | None = None
    column_checker_row: int | None = None

    def cell(self, row_id: str, column: str) -> tuple[int, int]:
        return self.row_ids[row_id], self.columns[column]

    def column_range(self, column: str) -> str:
        col = column_letter(self.columns[column])
        return f"${col}${self.rows[0]}:${col}${self.rows[-1]}"


@dataclass
class SheetAt:
    name: str
    checker_col: int | None = None
    complete: tuple[int, int] | None = None               # the sheet's 'Complete:' Yes/No cell
    heading_rows: list[int] = field(default_factory=list) # where a replica writes its headings


@dataclass
class Layout:
    kind: str
    sheets: dict[str, SheetAt] = field(default_factory=dict)   # description sheet name -> where
    sheet_names: dict[str, str] = field(default_factory=dict)  # description sheet name -> workbook sheet name
    fields: dict[str, FieldAt] = field(default_factory=dict)
    tables: dict[str, TableAt] = field(default_factory=dict)

    def workbook_sheet(self, name: str) -> str:
        return self.sheet_names.get(name, name)
