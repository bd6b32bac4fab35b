"""The buttons that read the open return and open what they found as a workbook: Check return,
Balances and minimum spend, What changed, and Check narrative."""
from __future__ import annotations

from typing import Callable

from ..api import check_narrative as check_document
from ..api import check_open, open_template
from ..balances import Balances, compute
from ..checks.report import CheckReport
from ..diff import diff_templates
from ..diff_workbook import write_diff_report
from ..present import balances_summary, changes_summary, check_summary, narrative_summary
from ..report_workbook import write_narrative_report, write_report
from .dialogs import ExcelUi
from .running import button, read_and_choose, read_return, report_path


def _checked_with_report(book, ui: ExcelUi, status: str, kind: str) -> tuple[CheckReport, Balances]:
    """Read the open return once, check it and work out its balances, and open the report workbook."""
    tpl = read_return(book, ui)
    ui.status(status)
    checked = check_open(tpl)
    bal = compute(tpl)
    ui.status("Better Care Fund: writing the report...")
    ui.open_workbook(write_report(checked, report_path(tpl.workbook.path, kind), bal))
    return checked, bal


@button
def check(book, ui: ExcelUi) -> CheckReport:
    """Check the open return; open the findings as a workbook and sum them up in a message."""
    checked, _ = _checked_with_report(book, ui, "Better Care Fund: checking...", "check")
    ui.message(check_summary(checked))
    return checked


@button
def balances(book, ui: ExcelUi) -> Balances:
    """Running balances and minimum spend of the open return, computed from its scheme lines."""
    _, bal = _checked_with_report(book, ui, "Better Care Fund: computing the balances...", "balances")
    ui.message(balances_summary(bal))
    return bal


@button
def what_changed(book, ui: ExcelUi, choose_file: Callable[[], object] | None = None):
    """Compare the open return with an earlier version the officer picks (the one sent, last week's).

    The open return is read as it is in Excel, unsaved changes included; the changes open as a
    workbook with a link to each cell.
    """
    tpl, picked = read_and_choose(book, ui, choose_file or (lambda: ui.choose_workbook(
        "Choose the earlier version of this return to compare it with", "bcf diff EARLIER.xlsx RETURN.xlsx")))
    if picked is None:
        return None
    ui.status("Better Care Fund: reading the earlier version...")
    d = diff_templates(open_template(picked), tpl)
    if not d.same:
        ui.status("Better Care Fund: writing the list of changes...")
        ui.open_workbook(write_diff_report(d, report_path(tpl.workbook.path, "what changed")))
    ui.message(changes_summary(d, picked.name))
    return d


@button
def check_narrative(book, ui: ExcelUi, choose_file: Callable[[], object] | None = None):
    """Check a Word narrative return the officer picks, its figures held to the open return's.

    The findings open as a workbook and are summed up in a message, as Check return does.
    """
    tpl, picked = read_and_choose(book, ui, choose_file or (lambda: ui.choose_document(
        "Choose the narrative return (.docx) to check against this return",
        "bcf narrative NARRATIVE.docx --return RETURN.xlsx")))
    if picked is None:
        return None
    ui.status("Better Care Fund: checking the narrative...")
    report = check_document(picked, open_returns=[tpl])
    ui.status("Better Care Fund: writing the report...")
    ui.open_workbook(write_narrative_report(report, report_path(tpl.workbook.path, "narrative check")))
    ui.message(narrative_summary(report))
    return report
