"""Descriptions once validated, kept as JSON so that a command reads them back without validating.

Validating a description takes pydantic, whose import alone costs more than reading a return;
`bcf check` would pay it for every description it knows, at every run. So each description
file, once valid, is written to the per-user cache folder as JSON naming each object's class,
and later commands rebuild the objects from it directly.

An entry is used only while it was made from the same text by the same code: it holds the
digest of the file, of each file it extends, and of the code and reference files validation
reads; all are checked at every read, and any difference makes it be validated and written
afresh. JSON rather than pickle: whatever a cache file holds, reading it can only ever make
description objects. A cache that cannot be read or written is passed over.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import fields
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Callable

from .. import paths
from . import schema

FORMAT = 2
CLASSES = {cls.__name__: cls for cls in vars(schema).values()
           if isinstance(cls, type) and issubclass(cls, schema.Strict) and cls is not schema.Strict}


class Entry:
    """A valid description file: its kind and identity at once, the description itself when asked.

    `made_afresh` validates the file again, should its kept copy turn out unreadable.
    """

    def __init__(self, kind: str, identity: schema.Identity, description=None, *, text: str | None = None,
                 made_afresh: Callable[[], schema.TemplateDescription] | None = None):
        self.kind, self.identity = kind, identity
        self._description, self._text, self._made_afresh = description, text, made_afresh

    @property
    def description(self) -> schema.TemplateDescription:
        if self._description is None:
            try:
                desc = json.loads(self._text, object_hook=_decoded)
                if not isinstance(desc, schema.TemplateDescription):
                    raise TypeError("not a description")
            except (ValueError, KeyError, TypeError, AttributeError):
                desc = self._made_afresh()
            self._description, self._text = desc, None
        return self._description


def read(path: Path, made_afresh: Callable[[], schema.TemplateDescription]) -> Entry | None:
    """The cached description of the file at `path`, if one was made from its text as it is now."""
    try:
        code = code_digest()
        # A line saying what the entry was made from, then the description: only the line is
        # parsed until the description is wanted.
        head, _, description = _entry_path(path).read_text(encoding="utf-8").partition("\n")
        entry = json.loads(head)
        if entry.get("format") != FORMAT or entry.get("code") != code or entry.get("text") != _digest(path):
            return None
        if any(_digest(Path(parent)) != digest for parent, digest in entry["parents"]):
            return None
        identity = json.loads(entry["identity"], object_hook=_decoded)
        if not isinstance(identity, schema.Identity):
            return None
        return Entry(entry["kind"], identity, text=description, made_afresh=made_afresh)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write(path: Path, description: schema.TemplateDescription, parents: list[Path]) -> Entry:
    """Keep `description`, just validated from `path` and the files it extends, for later commands."""
    entry = Entry(description.kind, description.identity, description)
    try:
        head = {"format": FORMAT, "code": code_digest(), "text": _digest(path),
                "parents": [[str(p), _digest(p)] for p in parents], "kind": description.kind,
                "identity": json.dumps(_encoded(description.identity))}
        store(_entry_path(path), json.dumps(head) + "\n" + json.dumps(_encoded(description)))
    except (OSError, ValueError, TypeError):
        pass
    return entry


def store(target: Path, text: str) -> None:
    """Write `text` to the cache file `target` whole, or not at all."""
    from ..errors import BcfError
    from ..files import Replacement

    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with Replacement(target) as staged:
            staged.file.write(text.encode("utf-8"))
    except BcfError:
        pass


def cache_folder() -> Path:
    base = os.environ.get("LOCALAPPDATA") or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "bcf-addin" / "descriptions"


def _entry_path(path: Path) -> Path:
    where = hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:16]
    return cache_folder() / f"{path.stem}-{where}.valid.json"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@lru_cache(maxsize=None)
def code_digest() -> str:
    """What a validated description depends on besides its text: the code that validates it, the
    reference files its lists name, and the Python version."""
    here = Path(__file__).resolve().parent
    files = [*sorted(here.glob("*.py")), here.parent / "folding.py", *sorted(paths.reference().glob("*"))]
    h = hashlib.sha256(f"{FORMAT} {sys.version_info[:2]}".encode())
    for f in files:
        h.update(f.name.encode("utf-8") + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def _encoded(value):
    if isinstance(value, schema.Strict):
        out = {"$": type(value).__name__}
        for f in fields(value):
            out[f.name] = _encoded(getattr(value, f.name))
        return out
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, list):
        return [_encoded(v) for v in value]
    if isinstance(value, dict):
        items = {k: _encoded(v) for k, v in value.items()}
        # A key of the description's own that looks like a marker is kept apart from the markers.
        return {"$map": list(items.items())} if any(k.startswith("$") for k in items) else items
    if value is None or isinstance(value, (str, bool, int)):
        return value
    raise TypeError(f"a description holds a {type(value).__name__}")


def _decoded(node: dict):
    if "$" in node:
        obj = object.__new__(CLASSES[node.pop("$")])
        obj.__dict__.update(node)
        return obj
    if "$decimal" in node:
        return Decimal(node["$decimal"])
    if "$map" in node:
        return dict(node["$map"])
    return node
