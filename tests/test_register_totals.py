"""Totals and subtotals in an officer's own scheme register are skipped, each with a warning naming
its line and why, so the money is counted once: the published Leicestershire figures, whatever
totals the officer keeps between the lines."""
from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from bcf_addin.cli import main
from bcf_addin.jsonout import loads

from support import SAMPLE_PLAN

MONEY = "Expenditure for 2025-26 (£)"
PUBLISHED = {"DFG": (Decimal(5518288), Decimal(5518288)),
             "NHS Minimum Contribution": (Decimal(57070979), Decimal(56776363)),
             "Local Authority Better Care Grant": (Decimal(21824275), Decimal(19121530))}


def sample() -> tuple[list[str], list[list[str]]]:
    with open(SAMPLE_PLAN, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def with_totals() -> tuple[list[str], list[list[str]], dict[int, str]]:
    """The published lines with the totals an officer keeps among them, and the file line of each
    total with what its warning must say."""
    head, body = sample()
    money = head.index(MONEY)

    def total(lines) -> str:
        return str(sum(int(r[money]) for r in lines))

    def line(**values) -> list[str]:
        row = [""] * len(head)
        for heading, value in values.items():
            row[head.index(heading.replace("_", " "))] = value
        return row

    dfg = [r for r in body if r[head.index("Source of Funding")] == "DFG"]
    rows = [*body[:5],
            line(Description_of_Scheme="Sub-total", **{MONEY: total(body[:5])}),              # named, reader
            *body[5:10],
            line(**{MONEY: total(body[5:10])}),                                               # a bare subtotal
            *body[10:40],
            # Named in a column of its own, beside other values: the reader cannot tell it from a line.
            line(Activity="Disabled Facilities Grant related schemes", Description_of_Scheme="DFG total",
                 Source_of_Funding="DFG", **{MONEY: total(dfg)}),
            *body[40:],
            line(Scheme_ID="Total BCF", **{MONEY: total(body)}),
            line(**{MONEY: total(body)})]                                                     # a bare grand total
    at = {i + 2: r for i, r in enumerate(rows)}
    expected = {n: why for n, r in at.items() for why in [_why(head, r)] if why}
    return head, rows, expected


def _why(head: list[str], row: list[str]) -> str | None:
    if row[0] and not row[0].startswith("Total"):
        return None
    labels = [v for v in row if v and not v.isdigit()]
    named = [v for v in labels if "total" in v.lower()]
    return f"totals line ('{named[0]}')" if named else "is the sum of"


def write_csv(path: Path, head, rows) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([head, *rows])
    return path


def write_xlsx(path: Path, head, rows) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Schemes"
    ws.append(head)
    money = head.index(MONEY)
    for r in rows:
        ws.append([int(v) if j == money and v else (v or None) for j, v in enumerate(r)])
    wb.save(path)
    return path


def run(*args, code: int = 0) -> str:
    res = CliRunner().invoke(main, [str(a) for a in args])
    assert res.exit_code == code, res.output
    return res.output


@pytest.mark.parametrize("form", [write_csv, write_xlsx], ids=["csv", "xlsx"])
def test_totals_in_a_register_are_skipped_and_the_balances_are_the_published_ones(form, plan_template, tmp_path):
    head, rows, expected = with_totals()
    register = form(tmp_path / f"register.{'csv' if form is write_csv else 'xlsx'}", head, rows)
    output = run("populate", plan_template, "--schemes", register, "-o", tmp_path / "out.xlsx")
    assert "74 lines into the schemes table" in output
    warnings = [w for w in output.splitlines() if w.startswith(f"warning: {register}")]
    for n, why in expected.items():
        said = [w for w in warnings if re.search(rf"\b(line|row) {n}\b", w.split(": ", 2)[1])]
        assert len(said) == 1 and why in said[0], (n, why, warnings)
        assert "not written" in said[0] or "not read" in said[0]
    assert len(warnings) == len(expected) == 5
    figures = loads(run("balances", tmp_path / "out.xlsx", "--json"))
    got = {b["source"]: (b["income"], b["expenditure"]) for b in figures["running_balances"]}
    assert {k: got[k] for k in PUBLISHED} == PUBLISHED
    asc = figures["minimum_spend"][0]
    assert (asc["spend"], asc["minimum"]) == (Decimal(32579512), Decimal(31982219))
    assert figures["not_counted"]["amount"] == 0


def test_a_scheme_line_that_happens_to_equal_the_lines_above_is_kept(plan_template, tmp_path):
    """Only a line without its own Scheme ID can be a total: a scheme of £100 after two of £50 is a scheme."""
    head, _ = sample()
    base = ["Other", "x", "1. Proactive care to those with complex needs", "Social Care", "NHS", "DFG"]
    rows = [["1", *base, "50", ""], ["2", *base, "50", ""], ["3", *base, "100", ""]]
    register = write_csv(tmp_path / "register.csv", head, rows)
    output = run("populate", plan_template, "--schemes", register, "-o", tmp_path / "out.xlsx")
    assert "3 lines into the schemes table" in output and "warning" not in output
