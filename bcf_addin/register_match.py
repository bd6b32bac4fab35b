"""Which table of a template a register fills, told by the headings they share, and which row of a
fixed table each of the register's lines names."""
from __future__ import annotations

from .descriptions.schema import Column, Table, TemplateDescription
from .errors import UnmatchedHeadings
from .folding import fold
from .register import Register


def _matches(header: str, column: Column) -> bool:
    key = fold(header)
    return any(key == fold(h) for h in (column.header, *column.aliases))


def choose_table(register: Register, desc: TemplateDescription) -> tuple[Table, str, dict[str, str], str | None, str | None]:
    """The table this register fills: (table, its sheet, register header -> column id, label header, key header)."""
    best = None
    for sheet in desc.sheets:
        for item in sheet.items:
            if not isinstance(item, Table):
                continue
            has_input = any(c.role == "input" for c in item.columns) or any(
                "input" in r.roles.values() for r in item.rows or [])
            if not has_input:
                continue
            mapping = {}
            for h in register.headers:
                for c in item.columns:
                    if c.id not in mapping.values() and _matches(h, c):
                        mapping[h] = c.id
                        break
            label = key = None
            lines = named = 0
            if item.rows is not None:
                label, key = _label_columns(register, item, mapping)
                lines = _lines_with_rows(register, item, label, key)
                named = sum(1 for h, want in ((label, item.label_header), (key, item.key_header))
                            if h and want and fold(h) == fold(want))
            score = len(mapping) + (1 if label else 0) + (1 if key else 0)
            if item.rows is not None and not (label and lines):
                score = 0           # a fixed table needs to know which row each line is for
            # Tables alike in their headings (C&D months) are told apart by how many of the
            # register's lines name one of their rows, then by the register's own label headings.
            if best is None or (score, lines, named) > best[0]:
                best = ((score, lines, named), item, sheet.name, mapping, label, key)
    if best is None or best[0][0] < 2:
        raise UnmatchedHeadings(
            f"none of its column headings match a table of the {desc.name}; headings found: "
            f"{', '.join(register.headers[:8])}", file=register.path,
            hint="use the template's own column headings, e.g. 'Scheme ID', 'Source of Funding', or map your "
                 f"own to them with 'bcf map {register.path} WORKBOOK'")
    return best[1], best[2], best[3], best[4], best[5]


def _lines_with_rows(register: Register, table: Table, label_h: str | None, key_h: str | None) -> int:
    if not label_h:
        return 0
    return sum(1 for row in register.rows
               if find_row(table, fold(row.get(label_h)), fold(row.get(key_h)) if key_h else "", set()) is not None)


LABEL_SAMPLE = 50        # lines looked at to tell which register column names the row


def _label_columns(register: Register, table: Table, mapping: dict[str, str]) -> tuple[str | None, str | None]:
    """Which register columns name the row (and the second key, for C&D pathway/source rows)."""
    free = [h for h in register.headers if h not in mapping]
    sample = register.rows[:LABEL_SAMPLE]
    label = key = None
    for h in free:
        if table.label_header and fold(h) == fold(table.label_header):
            label = h
        elif table.key_header and fold(h) == fold(table.key_header):
            key = h
    # Each column's distinct values: registers repeat the same few labels on many lines.
    seen = {h: {fold(row.get(h)) for row in sample} - {""} for h in free}
    if label is None:
        rows = {fold(x) for r in table.rows for x in (r.label, *r.aliases) if x}
        for h in free:
            if h != key and seen[h] & rows:
                label = h
                break
    if key is None and any(r.key for r in table.rows):
        keys = {fold(r.key) for r in table.rows if r.key}
        for h in free:
            if h != label and any(k.startswith(v) or v.startswith(k) for v in seen[h] for k in keys):
                key = h
                break
    return label, key


def missing_columns(table: Table, mapping: dict[str, str]) -> list[Column]:
    have = set(mapping.values())
    return [c for c in table.columns if c.role == "input" and c.required is True and c.id not in have]


def find_row(table: Table, label: str, key: str, used: set[int], shown: dict[int, object] | None = None) -> int | None:
    """The index of the table row a register line names. `shown` holds the keys the workbook shows
    in slot rows (a trust's name); without it any slot row of the right label will do."""
    current_label = ""
    for i, row in enumerate(table.rows):
        if row.label:
            current_label = fold(row.label)
        if i in used:
            continue
        labels = {fold(x) for x in (row.label, *row.aliases) if x} or {current_label}
        if label and label not in labels and current_label != label:
            continue
        if row.slot is not None:
            if not key or (shown is not None and fold(shown.get(i)) != key):
                continue
            return i
        if key and row.key and not (fold(row.key).startswith(key) or key.startswith(fold(row.key))):
            continue
        if key and not row.key:
            continue
        return i
    return None
