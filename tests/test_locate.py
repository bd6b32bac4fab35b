"""The locator finds cells by their labels and headings in templates laid out differently:
headings split over two rows, labels in other case, spacing and line breaks, rows inserted."""
from __future__ import annotations

from decimal import Decimal

from bcf_addin.api import open_template, populate
from bcf_addin.descriptions.loader import load
from bcf_addin.locate import locate
from bcf_addin.xlsx.reader import read_workbook

from support import SAMPLE_LINES, SAMPLE_PLAN


def reshaped(plan_template, tmp_path):
    """The plan as another year's file might lay it out, edited with openpyxl (a test-only rewrite)."""
    from openpyxl import load_workbook

    tpl = open_template(plan_template)
    at = tpl.layout.tables["schemes"]
    wb = load_workbook(plan_template)
    ws = wb["5. Expenditure"]
    ws.insert_rows(at.header_row + 1)                     # headings now span two rows
    ws.cell(at.header_row, at.columns["scheme_id"]).value = "Scheme"
    ws.cell(at.header_row + 1, at.columns["scheme_id"]).value = "ID"
    ws.cell(at.header_row, at.columns["source"]).value = "SOURCE OF\nFUNDING "
    ws.cell(at.header_row, at.columns["expenditure"]).value = "Expenditure  for 2025–26 (£)"
    cover = wb["2. Cover"]
    hwb = tpl.layout.fields["hwb"]
    cover.cell(hwb.label_row, hwb.label_col).value = "health and wellbeing board"
    cover.insert_rows(2, amount=3)                        # everything on the cover moves down
    out = tmp_path / "reshaped.xlsx"
    wb.save(out)
    return out, tpl


def test_split_headings_case_spacing_dashes_and_moved_rows_are_found(plan_template, tmp_path):
    path, original = reshaped(plan_template, tmp_path)
    layout = locate(read_workbook(path), load("planning-2025-26"))
    before, after = original.layout.tables["schemes"], layout.tables["schemes"]
    assert after.header_row == before.header_row
    assert after.rows[0] == before.rows[0] + 1            # data starts under the second heading row
    assert after.columns == before.columns
    assert layout.fields["hwb"].row == original.layout.fields["hwb"].row + 3


def test_populate_writes_under_split_headings(plan_template, tmp_path):
    path, _ = reshaped(plan_template, tmp_path)
    result = populate(path, [SAMPLE_PLAN], out=tmp_path / "out.xlsx")
    tpl = open_template(result.out)
    lines = tpl.lines("schemes")
    assert len(lines) == SAMPLE_LINES
    assert lines[0].values["scheme_id"] == "1" and lines[0].values["expenditure"] == Decimal(681800)
    assert lines[0].values["source"] == "DFG"


def test_month_headings_typed_as_dates_still_match():
    from datetime import datetime

    from bcf_addin.folding import fold

    assert fold(datetime(2025, 4, 1)) == fold("Apr-25") == fold("apr 25")
    assert fold(datetime(2026, 3, 1)) == fold("Mar-26")


def test_an_excel_register_whose_month_headings_became_dates_populates(tmp_path):
    """Typing 'Apr-25' into Excel makes a date; the C&D step-up register still lands by month."""
    import csv
    from datetime import datetime

    from openpyxl import Workbook

    from bcf_addin import paths
    from bcf_addin.api import new_replica

    with open(paths.samples() / "leicestershire-2025-26-cd-step-up.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    wb = Workbook()
    ws = wb.active
    ws.append([h if i < 2 else datetime.strptime(h, "%b-%y") for i, h in enumerate(rows[0])])
    for row in rows[1:]:
        ws.append(row[:2] + [int(v) for v in row[2:]])
    register = tmp_path / "step-up.xlsx"
    wb.save(register)
    template = new_replica("cd-2025-26", tmp_path / "cd.xlsx", hwb="Leicestershire")
    result = populate(template, [register], out=tmp_path / "cd-out.xlsx")
    assert result.tables[0].table == "step_up_capacity" and result.written > 0
    tpl = open_template(result.out)
    _, at = tpl.table("step_up_capacity")
    first = tpl.lines("step_up_capacity")[0]
    assert first.values[next(iter(at.columns))] == Decimal(263)


def test_an_optional_column_missing_from_the_file_does_not_stop_populate_or_check(plan_template, tmp_path):
    from openpyxl import load_workbook

    from bcf_addin.api import check

    tpl = open_template(plan_template)
    at = tpl.layout.tables["schemes"]
    wb = load_workbook(plan_template)
    wb["5. Expenditure"].cell(at.header_row, at.columns["comments"]).value = None   # no comments column
    path = tmp_path / "no-comments.xlsx"
    wb.save(path)
    result = populate(path, [SAMPLE_PLAN], out=tmp_path / "out.xlsx")
    assert result.tables[0].lines == SAMPLE_LINES
    assert [n.column for n in result.notes if n.severity == "warning"] == ["Comments (optional)"]
    assert "comments" not in open_template(result.out).layout.tables["schemes"].columns
    report = check(result.out)
    assert [f.message.split(" of the ")[0] for f in report.findings if f.code == "M301"] == ["£294,616", "£2,702,745"]


def test_the_rows_looked_at_for_headings_hold_every_row_a_heading_stands_on(replicas, plan_template, tmp_path):
    """The locator looks for a table's header only on the rows Index.heading_rows gives, found by
    looking its headings up: every row where a heading stands, whole or split over two rows
    ('Scheme' above 'ID'), must be among them, on every sheet of every kind of template."""
    from bcf_addin.descriptions.schema import Table
    from bcf_addin.locate import Index, heads_of, sheet_name

    from openpyxl import load_workbook

    split, _ = reshaped(plan_template, tmp_path)
    # NHS England's own headings run on after the words a description looks for ('prefix').
    eoy = open_template(replicas["eoy-2024-25"][1])
    table, at = eoy.table("metrics")
    longer = load_workbook(eoy.workbook.path)
    for column in (c for c in table.columns if c.prefix):
        longer[eoy.layout.workbook_sheet(at.sheet)].cell(at.header_row, at.columns[column.id]).value = column.header + " (see the guidance)"
    longer.save(tmp_path / "longer.xlsx")
    books = [(kind, populated or empty) for kind, (empty, populated, _) in replicas.items()]
    books += [("planning-2025-26", split), ("eoy-2024-25", tmp_path / "longer.xlsx")]
    seen = {1: 0, 2: 0}
    for kind, path in books:
        wb, desc = read_workbook(path), load(kind)
        for sheet in desc.sheets:
            name = sheet_name(wb, sheet)
            index = Index(wb.sheets[name]) if name else None
            for table in (t for t in sheet.items if index and isinstance(t, Table)):
                for heads in [heads_of(*((c.header, tuple(c.aliases), c.prefix) for c in table.columns)),
                              *(heads_of((c.header, tuple(c.aliases), c.prefix)) for c in table.columns)]:
                    given = index.heading_rows(0, heads)
                    assert given == sorted(given)
                    for r in index.by_row:
                        for depth in (1, 2):
                            if index.heading_cells(r, depth, heads):
                                assert r in given, (kind, name, table.id, r, depth)
                                seen[depth] += 1
    assert seen[1] > 100 and seen[2] > 0         # headings found whole, and split over two rows
