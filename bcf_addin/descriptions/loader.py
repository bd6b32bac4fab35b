"""Load template descriptions and their dropdown lists from the bundled data folder."""
from __future__ import annotations

import csv
import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from .. import paths
from ..errors import BcfError
from ..files import Replacement
from .schema import ListSource, TemplateDescription


def available_kinds() -> list[str]:
    return sorted(p.stem for p in paths.descriptions().glob("*.yaml"))


@lru_cache(maxsize=None)
def load(kind: str) -> TemplateDescription:
    path = paths.descriptions() / f"{kind}.yaml"
    if not path.is_file():
        raise BcfError(f"unknown template kind '{kind}'; known kinds: {', '.join(available_kinds())}")
    return load_file(path)


# libyaml parses the descriptions several times faster than pure Python; fall back where absent.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _cache_folder() -> Path:
    base = os.environ.get("LOCALAPPDATA") or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "bcf-addin" / "descriptions"


def _parsed(path: Path) -> dict:
    """The description's data, parsed once per version of the file.

    Parsing YAML costs tens of milliseconds a file on every `bcf check`; the same data as JSON
    loads in about one. The JSON copy is keyed by the file's size and time, so an edited
    description is parsed afresh, and a cache that cannot be written is simply skipped.
    """
    stat = path.stat()
    key = hashlib.sha1(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    cached = _cache_folder() / f"{path.stem}-{key}.json"
    try:
        return json.loads(cached.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        with Replacement(cached) as staged:
            staged.file.write(json.dumps(data).encode("utf-8"))
    except (OSError, BcfError, TypeError, ValueError):
        pass
    return data


def load_file(path: Path) -> TemplateDescription:
    try:
        return TemplateDescription.model_validate(_parsed(path))
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
