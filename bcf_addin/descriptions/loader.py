"""Load template descriptions and their dropdown lists from the bundled data folder."""
from __future__ import annotations

import csv
import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from .. import paths
from ..errors import BcfError
from ..files import Replacement
from . import generated
from .extends import resolve
from .schema import ListSource, TemplateDescription


def available_kinds() -> list[str]:
    """The kinds known: bundled, in the user's folder, or named with --description (see sources)."""
    from .sources import bundled_kinds, extra_sources

    return sorted({*bundled_kinds(), *(s.kind for s in extra_sources())})


def load(kind: str) -> TemplateDescription:
    """The description of `kind`: a named or user description of that kind before the bundled one."""
    from .sources import overriding

    return overriding(kind) or load_bundled(kind)


@lru_cache(maxsize=None)
def load_bundled(kind: str) -> TemplateDescription:
    path = paths.descriptions() / f"{kind}.yaml"
    if not path.is_file():
        raise BcfError(f"unknown template kind '{kind}'; known kinds: {', '.join(available_kinds())}")
    return load_file(path)


# Tests that swap the bundled folder clear what was read from the old one.
load.cache_clear = load_bundled.cache_clear


def _yaml():
    """PyYAML, or None where it is not installed (Python inside Excel through xlwings Lite has
    none): the bundled descriptions then load from their generated JSON copies."""
    try:
        import yaml
    except ImportError:
        return None
    return yaml


def _cache_folder() -> Path:
    base = os.environ.get("LOCALAPPDATA") or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "bcf-addin" / "descriptions"


def _parsed(path: Path) -> dict:
    """The description's data, parsed once per version of the file.

    Parsing YAML costs tens of milliseconds a file on every `bcf check`; the same data as JSON
    loads in about one. The JSON copy is keyed by the file's size and time, so an edited
    description is parsed afresh, and a cache that cannot be written is simply skipped.
    """
    yaml = _yaml()
    if yaml is None:
        return generated.read(path)
    stat = path.stat()
    key = hashlib.sha1(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    cached = _cache_folder() / f"{path.stem}-{key}.json"
    try:
        return json.loads(cached.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    # libyaml parses the descriptions several times faster than pure Python; fall back where absent.
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        with Replacement(cached) as staged:
            staged.file.write(json.dumps(data).encode("utf-8"))
    except (OSError, BcfError, TypeError, ValueError):
        pass
    return data


class DescriptionError(BcfError):
    """A template description that cannot be used: every problem, one line each, at its YAML path."""

    def __init__(self, path: Path, problems: list[str]):
        # The message follows the file's name in a message box; the command line prints __str__.
        super().__init__("is not a usable template description:\n" + "\n".join(problems), file=str(path))
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(f"{self.file}: {p}" for p in self.problems)


def _read(path: Path) -> dict:
    try:
        return _parsed(path)
    except OSError as exc:
        raise BcfError(f"cannot read the template description: {exc.strerror or exc}", file=str(path)) from exc
    except Exception as exc:
        yaml = _yaml()
        if yaml is None or not isinstance(exc, yaml.YAMLError):
            raise
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise DescriptionError(path, [f"{where}{getattr(exc, 'problem', None) or exc}"]) from exc


def _extended(path: Path, kind: str) -> dict:
    """The description a file extends: the YAML file of that kind beside it."""
    parent = path.parent / f"{kind}.yaml"
    if not isinstance(kind, str) or not parent.is_file():
        raise ValueError(f"no description {parent.name} beside {path.name}")
    try:
        return _read(parent)
    except BcfError as exc:
        raise ValueError(str(exc).replace("\n", "; ")) from None


def load_file(path: Path) -> TemplateDescription:
    data, problems = resolve(_read(path), lambda kind: _extended(path, kind))
    if problems:
        raise DescriptionError(path, [f"{where}: {message}" for where, message in problems])
    try:
        return TemplateDescription.model_validate(data)
    except ValidationError as exc:
        raise DescriptionError(path, [f"{yaml_path(e['loc'], data)}: {_message(e)}" for e in exc.errors()]) from None


def yaml_path(loc: tuple, data) -> str:
    """A validation error's location as a path into the YAML, items named by their id:
    ('sheets', 3, 'items', 5, 'table', 'columns', 2, 'list') -> tables.schemes.columns[2].list."""
    loc, head = list(loc), ""
    if len(loc) >= 4 and loc[0] == "sheets" and loc[2] == "items":
        try:
            raw = data["sheets"][loc[1]]["items"][loc[3]]
        except (LookupError, TypeError):
            raw = None
        kind = raw.get("kind", "field") if isinstance(raw, dict) else None
        rest = loc[5:] if loc[4:5] == [kind] else loc[4:]      # drop the item union's kind tag
        if kind in ("field", "table") and raw.get("id"):
            head, loc = f"{kind}s.{raw['id']}", rest
        else:
            loc = loc[:4] + rest
    parts = [head] if head else []
    for part in loc:
        if isinstance(part, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{part}]"]
        else:
            parts.append(str(part))
    return ".".join(parts) or "(the whole file)"


def _message(error: dict) -> str:
    msg = error["msg"]
    return msg.removeprefix("Value error, ")


def all_descriptions() -> list[TemplateDescription]:
    """Every description in use, in the order recognition tries them (see sources.all_sources)."""
    from .sources import all_sources

    return [s.description for s in all_sources()]


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
