"""Read one template description file: YAML (or its cached JSON copy), its `extends:` resolved,
validated whole, every problem reported at its YAML path."""
from __future__ import annotations

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
from .schema import TemplateDescription


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


@lru_cache(maxsize=None)
def bundled(kind: str) -> TemplateDescription:
    """The bundled description of `kind`, read once."""
    return load_file(paths.descriptions() / f"{kind}.yaml")


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
