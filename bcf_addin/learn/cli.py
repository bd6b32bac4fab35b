"""`bcf learn`: a template read, its description written beside the officer's files."""
from __future__ import annotations

import re
from pathlib import Path

from ..descriptions.loader import load, load_file
from ..errors import BcfError
from ..files import Replacement
from . import learn
from .output import dump


def kind_name(stem: str) -> str:
    """The kind a description takes from a file name: 'BCF Plan 2026-27' -> 'bcf-plan-2026-27'."""
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "learned"


def learn_to_file(template: Path, out: Path, like: str | None) -> int:
    """Learn `template` into the YAML file `out` (never replacing one); the number of marks to confirm."""
    if out.suffix.lower() not in (".yaml", ".yml"):
        raise BcfError("is not a .yaml name; the description is written as YAML", file=str(out))
    kind = kind_name(out.stem)
    known = None
    if like:
        known = load_file(Path(like)) if Path(like).suffix.lower() in (".yaml", ".yml") else load(like)
    data = learn(template, kind=kind, like=known)
    header = (f"# Learned by `bcf learn` from {template.name}"
              + (f", with meaning carried over from {known.kind}" if known else "") + ".\n"
              "# Check every entry under to_confirm, fix what it names, then delete the entry;\n"
              "# `bcf validate` lists those left.\n")
    with Replacement(out, existing="refuse") as staged:
        staged.file.write(dump(data, header).encode("utf-8"))
    return len(data["to_confirm"])
