"""Keep only what the tool finds again: each learned item is located as populate and check will
locate it, by its labels and headings, and must land on the cells it was learned from."""
from __future__ import annotations

from pydantic import ValidationError

from .. import locate as loc
from ..descriptions.schema import Field, Table
from ..errors import WrongTemplate
from ..workbook import Sheet, cell_ref


def public(item: dict) -> dict:
    return {k: v for k, v in item.items() if not k.startswith("_")}


def _checkable(item: dict) -> dict:
    """The item as the locator takes it; a formula not yet written does not change where it is."""
    out = public(item)
    if out.get("role") == "formula" and not out.get("formula"):
        out["formula"] = "=0"
    return out


def found_again(sheet: Sheet, items: list[dict], path: str) -> tuple[list[dict], list[tuple[str, str]]]:
    """(the items the locator finds where they were learned, marks for those it does not)."""
    index = loc.Index(sheet)
    checklist = loc.locate_checklist(index, sheet.name)
    not_headers = {(checklist.complete[0] - 1, checklist.complete[1])} if checklist.complete else set()
    kept, marks, taken = [], [], set()
    for item in [i for i in items if i["kind"] == "table"] + [i for i in items if i["kind"] == "field"]:
        at = item["_at"]
        try:
            if item["kind"] == "table":
                got = loc.locate_table(index, Table.model_validate(_checkable(item)), sheet.name, path, not_headers)
                ok = got.columns == at["columns"] and got.rows == at["rows"]
                if ok:
                    taken.update((got.header_row, c) for c in got.columns.values())
                    if got.label_col:
                        taken.add((got.header_row, got.label_col))
            else:
                got = loc.locate_field(index, Field.model_validate(_checkable(item)), sheet.name, taken, path)
                ok = (got.row, got.col) == (at["row"], at["col"])
        except (WrongTemplate, ValidationError, KeyError):
            ok = False
        if ok:
            kept.append(item)
        else:
            where = cell_ref(at.get("row") or at.get("header_row"), at.get("col") or min(at["columns"].values()))
            marks.append((f"sheets.{sheet.name}",
                           f"the {item['kind']} '{item['id']}' at {where} is not found again by its "
                           "labels and headings, so it is left out; describe it by hand"))
    order = {id(i): n for n, i in enumerate(items)}
    return sorted(kept, key=lambda i: order[id(i)]), marks
