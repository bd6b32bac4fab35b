"""A learned description made valid and written out, with what a person must confirm.

Meaning carried over from a known description can name something this file lacks (a formula
over a table it does not have); each such part is taken out and listed under `to_confirm`, so
what is written always passes `bcf validate` apart from the marks themselves.
"""
from __future__ import annotations

import re
from decimal import Decimal

import yaml
from pydantic import ValidationError

from ..descriptions.loader import yaml_path
from ..descriptions.schema import Strict, TemplateDescription

MAX_ROUNDS = 20


def public(data):
    """Plain YAML data: where-found notes (keys starting '_') dropped, carried models as data."""
    if isinstance(data, Strict):
        return data.model_dump(exclude_defaults=True, mode="json")
    if isinstance(data, Decimal):
        return str(data)
    if isinstance(data, dict):
        return {k: public(v) for k, v in data.items() if not k.startswith("_")}
    if isinstance(data, list):
        return [public(v) for v in data]
    return data


def made_valid(desc: dict, confirm: list[tuple[str, str]]) -> dict:
    for _ in range(MAX_ROUNDS):
        data = public(desc)
        data["to_confirm"] = [{"at": at, "why": why} for at, why in dict.fromkeys(confirm)]
        try:
            TemplateDescription.model_validate(data)
            return data
        except ValidationError as exc:
            problems = [(yaml_path(e["loc"], data), e["msg"].removeprefix("Value error, ")) for e in exc.errors()]
        progress = False
        for path, message in dict(reversed(problems)).items():       # one removal a path, its first reason
            if message == "Field required":
                # A part taken out was one its parent cannot do without: the parent goes with it,
                # and the mark already made says why.
                path, message = _parent(path), None
                while path and not _remove(desc, path):
                    path = _parent(path)
                progress = progress or bool(path)
            elif _remove(desc, path):
                confirm.append((path, f"taken out: {message}"))
                progress = True
        if not progress:
            raise ValueError("; ".join(f"{p}: {m}" for p, m in problems))
    raise ValueError("the learned description could not be made valid")


def _parent(path: str) -> str:
    return path[:max(path.rfind("."), path.rfind("["), 0)]


_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _remove(desc: dict, path: str) -> bool:
    """Take out the part of the description at a problem's YAML path (its smallest part)."""
    tokens = [t if t else int(i) for t, i in _TOKEN.findall(path)]
    if len(tokens) >= 2 and tokens[0] in ("fields", "tables"):
        sheet, node = next(((s, i) for s in desc["sheets"] for i in s["items"] if i.get("id") == tokens[1]),
                           (None, None))
        tokens = tokens[2:]
        if node is None:
            return False
        if not tokens:
            sheet["items"].remove(node)     # nothing smaller left to take out: the item itself goes
            return True
    else:
        node = desc
    if "when" in tokens:
        tokens = tokens[:tokens.index("when")]     # a broken condition goes with its requirement
    parent = node
    for t in tokens[:-1]:
        try:
            parent = parent[t]
        except (KeyError, IndexError, TypeError):
            return False
    last = tokens[-1] if tokens else None
    try:
        if isinstance(parent, dict) and last in parent:
            del parent[last]
            if last == "formula" and parent.get("role") == "formula":
                parent["role"] = "label"
            return True
        if isinstance(parent, list) and isinstance(last, int) and last < len(parent):
            del parent[last]
            return True
    except TypeError:
        return False
    return False


def dump(data: dict, header: str) -> str:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)
    return header + text
