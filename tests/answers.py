"""Build returns for the rule tests: every question answered, then one thing broken at a time.

What must be answered is read here from the description's own YAML, and the money left to
allocate from the published Leicestershire figures and the sample register, not from the code
the rules check with (CheckContext.inputs(), balances.compute): a question that code forgot
would still be answered here, and the test that compares the two would say so. Only where each
item sits comes from the tools, the layout that locate found (tested on its own against
independently built templates).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import yaml

from bcf_addin import paths
from bcf_addin.api import open_template
from bcf_addin.workbook import CellWrite, cell_ref
from bcf_addin.xlsx.writer import write_cells

from support import SAMPLE_PLAN


def _answer(type_: str, list_values: list[str] | None):
    if list_values:
        return "Yes" if "Yes" in list_values else list_values[0]
    return {
        "money": Decimal(0), "number": Decimal(10), "integer": Decimal(10), "percent": Decimal("0.5"),
        "date": datetime(2025, 3, 31), "email": "officer@council.gov.uk", "phone": "0116 305 0786",
    }.get(type_, "Answered")


# -- the description, as its YAML says it ---------------------------------------------------------

def raw_description(kind: str) -> dict:
    """The bundled description of `kind` exactly as written (none of the kinds tested here extends another)."""
    data = yaml.safe_load((paths.descriptions() / f"{kind}.yaml").read_text(encoding="utf-8"))
    assert "extends" not in data, f"{kind} extends another description: read that one too"
    return data


def list_values(data: dict, name: str | None) -> list[str] | None:
    """A drop-down list's values from its reference file (or the description), in the file's order."""
    if not name:
        return None
    source = data["lists"][name]
    if "values" in source:
        return list(source["values"])
    with open(paths.reference() / source["file"], newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    if "list" in source:
        return [r["Value"] for r in rows if r["List"] == source["list"]]
    return list(dict.fromkeys(r[source["column"]] for r in rows if r[source["column"]]))


def fixed_rows(table: dict) -> list[dict]:
    """A table's rows, `{id: x, slots: n}` standing for rows x_1 .. x_n, then its blank rows."""
    rows = []
    for row in table["rows"]:
        n = row.get("slots")
        rows += [row] if n is None else [{**row, "id": f"{row['id']}_{i}"} for i in range(1, n + 1)]
    return rows + [{}] * table.get("blank_rows", 0)


def role(row: dict, column: dict) -> str:
    """A cell's role: the row's own, else a formula in a Total row, else the column's (input by default)."""
    own = column.get("role", "input")
    if column["id"] in row.get("roles", {}):
        return row["roles"][column["id"]]
    return "formula" if row.get("total_of") and own in ("input", "prepopulated") else own


@dataclass(frozen=True)
class Question:
    """An input cell the description requires, always or when another answer says so."""

    sheet: str                  # the description's sheet
    type: str
    list: str | None
    conditional: bool           # required only `when` something holds
    field: str | None = None
    table: str | None = None
    row: int | None = None      # index among the table's fixed rows
    column: str | None = None


def questions(data: dict) -> list[Question]:
    """Every input field and fixed-row cell with `required:` true or a condition, in sheet order."""
    found = []
    for sheet in data["sheets"]:
        for item in sheet["items"]:
            if item["kind"] == "field" and item.get("role", "input") == "input" and item.get("required"):
                found.append(Question(sheet["name"], item.get("type", "text"), item.get("list"),
                                      _conditional(item["required"]), field=item["id"]))
            elif item["kind"] == "table" and item.get("rows") is not None:
                for i, row in enumerate(fixed_rows(item)):
                    for column in item["columns"]:
                        required = row.get("required", {}).get(column["id"], column.get("required", False))
                        if role(row, column) == "input" and required:
                            found.append(Question(sheet["name"], column.get("type", "text"), column.get("list"),
                                                  _conditional(required), table=item["id"], row=i,
                                                  column=column["id"]))
    return found


def _conditional(required) -> bool:
    return isinstance(required, dict) and required.get("when") is not None


def tables_needing_a_line(data: dict) -> list[dict]:
    """Open tables that may not be empty (`min_rows`), or not once an answer says so (`lines_when`)."""
    return [item for sheet in data["sheets"] for item in sheet["items"]
            if item["kind"] == "table" and item.get("rows") is None
            and (item.get("min_rows") or item.get("lines_when"))]


# -- where a question is, and what it holds -------------------------------------------------------

def place(tpl, question: Question) -> tuple[str, int, int] | None:
    """(workbook sheet, row, column) of a question; None for a column this file does not have."""
    if question.field:
        at = tpl.layout.fields[question.field]
        return tpl.layout.workbook_sheet(at.sheet), at.row, at.col
    at = tpl.layout.tables[question.table]
    if question.column not in at.columns:
        return None
    return tpl.layout.workbook_sheet(at.sheet), at.rows[question.row], at.columns[question.column]


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def missing_answers(src: Path) -> tuple[set[tuple[str, str, int]], set[tuple[str, str]]]:
    """What the completeness rules should report on `src`, worked out from the YAML: the blank
    cells it always requires, as (sheet, cell or a row's span from the first to the last, how
    many), and the first cell of each table that must have lines and has none."""
    tpl = open_template(src)
    data = raw_description(tpl.description.kind)
    rows: dict[tuple, list[tuple[int, int]]] = {}
    for q in questions(data):
        where = place(tpl, q)
        if where and not q.conditional and blank(tpl.workbook.sheets[where[0]].value(where[1], where[2])):
            # A table row's missing answers are one finding, a field's its own.
            key = (where[0], where[1], q.table) if q.table else (where[0], where[1], where[2])
            rows.setdefault(key, []).append(where[1:])
    answers = set()
    for (sheet, *_), cells in rows.items():
        first, last = cell_ref(*min(cells, key=lambda c: c[1])), cell_ref(*max(cells, key=lambda c: c[1]))
        answers.add((sheet, first if len(cells) == 1 else f"{first}:{last}", len(cells)))
    tables = set()
    for table in tables_needing_a_line(data):
        at = tpl.layout.tables[table["id"]]
        wb_sheet = tpl.layout.workbook_sheet(at.sheet)
        if table.get("min_rows") and all(blank(tpl.workbook.sheets[wb_sheet].value(at.rows[0], col))
                                         for col in at.columns.values()):
            tables.add((wb_sheet, cell_ref(at.rows[0], min(at.columns.values()))))
    return answers, tables


def reported(report) -> tuple[set[tuple[str, str, int]], set[tuple[str, str]]]:
    """A report's C101 findings as (sheet, cell or span, how many answers missing), and its C104 ones."""
    answers = set()
    for f in report.findings:
        if f.code == "C101":
            many = re.search(r"has (\d+) answers missing", f.message)
            answers.add((f.sheet, f.cell, int(many.group(1)) if many else 1))
    return answers, {(f.sheet, f.cell) for f in report.findings if f.code == "C104"}


def answer_everything(src: Path, dest: Path) -> Path:
    """Answer every question the description requires or may require (conditional answers too):
    fields, fixed rows, and the first line of each open table that must not be empty. Optional
    cells stay blank; open tables already holding lines keep them."""
    tpl = open_template(src)
    data = raw_description(tpl.description.kind)
    writes = []
    for q in questions(data):
        where = place(tpl, q)
        if where and blank(tpl.workbook.sheets[where[0]].value(where[1], where[2])):
            writes.append(CellWrite(*where, _answer(q.type, list_values(data, q.list))))
    for table in tables_needing_a_line(data):
        at = tpl.layout.tables[table["id"]]
        wb_sheet = tpl.layout.workbook_sheet(at.sheet)
        first = [at.columns[c["id"]] for c in table["columns"] if c["id"] in at.columns]
        if all(blank(tpl.workbook.sheets[wb_sheet].value(at.rows[0], col)) for col in first):
            for c in table["columns"]:
                if c.get("role", "input") == "input":
                    writes.append(CellWrite(wb_sheet, at.rows[0], at.columns[c["id"]],
                                            _answer(c.get("type", "text"), list_values(data, c.get("list")))))
    write_cells(src, writes, dest)
    return dest


# -- money left to allocate -----------------------------------------------------------------------

def published_income(year: str = "2025-26", kind: str = "Planning") -> dict[str, Decimal]:
    """Each funding source's income as Leicestershire's published return prints it."""
    with open(paths.reference() / "leicestershire-figures.csv", newline="", encoding="utf-8") as fh:
        return {r["Funding source or item"]: Decimal(r["Value"]) for r in csv.DictReader(fh)
                if r["Year"] == year and r["Return"] == kind and r["Figure"] == "Income"}


def sample_spend() -> tuple[int, dict[str, Decimal]]:
    """The sample register's number of lines and its spend by source of funding."""
    with open(SAMPLE_PLAN, newline="", encoding="utf-8") as fh:
        lines = list(csv.DictReader(fh))
    spend: dict[str, Decimal] = {}
    for line in lines:
        source = line["Source of Funding"]
        spend[source] = spend.get(source, Decimal(0)) + Decimal(line["Expenditure for 2025-26 (£)"])
    return len(lines), spend


def balance_the_books(src: Path, dest: Path) -> Path:
    """Add one scheme line per funding source left with money unallocated, so every balance is £0.

    `src` is the planning template populated from the sample register (its lines in the first
    rows) and answered, which adds no income: the money left is the published income less the
    register's spend."""
    tpl = open_template(src)
    data = raw_description("planning-2025-26")
    fin = data["finance"]
    table = next(item for sheet in data["sheets"] for item in sheet["items"] if item.get("id") == fin["schemes"])
    at = tpl.layout.tables[fin["schemes"]]
    wb_sheet = tpl.layout.workbook_sheet(at.sheet)
    used, spend = sample_spend()
    income = published_income()
    writes = []
    for source in (s["source"] for s in fin["sources"]):
        left = income.get(source, Decimal(0)) - spend.get(source, Decimal(0))
        if left <= 0:
            continue
        for c in table["columns"]:
            if c.get("role", "input") != "input":
                continue
            value = _answer(c.get("type", "text"), list_values(data, c.get("list")))
            if c["id"] == fin["source"]:
                value = source
            elif c["id"] == fin["spend"]:
                value = left
            elif c["id"] == fin["area"]:
                value = "Social Care"
            writes.append(CellWrite(wb_sheet, at.rows[used], at.columns[c["id"]], value))
        used += 1
    write_cells(src, writes, dest)
    return dest


def change(src: Path, dest: Path, where: dict) -> Path:
    """Write values by description names: {'field_id': v} or {('table', row_index, 'column'): v}."""
    tpl = open_template(src)
    writes = []
    for key, value in where.items():
        if isinstance(key, str):
            at = tpl.layout.fields[key]
            writes.append(CellWrite(tpl.layout.workbook_sheet(at.sheet), at.row, at.col, value))
        else:
            table, index, column = key
            at = tpl.layout.tables[table]
            writes.append(CellWrite(tpl.layout.workbook_sheet(at.sheet), at.rows[index], at.columns[column], value))
    write_cells(src, writes, dest)
    return dest
