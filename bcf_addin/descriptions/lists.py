"""The values of a description's drop-down lists, from the list itself or the reference file it names."""
from __future__ import annotations

import csv
from functools import lru_cache
from typing import TYPE_CHECKING

from .. import paths
from ..errors import BcfError

if TYPE_CHECKING:
    from .schema import ListSource, TemplateDescription


@lru_cache(maxsize=None)
def _read_csv(name: str) -> tuple[dict[str, str], ...]:
    with open(paths.reference() / name, newline="", encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


def list_values(source: ListSource) -> list[str]:
    """The values of a dropdown list, in the template's order."""
    if source.values:
        return list(source.values)
    rows = _read_csv(source.file)
    if source.list:
        values = [r["Value"] for r in rows if r["List"] == source.list]
    else:
        values = [r[source.column] for r in rows if r.get(source.column)]
    # A column of a table with one line per combination (scheme type x sub type) repeats itself.
    values = list(dict.fromkeys(values))
    if not values:
        raise BcfError(f"list '{source.list or source.column}' is empty in {source.file}")
    return values


def previous_values(source: ListSource) -> dict[str, list[str]]:
    """Earlier names -> the list values they became, from the file's `previous` column.

    One earlier name may have become several values (a 2023-25 scheme type split into
    activities); choosing between them is the officer's decision, never the tool's.
    """
    if not source.previous or not source.file:
        return {}
    out: dict[str, list[str]] = {}
    for r in _read_csv(source.file):
        value = r[source.column] if source.column else r.get("Value", "")
        for old in (r.get(source.previous) or "").split(";"):
            if old.strip() and value:
                out.setdefault(old.strip(), []).append(value)
    return out


def dependent_values(source: ListSource, parent: ListSource, parent_value: str) -> list[str]:
    """The values a dependent list offers beside one value of the list it depends on: those on the
    file's rows for that value (a scheme type's sub-types), none where the file gives none."""
    rows = _read_csv(source.file)
    values = [r[source.column] for r in rows if r.get(parent.column) == parent_value and r.get(source.column)]
    return list(dict.fromkeys(values))


def lists_of(desc: TemplateDescription) -> dict[str, list[str]]:
    return {name: list_values(src) for name, src in desc.lists.items()}
