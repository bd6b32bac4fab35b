"""Write a replica of an NHS England template from its description.

A replica behaves like the real file where it matters to this tool and to the people testing
it: the template's sheet names and labels, yellow unlocked input cells, blue locked
pre-populated cells, dropdown validations, the template's formulas (checkers, sheet-complete
cells, Template Complete, running balances, required spend, summary), protected sheets, a logo
image and hyperlinks. It is built with openpyxl: a new file, never a real template re-saved.
"""
from __future__ import annotations

from copy import copy
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation

from .. import paths
from ..descriptions.loader import lists_of
from ..files import save_atomically
from ..descriptions.schema import Field, GuidanceTable, Heading, Table, TemplateDescription
from ..hwb import HwbFigures
from ..layout import Layout, TableAt
from ..workbook import cell_ref, column_letter
from . import checkers
from .formulas import quote_sheet, resolve
from .placement import LABEL_COL, place

INPUT_FILL = PatternFill("solid", fgColor="FFFF99")
PREPOPULATED_FILL = PatternFill("solid", fgColor="BDD7EE")
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
RED_FILL = PatternFill("solid", fgColor="FF9999")
GREEN_FILL = PatternFill("solid", fgColor="C6EFCE")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
UNLOCKED = Protection(locked=False)
LOCKED = Protection(locked=True)
FORMATS = {"money": '"£"#,##0', "percent": "0.0%", "date": "dd/mm/yyyy", "number": "#,##0.##", "integer": "0"}
LISTS_SHEET = "Lists"


def build(desc: TemplateDescription, out: Path, *, hwb: HwbFigures | None = None,
          spread: int = 0, shift: int = 0) -> Layout:
    """Write the replica to `out` (via a temporary file, so a failure leaves nothing half-written)."""
    layout = place(desc, spread=spread, shift=shift)
    wb = Workbook()
    wb.remove(wb.active)
    lists = lists_of(desc)
    list_refs = _write_lists(wb, lists)
    for sheet in desc.sheets:
        _Writer(wb, desc, layout, sheet, hwb, list_refs, desc.parameters).write()
    wb.move_sheet(LISTS_SHEET, offset=len(wb.sheetnames))
    wb.calculation.fullCalcOnLoad = True
    wb.properties.title = f"{desc.name} (Version {desc.version})"
    save_atomically(wb, Path(out))
    return layout


def _write_lists(wb: Workbook, lists: dict[str, list[str]]) -> dict[str, str]:
    ws = wb.create_sheet(LISTS_SHEET)
    refs = {}
    for i, (name, values) in enumerate(sorted(lists.items()), start=1):
        ws.cell(1, i, name)
        for j, v in enumerate(values, start=2):
            ws.cell(j, i, v)
        letter = column_letter(i)
        refs[name] = f"{quote_sheet(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
    ws.sheet_state = "hidden"
    ws.protection.sheet = True
    return refs


class _Writer:
    def __init__(self, wb, desc, layout: Layout, sheet, hwb, list_refs, parameters):
        self.ws = wb.create_sheet(sheet.name)
        self.desc, self.layout, self.sheet, self.hwb = desc, layout, sheet, hwb
        self.list_refs, self.parameters = list_refs, parameters
        self.at = layout.sheets[sheet.name]
        self.checker_cells: list[str] = []
        self.validations: dict[str, DataValidation] = {}
        self._headings_done = 0

    # -- cells -------------------------------------------------------------------------------
    def put(self, row, col, value=None, *, role="label", type_=None, bold=False, width=1, wrap=False):
        cell = self.ws.cell(row, col)
        if value is not None:
            cell.value = float(value) if isinstance(value, Decimal) and value != int(value) else (
                int(value) if isinstance(value, Decimal) else value)
        if role == "input":
            cell.fill, cell.protection, cell.border = INPUT_FILL, UNLOCKED, BOX
        elif role == "prepopulated":
            cell.fill, cell.protection, cell.border = PREPOPULATED_FILL, LOCKED, BOX
        elif role == "formula":
            cell.protection, cell.border = LOCKED, BOX
        if type_ in FORMATS:
            cell.number_format = FORMATS[type_]
        if bold:
            cell.font = Font(bold=True)
        if wrap:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if width > 1:
            self.ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + width - 1)
            # A merged input keeps its fill and lock across the whole area, as Excel shows it.
            for c in range(col + 1, col + width):
                other = self.ws.cell(row, c)
                other.fill, other.protection, other.border = copy(cell.fill), copy(cell.protection), BOX
        return cell

    def validate(self, ref: str, type_: str, list_name: str | None):
        if list_name:
            key = f"list:{list_name}"
            if key not in self.validations:
                dv = DataValidation(type="list", formula1=f"={self.list_refs[list_name]}", allow_blank=True,
                                    showErrorMessage=True, errorTitle="Not on the list",
                                    error="Please select a value from the drop-down list.")
                self.validations[key] = dv
                self.ws.add_data_validation(dv)
            self.validations[key].add(ref)
        elif type_ == "money":
            if "money" not in self.validations:
                limit = int(self.desc.money_max)
                dv = DataValidation(type="decimal", operator="between", formula1=str(-limit), formula2=str(limit),
                                    allow_blank=True, showErrorMessage=True, errorTitle="Not an amount",
                                    error="Please enter an amount in pounds.")
                self.validations["money"] = dv
                self.ws.add_data_validation(dv)
            self.validations["money"].add(ref)

    def checker(self, row: int, formula: str | None):
        if formula is None or self.at.checker_col is None:
            return
        self.put(row, self.at.checker_col, formula, role="formula")
        self.checker_cells.append(cell_ref(row, self.at.checker_col))

    def resolve_ref(self, name: str, table: TableAt | None = None, row: int | None = None) -> str:
        return resolve("{" + name + "}", self.layout, self.sheet.name, table=table, row=row)

    # -- items -------------------------------------------------------------------------------
    def write(self):
        ws = self.ws
        ws.column_dimensions["A"].width = 2
        ws.column_dimensions["B"].width = 55
        for item in self.sheet.items:
            if isinstance(item, Heading):
                self.heading(item)
            elif isinstance(item, Field):
                self.field(item)
            else:
                self.table(item)
        self.complete_cell()
        ws.protection.sheet = self.sheet.protected
        if self.sheet.name == self.desc.identity.sheet:
            self.logo()
        ws.sheet_view.showGridLines = False

    def heading(self, h: Heading):
        row = self.at.heading_rows[self._headings_done]
        self._headings_done += 1
        cell = self.put(row, 2, h.text)
        if h.style == "title":
            cell.font = Font(bold=True, size=14)
        elif h.style == "subtitle":
            cell.font = Font(bold=True, size=12)
        elif h.style == "section":
            cell.font = Font(bold=True)
        elif h.style == "link":
            cell.hyperlink = h.target if "://" in (h.target or "") else f"#{quote_sheet(h.target)}!A1"
            cell.font = Font(color="0563C1", underline="single")
        if h.table is not None:
            self.guidance_table(h.table, row + 1)

    def guidance_table(self, table: GuidanceTable, header_row: int):
        """Text only, locked like the rest of the sheet: the guidance's columns from the label column."""
        for i, header in enumerate(table.columns):
            col = LABEL_COL + i
            self.put(header_row, col, header, bold=True, wrap=True).fill = HEADER_FILL
            longest = max(len(str(row[i])) for row in table.rows)
            width = 8 if longest < 4 else min(80, max(20, longest // 3))
            letter = column_letter(col)
            self.ws.column_dimensions[letter].width = max(self.ws.column_dimensions[letter].width or 0, width)
        for r, row in enumerate(table.rows, start=header_row + 1):
            for i, value in enumerate(row):
                self.put(r, LABEL_COL + i, value, wrap=True).border = BOX
            lines = max(sum(1 + len(part) // 70 for part in str(value).split("\n")) for value in row)
            self.ws.row_dimensions[r].height = 15 * min(lines, 25)

    def field(self, f: Field):
        at = self.layout.fields[f.id]
        self.put(at.label_row, at.label_col, f.label, wrap=len(f.label) > 60)
        if len(f.label) > 60:
            self.ws.row_dimensions[at.label_row].height = 15 * min(4, 1 + len(f.label) // 60)
        value = None
        if f.role == "formula":
            value = resolve(f.formula, self.layout, self.sheet.name)
        elif f.role == "prepopulated" and self.hwb and f.prepopulate:
            value = self.hwb.figures.get(f.prepopulate)
        elif f.id == "hwb" and self.hwb:
            value = self.hwb.hwb
        self.put(at.row, at.col, value, role=f.role, type_=f.type, width=f.width)
        if f.role == "input":
            self.validate(at.ref, f.type, f.list)
            self.ws.column_dimensions[column_letter(at.col)].width = max(
                self.ws.column_dimensions[column_letter(at.col)].width or 0, 24)
        if f.checker and f.role == "input":
            test = checkers.missing_when(f.required, at.ref, self.resolve_ref)
            self.checker(at.row, checkers.yes_unless([test] if test else []))

    def table(self, t: Table):
        at = self.layout.tables[t.id]
        hr = at.header_row
        for c in t.columns:
            col = at.columns[c.id]
            if c.header_above:
                self.put(hr - 1 - (1 if at.column_checker_row else 0), col, c.header_above, bold=True)
            cell = self.put(hr, col, c.header, bold=True, width=c.width, wrap=True)
            cell.fill = HEADER_FILL
            self.ws.column_dimensions[column_letter(col)].width = max(
                self.ws.column_dimensions[column_letter(col)].width or 0, 16 if c.type == "money" else 20)
        self.ws.row_dimensions[hr].height = 45
        if at.label_col and t.label_header:
            self.put(hr, at.label_col, t.label_header, bold=True, wrap=True).fill = HEADER_FILL
        if at.key_col and t.key_header:
            self.put(hr, at.key_col, t.key_header, bold=True, width=2, wrap=True).fill = HEADER_FILL
        if t.rows is not None:
            self.fixed_rows(t, at)
        else:
            self.open_rows(t, at)
        if at.total_row:
            self.put(at.total_row, at.label_col or 2, t.total, bold=True)
            for c in t.columns:
                if c.total:
                    f = resolve(c.total, self.layout, self.sheet.name, table=at, column=c.id, row=at.total_row)
                    self.put(at.total_row, at.columns[c.id], f, role="formula", type_=c.type, bold=True)

    def slot_keys(self, t: Table) -> list[str]:
        spec = t.slot_keys
        if spec is None:
            return []
        return (self.hwb.names(spec.hwb) if self.hwb else []) + list(spec.then)

    def fixed_rows(self, t: Table, at: TableAt):
        slot_keys = self.slot_keys(t)
        for row, r in zip(t.rows, at.rows):
            self.put(r, at.label_col, row.label, wrap=len(row.label) > 55)
            if at.key_col and row.slot is not None:
                key = slot_keys[row.slot] if row.slot < len(slot_keys) else t.slot_keys.empty
                self.put(r, at.key_col, key, role="prepopulated", width=2)
            elif at.key_col:
                self.put(r, at.key_col, row.key or "", width=2, wrap=True)
            if len(row.label) > 55 or (row.key and len(row.key) > 40):
                self.ws.row_dimensions[r].height = 45
            tests = []
            for c in t.columns:
                col = at.columns[c.id]
                role = t.role(row, c)
                value = None
                literal = row.values.get(c.id)
                formula = literal if literal is not None else c.formula
                if role == "formula" and row.total_of and literal is None:
                    value = "=SUM(" + ",".join(_runs([at.row_ids[x] for x in row.total_of], col)) + ")"
                elif role == "formula" and formula:
                    value = resolve(formula, self.layout, self.sheet.name, table=at, row=r,
                                    row_id=row.id)
                elif role == "label" and literal is not None:
                    value = literal
                elif role == "prepopulated" and self.hwb:
                    key = row.prepopulate.get(c.id)
                    value = self.hwb.figures.get(key) if key else None
                self.put(r, col, value, role=role, type_=t.cell_type(row, c), width=c.width, wrap=role == "label")
                if role == "input":
                    self.validate(cell_ref(r, col), c.type, c.list)
                    requirement = row.required.get(c.id, c.required)
                    test = checkers.missing_when(
                        requirement, cell_ref(r, col),
                        lambda name, _r=r: self.resolve_ref(name, at, _r))
                    if test:
                        tests.append(test)
            if t.row_checker and any(t.role(row, c) == "input" for c in t.columns):
                self.checker(r, checkers.yes_unless(tests))

    def open_rows(self, t: Table, at: TableAt):
        labels = {}
        if t.labels_from and self.hwb:
            labels = self.hwb.tables.get(t.labels_from, {})
        items = list(labels.items())
        for i, r in enumerate(at.rows):
            if at.label_col:
                label = items[i][0] if i < len(items) else None
                self.put(r, at.label_col, label, role="prepopulated" if t.labels_from else "label")
            for c in t.columns:
                col = at.columns[c.id]
                value = items[i][1] if (c.role == "prepopulated" and i < len(items)) else None
                self.put(r, col, value, role=c.role, type_=c.type, width=c.width)
                if c.role == "input":
                    self.validate(cell_ref(r, col), c.type, c.list)
        if at.column_checker_row:
            self.put(at.column_checker_row - 1, at.label_col or min(at.columns.values()), "Column complete:", bold=True)
            for c in t.columns:
                if c.role != "input":
                    continue
                formula = checkers.open_column_checker(t, c.id, at, c.required, self.resolve_ref)
                if formula:
                    self.put(at.column_checker_row, at.columns[c.id], formula, role="formula")
                    self.checker_cells.append(cell_ref(at.column_checker_row, at.columns[c.id]))
        elif t.row_checker and any(c.role == "input" and c.required for c in t.columns):
            for c in t.columns:
                formula = checkers.open_column_checker(t, c.id, at, c.required, self.resolve_ref) if c.role == "input" else None
                if formula:
                    self.checker(at.rows[0], formula)
                    break

    def complete_cell(self):
        ws, at = self.ws, self.at
        if at.checker_col is None:
            return
        col = at.checker_col
        letter = column_letter(col)
        ws.column_dimensions[letter].width = 14
        self.put(1, col, "Checklist", bold=True)
        if at.complete:
            r, c = at.complete
            self.put(r - 1, c, "Complete:", bold=True)
            counts = [f'COUNTIF({letter}{r + 1}:{letter}{max(ws.max_row, r + 1) + 50},"No")']
            counts += [f'COUNTIF({x},"No")' for x in self.checker_cells if not x.startswith(letter)]
            self.put(r, c, f'=IF({"+".join(counts)}>0,"No","Yes")', role="formula")
            ws.cell(r, c).font = Font(bold=True)
        rng = f"A1:{column_letter(ws.max_column + 1)}{ws.max_row + 1}"
        ws.conditional_formatting.add(rng, CellIsRule(operator="equal", formula=['"No"'], fill=RED_FILL))
        ws.conditional_formatting.add(rng, CellIsRule(operator="equal", formula=['"Yes"'], fill=GREEN_FILL))

    def logo(self):
        img = Image(str(paths.workbooks() / "images" / "logo.png"))
        img.width, img.height = 390, 68
        self.ws.add_image(img, f"{column_letter((self.at.checker_col or 6) + 1)}2")


def _runs(rows: list[int], col: int) -> list[str]:
    """Cell references for `rows` of one column, consecutive rows joined into ranges."""
    out, rows = [], sorted(rows)
    start = prev = rows[0]
    for r in rows[1:] + [None]:
        if r is not None and r == prev + 1:
            prev = r
            continue
        out.append(cell_ref(start, col) if start == prev else f"{cell_ref(start, col)}:{cell_ref(prev, col)}")
        if r is not None:
            start = prev = r
    return out
