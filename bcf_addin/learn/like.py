"""Carry a known description's meaning onto a learned one by matching labels and headings.

Which column is the funding source, the area of spend and the amount; which sources are counted
in which running balance; the minimum-spend definitions; the conditional rules and formulas: all
are the known description's, moved onto the items of the new file whose labels match. An item
of the known description with no match in the file is listed for a person to confirm.
"""
from __future__ import annotations

import difflib
import re

from ..descriptions.loader import list_values
from ..descriptions.schema import Field, Table, TemplateDescription
from ..folding import fold

_FIELD_KEYS = ("type", "list", "required", "checker", "prepopulate", "formula", "prefix", "note")
_COLUMN_KEYS = ("aliases", "type", "list", "required", "formula", "total")
_ROW_KEYS = ("aliases", "values", "required", "prepopulate", "total_of")
_TABLE_KEYS = ("min_rows", "lines_when", "labels_from", "row_checker", "blank_rows")
_FINANCE_COLUMNS = {"source": "funding-source", "spend": "amount", "area": "area-of-spend", "commissioner": "commissioner",
                    "discontinued": "discontinued", "reason_column": "reason"}
CLOSE = 0.7            # how alike two folded headings must be to be offered as the same column
_YEAR = re.compile(r"\b(?:19|20)\d\d(?: (?:20)?\d\d)?\b")


def carry(desc: dict, known: TemplateDescription, confirm: list[tuple[str, str]]) -> None:
    desc["family"] = known.family
    desc["submission_name"] = known.submission_name
    # The same kind of return as the known one: the same place in the year, and the same earlier
    # returns to start from (what cannot be found again in this file is taken out and marked).
    if known.period is not None:
        desc["period"] = known.period.model_dump()
    if known.carry:
        desc["carry"] = [c.model_dump(exclude_defaults=True) for c in known.carry]
    if known.parameters:
        desc["parameters"] = {k: str(v) for k, v in known.parameters.items()}
    _lists(desc, known)
    taken = {i["id"] for s in desc["sheets"] for i in s["items"]}
    matched: set[str] = set()
    for sheet in desc["sheets"]:
        known_sheet = next((s for s in known.sheets if fold(sheet["name"]) in {fold(n) for n in (s.name, *s.aliases)}), None)
        if known_sheet is None:
            continue
        candidates = [i for i in known_sheet.items if isinstance(i, (Field, Table))]
        for item in sheet["items"]:
            if item["kind"] == "field":
                match = next((k for k in candidates if isinstance(k, Field) and k.id not in matched
                              and _label_matches(item["label"], k.label, [], k.prefix)), None)
                if match is not None:
                    _carry_field(item, match)
            else:
                match = _best_table(item, [k for k in candidates if isinstance(k, Table) and k.id not in matched])
                if match is not None:
                    _carry_table(item, match, confirm, known.kind)
            if match is not None:
                matched.add(match.id)
                if match.id not in taken:
                    _rename_marks(confirm, item["id"], match.id)
                    taken.discard(item["id"])
                    item["id"] = match.id
                    taken.add(match.id)
    for s in known.sheets:
        for k in s.items:
            if isinstance(k, (Field, Table)) and k.id not in matched:
                confirm.append((f"sheets.{s.name}", f"{known.kind}'s {'field' if isinstance(k, Field) else 'table'} "
                                f"'{k.id}' has nothing with its label or headings in this file"))
    if known.finance is not None:
        _finance(desc, known, confirm)


def _finance(desc: dict, known: TemplateDescription, confirm: list[tuple[str, str]]) -> None:
    """The known finance section, less the scheme columns this file lacks: each named for a person,
    with the file's nearest heading. Without its funding-source or amount column it is left out."""
    finance = known.finance.model_dump(exclude_defaults=True)
    _, known_table = known.item(finance["schemes"])
    table = next((i for s in desc["sheets"] for i in s["items"] if i["id"] == finance["schemes"]), None)
    if table is None:
        confirm.append(("finance", f"{known.kind}'s scheme table '{finance['schemes']}' is not in the file, "
                                   "so the finance section is left out; write it by hand"))
        return
    have = {c["id"] for c in table["columns"]}
    for key, what in _FINANCE_COLUMNS.items():
        cid = finance.get(key)
        if cid is None or cid in have:
            continue
        header = known_table.column(cid).header
        near = max((c["header"] for c in table["columns"]), key=lambda h: _closeness(h, header), default="")
        why = f"the {what} column '{header}' is not in the file; is '{near}' it?"
        if key in ("source", "spend"):
            confirm.append(("finance", why + " The finance section is left out until it is written"))
            return
        del finance[key]
        confirm.append((f"finance.{key}", why))
    desc["finance"] = finance


def _closeness(a: str, b: str) -> float:
    """1 for headings alike but for the year; else how alike their folded text is, in any word order."""
    a, b = fold(a), fold(b)
    if _YEAR.sub("<year>", a) == _YEAR.sub("<year>", b):
        return 1.0
    return max(difflib.SequenceMatcher(None, a, b).ratio(),
               difflib.SequenceMatcher(None, " ".join(sorted(a.split())), " ".join(sorted(b.split()))).ratio())


def _rename_marks(confirm: list[tuple[str, str]], old: str, new: str) -> None:
    for i, (at, why) in enumerate(confirm):
        for kind in ("tables", "fields"):
            if at == f"{kind}.{old}" or at.startswith(f"{kind}.{old}.") or at.startswith(f"{kind}.{old}["):
                confirm[i] = (f"{kind}.{new}" + at[len(kind) + 1 + len(old):], why)


def _lists(desc: dict, known: TemplateDescription) -> dict[str, str]:
    """Learned list id -> the known list it is (most values in common), with that list's aliases."""
    renamed: dict[str, str] = {}
    lists = desc["lists"]
    for lid in list(lists):
        values = {fold(v): v for v in lists[lid]["values"]}
        best, score = None, 0
        for kid, source in known.lists.items():
            try:
                theirs = {fold(v) for v in list_values(source)}
            except Exception:       # a list whose bundled file is missing matches nothing
                continue
            common = len(theirs & values.keys())
            if common * 2 >= len(values) and common > score:
                best, score = kid, common
        if best is None or best in renamed.values() or (best in lists and best != lid):
            continue
        aliases = {old: values[fold(new)] for old, new in known.lists[best].aliases.items()
                   if fold(new) in values and fold(old) not in values}
        entry = lists.pop(lid)
        if aliases:
            entry["aliases"] = aliases
        lists[best] = entry
        renamed[lid] = best
    for sheet in desc["sheets"]:
        for item in sheet["items"]:
            for part in [item, *item.get("columns", [])]:
                if part.get("list") in renamed:
                    part["list"] = renamed[part["list"]]
    return renamed


def _label_matches(text: str, label: str, aliases, prefix: bool) -> bool:
    got = fold(text)
    for want in map(fold, (label, *aliases)):
        if want and (got == want or (prefix and got.startswith(want))):
            return True
    return False


def _best_table(item: dict, known: list[Table]) -> Table | None:
    best, score = None, 1
    for k in known:
        s = 3 if k.label_header and fold(k.label_header) == fold(item.get("label_header", "")) else 0
        s += sum(1 for c in item["columns"] for kc in k.columns
                 if _label_matches(c["header"], kc.header, kc.aliases, kc.prefix))
        if k.rows is not None and item.get("rows"):
            s += sum(1 for r in item["rows"] for kr in k.rows if r["label"] and _label_matches(r["label"], kr.label, kr.aliases, False))
        if s > score or (s == 1 and len(k.columns) == 1 == len(item["columns"]) and best is None):
            best, score = k, s
    return best


def _carry_field(item: dict, known: Field) -> None:
    for key in _FIELD_KEYS:
        value = getattr(known, key)
        if key == "list" and item.get("list"):
            continue                     # the file's own drop-down
        if value not in (None, False, "text") and (key != "formula" or item.get("role") in ("formula", "label")):
            item[key] = value
    if known.role == "formula" and item.get("role") in ("formula", "label"):
        item["role"] = "formula"
    if known.role == "prepopulated" and item.get("role") == "formula":
        item["role"] = "prepopulated"


def _carry_column(item: dict, column: dict, kc, ids: set[str]) -> None:
    for key in _COLUMN_KEYS:
        value = getattr(kc, key)
        if key == "list" and column.get("list"):
            continue
        if value in (None, False, [], "text"):
            continue
        column[key] = value.model_dump(exclude_defaults=True) if hasattr(value, "model_dump") else value
    if kc.role != "input":
        column["role"] = kc.role if column.get("role", "input") != "input" or kc.role == "label" else column.get("role", "input")
    if kc.id not in ids:
        ids.discard(column["id"])
        for row in item.get("rows", []):
            if column["id"] in row.get("roles", {}):
                row["roles"][kc.id] = row["roles"].pop(column["id"])
        item["_at"]["columns"][kc.id] = item["_at"]["columns"].pop(column["id"])
        column["id"] = kc.id
        ids.add(kc.id)


def _carry_table(item: dict, known: Table, confirm: list[tuple[str, str]], kind: str) -> None:
    for key in _TABLE_KEYS:
        value = getattr(known, key)
        if value not in (None, 0) and value != Table.model_fields[key].default:
            item[key] = value.model_dump(exclude_defaults=True) if hasattr(value, "model_dump") else value
    ids = {c["id"] for c in item["columns"]}
    unmatched, found = [], set()
    for column in item["columns"]:
        kc = next((k for k in known.columns if _label_matches(column["header"], k.header, k.aliases, k.prefix)), None)
        if kc is None:
            unmatched.append(column)
            continue
        found.add(kc.id)
        _carry_column(item, column, kc, ids)
    # A heading changed by a new year, or reworded: the nearest one takes the known column's meaning, to confirm.
    pairs = sorted(((_closeness(c["header"], k.header), n, c, k) for n, c in enumerate(unmatched)
                    for k in known.columns if k.id not in found), key=lambda p: (-p[0], p[1]))
    taken: set[int] = set()
    for score, _, column, kc in pairs:
        if score < CLOSE or id(column) in taken or kc.id in found:
            continue
        taken.add(id(column))
        found.add(kc.id)
        at = f"tables.{item['id']}.columns[{item['columns'].index(column)}]"
        confirm.append((at, f"{kind}'s column '{kc.header}' is not in the file; is '{column['header']}' it? "
                            f"Its meaning (id {kc.id}, list, required) is carried over to it"))
        _carry_column(item, column, kc, ids)
        # A register headed as the known template was still feeds it.
        column["aliases"] = [*column.get("aliases", []), kc.header]
    used: set[int] = set()
    for row in item.get("rows", []) or []:
        kr = next((k for k in known.rows or [] if id(k) not in used and (row["label"] and _label_matches(row["label"], k.label, k.aliases, False))
                   or (not row["label"] and k.key and fold(row.get("key", "")).startswith(fold(k.key)))), None)
        if kr is None:
            continue
        used.add(id(kr))
        if kr.id and kr.id not in {r["id"] for r in item["rows"]}:
            item["_at"]["row_ids"][kr.id] = item["_at"]["row_ids"].pop(row["id"])
            row["id"] = kr.id
        for key in _ROW_KEYS:
            value = getattr(kr, key)
            if isinstance(value, dict):
                # Only the columns this file has: a row may not name a column the table lacks.
                value = {k: (v.model_dump(exclude_defaults=True) if hasattr(v, "model_dump") else v)
                         for k, v in value.items() if k in ids}
            if value:
                row[key] = value
