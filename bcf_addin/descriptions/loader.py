"""Load template descriptions and their dropdown lists from the bundled data folder."""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from .. import paths
from ..errors import BcfError
from .schema import ListSource, TemplateDescription


def available_kinds() -> list[str]:
    return sorted(p.stem for p in paths.descriptions().glob("*.yaml"))


@lru_cache(maxsize=None)
def load(kind: str) -> TemplateDescription:
    path = paths.descriptions() / f"{kind}.yaml"
    if not path.is_file():
        raise BcfError(f"unknown template kind '{kind}'; known kinds: {', '.join(available_kinds())}")
    return load_file(path)


def load_file(path: Path) -> TemplateDescription:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return TemplateDescription.model_validate(data)
    except (yaml.YAMLError, ValidationError) as exc:
        raise BcfError(f"the template description is invalid: {exc}", file=str(path)) from exc


def all_descriptions() -> list[TemplateDescription]:
    return [load(k) for k in available_kinds()]


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


def lists_of(desc: TemplateDescription) -> dict[str, list[str]]:
    return {name: list_values(src) for name, src in desc.lists.items()}
