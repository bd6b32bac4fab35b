"""The ribbon's Roll forward, Inspect template and Learn template buttons, on real xlwings Books
(the remote engine, fed what an Excel client sends) and on templates built by other code: the
Leicestershire replicas and the NHS England-style template written with XlsxWriter."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from bcf_addin import api
from bcf_addin.ribbon import filling, templates
from bcf_addin.ribbon.roll_forward import roll_forward

from excel_support import Answers, funcs, written_cells
from nhs_style.planning_2025_26 import build
from support import SAMPLE_PLAN

SAMPLES = SAMPLE_PLAN.parent
pytestmark = pytest.mark.usefixtures("ribbon_folders")


class Saved(Answers):
    """The workbook in front as saved at `path` (the remote engine's books have no folder)."""

    def __init__(self, book, path: Path, answers=()):
        super().__init__(book, answers)
        self._path = path

    def book_path(self):
        return self._path


# -- Roll forward ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def last_year(tmp_path_factory):
    folder = tmp_path_factory.mktemp("year-end")
    eoy = api.new_replica("eoy-2024-25", folder / "eoy.xlsx", hwb="Leicestershire")
    out = folder / "Leicestershire 2024-25 year end.xlsx"
    api.populate(eoy, [SAMPLES / "leicestershire-2024-25-eoy-schemes.csv",
                       SAMPLES / "leicestershire-2024-25-eoy-income.csv"], out=out)
    return out


def test_roll_forward_writes_what_bcf_rollforward_writes_and_checks_the_result(last_year, remote, tmp_path):
    plan = api.new_replica("planning-2025-26", tmp_path / "plan.xlsx", hwb="Leicestershire")
    book = remote(plan)
    ui = Answers(book)
    rolled = roll_forward(book, ui=ui, choose_file=lambda: last_year)
    assert rolled is not None, ui.messages
    # The same cells and values as the command line writes into the file (read back with openpyxl).
    on_file = tmp_path / "rolled.xlsx"
    api.rollforward(last_year, plan, out=on_file)
    ws = openpyxl.load_workbook(on_file)["5. Expenditure"]
    sheet_cells = {(r, c): v for (s, r, c), v in written_cells(book).items() if s == "5. Expenditure"}
    assert sheet_cells and all(_same(ws.cell(r, c).value, v) for (r, c), v in sheet_cells.items())
    ids = [ws.cell(r, c).value for (r, c) in sheet_cells if ws.cell(25, c).value == "Scheme ID"]
    assert len(sheet_cells) == len([w for w in rolled.writes if w.sheet == "5. Expenditure"])
    assert sorted(ids, key=int) == [str(i) for i in range(1, 13)]
    message = ui.messages[-1]
    assert "12 scheme lines carried from Leicestershire 2024-25 year end.xlsx" in message
    assert "Not carried, or carried under another name" in message and "Personalised Care at Home" in message
    assert "Excel cannot undo this" in message


def test_roll_forward_asks_before_replacing_what_the_return_holds_and_no_means_nothing(last_year, remote, tmp_path):
    plan = api.new_replica("planning-2025-26", tmp_path / "plan.xlsx", hwb="Leicestershire")
    filled = tmp_path / "Leicestershire plan.xlsx"
    api.populate(plan, [SAMPLE_PLAN], out=filled)
    book = remote(filled)
    ui = Answers(book, answers=[False])
    assert roll_forward(book, ui=ui, choose_file=lambda: last_year) is None
    assert "already hold something else" in ui.questions[0] and "5. Expenditure!" in ui.questions[0]
    assert "setValues" not in funcs(book)


def test_roll_forward_from_a_return_of_the_wrong_kind_writes_nothing_and_says_why(remote, tmp_path):
    plan = api.new_replica("planning-2025-26", tmp_path / "plan.xlsx", hwb="Leicestershire")
    other = api.new_replica("planning-2025-26", tmp_path / "another plan.xlsx", hwb="Leicestershire")
    book = remote(plan)
    ui = Answers(book)
    assert roll_forward(book, ui=ui, choose_file=lambda: other) is None
    # Another plan of the same year is the same period: rolling goes forward only.
    assert "the same period" in ui.messages[-1] and "rolls forward only" in ui.messages[-1]
    assert "another plan.xlsx" in ui.messages[-1]
    assert "setValues" not in funcs(book)


def test_roll_forward_cancelled_does_nothing(remote, tmp_path):
    plan = api.new_replica("planning-2025-26", tmp_path / "plan.xlsx", hwb="Leicestershire")
    book = remote(plan)
    ui = Answers(book)
    assert roll_forward(book, ui=ui, choose_file=lambda: None) is None
    assert funcs(book) == [] and ui.messages == []


def _same(on_file, written) -> bool:
    if isinstance(written, str) and written.startswith("'"):    # Excel's own mark for "this is text"
        written = written[1:]
    if isinstance(written, (int, float, Decimal)) and not isinstance(written, bool):
        return Decimal(str(on_file)) == Decimal(str(written))
    return on_file == written


# -- Inspect template ----------------------------------------------------------------------------

def test_inspect_lists_a_renamed_heading_first_with_the_nearest_text_and_a_link(remote, tmp_path):
    template = build(tmp_path / "BCF Planning Template.xlsx", renamed={"Primary Objective": "Primary Aim"}).path
    book = remote(template)
    ui = Saved(book, template)
    ins = templates.inspect_template(book, ui=ui)
    assert ins is not None and [o.text for o in ins.problems] == ["Primary Objective"]
    (opened,) = ui.opened
    ws = openpyxl.load_workbook(opened)["What was found"]
    first = [c.value for c in ws[2]]
    assert first[:3] == ["not found", "table", "schemes"] and first[5:8] == [
        "Primary Objective", "cannot find the heading 'Primary Objective' of the table schemes", "Primary Aim"]
    assert ws.cell(2, 9).hyperlink.target.endswith(f"#'5. Expenditure'!{first[8]}")
    assert all(row[0] == "found" for row in ws.iter_rows(min_row=3, values_only=True) if row[0] != "note")
    assert "1 thing not found" in ui.messages[-1] and "press Learn template" in ui.messages[-1]


def test_inspect_needs_a_saved_file(remote, tmp_path):
    template = build(tmp_path / "plan.xlsx").path
    book = remote(template)
    ui = Answers(book)                     # the remote engine's book has no folder: never saved here
    assert templates.inspect_template(book, ui=ui) is None
    assert "no saved file" in ui.messages[-1] and "Save it to a folder first" in ui.messages[-1]


# -- Learn template ------------------------------------------------------------------------------

def test_learn_describes_next_years_template_and_populate_then_works_on_it(remote, tmp_path, monkeypatch):
    folder = tmp_path / "descriptions"
    monkeypatch.setenv("BCF_DESCRIPTIONS", str(folder))
    renamed = {"2025-26 (£)": "2026-27 (£)"}
    template = build(tmp_path / "BCF Planning Template 2026-27.xlsx", renamed=renamed).path
    book = remote(template)

    # Before: the new heading is not found, so populate cannot place the amounts.
    ui = Answers(book)
    assert filling.populate(book, ui=ui, choose_register=lambda: SAMPLE_PLAN) is None
    assert "Inspect template" in ui.messages[-1]

    ui = Saved(book, template)
    learned = templates.learn_template(book, ui=ui)
    assert learned == folder / "bcf-planning-template-2026-27.yaml" and learned.is_file()
    assert "with the meaning of planning-2025-26 carried over" in ui.messages[-1]
    (opened,) = ui.opened
    marks = list(openpyxl.load_workbook(opened)["To confirm"].iter_rows(min_row=2, values_only=True))
    assert any("Expenditure for 2026-27 (£)" in why for _, why in marks)

    # After: the same book populates through the learned description, and balances as published.
    book = remote(template)
    ui = Answers(book)
    done = filling.populate(book, ui=ui, choose_register=lambda: SAMPLE_PLAN)
    assert done is not None and done.written == 74 * 8, ui.messages     # 74 published lines x 8 columns
    # And on the file, as `bcf populate` and `bcf balances` use it: the published NHS minimum spend.
    out = tmp_path / "populated.xlsx"
    api.populate(template, [SAMPLE_PLAN], out=out)
    nhs = next(b for b in api.balances(out).running_balances if b.source == "NHS Minimum Contribution")
    assert (nhs.expenditure, nhs.income) == (Decimal(56776363), Decimal(57070979))


def test_learn_on_a_template_already_known_learns_nothing(remote, tmp_path, monkeypatch):
    folder = tmp_path / "descriptions"
    monkeypatch.setenv("BCF_DESCRIPTIONS", str(folder))
    template = build(tmp_path / "plan.xlsx").path
    book = remote(template)
    ui = Saved(book, template)
    assert templates.learn_template(book, ui=ui) is None
    assert "nothing to learn" in ui.messages[-1] and not folder.exists()


def test_learn_never_replaces_a_description_already_in_the_folder(remote, tmp_path, monkeypatch):
    folder = tmp_path / "descriptions"
    folder.mkdir()
    monkeypatch.setenv("BCF_DESCRIPTIONS", str(folder))
    template = build(tmp_path / "next.xlsx", renamed={"Provider": "Provider name"}).path
    (folder / "next.yaml").write_text("# the officer's own\n", encoding="utf-8")
    book = remote(template)
    ui = Saved(book, template)
    assert templates.learn_template(book, ui=ui) == folder / "next-2.yaml"
    assert (folder / "next.yaml").read_text(encoding="utf-8") == "# the officer's own\n"
