"""The guidance sheets' tables of scheme types: shown by a replica as NHS England's guidance sheets
show them, and never needed to recognise a file (they hold nothing to fill in)."""
from __future__ import annotations

import pytest
from openpyxl import load_workbook
from pydantic import ValidationError

from bcf_addin.api import new_replica, open_template
from bcf_addin.descriptions.loader import load
from bcf_addin.descriptions.schema import Heading, TemplateDescription
from bcf_addin.replica.builder import build

SEEN = {   # kind -> sheet, title, columns, rows, (first row's first cells), (last row's first cells)
    "planning-2025-26": ("5a. Expenditure guidance", "2025-26 Revised Scheme Types",
                         ["Number", "Activity (2025-26)", "Previous scheme types (2023-25)", "Description"], 17,
                         (1, "Assistive technologies and equipment",
                          "Assistive technologies and equipment\nPrevention/early intervention"),
                         (17, "Other", "Other")),
    "eoy-2024-25": ("7a. Expenditure guidance", "2023-25 Revised Scheme types",
                    ["Number", "Scheme type/ services", "Sub type", "Description"], 19,
                    (1, "Assistive Technologies and Equipment",
                     "1. Assistive technologies including telecare\n2. Digital participation services\n"
                     "3. Community based equipment\n4. Other"),
                    (19, "Other", None)),
}


def _table_under(ws, title: str) -> tuple[list, list[list]]:
    """The header and the rows (up to the first blank row) under the cell holding `title`."""
    (top, left), = [(c.row, c.column) for row in ws.iter_rows() for c in row if c.value == title]
    width = 4
    header = [ws.cell(top + 1, left + i).value for i in range(width)]
    rows, r = [], top + 2
    while ws.cell(r, left).value is not None:
        rows.append([ws.cell(r, left + i).value for i in range(width)])
        r += 1
    return header, rows


@pytest.mark.parametrize("kind", list(SEEN))
def test_the_replica_shows_the_guidance_table_of_scheme_types(kind, tmp_path):
    sheet, title, columns, count, first, last = SEEN[kind]
    ws = load_workbook(new_replica(kind, tmp_path / "r.xlsx"))[sheet]
    header, rows = _table_under(ws, title)
    assert header == columns
    assert len(rows) == count
    assert tuple(rows[0][:3]) == first and tuple(rows[-1][:3]) == last
    assert rows[0][3].startswith("Using technology in care processes to supportive self-management")
    assert rows[-1][3].endswith("represented by the above scheme types" + (
        ", please outline the objectives and services planned for the scheme in a short description in the "
        "comments column." if kind == "eoy-2024-25" else "."))


def test_the_units_table_is_still_found_under_the_scheme_types(tmp_path):
    tpl = open_template(new_replica("eoy-2024-25", tmp_path / "r.xlsx"))
    ws = tpl.workbook.sheets["7a. Expenditure guidance"]
    units = tpl.layout.tables["scheme_type_units"]
    assert ws.value(units.rows[0], units.label_col) == "Assistive Technologies and Equipment"
    assert ws.value(units.rows[0], units.columns["units"]) == "Number of beneficiaries"


@pytest.mark.parametrize("kind", list(SEEN))
def test_a_file_without_the_guidance_tables_is_recognised_and_checked(kind, tmp_path):
    """Another year's file, or one NHS England laid out differently, may lack them or show others."""
    from bcf_addin.api import check

    desc = load(kind)
    data = desc.model_dump()
    for sheet in data["sheets"]:
        for item in sheet["items"]:
            if item["kind"] == "heading":
                item["table"] = None
    bare = TemplateDescription.model_validate(data)
    path = tmp_path / "r.xlsx"
    build(bare, path)
    sheet, title, *_ = SEEN[kind]
    ws = load_workbook(path)[sheet]
    assert not any(c.value == "Number" for row in ws.iter_rows() for c in row)
    tpl = open_template(path)
    assert tpl.description.kind == kind
    assert set(tpl.layout.tables) == {i.id for s in desc.sheets for i in s.items if not isinstance(i, Heading)
                                      and getattr(i, "columns", None)}
    # An empty return is incomplete: the same findings, sheet by sheet, with the tables or without.
    found = sorted((f.code, f.sheet) for f in check(path).findings)
    assert found and found == sorted((f.code, f.sheet) for f in check(new_replica(kind, tmp_path / "full.xlsx")).findings)


def test_a_guidance_table_row_must_fill_its_columns():
    with pytest.raises(ValidationError, match="row 2 has 1 cells for 2 columns"):
        Heading.model_validate({"text": "Scheme types", "table": {"columns": ["Number", "Name"],
                                                                  "rows": [[1, "Other"], [2]]}})
    with pytest.raises(ValidationError, match="stands under a section heading"):
        Heading.model_validate({"text": "Scheme types", "style": "note",
                                "table": {"columns": ["Number"], "rows": [[1]]}})
