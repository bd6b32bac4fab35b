"""Read one template description file: YAML (or its cached JSON copy), its `extends:` resolved,
validated whole, every problem reported at its YAML path."""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from .. import paths
from ..errors import BcfError
from . import generated, validated
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
    cached = validated.cache_folder() / f"{path.stem}-{key}.json"
    try:
        return json.loads(cached.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    # libyaml parses the descriptions several times faster than pure Python; fall back where absent.
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    try:
        validated.store(cached, json.dumps(data))
    except (OSError, TypeError, ValueError):
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


def _extended(path: Path, kind: str, parents: list[Path]) -> dict:
    """The description a file extends: the YAML file of that kind beside it."""
    parent = path.parent / f"{kind}.yaml"
    if not isinstance(kind, str) or not parent.is_file():
        raise ValueError(f"no description {parent.name} beside {path.name}")
    parents.append(parent)
    try:
        return _read(parent)
    except BcfError as exc:
        raise ValueError(str(exc).replace("\n", "; ")) from None


def load_file(path: Path) -> TemplateDescription:
    return described(path).description


def described(path: Path) -> validated.Entry:
    """The description in the file at `path`, validated whole. Its kind and identity are known
    without building the rest, so a command looking for one description among several builds only
    that one."""
    return validated.read(path, lambda: _validate(path)[0]) or validated.write(path, *_validate(path))


def _validate(path: Path) -> tuple[TemplateDescription, list[Path]]:
    """The description and the files it extends, or DescriptionError with every problem."""
    from pydantic import ValidationError       # deferred: only a description not validated before needs it

    parents: list[Path] = []
    data, problems = resolve(_read(path), lambda kind: _extended(path, kind, parents))
    if problems:
        raise DescriptionError(path, [f"{where}: {message}" for where, message in problems])
    try:
        return TemplateDescription.model_validate(data), parents
    except ValidationError as exc:
        raise DescriptionError(path, [f"{yaml_path(e['loc'], data)}: {_message(e)}" for e in exc.errors()]) from None


@lru_cache(maxsize=None)
def bundled_entry(kind: str) -> validated.Entry:
    return described(paths.descriptions() / f"{kind}.yaml")


def bundled(kind: str) -> TemplateDescription:
    """The bundled description of `kind`, read once."""
    return bundled_entry(kind).description


bundled.cache_clear = bundled_entry.cache_clear


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
    if error["type"] == "unexpected_keyword_argument":
        return "Extra inputs are not permitted"          # a key no description has
    return error["msg"].removeprefix("Value error, ")
