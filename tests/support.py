"""Constants and markers the tests share (conftest.py holds the fixtures)."""
from __future__ import annotations

import csv

import pytest

import recalc
from bcf_addin import paths

SAMPLE_PLAN = paths.samples() / "leicestershire-2025-26-plan-schemes.csv"
CD_REGISTERS = sorted(paths.samples().glob("leicestershire-2025-26-cd-*.csv"))
EOY_REGISTERS = [paths.samples() / "leicestershire-2024-25-eoy-schemes.csv",
                 paths.samples() / "leicestershire-2024-25-eoy-income.csv"]
FIGURES = paths.reference() / "leicestershire-figures.csv"


def sample_lines() -> list[dict[str, str]]:
    """The sample register's scheme lines, as the csv module reads them."""
    with open(SAMPLE_PLAN, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# Counted from the sample itself: its 74 lines, and the 74 x 8 = 592 values on them (the ninth
# column, the optional comments, is blank throughout), each one cell that populate writes.
SAMPLE_LINES = len(sample_lines())
SAMPLE_CELLS = sum(1 for line in sample_lines() for value in line.values() if value.strip())

needs_libreoffice = pytest.mark.skipif(
    not recalc.available(),
    reason="LibreOffice (soffice + python3-uno) is not installed; .ci/run installs it")

# The metrics' history a 2025-26 plan shows pre-populated: figure in the published return -> (table, row id).
METRIC_HISTORY = {
    "8.1 Rate": ("emergency_admissions_actual", "ea_actual_rate"),
    "8.1 Number of Admissions 65+": ("emergency_admissions_actual", "ea_actual_admissions"),
    "8.1 Population of 65+*": ("emergency_admissions_actual", "ea_actual_population"),
    "8.2 Average length of discharge delay": ("discharge_delays_actual", "dd_actual_composite"),
    "8.2 Proportion discharged on their discharge ready date": ("discharge_delays_actual", "dd_actual_on_drd"),
    "8.2 Average days from discharge ready date to discharge": ("discharge_delays_actual", "dd_actual_days"),
    "8.3 Number of admissions": ("residential_admissions", "ra_admissions"),
}


def metric_history_shown(path) -> dict[tuple[str, str], object]:
    """(figure, column heading) -> the value each pre-populated metric history cell of a plan holds,
    found as the tool finds it."""
    from bcf_addin.api import open_template

    tpl = open_template(path)
    shown = {}
    for figure, (table_id, row_id) in METRIC_HISTORY.items():
        table, at = tpl.table(table_id)
        row = next(r for r in table.rows if r.id == row_id)
        sheet = tpl.workbook.sheets[at.sheet]
        for column in table.columns:
            if table.role(row, column) == "prepopulated" and column.id in at.columns:
                shown[figure, column.header] = sheet.value(at.row_ids[row_id], at.columns[column.id])
    return shown


def published_metric_history() -> dict[tuple[str, str], str]:
    with open(FIGURES, newline="", encoding="utf-8") as fh:
        return {(r["Figure"], r["Funding source or item"]): r["Value"] for r in csv.DictReader(fh)
                if r["Return"] == "Planning" and r["Figure"] in METRIC_HISTORY
                and r["Funding source or item"].endswith(("Actual", "2024-25 Plan"))}
