"""`bcf learn` on a template the tool has never seen: the XlsxWriter-built NHS-style 2025-26 plan
(hidden list sheets behind defined names, two-row and merged headings, a hidden helper column),
as published and with its rows and columns moved. The learned description must populate the same
cells with the same values as the hand-written one, and give the same balances."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from bcf_addin.balances import compute
from bcf_addin.cli import main
from bcf_addin.descriptions.loader import load, load_file
from bcf_addin.locate import locate
from bcf_addin.populate import plan, with_writes
from bcf_addin.register import read_register
from bcf_addin.located import OpenTemplate
from bcf_addin.xlsx.reader import read_workbook
from nhs_style.planning_2025_26 import ACTIVITIES, SOURCES, build
from support import SAMPLE_CELLS, SAMPLE_PLAN

LAYOUTS = {"as published": {}, "moved": {"extra_rows": 9, "extra_cols": 3, "input_rows": 180}}


@pytest.fixture(scope="module", params=list(LAYOUTS))
def built(request, tmp_path_factory):
    return build(tmp_path_factory.mktemp("learn") / "plan.xlsx", **LAYOUTS[request.param])


@pytest.fixture(scope="module")
def template(built) -> Path:
    return built.path


def bcf(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def learned(template: Path, tmp_path: Path, *like: str) -> Path:
    out = tmp_path / "learned.yaml"
    res = bcf("learn", template, "-o", out, *(("--like", like[0]) if like else ()))
    assert res.exit_code == 0, res.output
    return out


def populated(template: Path, desc):
    """What populate writes from the sample register through `desc`, and the balances after it."""
    wb = read_workbook(template)
    result = plan(read_register(SAMPLE_PLAN), desc, locate(wb, desc), wb)
    after = with_writes(wb, result.writes)
    writes = sorted((w.sheet, w.row, w.col, w.value) for w in result.writes)
    return writes, compute(OpenTemplate(after, desc, locate(after, desc)))


def test_learned_like_the_known_plan_writes_the_same_cells_and_gives_the_same_balances(template, tmp_path):
    desc = load_file(learned(template, tmp_path, "planning-2025-26"))
    writes, balances = populated(template, desc)
    want, _ = populated(template, load("planning-2025-26"))
    assert len(writes) == SAMPLE_CELLS and writes == want
    got = {b.source: (b.income, b.expenditure) for b in balances.running_balances}
    assert got["NHS Minimum Contribution"] == (Decimal(57070979), Decimal(56776363))
    assert got["Local Authority Better Care Grant"] == (Decimal(21824275), Decimal(19121530))
    asc, = balances.minimum_spend
    assert (asc.spend, asc.minimum, asc.met) == (Decimal(32579512), Decimal(31982219), True)


def test_validate_lists_each_mark_and_passes_once_they_are_removed(template, tmp_path):
    out = learned(template, tmp_path, "planning-2025-26")
    res = bcf("validate", out)
    marks = yaml.safe_load(out.read_text(encoding="utf-8"))["to_confirm"]
    assert res.exit_code == 1 and marks
    assert res.output.count("to confirm:") == len(marks)
    # Among them: the DFG breakdown's amounts, which have no heading of their own in the file.
    assert any(m["at"] == "tables.dfg_districts.columns[0]" for m in marks)
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    del data["to_confirm"]
    out.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    res = bcf("validate", out)
    assert res.exit_code == 0 and "to confirm" not in res.output, res.output


def test_learned_without_like_describes_the_structure_and_marks_the_meaning(built, template, tmp_path):
    out = learned(template, tmp_path)
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    desc = load_file(out)
    assert desc.kind == "learned" and desc.identity.title == "Better Care Fund 2025-26 Planning Template"
    assert desc.identity.version == "Version 1.5" and desc.finance is None
    # The list sheets are hidden: they are read, not described as sheets.
    assert [s.name for s in desc.sheets] == ["1. Guidance", "2. Cover", "3. Summary", "4. Income", "5. Expenditure",
                                             "5a. Expenditure guidance", "6. Metrics", "7. National Conditions"]
    assert all(s.protected for s in desc.sheets)
    lists = {k: v["values"] for k, v in data["lists"].items()}
    assert lists["activity"] == ACTIVITIES and lists["funding_source"] == SOURCES
    _, schemes = next((s, i) for s in desc.sheets for i in s.items
                      if getattr(i, "columns", None) and i.columns[0].header == "Scheme ID")
    headers = [re.sub(r"\s+", " ", c.header) for c in schemes.columns]
    # Two-row headings joined, line breaks kept as written, the hidden helper column skipped.
    assert headers == ["Scheme ID", "Activity", "Description of Scheme", "Primary Objective", "Area of Spend",
                       "Provider", "Source of Funding", "Expenditure for 2025-26 (£)", "Comments (optional)"]
    assert schemes.rows is None and schemes.column("source_of_funding").list == "funding_source"
    assert schemes.column("expenditure_for_2025_26").type == "money"
    wb = read_workbook(template)
    at = locate(wb, desc).tables[schemes.id]
    assert (at.rows[0], len(at.rows)) == (built.scheme_first_row, built.scheme_rows)
    assert at.columns["scheme_id"] == built.scheme_columns["Scheme ID"]
    marks = {m["at"] for m in data["to_confirm"]}
    # The hidden helper column is nobody's input: it is skipped, not reported as an unheaded column.
    assert not any("5. Expenditure!" in m["why"] for m in data["to_confirm"])
    assert "finance" in marks                        # which column is what: not decided without --like
    formulas = [m for m in data["to_confirm"] if "the template's formula" in m["why"]]
    assert formulas and all(desc_item_role(desc, m["at"]) == "label" for m in formulas)


def desc_item_role(desc, path: str) -> str:
    kind, item_id, *rest = path.split(".", 2)
    _, item = desc.item(item_id.split("[")[0])
    if kind == "fields":
        return item.role
    return item.columns[int(re.search(r"\[(\d+)\]", rest[0]).group(1))].role


def test_learn_never_replaces_a_file_and_refuses_a_workbook_that_is_not_one(template, tmp_path):
    out = learned(template, tmp_path)
    res = bcf("learn", template, "-o", out)
    assert res.exit_code == 2 and "already exists" in res.output
    bad = tmp_path / "not.xlsx"
    bad.write_text("hello", encoding="utf-8")
    res = bcf("learn", bad, "-o", tmp_path / "other.yaml")
    assert res.exit_code == 2 and not (tmp_path / "other.yaml").exists()


def _resaved(path: Path) -> Path:
    """The template as openpyxl saves it: formulas kept, their saved results dropped."""
    import openpyxl

    openpyxl.load_workbook(path).save(path)
    return path


VARIANTS = {   # name -> how the template differs from the one published, and the marks learn must make
    "a new year's amount heading": ({"2025-26 (£)": "2026-27 (£)"}, ["Expenditure for 2025-26 (£)",
                                                                     "Expenditure for 2026-27 (£)"]),
    "the funding source reworded": ({"Source of\nFunding": "Funding Source"}, ["Source of Funding", "Funding Source"]),
    "the provider reworded": ({"Provider": "Provider name"}, ["'Provider'", "'Provider name'"]),
}


@pytest.mark.parametrize("resave", [False, True], ids=["as built", "re-saved by openpyxl"])
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_a_changed_heading_keeps_its_meaning_and_is_marked(variant, resave, tmp_path):
    renamed, named = VARIANTS[variant]
    template = build(tmp_path / "plan.xlsx", renamed=renamed).path
    if resave:
        _resaved(template)
    out = learned(template, tmp_path, "planning-2025-26")
    marks = yaml.safe_load(out.read_text(encoding="utf-8"))["to_confirm"]
    assert any(all(n in m["why"] for n in named) for m in marks), marks
    desc = load_file(out)
    assert desc.finance is not None and (desc.finance.source, desc.finance.spend) == ("source", "expenditure")
    # The like column's meaning is on the renamed heading: populate fills the same cells.
    plain = build(tmp_path / "plain.xlsx").path
    writes, _ = populated(template, desc)
    want, _ = populated(plain, load("planning-2025-26"))
    assert writes == want


def test_a_replica_of_the_known_template_is_learned_without_stopping(tmp_path):
    template = tmp_path / "replica.xlsx"
    assert bcf("new", "planning-2025-26", template, "--hwb", "Leicestershire").exit_code == 0
    desc = load_file(learned(template, tmp_path, "planning-2025-26"))
    assert desc.finance is not None and desc.finance.spend == "expenditure"


def test_a_resaved_template_has_its_income_learned_as_figures_not_row_labels(template, tmp_path):
    copy = tmp_path / "resaved.xlsx"
    copy.write_bytes(template.read_bytes())
    desc = load_file(learned(_resaved(copy), tmp_path, "planning-2025-26"))
    _, balances = desc.item("running_balances")
    assert [c.id for c in balances.columns] == ["income", "expenditure", "balance"]
    assert [s.source for s in desc.finance.sources] == SOURCES


def test_an_unexpected_error_names_the_template_not_the_description(template, tmp_path, monkeypatch):
    import bcf_addin.learn as learn_module

    def broken(path):
        raise ValueError("unreadable part")

    monkeypatch.setattr(learn_module, "read_facts", broken)
    out = tmp_path / "new.yaml"
    res = bcf("learn", template, "-o", out)
    assert res.exit_code == 2 and f"{template}: stopped by an unexpected error" in res.output
    assert str(out) not in res.output and not out.exists()


def test_learned_like_a_plan_is_started_from_last_years_year_end_as_the_plan_is(template, tmp_path):
    """Its place in the year and the returns it starts from come with the known kind's meaning,
    so `bcf rollforward` takes last year's year end into it, and refuses a plan."""
    from bcf_addin import api

    learned_yaml = learned(template, tmp_path, "planning-2025-26")
    desc = load_file(learned_yaml)
    known = load("planning-2025-26")
    assert desc.period == known.period and [c.from_family for c in desc.carry] == ["eoy"]
    eoy = api.new_replica("eoy-2024-25", tmp_path / "eoy.xlsx", hwb="Leicestershire")
    filled = tmp_path / "eoy-filled.xlsx"
    api.populate(eoy, [SAMPLE_PLAN.parent / "leicestershire-2024-25-eoy-schemes.csv",
                       SAMPLE_PLAN.parent / "leicestershire-2024-25-eoy-income.csv"], out=filled)
    out = tmp_path / "plan.xlsx"
    res = bcf("rollforward", filled, template, "-o", out, "--description", learned_yaml)
    assert res.exit_code == 0, res.output
    assert "5. Expenditure: 12 scheme lines carried from eoy-filled.xlsx" in res.output
    res = bcf("rollforward", out, template, "-o", tmp_path / "again.xlsx", "--description", learned_yaml)
    assert res.exit_code == 2 and "the same period" in res.output
