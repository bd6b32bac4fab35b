"""The Lite edition's commands: the ribbon's buttons for Python running inside Excel (xlwings Lite).

xlwings Lite runs Python in Excel's own browser (Pyodide), so nothing here opens a file, starts
a program or opens a second workbook. Each command reads the open workbook once through
bcf_addin.excelbook.read_book, calls the same library functions and says the same sentences as the
ribbon's commands, and writes what it found to a sheet of its own, FINDINGS_SHEET, with a link
to each cell. The NHS England sheets are written only by Populate, and only their input cells.

lite/main.py wraps these as @script functions; the tests call them with xlwings Books.
"""
from __future__ import annotations

from pathlib import Path

from .api import check_open, recognise
from .balances import Balances, compute
from .diff import ReturnDiff, diff_templates
from .errors import BcfError
from .excelbook import ExcelWorkbook, read_book, with_writes, write_cells
from .money import pounds
from .populate import plan, stack
from .present import balances_summary, changes_summary, check_summary
from .register import register_from_sheet
from .report_rows import CHANGE_HEADERS, FINDING_HEADERS, cell_value, change_rows, finding_values, summary_rows
from .ribbon.dialogs import ExcelUi
from .ribbon.filling import Populated, populate_summary
from .ribbon.running import button

FINDINGS_SHEET = "BCF findings"
REGISTER_SHEET = "Register"
EARLIER_SUFFIX = " (2)"           # what Excel adds to a sheet's name when it copies it into a workbook


def _read(book, ui: ExcelUi, *, keep_out: tuple[str, ...] = ()) -> tuple[ExcelWorkbook, dict]:
    """The open workbook, less this edition's own sheet and the sheets named in `keep_out`
    (registers, an earlier version), which are handed back apart."""
    ui.status("Better Care Fund: reading the return...")
    wb = read_book(book)
    wb.sheets.pop(FINDINGS_SHEET, None)
    apart = {name: wb.sheets.pop(name) for name in list(wb.sheets) if name in keep_out}
    return wb, apart


def _link(sheet: str, cell: str) -> str:
    target = f"#'{sheet.replace(chr(39), chr(39) * 2)}'!{cell.split(':')[0]}"
    return f'=HYPERLINK("{target}","{cell}")'


def write_findings(book, title: str, rows: list[list]) -> None:
    """Replace FINDINGS_SHEET's contents with `rows` in one write (added after the last sheet
    the first time)."""
    names = [s.name for s in book.sheets]
    if FINDINGS_SHEET in names:
        sheet = book.sheets[FINDINGS_SHEET]
        sheet.used_range.clear_contents()
    else:
        sheet = book.sheets.add(FINDINGS_SHEET, after=book.sheets[len(names) - 1])
    width = max(len(r) for r in rows)
    sheet["A1"].value = [[title] + [""] * (width - 1)] + [list(r) + [""] * (width - len(r)) for r in rows]


def _report_rows(tpl, report, bal: Balances) -> list[list]:
    rows = [[k, cell_value(v)] for k, v in summary_rows(report)]
    if bal.running_balances:
        rows += [[], ["Funding source", "Income", "Expenditure", "Balance"]]
        rows += [[b.source, cell_value(b.income), cell_value(b.expenditure), cell_value(b.balance)]
                 for b in [*bal.running_balances, bal.total]]
    for m in bal.minimum_spend:
        rows += [[], [m.label, "Minimum", cell_value(m.minimum), "Spend", cell_value(m.spend),
                      "Met" if m.met else f"Not met: {pounds(m.shortfall)} short"]]
    rows += [[], list(FINDING_HEADERS)]
    for f in report.findings:
        values = list(finding_values(f))
        if f.sheet and f.cell:
            values[3] = _link(f.sheet, f.cell)
        rows.append(values)
    return rows


def _checked(book, ui: ExcelUi, wb, *, stale_caches: bool = False) -> tuple:
    tpl = recognise(wb)
    checked = check_open(tpl, stale_caches=stale_caches)
    bal = compute(tpl)
    write_findings(book, "Better Care Fund return check", _report_rows(tpl, checked, bal))
    return tpl, checked, bal


def _on_the_sheet(text: str) -> str:
    """The ribbon's sentence, with its findings on this edition's own sheet rather than in a new workbook."""
    return text.replace("is open in a new workbook.", f"is on the sheet '{FINDINGS_SHEET}'.").replace(
        "are open in a new workbook.", f"are on the sheet '{FINDINGS_SHEET}'.")


@button
def check(book, ui: ExcelUi):
    """Check the open return; the findings go to FINDINGS_SHEET, summed up in a message."""
    wb, _ = _read(book, ui)
    _, checked, _ = _checked(book, ui, wb)
    ui.message(_on_the_sheet(check_summary(checked)))
    return checked


@button
def balances(book, ui: ExcelUi) -> Balances:
    wb, _ = _read(book, ui)
    _, _, bal = _checked(book, ui, wb)
    ui.message(_on_the_sheet(balances_summary(bal)))
    return bal


@button
def populate(book, ui: ExcelUi, register_sheets: str = REGISTER_SHEET):
    """Fill the return from registers kept in (or pasted into) sheets of the same workbook, named
    in `register_sheets` (comma-separated), then check it. Planned and checked in full first."""
    names = [n.strip() for n in register_sheets.split(",") if n.strip()]
    wb, apart = _read(book, ui, keep_out=tuple(names))
    missing = [n for n in names if n not in apart]
    if not names or missing:
        raise BcfError(f"there is no sheet named '{(missing or [REGISTER_SHEET])[0]}' in this workbook",
                       hint="paste the register, headings first, into a sheet of its own and give that "
                            "sheet's name")
    tpl = recognise(wb)
    plans, current = [], tpl.workbook
    for name in names:
        ui.status(f"Better Care Fund: reading the register in '{name}'...")
        register = register_from_sheet(apart[name])
        table_plan = plan(register, tpl.description, tpl.layout, current)
        table_plan.notes[:0] = register.skipped_notes()
        current = with_writes(current, table_plan.writes)
        stack(plans, table_plan, tpl.workbook)
        plans.append(table_plan)
    writes = [w for p in plans for w in p.writes]
    if not writes:
        ui.message("There was nothing to write: the register has no lines the template takes.")
        return Populated(plans, 0, None)
    ui.status(f"Better Care Fund: writing {len(writes)} cells...")
    written = write_cells(book, writes, before=tpl.workbook)
    ui.status("Better Care Fund: checking...")
    _, checked, _ = _checked(book, ui, with_writes(tpl.workbook, writes), stale_caches=True)
    text = populate_summary(tpl, [Path(n) for n in names], plans, written, checked)
    ui.message(text.replace("Press Check return for the list", f"The list is on the sheet '{FINDINGS_SHEET}'"))
    return Populated(plans, written, checked)


@button
def what_changed(book, ui: ExcelUi, earlier: str = EARLIER_SUFFIX) -> ReturnDiff | None:
    """Compare the return with an earlier version of it copied into the same workbook: its sheets
    named as the return's with `earlier` added (Excel's Move or Copy names a copy 'Sheet (2)')."""
    wb = read_book(book)
    wb.sheets.pop(FINDINGS_SHEET, None)
    old = {n[:-len(earlier)]: s for n, s in wb.sheets.items() if earlier and n.endswith(earlier)}
    if not old:
        raise BcfError(f"there are no sheets whose names end in '{earlier}' to compare the return with",
                       hint="copy the earlier version's sheets into this workbook (right-click a sheet tab > "
                            "Move or Copy > Create a copy) and run What changed again")
    new = {n: s for n, s in wb.sheets.items() if not n.endswith(earlier)}
    for name, sheet in old.items():
        sheet.name = name
    before = recognise(ExcelWorkbook(path=f"{wb.path} (sheets ending '{earlier}')", sheets=old, unknown=wb.unknown))
    tpl = recognise(ExcelWorkbook(path=wb.path, sheets=new, unknown=wb.unknown))
    d = diff_templates(before, tpl)
    rows: list[list] = [["Compared with", before.workbook.path], [], list(CHANGE_HEADERS)]
    for *values, where in change_rows(d):
        values = [cell_value(v) for v in values]
        if where == d.new:
            values[2] = _link(values[1], values[2])
        rows.append(values)
    write_findings(book, "Better Care Fund: what changed", rows)
    ui.message(_on_the_sheet(changes_summary(d, f"the sheets ending '{earlier}'")))
    return d


HELP = f"""The Better Care Fund tools, inside Excel (xlwings Lite)

Check return: checks the open return as NHS England will, and lists what to fix on the sheet
'{FINDINGS_SHEET}', with a link to each cell.

Balances: the running balances of each funding source and the minimum-spend tests, from the
scheme lines, on the same sheet.

Populate: fills the return from your register. Paste the register, headings first, into a sheet
of its own (named '{REGISTER_SHEET}' unless you say otherwise); only the template's input cells
are written, and the return is checked straight after. Excel cannot undo it: to go back, close
without saving.

What changed: compares the return with an earlier version of it. Copy the earlier version's
sheets into this workbook first (right-click a sheet tab > Move or Copy > Create a copy): Excel
names the copies 'Sheet{EARLIER_SUFFIX}'.

Nothing is saved: save the workbook yourself when you are happy with it."""


@button
def help(book, ui: ExcelUi) -> str:      # named after its button
    ui.message(HELP)
    return HELP
