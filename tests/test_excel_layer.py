"""The Excel layer (bcf_addin.excelbook) on real xlwings objects, without Excel.

The books are xlwings' remote engine (see excel_support.py): the real xlwings API over the JSON an
Excel client sends, recording every change as an action. Those actions are what these tests
count and compare. What the remote engine cannot do is replaced, and says so where it is:

- message boxes: it records an 'alert' action but cannot wait for the answer, so OK/Cancel
  questions are answered by a stand-in;
- the status bar: it has none (the commands carry on without it);
- opening the report as a new workbook and saving a copy (SaveCopyAs): stand-ins record them;
- formulas: it cannot read them, so one test reads through a stand-in for desktop Excel that
  answers Formula as Excel does.
"""
from __future__ import annotations

import csv
import shutil
import types
from collections import Counter
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bcf_addin import api
from bcf_addin.balances import compute
from bcf_addin.errors import BcfError
from bcf_addin.excelbook import blocks, read_book, rectangles, write_cells
from bcf_addin.excelbook import ExcelWorkbook, WriteRefused, with_writes
from bcf_addin.excelbook.read import engine_value
from bcf_addin.excelbook.write import excel_paused, excel_text, excel_value
from bcf_addin.ribbon import checking, collecting, filling, guide, running, submitting
from bcf_addin.ribbon.dialogs import ExcelUi
from bcf_addin.workbook import Cell, CellWrite
from bcf_addin.present.reports import verdict
from bcf_addin.submission import submission_name
from bcf_addin.xlsx.reader import read_workbook

from excel_support import Answers, actions, funcs, written_cells
from support import SAMPLE_CELLS, SAMPLE_PLAN, needs_libreoffice

pytestmark = pytest.mark.usefixtures("ribbon_folders")

SAMPLES = SAMPLE_PLAN.parent
# The one rule whose findings rest on reading formulas, which the remote engine cannot do.
NEEDS_FORMULAS = {"X601"}
# The errors in the plan populated from the sample register, by rule: the 44 questions a scheme
# register does not answer (on the cover 5 questions, 8 named people and 5 assurances, a finding
# each; 2 on 4. Income; on 6. Metrics 3 rationales, 5 rows of planned figures and 6 indicators;
# 10 national conditions), the empty table of documents, and the two sources the sample's lines
# leave short of Leicestershire's published allocation (NHS Minimum Contribution £294,616 and
# Local Authority Better Care Grant £2,702,745).
POPULATED_ERRORS = Counter({"C101": 5 + 8 + 5 + 2 + 3 + 5 + 6 + 10, "C104": 1, "M301": 2})
ERRORS = f"{POPULATED_ERRORS.total()} errors"


# -- fixtures ----------------------------------------------------------------------------------

def findings(report, drop=frozenset()):
    return [(f.code, f.severity.value, f.sheet, f.cell, f.message) for f in report.findings if f.code not in drop]


def normalised(value):
    """An action's value as the engine would read the cell back: the text mark dropped."""
    if isinstance(value, str):
        value = value[1:] if value.startswith("'") else value
    return engine_value(value if value != "" else None)


# -- (a) reading: the same balances and findings as the file -----------------------------------

def test_balances_read_through_xlwings_equal_bcf_balances_on_the_file(populated_plan, remote):
    book = remote(populated_plan)
    from_excel = compute(api.recognise(read_book(book)))
    from_file = api.balances(populated_plan)
    assert from_excel.to_dict() == from_file.to_dict()
    nhs = from_excel.source("NHS Minimum Contribution")
    assert (nhs.expenditure, nhs.income) == (Decimal(56776363), Decimal(57070979))
    grant = from_excel.source("Local Authority Better Care Grant")
    assert (grant.expenditure, grant.income) == (Decimal(19121530), Decimal(21824275))
    (asc,) = from_excel.minimum_spend
    assert (asc.spend, asc.minimum, asc.met) == (Decimal(32579512), Decimal(31982219), True)
    assert actions(book) == []                  # reading records nothing


def test_check_read_through_xlwings_equals_bcf_check_on_the_file_except_formula_findings(populated_plan, remote):
    wb = read_book(remote(populated_plan))
    assert "formulas" in wb.unknown and {"locked", "merges"} <= wb.unknown
    from_excel = api.check_open(api.recognise(wb))
    from_file = api.check(populated_plan)
    # Without formulas every template formula would look pasted over, and without protection every
    # sheet unprotected: the rules that need them are skipped, and say so, rather than reporting
    # false findings.
    assert from_excel.skipped == ["X601", "X602", "X603"] and from_file.skipped == []
    assert Counter(f.code for f in from_file.errors) == POPULATED_ERRORS
    assert findings(from_file) == findings(from_excel)
    checked = api.check_open(api.recognise(wb))
    assert checked.skipped == ["X601", "X602", "X603"]
    assert ("Sheet protection and the template's own formulas cannot be read from this Excel, so rules "
            "X601, X602, X603 were not applied") in verdict(checked)
    assert findings(api.check_open(api.recognise(wb))) == findings(from_file)


@pytest.mark.parametrize("kind", ["planning-2025-26", "cd-2025-26", "eoy-2024-25", "quarterly-2024-25-q2"])
def test_every_template_is_located_alike_without_locked_cells_or_merges(kind, replicas, remote):
    empty, populated, _ = replicas[kind]
    for path in filter(None, (empty, populated)):
        tpl = api.recognise(read_book(remote(path)))
        on_file = api.open_template(path)
        assert tpl.layout == on_file.layout
        assert compute(tpl).to_dict() == compute(on_file).to_dict()
        assert findings(api.check_open(tpl), NEEDS_FORMULAS) == findings(api.check(path), NEEDS_FORMULAS)


def test_dates_text_and_error_values_come_back_as_the_file_reader_gives_them(complete_plan, remote):
    from_excel = read_book(remote(complete_plan))
    from_file = read_workbook(complete_plan)
    for name, sheet in from_file.sheets.items():
        got = {k: c.value for k, c in from_excel.sheets[name].cells.items() if c.value is not None}
        want = {k: c.value for k, c in sheet.cells.items() if c.value is not None}
        assert got == want, name
    assert any(isinstance(c.value, datetime) for s in from_excel.sheets.values() for c in s.cells.values())
    assert findings(api.check_open(api.recognise(from_excel)), NEEDS_FORMULAS) == \
        findings(api.check(complete_plan), NEEDS_FORMULAS)


@needs_libreoffice
def test_with_excel_results_in_every_formula_cell_the_check_still_agrees(complete_plan, remote, tmp_path):
    from recalc import recalculate

    # What a client sends for formula cells is Excel's result; LibreOffice's stands in for it.
    calc = recalculate(complete_plan, tmp_path / "calculated.xlsx")
    tpl = api.recognise(read_book(remote(calc)))
    assert tpl.workbook.sheets["3. Summary"].value(6, 3) == "Leicestershire"     # a formula's result
    assert compute(tpl).to_dict() == api.balances(calc).to_dict()
    assert findings(api.check_open(tpl)) == findings(api.check(calc), NEEDS_FORMULAS)


def test_desktop_excel_formulas_are_read_in_one_call_per_sheet_and_x601_is_then_checked(populated_plan):
    book = DesktopBook(populated_plan)
    wb = read_book(book)
    assert "formulas" not in wb.unknown
    assert book.calls == Counter({"used_range": 9, "value": 9, "formula": 9})
    on_file = read_workbook(populated_plan)
    for name, sheet in on_file.sheets.items():
        want = {k: c.formula for k, c in sheet.cells.items() if c.formula}
        got = {k: c.formula for k, c in wb.sheets[name].cells.items() if c.formula}
        assert got == want, name
    # A text cell typed as '=... reads back its text as both value and Formula: still text.
    sheet, row, col = DesktopBook.TEXT_AT
    assert wb.sheets[sheet].get(row, col) == Cell("=see below")
    report = api.check_open(api.recognise(wb))
    # Excel gives no sheet protection to any engine: the unprotected-sheet rule is left to the file.
    assert report.skipped == ["X602"]
    assert "Sheet protection cannot be read from this Excel, so rule X602 was not applied" in verdict(report)
    assert findings(report) == findings(api.check(populated_plan))


# -- (b) writing: what the file path writes, in one call per block -----------------------------

def planned(path, registers):
    tpl = api.open_template(path)
    return [w for p in api.plan_populate(tpl, registers) for w in p.writes]


@pytest.mark.parametrize("kind", ["planning-2025-26", "cd-2025-26", "eoy-2024-25"])
def test_populate_writes_what_the_file_path_writes_in_one_call_per_block(kind, replicas, remote):
    empty, populated, registers = replicas[kind]
    book = remote(empty)
    ui = Answers(book)
    result = filling.populate(book, ui=ui, choose_register=lambda: registers)
    writes = planned(empty, registers)
    assert result.written == len(writes)
    got = {k: normalised(v) for k, v in written_cells(book).items()}
    assert got == {(w.sheet, w.row, w.col): w.value for w in writes}
    on_file = read_workbook(populated)
    assert all(on_file.sheets[s].value(r, c) == v for (s, r, c), v in got.items())
    # One setValues per rectangle of input cells, never one per cell.
    calls = Counter(funcs(book))
    assert calls["setValues"] == len(blocks(writes)) < len(writes) / 10
    # The check after populating is the check of the populated file.
    assert findings(result.checked) == findings(api.check(populated), NEEDS_FORMULAS)


def test_the_74_line_plan_is_one_block_and_six_actions(plan_template, remote):
    book = remote(plan_template)
    result = filling.populate(book, ui=Answers(book), choose_register=lambda: SAMPLE_PLAN)
    assert result.written == SAMPLE_CELLS
    assert funcs(book) == ["setScreenUpdating", "setCalculation", "setValues", "setCalculation",
                           "setScreenUpdating", "alert"]
    (write,) = [a for a in actions(book) if a["func"] == "setValues"]
    assert (write["start_row"] + 1, write["start_column"] + 1, write["row_count"], write["column_count"]) == \
        (26, 2, 74, 8)
    assert write["sheet_position"] == [s.name for s in book.sheets].index("5. Expenditure")
    assert [a["args"] for a in actions(book) if a["func"] != "setValues"][:2] == [[False], ["Manual"]]
    assert [a["args"] for a in actions(book)][3:5] == [["Automatic"], [True]]
    summary = actions(book)[-1]["args"][0]
    assert "Wrote 592 cells" in summary and "74 lines into the schemes table" in summary
    assert ERRORS in summary and "not complete" in summary


def test_the_notes_in_the_populate_message_say_where_in_the_register(plan_template, remote, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Schemes"
    ws.append(["Leicestershire BCF scheme register"])
    for i, row in enumerate(csv.reader(SAMPLE_PLAN.open(encoding="utf-8", newline=""))):
        ws.append([(v or None) if i != 2 or j != 5 else "Leics Partnership Trust" for j, v in enumerate(row)])
    wb.save(tmp_path / "register.xlsx")
    book = remote(plan_template)
    ui = Answers(book)
    filling.populate(book, ui=ui, choose_register=lambda: tmp_path / "register.xlsx")
    assert "warning: sheet 'Schemes', row 4, column 'Provider': 'Leics Partnership Trust' is not on" in ui.messages[-1]


def test_a_register_the_template_cannot_take_writes_nothing_and_says_why(plan_template, remote, tmp_path):
    bad = tmp_path / "register.csv"
    bad.write_text("Scheme ID,Expenditure for 2025-26 (£)\n1,not money\n", encoding="utf-8")
    for register in (bad, tmp_path / "missing.csv"):
        book = remote(plan_template)
        ui = Answers(book)
        assert filling.populate(book, ui=ui, choose_register=lambda: register) is None
        assert funcs(book) == ["alert"]
        assert "Traceback" not in ui.messages[0] and register.name in ui.messages[0]
        assert ui.statuses[-1] is None


def test_cancelling_the_file_chooser_writes_nothing(plan_template, remote):
    book = remote(plan_template)
    assert filling.populate(book, ui=Answers(book, choose_files=lambda: None)) is None
    assert funcs(book) == []


# -- (c) calls per command ---------------------------------------------------------------------

@pytest.fixture
def reads(monkeypatch):
    """Count the remote engine's reads: used ranges, value grids and formula attempts."""
    from xlwings.pro import _xlremote

    counts = Counter()

    def counted(cls, name, key):
        prop = getattr(cls, name)

        def get(self):
            counts[key] += 1
            return prop.fget(self)

        monkeypatch.setattr(cls, name, property(get, prop.fset))

    counted(_xlremote.Sheet, "used_range", "used_range")
    counted(_xlremote.Range, "raw_value", "values")
    counted(_xlremote.Range, "formula", "formulas")
    return counts


def test_calls_per_command(populated_plan, plan_template, remote, reads, xw):
    sheets = len(read_workbook(populated_plan).sheets)
    reads.clear()

    book = remote(populated_plan)
    ui = Answers(book)
    checking.check(book, ui=ui)
    assert funcs(book) == ["alert"] and len(ui.opened) == 1
    # One used range and one value grid per sheet; formulas asked once, then known to be unreadable.
    assert reads == Counter({"used_range": sheets, "values": sheets, "formulas": 1})

    reads.clear()
    book = remote(populated_plan)
    checking.balances(book, ui=Answers(book))
    assert funcs(book) == ["alert"]
    assert reads == Counter({"used_range": sheets, "values": sheets, "formulas": 1})

    reads.clear()
    book = remote(plan_template)
    filling.populate(book, ui=Answers(book), choose_register=lambda: SAMPLE_PLAN)
    assert Counter(funcs(book)) == Counter({"setScreenUpdating": 2, "setCalculation": 2, "setValues": 1, "alert": 1})
    # The check after writing works on what was read and written: Excel is not read again.
    assert reads == Counter({"used_range": sheets, "values": sheets, "formulas": 1})


def test_the_report_is_the_cli_report_and_opens_as_a_new_workbook(populated_plan, remote, tmp_path):
    from openpyxl import load_workbook

    from bcf_addin.report_workbook import write_report

    book = remote(populated_plan)
    ui = Answers(book)
    report = checking.check(book, ui=ui)
    (opened,) = ui.opened
    assert opened.suffix == ".xlsx" and opened.exists()
    cli = write_report(api.check(populated_plan), tmp_path / "cli.xlsx")
    rows = lambda p: [r for r in load_workbook(p)["Findings"].iter_rows(values_only=True)]  # noqa: E731
    assert rows(opened) == rows(cli)
    assert Counter(f.code for f in report.errors) == POPULATED_ERRORS
    message = ui.messages[-1]
    assert ERRORS in message and "not complete" in message
    # The unallocated funds in M301's own words, as bcf check says them.
    m301 = [f.message for f in report.findings if f.code == "M301"]
    assert len(m301) == 2 and all(f"M301: {text}" in message for text in m301)
    assert "£294,616 of the NHS Minimum Contribution (£57,070,979) is not allocated" in message


def test_balances_message_in_plain_english(populated_plan, remote):
    book = remote(populated_plan)
    ui = Answers(book)
    checking.balances(book, ui=ui)
    text = ui.messages[-1]
    assert "NHS Minimum Contribution: £56,776,363 of £57,070,979 allocated; £294,616 unallocated." in text
    assert "Local Authority Better Care Grant: £19,121,530 of £21,824,275 allocated" in text
    assert "£32,579,512 against a minimum of £31,982,219 (met)" in text
    assert len(ui.opened) == 1


def test_balances_of_a_capacity_and_demand_return_says_its_capacity_and_demand(replicas, remote):
    """What bcf balances shows for C&D, in a message's room: each service's months short of capacity
    and the largest shortfall, without and with spot purchasing; month by month in the workbook."""
    from openpyxl import load_workbook

    _, populated, _ = replicas["cd-2025-26"]
    book = remote(populated)
    ui = Answers(book)
    checking.balances(book, ui=ui)
    text = ui.messages[-1]
    assert "no running balances" not in text and len(text) <= 1000
    step_down = api.balances(populated).capacity_demand[0]
    p1 = step_down.services[0]
    worst = min(p1.months, key=lambda m: m.surplus)
    spot = [m for m in p1.months if m.surplus_with_spot < 0]
    assert (f"  {p1.service}: short every month, up to {-worst.surplus:,} ({worst.month}); with spot purchasing "
            f"{len(spot)} months, up to {-min(m.surplus_with_spot for m in spot):,}") in text
    # Leicestershire's published step-down return: 148 short in Jan-26, 39 with spot purchasing.
    assert "(pathway 1): short every month, up to 148 (Jan-26); with spot purchasing 6 months, up to 39" in text
    assert "Enough every month: Other short term bedded care (pathway 2)" in text
    (opened,) = ui.opened
    rows = [r for r in load_workbook(opened)["Summary"].iter_rows(values_only=True)]
    at = rows.index(next(r for r in rows if r[0] == p1.service))
    assert rows[at][1:13] == tuple(m.month for m in p1.months)
    assert next(r for r in rows[at:] if r[0] == "Surplus")[1:13] == tuple(int(m.surplus) for m in p1.months)


def test_what_changed_compares_the_open_return_with_the_earlier_file(populated_plan, remote, tmp_path):
    """The open return has one amount changed in Excel (not yet saved); the file picked is the one sent."""
    from openpyxl import load_workbook

    edited = tmp_path / "edited.xlsx"
    wb = load_workbook(populated_plan)
    wb["5. Expenditure"]["I38"] = 7200000
    wb.save(edited)
    book = remote(edited)
    ui = Answers(book)
    d = checking.what_changed(book, ui=ui, choose_file=lambda: populated_plan)
    assert [(c.sheet, c.cell, c.key, c.old, c.new) for c in d.changes] == [
        ("5. Expenditure", "I38", "Scheme ID 13", 7152110, 7200000)]
    (opened,) = ui.opened
    rows = list(load_workbook(opened)["What changed"].iter_rows(min_row=2, values_only=True))
    assert rows == [("changed", "5. Expenditure", "I38", "Scheme ID 13", "Expenditure for 2025-26 (£)",
                     7152110, 7200000, 47890)]
    message = ui.messages[-1]
    assert "1 line changed, 0 added, 0 removed; 0 other answers changed." in message
    assert "NHS Minimum Contribution, expenditure: £56,776,363 -> £56,824,253" in message


def test_what_changed_against_the_same_return_opens_nothing(populated_plan, remote):
    book = remote(populated_plan)
    ui = Answers(book)
    assert checking.what_changed(book, ui=ui, choose_file=lambda: populated_plan).same
    assert ui.opened == [] and "nothing has changed" in ui.messages[-1]


def test_what_changed_cancelled_does_nothing(populated_plan, remote):
    book = remote(populated_plan)
    ui = Answers(book)
    assert checking.what_changed(book, ui=ui, choose_file=lambda: None) is None
    assert ui.opened == [] and ui.messages == []


def test_collect_returns_asks_for_a_folder_and_opens_the_summary(populated_plan, remote, tmp_path):
    import shutil

    from openpyxl import load_workbook

    folder = tmp_path / "region"
    folder.mkdir()
    shutil.copy(populated_plan, folder / "Leicestershire HWB.xlsx")
    (folder / "notes.xlsx").write_bytes(b"not a workbook")
    book = remote(populated_plan)
    for _ in range(2):      # a second run does not take the first run's outputs for returns
        ui = Answers(book)
        result = collecting.collect_returns(book, ui=ui, choose_folder=lambda: folder)
        assert result is not None, ui.messages
        assert ui.opened == [folder / "collected" / "summary.xlsx"]
        assert len(result.tables["returns"]) == 2
        assert ui.messages[-1].startswith("1 returns checked, 1 could not be used")
    returns = list(load_workbook(ui.opened[0])["returns"].iter_rows(min_row=2, values_only=True))
    assert sorted(r[0] for r in returns) == [str(folder / "Leicestershire HWB.xlsx"), str(folder / "notes.xlsx")]


def test_collect_returns_cancelled_does_nothing(populated_plan, remote):
    book = remote(populated_plan)
    ui = Answers(book)
    assert collecting.collect_returns(book, ui=ui, choose_folder=lambda: None) is None


def test_check_narrative_holds_the_document_to_the_open_return(populated_plan, remote, tmp_path):
    from openpyxl import load_workbook

    from bcf_addin.narrative.check import check_narrative
    from narrative_docx import build_narrative

    narrative = build_narrative(tmp_path / "Leicestershire narrative 2026-27.docx")
    book = remote(populated_plan)
    ui = Answers(book)
    report = checking.check_narrative(book, ui=ui, choose_file=lambda: narrative)
    from_files = check_narrative(narrative, [populated_plan])
    assert findings(report) == findings(from_files) and any(f.code == "N807" for f in report.findings)
    (opened,) = ui.opened
    rows = list(load_workbook(opened)["Findings"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[4]) for r in rows] == [(f.severity.value, f.code, f.message) for f in report.findings]
    message = ui.messages[-1]
    assert "not ready yet: 2 errors to fix" in message and "error N803: 'Choose an item.'" in message


def test_check_narrative_cancelled_does_nothing(populated_plan, remote):
    book = remote(populated_plan)
    ui = Answers(book)
    assert checking.check_narrative(book, ui=ui, choose_file=lambda: None) is None
    assert ui.opened == [] and ui.messages == []


class _ReportInFront:
    """The findings workbook Check opened, in front when the next button is pressed."""

    def __init__(self, stem: str, others=()):
        self.fullname = str(running.reports_folder() / f"{stem} - check 101502.xlsx")
        self.name = Path(self.fullname).name
        self.app = types.SimpleNamespace(books=[self, *others])


def test_a_button_pressed_on_a_report_works_on_the_return_it_was_made_from(populated_plan, remote):
    book = remote(populated_plan)
    assert Path(book.fullname).stem == "Leicestershire HWB"
    ui = Answers(book)
    report = checking.check(_ReportInFront("Leicestershire HWB", [book]), ui=ui)
    assert report is not None, ui.messages
    assert findings(report) == findings(api.check(populated_plan), drop=NEEDS_FORMULAS)


def test_a_report_whose_return_is_closed_says_so(populated_plan, remote):
    ui = Answers(remote(populated_plan))
    assert checking.check(_ReportInFront("Leicestershire HWB"), ui=ui) is None
    assert "is a report the Better Care Fund tools wrote" in ui.messages[-1]
    assert "Open the return, click in it, and press the button again." in ui.messages[-1]


def test_a_return_open_from_sharepoint_without_a_synced_copy_is_told_how_to_save(populated_plan, remote):
    book = remote(populated_plan)
    ui = Answers(book)
    address = "https://council.sharepoint.com/sites/BCF/Shared Documents/Leicestershire HWB.xlsx"
    ui.book_path = lambda: None
    ui.online_address = lambda: address
    assert submitting.save_for_submission(book, ui=ui) is None
    assert address in ui.messages[-1] and "Sync" in ui.messages[-1] and "SHAREPOINT_WIN" in ui.messages[-1]


# -- (d) write_cells ---------------------------------------------------------------------------

def test_rectangles_of_a_full_block_is_one():
    cells = {(r, c) for r in range(26, 100) for c in range(2, 10)}
    assert rectangles(cells) == [(26, 2, 99, 9)]


def test_rectangles_split_at_gaps_in_rows_and_columns():
    cells = {(1, 1), (1, 2), (2, 1), (2, 2), (4, 1), (4, 2), (1, 4)}
    assert rectangles(cells) == [(1, 1, 2, 2), (1, 4, 1, 4), (4, 1, 4, 2)]


def test_an_optional_column_filled_on_some_lines_does_not_split_the_table_into_lines():
    table = {(r, c) for r in range(10, 40) for c in range(2, 10)}
    comments = {(12, 10), (13, 10), (30, 10)}
    assert rectangles(table | comments) == [(10, 2, 39, 9), (12, 10, 13, 10), (30, 10, 30, 10)]


def test_an_l_shape_is_two_blocks():
    cells = {(1, 1), (1, 2), (1, 3), (2, 1), (3, 1)}
    assert len(rectangles(cells)) == 2


@settings(max_examples=200, deadline=None)
@given(st.sets(st.tuples(st.integers(1, 12), st.integers(1, 8)), max_size=60))
def test_rectangles_cover_exactly_the_cells_once(cells):
    covered = Counter((r, c) for r1, c1, r2, c2 in rectangles(cells)
                      for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
    assert set(covered) == cells and all(n == 1 for n in covered.values())
    rows = {r for r, _ in cells}
    assert len(rectangles(cells)) <= sum(1 for r in rows for c in range(1, 9)
                                         if (r, c) in cells and (r, c - 1) not in cells)


def test_blocks_go_by_sheet_and_the_last_value_of_a_cell_wins():
    writes = [CellWrite("B", 1, 1, "x"), CellWrite("A", 1, 1, Decimal(1)), CellWrite("A", 1, 2, Decimal(2)),
              CellWrite("B", 1, 1, "y"), CellWrite("A", 2, 1, None), CellWrite("A", 2, 2, Decimal(4))]
    got = [(b.sheet, b.ref, b.values) for b in blocks(writes)]
    assert got == [("B", "A1", (("y",),)), ("A", "A1:B2", ((Decimal(1), Decimal(2)), (None, Decimal(4))))]


def test_text_that_excel_would_read_as_something_else_stays_text(remote, plan_template):
    for text in ("=SUM(A1:A3)", "+44 116 305 0786", "-", "@home", "#N/A", "007", "1/4", "TRUE", "'quoted"):
        assert excel_text(text) == "'" + text
    for text in ("Yes", "Disabled Facilities Grant related schemes", "Social Care", ""):
        assert excel_text(text) == text
    assert excel_value(Decimal("681800")) == 681800 and isinstance(excel_value(Decimal("681800")), int)
    assert excel_value(Decimal("0.45")) == 0.45 and excel_value(None) is None
    book = remote(plan_template)
    at = api.open_template(plan_template).layout.tables["schemes"]
    row, col = at.rows[0], at.columns["description"]
    write_cells(book, [CellWrite("5. Expenditure", row, col, "=HYPERLINK(\"x\")"),
                       CellWrite("5. Expenditure", row, col + 1, None)])
    (write,) = [a for a in actions(book) if a["func"] == "setValues"]
    # Written as text with Excel's text mark; None clears its cell ("" to the client).
    assert write["values"] == [["'=HYPERLINK(\"x\")", ""]]
    assert not any(a["func"] in ("setFormula", "setNumberFormat") for a in actions(book))


def test_settings_are_put_back_and_written_cells_restored_when_excel_refuses_a_block(plan_template, remote,
                                                                                     monkeypatch):
    from xlwings.pro import _xlremote

    book = remote(plan_template)
    before = read_book(book)
    at = api.open_template(plan_template).layout.tables["schemes"]
    writes = [CellWrite("5. Expenditure", at.rows[0], at.columns["scheme_id"], "1"),
              CellWrite("4. Income", 10, 4, Decimal(5))]
    prop = _xlremote.Range.raw_value
    refused = []

    def set_value(self, value):
        if self.sheet.name == "4. Income" and not refused:
            refused.append(self)
            raise RuntimeError("The cell or chart you're trying to change is on a protected sheet.")
        prop.fset(self, value)

    monkeypatch.setattr(_xlremote.Range, "raw_value", property(prop.fget, set_value))
    with pytest.raises(WriteRefused, match="protected sheet") as caught:
        write_cells(book, writes, before=before)
    assert "Nothing in the return was changed" in str(caught.value) and caught.value.sheet == "4. Income"
    assert funcs(book) == ["setScreenUpdating", "setCalculation", "setValues", "setValues",
                           "setCalculation", "setScreenUpdating"]
    first, undo = [a["values"] for a in actions(book) if a["func"] == "setValues"]
    assert first == [["'1"]] and undo == [[""]]
    assert [a["args"] for a in actions(book)][-2:] == [["Automatic"], [True]]


class Settings:
    """An app whose settings can fail, to see that one failing neither stops nor strands the other."""

    def __init__(self, calculation="automatic", fail=()):
        self.log = []
        self._calculation = calculation
        self.fail = set(fail)

    @property
    def screen_updating(self):
        if "read screen_updating" in self.fail:
            raise NotImplementedError
        return True

    @screen_updating.setter
    def screen_updating(self, value):
        self.log.append(("screen_updating", value))

    @property
    def calculation(self):
        if "read calculation" in self.fail:
            raise NotImplementedError
        return self._calculation

    @calculation.setter
    def calculation(self, value):
        if f"set calculation {value}" in self.fail:
            raise RuntimeError("refused")
        self.log.append(("calculation", value))


def test_settings_are_put_back_even_when_the_write_raises():
    app = Settings()
    with pytest.raises(ZeroDivisionError):
        with excel_paused(app):
            1 / 0
    assert app.log == [("screen_updating", False), ("calculation", "manual"),
                       ("calculation", "automatic"), ("screen_updating", True)]


def test_settings_an_engine_lacks_are_left_alone():
    app = Settings(fail={"read calculation", "read screen_updating"})
    with excel_paused(app):
        pass
    assert app.log == [("screen_updating", False), ("screen_updating", True)]
    app = Settings(fail={"set calculation manual"})
    with excel_paused(app):
        pass
    assert app.log == [("screen_updating", False), ("screen_updating", True)]
    app = Settings(calculation="manual")
    with excel_paused(app):
        pass
    assert app.log == [("screen_updating", False), ("screen_updating", True)]


def test_a_client_that_sends_no_calculation_mode_gets_no_calculation_actions(plan_template, remote):
    book = remote(plan_template, calculation=None)
    write_cells(book, [CellWrite("5. Expenditure", 26, 2, "1")])
    assert funcs(book) == ["setScreenUpdating", "setValues", "setScreenUpdating"]


def test_with_writes_is_the_workbook_as_read_after_the_write(plan_template, remote):
    wb = read_book(remote(plan_template))
    after = with_writes(wb, [CellWrite("5. Expenditure", 26, 2, "1"), CellWrite("2. Cover", 14, 3, None)])
    assert isinstance(after, ExcelWorkbook) and after.unknown == wb.unknown
    assert after.sheets["5. Expenditure"].value(26, 2) == "1" and wb.sheets["5. Expenditure"].value(26, 2) is None


def test_a_used_range_away_from_a1_keeps_its_cells_in_place():
    from bcf_addin.excelbook.read import _sheet

    sheet = _sheet("S", 3, 2, [[1.0, None], [None, "x"]], (("1", ""), ("", "x")))
    assert {k: c.value for k, c in sheet.cells.items()} == {(3, 2): Decimal(1), (4, 3): "x"}
    assert (sheet.max_row, sheet.max_col) == (4, 3)
    assert _sheet("S", 1, 1, [[None]], "").cells == {}


def test_an_error_the_officer_can_act_on_reads_as_a_sentence():
    plain = running.plain
    assert plain(BcfError("does not exist", file="C:/x/plan.csv")) == "C:/x/plan.csv does not exist."
    assert plain(BcfError("cannot find the label 'Income'", file="r.xlsx", sheet="4. Income",
                          hint="is this the right template")) == \
        "r.xlsx, sheet '4. Income':\ncannot find the label 'Income'.\n\nIs this the right template."
    assert plain(BcfError("say where to write the result")) == "Say where to write the result."


def test_a_workbook_not_recognised_points_at_the_template_buttons(remote, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "Household budget 2025"
    path = tmp_path / "budget.xlsx"
    wb.save(path)
    book = remote(path)
    ui = Answers(book)
    checking.check(book, ui=ui)
    assert "is not a template this tool knows" in ui.messages[-1]
    assert ui.messages[-1].endswith("press Inspect template; for a new year's template, Learn template.")


def test_numbers_read_exactly():
    assert engine_value(0.1 + 0.2) == Decimal("0.30000000000000004")
    assert engine_value(0.45) == Decimal("0.45") and engine_value(57070979.0) == Decimal(57070979)
    assert engine_value(12) == Decimal(12) and engine_value(True) is True and engine_value("") is None
    assert engine_value(datetime(1899, 12, 30, 12)) == Decimal("0.5")


# -- save for submission -----------------------------------------------------------------------

@pytest.fixture
def saved_return(populated_plan, tmp_path):
    """The populated plan saved by the officer under a name of their own."""
    folder = tmp_path / "returns"
    folder.mkdir()
    path = folder / "Leicestershire plan 2025-26 draft.xlsx"
    shutil.copy(populated_plan, path)
    return path


def copy_of(src):
    return lambda path: shutil.copy(src, path)


REASON = "sign-off by the board on 2 June"


def test_save_for_submission_saves_the_pack_bcf_submit_writes(saved_return, remote):
    import json
    from email import policy
    from email.parser import BytesParser

    from conftest import REGIONAL_MANAGER

    book = remote(saved_return, name=str(saved_return))
    ui = Answers(book, answers=[REASON], save_copy_as=copy_of(saved_return))
    saved = submitting.save_for_submission(book, ui=ui)
    folder = saved_return.parent
    assert saved == folder / "Leicestershire HWB.xlsx" and saved.read_bytes() == saved_return.read_bytes()
    assert ERRORS in ui.questions[0] and "say why" in ui.questions[0]
    assert book.name == str(saved_return) and saved_return.exists()
    assert "save" not in funcs(book) and "setValues" not in funcs(book)
    assert "still Leicestershire plan 2025-26 draft.xlsx" in ui.messages[-1]
    assert sorted(p.name for p in folder.iterdir()) == [
        "Leicestershire HWB.eml", "Leicestershire HWB.xlsx", "Leicestershire plan 2025-26 draft.xlsx", "manifest.json"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["accepted_errors"] == REASON and manifest["errors_left"] == ["C101", "C104", "M301"]
    # Read from Excel, whose results are its own: not stale as after a file-based write.
    assert manifest["check"]["stale_results"] is False
    msg = BytesParser(policy=policy.default).parsebytes((folder / "Leicestershire HWB.eml").read_bytes())
    assert msg["Cc"] == REGIONAL_MANAGER and REASON in msg.get_body(("plain",)).get_content()


class FakeOutlook:
    """Classic Outlook's COM objects as far as a draft goes; sending is a failure of the test."""

    def __init__(self):
        self.items = []

    def CreateItem(self, kind):
        assert kind == 0
        item = types.SimpleNamespace(attached=[], shown=[])
        item.Attachments = types.SimpleNamespace(Add=item.attached.append)
        item.Display = item.shown.append
        item.Send = lambda: pytest.fail("the draft was sent")
        self.items.append(item)
        return item


def test_with_classic_outlook_the_draft_opens_in_outlook_and_is_never_sent(saved_return, remote):
    from conftest import REGIONAL_MANAGER

    outlook = FakeOutlook()
    book = remote(saved_return, name=str(saved_return))
    ui = Answers(book, answers=[REASON], save_copy_as=copy_of(saved_return))
    saved = submitting.save_for_submission(book, ui=ui, outlook=outlook)
    (item,) = outlook.items
    assert item.attached == [str(saved)] and item.shown == [False]
    assert item.To == "england.bettercarefundteam@nhs.net" and item.CC == REGIONAL_MANAGER
    assert REASON in item.Body and item.Subject.startswith("Leicestershire HWB: ")
    assert not list(saved_return.parent.glob("*.eml")) and "open in Outlook" in ui.messages[-1]


def test_classic_outlook_only_on_windows_and_only_when_it_answers():
    from bcf_addin.outlook import classic_outlook

    app = object()
    assert classic_outlook(lambda name: app, platform="win32") is app
    assert classic_outlook(lambda name: pytest.fail("asked off Windows"), platform="darwin") is None

    def new_outlook(name):
        raise OSError("Invalid class string")

    assert classic_outlook(new_outlook, platform="win32") is None


def test_without_a_regional_manager_the_message_says_where_to_set_one(saved_return, remote, user_folder):
    (user_folder / "config.yaml").unlink()
    book = remote(saved_return, name=str(saved_return))
    ui = Answers(book, answers=[REASON], save_copy_as=copy_of(saved_return))
    assert submitting.save_for_submission(book, ui=ui) is not None
    assert f"regional_manager: name@nhs.net' in {user_folder / 'config.yaml'}" in ui.messages[-1]


def test_cancel_on_the_errors_question_saves_nothing(saved_return, remote):
    book = remote(saved_return, name=str(saved_return))
    for answer in (None, "   "):
        ui = Answers(book, answers=[answer], save_copy_as=copy_of(saved_return))
        assert submitting.save_for_submission(book, ui=ui) is None
        assert sorted(p.name for p in saved_return.parent.iterdir()) == [saved_return.name] and ui.messages == []


def test_an_existing_copy_is_replaced_only_when_the_officer_says_so(saved_return, remote):
    existing = saved_return.parent / "Leicestershire HWB.xlsx"
    existing.write_bytes(b"last week's copy")
    book = remote(saved_return, name=str(saved_return))
    ui = Answers(book, answers=[REASON, False], save_copy_as=copy_of(saved_return))
    assert submitting.save_for_submission(book, ui=ui) is None
    assert existing.read_bytes() == b"last week's copy" and "already there" in ui.questions[1]
    ui = Answers(book, answers=[REASON, True], save_copy_as=copy_of(saved_return))
    assert submitting.save_for_submission(book, ui=ui) == existing
    assert existing.read_bytes() == saved_return.read_bytes()
    (backup,) = saved_return.parent.glob("Leicestershire HWB (backup *).xlsx")
    assert backup.read_bytes() == b"last week's copy"


def test_the_remote_engine_cannot_take_a_reason_so_nothing_is_saved(saved_return, remote):
    book = remote(saved_return, name=str(saved_return))
    ui = ExcelUi(book, save_copy_as=copy_of(saved_return))
    assert submitting.save_for_submission(book, ui=ui) is None
    assert funcs(book) == ["alert"] and "--accept-errors" in actions(book)[0]["args"][0]
    assert not (saved_return.parent / "Leicestershire HWB.xlsx").exists()


def test_a_return_never_saved_to_a_folder_is_asked_to_be_saved_first(populated_plan, remote):
    book = remote(populated_plan, name="Book1")
    ui = Answers(book)
    assert submitting.save_for_submission(book, ui=ui) is None
    assert "has not been saved" in ui.messages[0] and "Leicestershire HWB.xlsx" in ui.messages[0]
    assert ui.saved_copies == []


def test_submission_names(replicas, populated_plan):
    assert submission_name(api.open_template(populated_plan)) == "Leicestershire HWB.xlsx"
    assert submission_name(api.open_template(replicas["cd-2025-26"][0])) == "C&D - Leicestershire HWB.xlsx"
    blank = api.open_template(api.new_replica("planning-2025-26", populated_plan.parent / "blank.xlsx"))
    with pytest.raises(BcfError, match="Health and Wellbeing Board is not chosen"):
        submission_name(blank)


# -- errors, progress, help --------------------------------------------------------------------

def test_an_unexpected_error_is_a_short_message_with_the_log_and_no_traceback(plan_template, remote, tmp_path):
    book = remote(plan_template)
    ui = Answers(book)

    def broken():
        raise KeyError("scheme_id")

    assert filling.populate(book, ui=ui, choose_register=broken) is None
    (message,) = ui.messages
    assert "did not expect" in message and "KeyError" in message and str(running.log_file()) in message
    assert "Traceback" not in message
    assert "Traceback" in running.log_file().read_text(encoding="utf-8")
    assert ui.statuses[0].startswith("Better Care Fund") and ui.statuses[-1] is None
    assert funcs(book) == ["alert"]


def test_a_workbook_that_is_not_a_return_is_a_plain_message(tmp_path, remote):
    from openpyxl import Workbook

    other = tmp_path / "budget.xlsx"
    wb = Workbook()
    wb.active["A1"] = "Budget"
    wb.save(other)
    book = remote(other)
    ui = Answers(book)
    assert checking.check(book, ui=ui) is None
    assert ui.messages and "Traceback" not in ui.messages[0] and ui.opened == []


def test_status_bar_progress_is_handed_back_to_excel(plan_template, remote):
    book = remote(plan_template)
    ui = Answers(book)
    filling.populate(book, ui=ui, choose_register=lambda: SAMPLE_PLAN)
    shown = [s for s in ui.statuses if s]
    assert any("writing 592 cells" in s for s in shown) and any("checking" in s for s in shown)
    assert ui.statuses[-1] is None


def test_help_opens_the_guide_in_the_browser(plan_template, remote):
    book = remote(plan_template)
    ui = Answers(book)
    url = guide.help(book, ui=ui)
    assert ui.urls == [url] and url.startswith("file:")
    page = Path(unquote(urlparse(url).path))
    assert "The Better Care Fund add-in for Excel" in page.read_text(encoding="utf-8")
    assert funcs(book) == []


# -- a stand-in for desktop Excel, for what the remote engine cannot read ----------------------

class DesktopBook:
    """Answers read_book's calls as desktop Excel does (values as floats, Formula as text with
    '=' for formula cells and the constant's text otherwise), counting them."""

    TEXT_AT = ("1. Guidance", 1, 1)     # a cell typed as '=see below, where nothing reads it

    def __init__(self, path):
        from bcf_addin.workbook import Cell

        self.calls = Counter()
        self.fullname = str(path)
        self.name = Path(path).name
        wb = read_workbook(path)
        sheet, row, col = self.TEXT_AT
        assert wb.sheets[sheet].value(row, col) is None
        wb.sheets[sheet].cells[(row, col)] = Cell("=see below")
        self.sheets = [_DesktopSheet(self, s) for s in wb.sheets.values()]


class _DesktopSheet:
    def __init__(self, book, sheet):
        self.book, self.sheet, self.name = book, sheet, sheet.name

    @property
    def used_range(self):
        self.book.calls["used_range"] += 1
        return _DesktopRange(self)


class _DesktopRange:
    def __init__(self, sheet):
        self.s = sheet
        self.row = self.column = 1

    def options(self, **_):
        return self

    def _grid(self, f):
        s = self.s.sheet
        return tuple(tuple(f(s.get(r, c)) for c in range(1, s.max_col + 1)) for r in range(1, s.max_row + 1))

    @property
    def value(self):
        self.s.book.calls["value"] += 1
        return self._grid(lambda c: float(c.value) if isinstance(c.value, Decimal) else c.value)

    @property
    def formula(self):
        self.s.book.calls["formula"] += 1
        return self._grid(lambda c: "=" + c.formula if c.formula else
                          "" if c.value is None else str(c.value))
