"""One description written as changes to another: the quarters of a year share one layout.

A description that says `extends: KIND` is KIND's description (the YAML file of that name
beside it) with these changes, applied before the result is validated like any other:

- `replace`: text -> text, substituted in every string of KIND's description (its title on
  each sheet, the months of a quarter). Each text must occur there, so a stale entry is an error.
- `sheets`: a sheet named like one of KIND's replaces that sheet's settings, and its items
  replace KIND's items of the same id; a new sheet stands before the sheet its `before` names,
  or last.
- a mapping (`lists`, `identity`, `parameters`) adds to and replaces KIND's entries; any
  other key replaces KIND's.
"""
from __future__ import annotations

from typing import Callable

Problem = tuple[str, str]          # (YAML path, message)


def resolve(data, parent_of: Callable[[str], dict], depth: int = 0) -> tuple[object, list[Problem]]:
    """`data` with its `extends` applied; problems are reported, never raised."""
    if not isinstance(data, dict) or "extends" not in data:
        return data, []
    kind = data["extends"]
    if depth > 4:
        return data, [("extends", "descriptions extend each other in a loop")]
    try:
        parent = parent_of(kind)
    except (OSError, ValueError) as exc:
        return data, [("extends", f"cannot extend '{kind}': {exc}")]
    parent, problems = resolve(parent, parent_of, depth + 1)
    if problems or not isinstance(parent, dict):
        return data, problems or [("extends", f"'{kind}' is not a description")]
    replace = data.get("replace") or {}
    if not isinstance(replace, dict):
        return data, [("replace", "replace maps a text of the extended description to its new text")]
    for old, new in replace.items():
        if not _occurs(parent, str(old)):
            problems.append((f"replace.{old}", f"'{old}' does not occur in '{kind}'"))
        parent = _substituted(parent, str(old), str(new))
    merged = dict(parent)
    for key, value in data.items():
        if key not in ("extends", "replace", "sheets"):
            both = isinstance(value, dict) and isinstance(parent.get(key), dict)
            merged[key] = {**parent[key], **value} if both else value
    merged["sheets"], sheet_problems = _merged_sheets(parent.get("sheets") or [], data.get("sheets") or [])
    return merged, problems + sheet_problems


def _occurs(node, text: str) -> bool:
    if isinstance(node, str):
        return text in node
    if isinstance(node, dict):
        return any(_occurs(k, text) or _occurs(v, text) for k, v in node.items())
    if isinstance(node, list):
        return any(_occurs(v, text) for v in node)
    return False


def _substituted(node, old: str, new: str):
    if isinstance(node, str):
        return node.replace(old, new)
    if isinstance(node, dict):
        return {_substituted(k, old, new): _substituted(v, old, new) for k, v in node.items()}
    if isinstance(node, list):
        return [_substituted(v, old, new) for v in node]
    return node


def _merged_sheets(parents: list, changes: list) -> tuple[list, list[Problem]]:
    sheets, problems = [dict(s) for s in parents], []
    names = [s.get("name") for s in sheets]
    for i, change in enumerate(changes):
        where = f"sheets[{i}]"
        if not isinstance(change, dict) or not change.get("name"):
            problems.append((where, "a sheet of an extending description needs a name"))
            continue
        change = dict(change)
        before = change.pop("before", None)
        if change["name"] in names:
            sheet = sheets[names.index(change["name"])]
            items, item_problems = _merged_items(sheet.get("items") or [], change.pop("items", []), where)
            sheet.update(change, items=items)
            problems += item_problems
            continue
        at = names.index(before) if before in names else len(sheets)
        if before is not None and before not in names:
            problems.append((f"{where}.before", f"no sheet '{before}' to stand before"))
        sheets.insert(at, change)
        names.insert(at, change["name"])
    return sheets, problems


def _merged_items(parents: list, changes: list, where: str) -> tuple[list, list[Problem]]:
    items, problems = list(parents), []
    ids = [it.get("id") if isinstance(it, dict) else None for it in items]
    for j, change in enumerate(changes):
        cid = change.get("id") if isinstance(change, dict) else None
        if cid is None or cid not in ids:
            problems.append((f"{where}.items[{j}]", f"replaces no item of the extended sheet (id {cid!r})"))
            continue
        items[ids.index(cid)] = change
    return items, problems
