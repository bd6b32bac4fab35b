"""Every message about a register says where the officer will find what it is about: in a workbook
the sheet and the row as Excel shows them, in a CSV file the line of the text."""
from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner
from openpyxl import Workbook

from bcf_addin.cli import main

from support import SAMPLE_PLAN

MONEY = "Expenditure for 2025-26 (£)"
TITLE = ["Leicestershire BCF scheme register 2025-26"]


def sample() -> tuple[list[str], list[list[str]]]:
    with open(SAMPLE_PLAN, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def troubled() -> tuple[list[list[str]], dict[str, int]]:
    """A title, a blank line and the headings, then lines with something to say about each: the
    register's lines, and the line (row) each message must name, counted from the file's first."""
    head, body = sample()
    money, provider = head.index(MONEY), head.index("Provider")
    lines = [list(r) for r in body[:12]]
    lines[2][provider] = "Leics Partnership Trust"            # not on the list
    lines[3][money] = "1234.50"                               # pence
    lines[4][money] = "-1000"                                 # negative
    lines[6] = list(lines[5])                                 # an exact repeat
    total = [""] * len(head)
    total[money] = str(sum(Decimal(r[money]) for r in lines))            # a bare total of them all
    rows = [TITLE, [], head, *lines[:7], [], *lines[7:], total]
    first = 4                                                 # the first line of the register
    at = {"list": first + 2, "pence": first + 3, "negative": first + 4, "repeat": first + 6, "repeated": first + 5,
          "blank": first + 7, "total": len(rows)}
    return rows, at


def write_csv(path: Path, rows) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def write_xlsx(path: Path, rows, sheet: str = "Schemes") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append([v or None for v in r])
    wb.save(path)
    return path


def populate(plan_template, register: Path, *extra, code: int = 0) -> list[str]:
    res = CliRunner().invoke(main, ["populate", str(plan_template), "--schemes", str(register),
                                    "-o", str(register.with_suffix(".out.xlsx")), *extra])
    assert res.exit_code == code, res.output
    return [line for line in res.output.splitlines() if str(register) in line]


def said(messages: list[str], place: str, *words: str) -> str:
    found = [m for m in messages if place in m and all(w in m for w in words)]
    assert len(found) == 1, (place, words, messages)
    return found[0]


def test_a_workbook_registers_messages_name_its_sheet_and_row(plan_template, tmp_path):
    rows, at = troubled()
    messages = populate(plan_template, write_xlsx(tmp_path / "register.xlsx", rows))
    where = "register.xlsx, sheet 'Schemes'"
    said(messages, f"{where}, row {at['list']}, column 'Provider':", "not on the template's list")
    said(messages, f"{where}, row {at['pence']}, column '{MONEY}':", "has pence")
    said(messages, f"{where}, row {at['negative']}, column '{MONEY}':", "negative")
    said(messages, f"{where}, row {at['repeat']}:", f"repeats row {at['repeated']} exactly")
    said(messages, f"{where}: row {at['blank']} is blank")
    said(messages, f"{where}, row {at['total']}:", "a total", "rows ")
    assert len(messages) == 6
    assert not [m for m in messages if re.search(r"\blines? \d", m)], messages


def test_a_csv_registers_messages_name_the_line_of_the_text(plan_template, tmp_path):
    rows, at = troubled()
    messages = populate(plan_template, write_csv(tmp_path / "register.csv", rows))
    where = "register.csv"
    said(messages, f"{where}, line {at['list']}, column 'Provider':", "not on the template's list")
    said(messages, f"{where}, line {at['repeat']}:", f"repeats line {at['repeated']} exactly")
    said(messages, f"{where}: line {at['blank']} is blank")
    said(messages, f"{where}, line {at['total']}:", "a total", "lines ")
    assert not [m for m in messages if re.search(r"\b(rows?|sheet) ", m)], messages


def test_a_workbook_registers_refusals_name_its_sheet_and_row(plan_template, tmp_path):
    rows, _ = troubled()
    head = rows[2]
    rows[5][head.index(MONEY)] = "1.234,56"
    res = CliRunner().invoke(main, ["populate", str(plan_template), "--schemes",
                                    str(write_xlsx(tmp_path / "register.xlsx", rows)), "-o", str(tmp_path / "o.xlsx")])
    assert res.exit_code == 2
    line = res.output.strip().splitlines()[-1]
    assert f"register.xlsx, sheet 'Schemes', cell H6: row 6, column '{MONEY}'" in line, line
    assert not (tmp_path / "o.xlsx").exists()


def test_a_ledgers_lines_added_up_are_named_by_row(populated_plan, tmp_path):
    """A ledger extract kept in a workbook: the lines for one scheme line are named by their rows."""
    ledger = [["Scheme ID", "Source of Funding", MONEY], ["1", "DFG", "600000"], ["1", "DFG", "81800"]]
    messages = populate(populated_plan, write_xlsx(tmp_path / "ledger.xlsx", ledger, "Ledger"))
    said(messages, "ledger.xlsx, sheet 'Ledger', row 2, column", "rows 2 and 3 are all for Scheme ID 1")


def test_lines_carried_from_the_last_return_are_named_by_its_sheet_and_row(populated_plan, plan_template, tmp_path):
    from bcf_addin.api import open_template
    from bcf_addin.workbook import CellWrite
    from bcf_addin.xlsx.writer import write_cells

    at = open_template(populated_plan).layout.tables["schemes"]
    last = tmp_path / "last.xlsx"
    write_cells(populated_plan, [CellWrite("5. Expenditure", at.rows[1], at.columns["expenditure"], -5)], last)
    res = CliRunner().invoke(main, ["populate", str(plan_template), "--from-return", str(last),
                                    "-o", str(tmp_path / "o.xlsx")])
    assert res.exit_code == 0, res.output
    assert (f"warning: {last}, sheet '5. Expenditure', row {at.rows[1]}, column '{MONEY}': -£5 is negative"
            in res.output), res.output
    assert not re.search(r"\blines? \d|\('5\. Expenditure'\)", res.output), res.output


def test_a_blank_line_between_lines_is_a_warning_naming_its_line_of_the_text(plan_template, tmp_path):
    """Named by the line an editor shows, though a quoted value above it runs over two lines; the
    blank lines after the last line need no word."""
    head, body = sample()
    lines = [list(r) for r in body]
    lines[1][head.index("Description of Scheme")] = "Charnwood\nBorough Council"
    lines[4][head.index("Provider")] = "Leics Partnership Trust"
    register = write_csv(tmp_path / "register.csv", [head, *lines[:7], [], *lines[7:], [], []])
    messages = populate(plan_template, register)
    # line 1 the headings, lines 3-4 the second scheme line, the blank line after seven lines is 10
    warning = said(messages, "warning: ", "is blank")
    assert warning.startswith(f"warning: {register}: line 10 is blank, so it was skipped"), messages
    assert "put it back" in warning
    said(messages, f"{register}, line 7, column 'Provider'", "not on the template's list")
    assert not [m for m in messages if "is blank" in m and "line 10" not in m], messages
    assert len(messages) == 2
