"""Registers as officers keep them: their own headings and spellings mapped once with `bcf map`,
registers in workbooks of several sheets with title, totals and blank lines, and ledger extracts
by cost centre reconciled to the penny."""
from __future__ import annotations

import csv
import random
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import Workbook

from bcf_addin import paths
from bcf_addin.api import new_replica, open_template, populate
from bcf_addin.cli import main
from bcf_addin.mapping.store import beside, load_mapping

from support import SAMPLE_CELLS, SAMPLE_PLAN

EOY_SCHEMES = paths.samples() / "leicestershire-2024-25-eoy-schemes.csv"
OWN_HEADINGS = ["Ref", "BCF Activity", "Scheme", "Objective", "Spend Area", "Provider", "Funding Stream",
                "Budget 2025/26", "Notes"]
TEMPLATE_OF = {"Ref": "Scheme ID", "BCF Activity": "Activity", "Scheme": "Description of Scheme",
               "Objective": "Primary Objective", "Spend Area": "Area of Spend", "Provider": "Provider",
               "Funding Stream": "Source of Funding", "Budget 2025/26": "Expenditure for 2025-26 (£)",
               "Notes": "Comments (optional)"}
# How officers spell the list values in their own registers.
RESPELT = {"Provider": {"Local Authority": "County Council", "NHS": "LLR ICB"},
           "Funding Stream": {"Local Authority Better Care Grant": "ICBF"}}


def run(*args, code: int = 0) -> str:
    res = CliRunner().invoke(main, [str(a) for a in args])
    assert res.exit_code == code, res.output
    return res.output


def read_csv(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def write_csv(path: Path, rows) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


def officer_rows() -> list[list[str]]:
    """The bundled plan sample as an officer keeps it: their headings, their spellings."""
    rows = read_csv(SAMPLE_PLAN)
    at = {h: i for i, h in enumerate(OWN_HEADINGS)}
    for row in rows[1:]:
        for heading, spellings in RESPELT.items():
            row[at[heading]] = spellings.get(row[at[heading]], row[at[heading]])
    return [OWN_HEADINGS, *rows[1:]]


def officer_register(folder: Path) -> Path:
    return write_csv(folder / "Leicestershire schemes.csv",
                     [["Leicestershire BCF scheme register 2025-26"], ["Prepared by the BCF finance lead"], [],
                      *officer_rows()])


def scheme_cells(path: Path) -> dict:
    tpl = open_template(path)
    at = tpl.layout.tables["schemes"]
    sheet = tpl.workbook.sheets["5. Expenditure"]
    return {(r, c): sheet.value(r, c) for r in at.rows for c in at.columns.values()}


def test_an_officers_own_register_populates_the_same_cells_through_the_proposed_mapping(plan_template, tmp_path):
    register = officer_register(tmp_path)
    shown = run("map", register, plan_template)
    mapping = load_mapping(beside(register))
    proposed = {template: mine for template, mine in mapping.columns.items()}
    right = [mine for mine, template in TEMPLATE_OF.items() if proposed.get(template) == mine]
    assert len(right) >= 7, proposed
    assert mapping.values["Provider"] == {"County Council": "Local Authority", "LLR ICB": "NHS"}
    assert mapping.values["Source of Funding"] == {"ICBF": "Local Authority Better Care Grant"}
    assert "'Budget 2025/26'" in shown and "'County Council' read as 'Local Authority'" in shown

    # Used unedited, found beside the register without being named, and named in the output.
    output = run("populate", plan_template, "--schemes", register, "-o", tmp_path / "mine.xlsx")
    assert f"read through the column mapping {beside(register)}" in output
    assert "74 lines into the schemes table" in output and "not on the template's list" not in output
    run("populate", plan_template, "--schemes", SAMPLE_PLAN, "-o", tmp_path / "published.xlsx")
    mine, published = scheme_cells(tmp_path / "mine.xlsx"), scheme_cells(tmp_path / "published.xlsx")
    assert sum(1 for v in published.values() if v is not None) == SAMPLE_CELLS
    assert mine == published


def test_without_a_mapping_own_headings_are_refused_pointing_to_bcf_map(plan_template, tmp_path):
    register = officer_register(tmp_path)
    output = run("populate", plan_template, "--schemes", register, "-o", tmp_path / "o.xlsx", code=2)
    assert "bcf map" in output and not (tmp_path / "o.xlsx").exists()


def test_a_value_the_mapping_does_not_give_is_never_guessed(plan_template, tmp_path):
    rows = officer_rows()
    rows[5][5] = "Leics Partnership Trust"                       # a provider nobody mapped
    register = write_csv(tmp_path / "schemes.csv", rows)
    shown = run("map", register, "--kind", "planning-2025-26", "-o", tmp_path / "cols.yaml")
    assert "'Leics Partnership Trust'" in shown and "left out" in shown
    assert "Leics Partnership Trust" not in load_mapping(tmp_path / "cols.yaml").values.get("Provider", {})
    output = run("populate", plan_template, "--schemes", register, "--columns", tmp_path / "cols.yaml",
                 "-o", tmp_path / "o.xlsx")
    assert "line 6, column 'Provider': 'Leics Partnership Trust' is not on the template's list" in output
    cells = scheme_cells(tmp_path / "o.xlsx")
    tpl = open_template(tmp_path / "o.xlsx")
    at = tpl.layout.tables["schemes"]
    assert cells[(at.rows[4], at.columns["provider"])] is None
    assert cells[(at.rows[3], at.columns["provider"])] == "Local Authority"


def edited(mapping: Path, out: Path, **columns) -> Path:
    data = yaml.safe_load(mapping.read_text(encoding="utf-8"))
    data["columns"].update(columns)
    out.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return out


def test_a_needed_column_the_mapping_lacks_is_refused_naming_both(plan_template, tmp_path):
    register = officer_register(tmp_path)
    run("map", register, plan_template, "-o", tmp_path / "proposed.yaml")
    lacking = edited(tmp_path / "proposed.yaml", tmp_path / "lacking.yaml", Provider=None)
    output = run("populate", plan_template, "--schemes", register, "--columns", lacking, "-o", tmp_path / "o.xlsx",
                 code=2)
    assert str(register) in output and str(lacking) in output and "'Provider'" in output
    wrong = edited(tmp_path / "proposed.yaml", tmp_path / "wrong.yaml", Provider="Supplier")
    output = run("populate", plan_template, "--schemes", register, "--columns", wrong, "-o", tmp_path / "o.xlsx",
                 code=2)
    assert "has no column 'Supplier'" in output and str(wrong) in output and str(register) in output
    assert not (tmp_path / "o.xlsx").exists()


def test_a_mapping_that_is_not_yaml_is_refused_with_its_line(plan_template, tmp_path):
    register = officer_register(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_text("columns:\n  Scheme ID: Ref\n  Activity: [BCF Activity\n", encoding="utf-8")
    output = run("populate", plan_template, "--schemes", register, "--columns", bad, "--dry-run", code=2)
    assert f"{bad}: is not a readable column mapping at line" in output


def test_the_register_sheet_is_found_by_its_headings_and_totals_and_blank_lines_are_skipped(plan_template, tmp_path):
    wb = Workbook()
    notes = wb.active
    notes.title = "Read me"
    notes.append(["How this register is kept"])
    notes.append(["Owner", "BCF finance lead"])
    sheet = wb.create_sheet("Schemes 25-26")
    sheet.append(["Leicestershire BCF scheme register"])
    sheet.append([])
    rows = read_csv(SAMPLE_PLAN)
    money = rows[0].index("Expenditure for 2025-26 (£)")
    sheet.append(rows[0])
    for i, row in enumerate(rows[1:], start=1):
        sheet.append([int(v) if j == money else (v or None) for j, v in enumerate(row)])
        if i == 30:
            sheet.append([])                                      # a separator line
    total = sum(int(r[money]) for r in rows[1:])
    sheet.append(["Total", None, None, None, None, None, None, total])
    wb.save(tmp_path / "register.xlsx")

    output = run("populate", plan_template, "--schemes", tmp_path / "register.xlsx", "-o", tmp_path / "o.xlsx")
    assert "74 lines into the schemes table" in output
    # Lines of a workbook are named as Excel shows them: the sheet, and the row.
    assert "register.xlsx, sheet 'Schemes 25-26': row 34 is blank, so it was skipped" in output
    assert "register.xlsx, sheet 'Schemes 25-26', row 79: is a totals line ('Total')" in output
    assert "line 34" not in output and "line 79" not in output
    run("populate", plan_template, "--schemes", SAMPLE_PLAN, "-o", tmp_path / "published.xlsx")
    assert scheme_cells(tmp_path / "o.xlsx") == scheme_cells(tmp_path / "published.xlsx")
    # Named, the sheet is read even where its headings say less than another's.
    output = run("populate", plan_template, "--schemes", tmp_path / "register.xlsx", "--sheet", "Read me",
                 "--dry-run", code=2)
    assert "none of its column headings match" in output
    output = run("populate", plan_template, "--schemes", tmp_path / "register.xlsx", "--sheet", "Schemes",
                 "--dry-run", code=2)
    assert "has no sheet 'Schemes'; its sheets are Read me, Schemes 25-26" in output


# -- a ledger extract by cost centre ---------------------------------------------------------------

UNMAPPED = ["CC9001", "CC9002", "CC9003"]


def ledger_case(folder: Path):
    """200 ledger lines over 60 cost centres (3 of them in no scheme) whose mapped lines add up to
    each scheme's published year-end actual spend; returns the files and the expected figures."""
    schemes = list(csv.DictReader(open(EOY_SCHEMES, newline="", encoding="utf-8")))
    rng = random.Random(2425)
    centres = [f"CC{1001 + i}" for i in range(57)]
    owner = {cc: schemes[i % len(schemes)] for i, cc in enumerate(centres)}     # every scheme has some
    ledger_of = {cc: [] for cc in centres + UNMAPPED}
    for i in range(200):
        cc = (centres + UNMAPPED)[i] if i < 60 else rng.choice(centres if i < 190 else UNMAPPED)
        ledger_of[cc].append(i)
    amounts: dict[int, Decimal] = {}
    for s in schemes:
        lines = sorted(n for cc, ns in ledger_of.items() if owner.get(cc) is s for n in ns)
        left = Decimal(s["Actual Spend (£)"])
        for n in lines[:-1]:                                 # pence, and the odd credit
            amounts[n] = Decimal(rng.randint(-50_000_00, 400_000_00)) / 100
            left -= amounts[n]
        amounts[lines[-1]] = left
    for cc in UNMAPPED:
        for n in ledger_of[cc]:
            amounts[n] = Decimal(rng.randint(1, 90_000_00)) / 100
    line_cc = {n: cc for cc, ns in ledger_of.items() for n in ns}
    rows = [["General ledger extract, year to 31 March 2025"], [],
            ["Cost Centre", "Cost Centre Name", "Period", "Narrative", "Amount"]]
    rows += [[line_cc[n], f"Centre {line_cc[n]}", f"M{1 + n % 12}", "Invoice", _ledger_text(amounts[n])]
             for n in range(200)]
    rows += [[], ["Total", "", "", "", _ledger_text(sum(amounts.values()))]]
    ledger = write_csv(folder / "ledger.csv", rows)
    centre_rows = [["Cost Centre", "Scheme ID", "Source of Funding"]]
    centre_rows += [[cc, owner[cc]["Scheme ID"], owner[cc]["Source of Funding"]] for cc in centres]
    centre_file = write_csv(folder / "cost-centres.csv", centre_rows)
    unmapped = {cc: sum(amounts[n] for n in ledger_of[cc]) for cc in UNMAPPED}
    return ledger, centre_file, schemes, sum(amounts.values()), unmapped


def _ledger_text(value: Decimal) -> str:
    text = f"{abs(value):,.2f}"
    return f"({text})" if value < 0 else text


@pytest.fixture
def eoy_without_actuals(tmp_path) -> Path:
    rows = read_csv(EOY_SCHEMES)
    actual = rows[0].index("Actual Spend (£)")
    for row in rows[1:]:
        row[actual] = ""
    plan = write_csv(tmp_path / "eoy-plan.csv", rows)
    template = new_replica("eoy-2024-25", tmp_path / "eoy.xlsx", hwb="Leicestershire")
    return Path(populate(template, [plan], out=tmp_path / "eoy-lines.xlsx").out)


def test_a_ledger_by_cost_centre_fills_the_year_end_actuals_and_reconciles_to_the_penny(eoy_without_actuals, tmp_path):
    ledger, centres, schemes, total, unmapped = ledger_case(tmp_path)
    shown = run("map", ledger, eoy_without_actuals)
    assert load_mapping(beside(ledger)).columns["Actual Spend (£)"] == "Amount"
    assert "'Cost Centre'" not in shown
    output = run("populate", eoy_without_actuals, "--schemes", ledger, "--cost-centres", centres,
                 "-o", tmp_path / "actuals.xlsx")

    tpl = open_template(tmp_path / "actuals.xlsx")
    at = tpl.layout.tables["schemes"]
    sheet = tpl.workbook.sheets[tpl.layout.workbook_sheet(at.sheet)]
    written = [sheet.value(r, at.columns["actual"]) for r in at.rows[:len(schemes)]]
    assert written == [Decimal(s["Actual Spend (£)"]) for s in schemes]

    lines = output.splitlines()
    assert "Ledger reconciliation, ledger.csv (200 lines):" in lines
    assert _figure(lines, "ledger total") == total
    assert _figure(lines, "written to 12 scheme lines") == sum(Decimal(s["Actual Spend (£)"]) for s in schemes)
    assert _figure(lines, "cost centres not in cost-centres.csv, not written") == sum(unmapped.values())
    for cc, amount in unmapped.items():
        assert _figure(lines, cc) == amount
    assert sum(unmapped.values()) + sum(Decimal(s["Actual Spend (£)"]) for s in schemes) == total
    assert "which agrees with the ledger total" in output
    assert "is a totals line ('Total')" in output


def test_ledger_lines_for_a_scheme_line_the_return_lacks_are_counted_not_lost(eoy_without_actuals, tmp_path):
    ledger, centres, schemes, total, unmapped = ledger_case(tmp_path)
    rows = read_csv(centres)
    rows[1][1] = "99"                                         # CC1001 now names a scheme not in the return
    write_csv(centres, rows)
    run("map", ledger, eoy_without_actuals)
    output = run("populate", eoy_without_actuals, "--schemes", ledger, "--cost-centres", centres,
                 "-o", tmp_path / "o.xlsx")
    lines = output.splitlines()
    missing = _figure(lines, "scheme lines not in the return, not written")
    assert missing > 0
    assert _figure(lines, "written to 12 scheme lines") + sum(unmapped.values()) + missing == total
    assert "which agrees with the ledger total" in output


def test_a_cost_centre_given_twice_for_different_schemes_is_refused(eoy_without_actuals, tmp_path):
    ledger, centres, *_ = ledger_case(tmp_path)
    rows = read_csv(centres)
    rows.append([rows[1][0], "3", "Minimum NHS Contribution"])
    write_csv(centres, rows)
    output = run("populate", eoy_without_actuals, "--schemes", ledger, "--cost-centres", centres,
                 "-o", tmp_path / "o.xlsx", code=2)
    assert "cost centre CC1001 is given again (first on line 2)" in output and not (tmp_path / "o.xlsx").exists()


def _figure(lines: list[str], label: str) -> Decimal:
    line = next(l for l in lines if l.strip().startswith(label + " ") or l.strip() == label)
    amount = line.split("£")[1].split()[0]
    sign = -1 if line.split("£")[0].rstrip().endswith("-") else 1
    return sign * Decimal(amount.replace(",", ""))


# -- the ribbon's mapping step ---------------------------------------------------------------------

class Recorded:
    """Excel's UI as the remote engine can give it: messages and opened workbooks recorded."""

    def __init__(self):
        self.opened: list[Path] = []
        self.messages: list[str] = []

    def ui(self, book):
        from bcf_addin.ribbon.dialogs import ExcelUi

        recorded = self

        class Ui(ExcelUi):
            def message(self, text, *, warning=False):
                recorded.messages.append(text)

        return Ui(book, open_workbook=self.opened.append)


def test_the_ribbon_proposes_a_mapping_to_correct_and_uses_it_on_the_next_press(plan_template, tmp_path, monkeypatch):
    from openpyxl import load_workbook

    from bcf_addin.ribbon import filling, running
    from bcf_addin.mapping.store import beside_sheet
    from excel_support import LICENSE_ENV, book_json, funcs, remote_engine, written_cells

    monkeypatch.setenv(LICENSE_ENV, "noncommercial")
    monkeypatch.setenv(running.LOG_ENV, str(tmp_path / "bcf-addin.log"))
    xw = remote_engine()
    rows = officer_rows()
    rows[1][8] = "not for the return"
    register = write_csv(tmp_path / "Leicestershire schemes.csv", rows)

    book = xw.Book(json=book_json(plan_template))
    seen = Recorded()
    assert filling.populate(book, ui=seen.ui(book), choose_register=lambda: register) is None
    assert funcs(book) == [] and seen.opened == [beside_sheet(register)]
    assert "correct column B" in seen.messages[0] and beside_sheet(register).name in seen.messages[0]

    proposal = load_workbook(beside_sheet(register))
    sheet = proposal["Column mapping"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "Comments (optional)")
    assert row[1].value == "Notes"
    row[1].value = None                                          # the officer's correction
    proposal.save(beside_sheet(register))

    book = xw.Book(json=book_json(plan_template))
    seen = Recorded()
    result = filling.populate(book, ui=seen.ui(book), choose_register=lambda: register)
    assert result.written == SAMPLE_CELLS and seen.opened == []
    published = scheme_cells(Path(populate(plan_template, [SAMPLE_PLAN], out=tmp_path / "published.xlsx").out))
    tpl = open_template(plan_template)
    sheet_name = tpl.layout.workbook_sheet(tpl.layout.tables["schemes"].sheet)
    got = {(r, c): _as_read(v) for (s, r, c), v in written_cells(book).items() if s == sheet_name}
    assert got == {k: v for k, v in published.items() if v is not None}


def _as_read(value):
    """A written value as the engine reads the cell back: the text mark dropped."""
    from bcf_addin.excelbook.read import engine_value

    if isinstance(value, str):
        value = value[1:] if value.startswith("'") else value
    return engine_value(value if value != "" else None)


def test_mappings_are_kept_in_the_officers_own_folder(monkeypatch, tmp_path, user_folder):
    from bcf_addin.mapping.store import USER_ENV, user_mappings

    monkeypatch.delenv(USER_ENV, raising=False)
    assert user_mappings() == user_folder / "columns"
    monkeypatch.setenv(USER_ENV, str(tmp_path / "elsewhere"))
    assert user_mappings() == tmp_path / "elsewhere" / "columns"


def test_a_mapping_made_for_another_template_is_not_used(plan_template, tmp_path):
    """`bcf map` run with the wrong --kind saves a mapping beside the register: populating the
    plan must neither follow it nor fail on it without saying why."""
    register = tmp_path / "schemes.csv"
    register.write_bytes(SAMPLE_PLAN.read_bytes())
    run("map", register, "--kind", "eoy-2024-25", "-o", beside(register))
    assert load_mapping(beside(register)).kind == "eoy-2024-25"
    out = run("populate", plan_template, "--schemes", register, "-o", tmp_path / "out.xlsx")
    assert "was made for eoy-2024-25, not for this planning-2025-26 return, so it was not used" in out
    assert scheme_cells(tmp_path / "out.xlsx") == scheme_cells(populate(plan_template, [SAMPLE_PLAN],
                                                                        out=tmp_path / "direct.xlsx").out)
    refused = run("populate", plan_template, "--schemes", register, "--columns", beside(register),
                  "-o", tmp_path / "named.xlsx", code=2)
    assert "is a column mapping for eoy-2024-25, but the workbook is a planning-2025-26 return" in refused
