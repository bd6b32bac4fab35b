"""Results carry what their presenters need: once a result is made, turning it into text or a
report workbook reads no file and no description."""
from __future__ import annotations

import pytest
from openpyxl import load_workbook

from bcf_addin import api, present
from bcf_addin.report_workbook import write_report


@pytest.fixture
def results(populated_plan, complete_plan):
    return (api.check(populated_plan), api.balances(populated_plan), api.diff(populated_plan, complete_plan))


@pytest.fixture
def nothing_reopened(monkeypatch, tmp_path):
    """Descriptions can no longer be found (however a module imported the loader), and workbooks
    no longer read."""
    from bcf_addin import paths
    from bcf_addin.descriptions import loader
    from bcf_addin.xlsx import reader

    def refused(*args, **kwargs):
        raise AssertionError("a presenter reopened a workbook")

    loader.load.cache_clear()
    monkeypatch.setattr(paths, "descriptions", lambda: tmp_path / "no descriptions here")
    for module, name in ((reader, "read_workbook"), (api, "open_template")):
        monkeypatch.setattr(module, name, refused)
    yield
    loader.load.cache_clear()


def test_text_comes_from_the_results_alone(results, nothing_reopened):
    report, balances, diff = results
    title = "Leicestershire: Better Care Fund 2025-26 Planning Template (Version 1.5)"
    for text in (present.check_text(report), present.balances_text(balances), present.diff_text(diff),
                 present.check_summary(report), present.balances_summary(balances),
                 present.changes_summary(diff, "complete.xlsx")):
        assert text.startswith(title)


def test_the_report_workbook_comes_from_the_result_alone(results, nothing_reopened, tmp_path):
    report, balances, _ = results
    out = write_report(report, tmp_path / "findings.xlsx")
    summary = {r[0]: r[1] for r in load_workbook(out)["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["Template"] == "Better Care Fund 2025-26 Planning Template (Version 1.5)"
    # The balances the money rules used, not worked out again from the file.
    assert summary["NHS Minimum Contribution"] == 57070979 and report.balances == balances
