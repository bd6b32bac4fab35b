"""A register that updates the lines a return already holds rather than replacing them: a ledger
extract, naming each line by its Scheme ID and giving only some of its columns."""
from __future__ import annotations

from decimal import Decimal

from .descriptions.schema import Column, Table
from .errors import RegisterError
from .folding import fold
from .layout import TableAt
from .money import pounds
from .notes import Note
from .register import Register, as_text
from .register_match import missing_columns
from .table_plan import TablePlan, is_input, put


def is_update(table: Table, mapping: dict[str, str], register: Register, current, at: TableAt) -> bool:
    """A ledger extract: it names lines by their first column (Scheme ID) but lacks other required
    columns, and the return already has lines. It updates those lines instead of replacing them."""
    first = table.columns[0]
    return (not register.partial and bool(missing_columns(table, mapping)) and first.id in mapping.values()
            and any(current.value(r, at.columns[first.id]) not in (None, "") for r in at.rows))


def plan_update(table, at: TableAt, sheet, register, mapping, conv, current, result: TablePlan):
    by_id = {c.id: c for c in table.columns}
    first = table.columns[0].id
    # The line's identity: its Scheme ID and any drop-down columns the extract gives (a scheme split
    # across sources or providers has one line each); the other columns are what gets written.
    keys = [cid for cid in mapping.values() if cid == first or by_id[cid].type == "list"]
    header_of = {cid: h for h, cid in mapping.items()}

    def key_of(values: dict[str, object]) -> tuple:
        return tuple(fold(values.get(cid)) for cid in keys)

    lines: dict[tuple, list[int]] = {}
    for r in at.rows:
        values = {cid: current.value(r, at.columns[cid]) for cid in keys}
        if values[first] not in (None, ""):
            lines.setdefault(key_of(values), []).append(r)
    applied: dict[int, list[tuple[int, dict, str]]] = {}     # return row -> the extract's lines for it
    for row, line in zip(register.rows, register.lines):
        wanted = {}
        for cid in keys:
            column = by_id[cid]
            value = conv.convert(column, row.get(header_of[cid]), line, header_of[cid], result.notes)
            wanted[cid] = as_text(value) if column.type != "list" else value
        found = lines.get(key_of(wanted), [])
        named = ", ".join(f"{by_id[cid].header} {as_text(wanted[cid])}" for cid in keys)
        if len(found) != 1:
            result.notes.append(register.note("warning", line, None,
                f"{'no line' if not found else f'{len(found)} lines'} with {named} in the return, so it was not written",
                "add the line to the return first" if not found else
                "give the Source of Funding or Provider as well, to tell the lines apart"))
            continue
        applied.setdefault(found[0], []).append((line, row, named))
        result.applied.add(line)
    result.lines = sum(len(entries) for entries in applied.values())
    for r, entries in applied.items():
        for h, cid in mapping.items():
            if cid in keys or not is_input(table, by_id[cid]):
                continue
            value = _combined(by_id[cid], h, entries, conv, register, result.notes)
            put(result, current, sheet, r, at.columns[cid], value)


def _combined(column: Column, header: str, entries, conv, register: Register, notes: list[Note]):
    """One value from the extract's lines for the same line of the return: a ledger lists a scheme's
    spend over several lines, so amounts are added; anything else must agree."""
    values = [(line, conv.convert(column, row.get(header), line, header, notes)) for line, row, _ in entries]
    given = [(line, v) for line, v in values if v is not None]
    if len(given) < 2:
        return given[0][1] if given else None
    named = entries[0][2]
    numbers = register.at_lines(line for line, _ in given)
    if column.type == "money":
        total = sum((v for _, v in given), Decimal(0))
        notes.append(register.note("info", given[0][0], header,
                          f"{numbers} are all for {named}; their amounts were added up to {pounds(total)}"))
        return total
    if len({as_text(v) for _, v in given}) > 1:
        raise RegisterError(f"{numbers} are all for {named} but give different values in column "
                            f"'{header}': " + ", ".join(f"'{as_text(v)}'" for _, v in given), file=register.path, sheet=register.sheet,
                            hint="give one value, or tell the lines apart by Source of Funding or Provider")
    return given[0][1]
