"""Pour an officer's register into the template's input cells: values only, input cells only.

A register is matched to the template table whose headings it shares most (scheme lines,
income, metrics, C&D rows). Each value is converted as its column requires: money exactly,
dropdown values to the list's own spelling. Everything that cannot be used is reported by
file, line and column; a problem that would make the return wrong stops the whole job before
anything is written.
"""
from __future__ import annotations

from collections import Counter
from copy import copy
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from .descriptions.schema import Column, Table, TemplateDescription
from .errors import RegisterError, UnmatchedHeadings
from .folding import fold
from .layout import Layout, TableAt
from .workbook import CellWrite, Workbook
from .convert import Converter
from .notes import Note
from .money import NotMoney, parse_money, pounds
from .register import Register, as_text, is_total_label


@dataclass
class TablePlan:
    table: str
    sheet: str
    lines: int
    mode: str = "replace"       # replace the table's lines, or update the lines already there
    writes: list[CellWrite] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    applied: set[int] = field(default_factory=set)     # register lines written to a line of the return
    reconciliation: object | None = None                # ledger.Reconciliation, for a ledger by cost centre


def _matches(header: str, column: Column) -> bool:
    key = fold(header)
    return any(key == fold(h) for h in (column.header, *column.aliases))


def _is_input(table: Table, column: Column, row_index: int | None = None) -> bool:
    if table.rows is not None and row_index is not None and row_index < len(table.rows):
        return table.role(table.rows[row_index], column) == "input"
    return column.role == "input"


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
               if _find_row(table, fold(row.get(label_h)), fold(row.get(key_h)) if key_h else "", set()) is not None)


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


def plan(register: Register, desc: TemplateDescription, layout: Layout, wb: Workbook) -> TablePlan:
    table, sheet_name, mapping, label_h, key_h = choose_table(register, desc)
    at = layout.tables[table.id]
    sheet = layout.workbook_sheet(sheet_name)
    totals: list[Note] = []
    if table.rows is None:
        register = without_totals(register, table, mapping, totals)
    result = TablePlan(table.id, sheet, len(register.rows), notes=totals)
    notes = result.notes
    for h in register.headers:
        if h not in mapping and h not in (label_h, key_h):
            notes.append(register.note("info", None, h, "this column is not in the template, so it was ignored"))
    _exact_repeats(register, notes)
    conv = Converter(desc, register)
    if table.rows is None:
        _plan_open(table, at, sheet, register, mapping, conv, wb, result)
    else:
        _plan_fixed(table, at, sheet, register, mapping, label_h, key_h, conv, wb, result)
    return result


def without_totals(register: Register, table: Table, mapping: dict[str, str], notes: list[Note]) -> Register:
    """The register less its totals and subtotals, each said with why: written as a line, a total
    would count its lines' money twice. A total has no line id of its own (its first column is
    blank, or says 'Total') and either says it is one ('Total', 'Sub-total', 'Total BCF') or holds
    exactly the sum of the lines above it, since the last total or in all."""
    first = table.columns[0]
    key = next((h for h, cid in mapping.items() if cid == first.id), None)
    by_id = {c.id: c for c in table.columns}
    money = [h for h, cid in mapping.items() if by_id[cid].type == "money"]
    if key is None:
        return register
    rows, lines, since, every = [], [], [], []
    ends = sorted(register.totals)
    for row, line in zip(register.rows, register.lines):
        if since and any(since[-1][0] < end < line for end in ends):
            since = []                          # a subtotal the reader skipped ends the group
        amounts = _amounts(row, money)
        why = None
        if not as_text(row.get(key)) or is_total_label(row.get(key)):
            why = _total_reason(register, row, mapping, by_id, amounts, since, every, first.header)
        if why is None:
            rows.append(row)
            lines.append(line)
            since.append((line, amounts))
            every.append((line, amounts))
            continue
        notes.append(register.note("warning", line, None, f"{why}, so it was not written as a line",
                          f"if it is a line of its own, give it its {first.header}"))
        since = []
    if len(rows) == len(register.rows):
        return register
    return replace(register, rows=rows, lines=lines)


def _amounts(row: dict[str, object], money: list[str]) -> dict[str, Decimal] | None:
    """The row's amounts by heading; None when one is not money (populate refuses it, by cell)."""
    out = {}
    for h in money:
        try:
            value = parse_money(row.get(h) if isinstance(row.get(h), Decimal) else as_text(row.get(h)))
        except NotMoney:
            return None
        if value is not None:
            out[h] = value
    return out


def _total_reason(register: Register, row, mapping, by_id, amounts, since, every, key_header: str) -> str | None:
    label = next((as_text(v) for h, v in row.items() if h in mapping and by_id[mapping[h]].type != "money"
                  and is_total_label(v)), None)
    if label is not None:
        return f"is a totals line ('{label}') with no {key_header}"
    if not amounts:
        return None
    for above, which in ((since, "the lines above it since the last total"), (every, "all the lines above it")):
        if len(above) < 2 or any(a is None for _, a in above):
            continue
        sums = {h: sum((a.get(h, Decimal(0)) for _, a in above), Decimal(0)) for h in amounts}
        if all(sums[h] == v for h, v in amounts.items()):
            h, v = next(iter(amounts.items()))
            return (f"has no {key_header} and its {h}, {pounds(v)}, is the sum of {which} "
                    f"({register.line_word}s {above[0][0]} to {above[-1][0]}): a total")
    return None


def _missing_required(table: Table, mapping: dict[str, str], register: Register) -> None:
    if register.partial:
        return
    for c in _missing_columns(table, mapping):
        if register.mapped_by:
            raise UnmatchedHeadings(f"has no column that the column mapping {register.mapped_by} feeds '{c.header}' "
                                f"from, and the {table.id.replace('_', ' ')} table needs it", file=register.path,
                                hint=f"name the register column for '{c.header}' in the mapping")
        raise UnmatchedHeadings(f"has no column '{c.header}', which the {table.id.replace('_', ' ')} table needs",
                                file=register.path, hint="add the column, headed as in the template")


def _missing_columns(table: Table, mapping: dict[str, str]) -> list[Column]:
    have = set(mapping.values())
    return [c for c in table.columns if c.role == "input" and c.required is True and c.id not in have]


def _is_update(table: Table, mapping: dict[str, str], register: Register, current, at: TableAt) -> bool:
    """A ledger extract: it names lines by their first column (Scheme ID) but lacks other required
    columns, and the return already has lines. It updates those lines instead of replacing them."""
    first = table.columns[0]
    return (not register.partial and bool(_missing_columns(table, mapping)) and first.id in mapping.values()
            and any(current.value(r, at.columns[first.id]) not in (None, "") for r in at.rows))


def _plan_update(table, at: TableAt, sheet, register, mapping, conv, current, result: TablePlan):
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
            if cid in keys or not _is_input(table, by_id[cid]):
                continue
            value = _combined(by_id[cid], h, entries, conv, register, result.notes)
            _put(result, current, sheet, r, at.columns[cid], value)


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


def _present(mapping: dict[str, str], at: TableAt, register: Register, notes: list[Note]) -> dict[str, str]:
    """The register columns whose template column this file has (optional columns may be absent)."""
    kept = {}
    for h, cid in mapping.items():
        if cid in at.columns:
            kept[h] = cid
        else:
            notes.append(register.note("warning", None, h,
                              "the workbook has no such column (it is optional), so it was not written"))
    return kept


def _plan_open(table, at: TableAt, sheet, register, mapping, conv, wb, result: TablePlan):
    current = wb.sheets[sheet]
    mapping = _present(mapping, at, register, result.notes)
    if _is_update(table, mapping, register, current, at):
        result.mode = "update"
        _plan_update(table, at, sheet, register, mapping, conv, current, result)
        return
    _missing_required(table, mapping, register)
    if not register.rows:
        raise RegisterError("has headings but no lines; nothing was written (an empty register would clear "
                            "every line of the return)", file=register.path)
    if len(register.rows) > len(at.rows):
        raise RegisterError(
            f"has {len(register.rows)} lines but the template's {table.id.replace('_', ' ')} table has room "
            f"for {len(at.rows)}", file=register.path,
            hint="combine lines, or ask the national BCF team for a template with more rows")
    by_id = {c.id: c for c in table.columns}
    for i, r in enumerate(at.rows):
        row = register.rows[i] if i < len(register.rows) else None
        line = register.lines[i] if row is not None else None
        for h, cid in ([] if row is None else mapping.items()):
            column = by_id[cid]
            if not _is_input(table, column):
                continue
            value = conv.convert(column, row.get(h), line, h, result.notes)
            _put(result, current, sheet, r, at.columns[cid], value)
        if row is None:
            # Lines left over from an earlier, longer register are cleared so totals stay true.
            for c in table.columns:
                if c.role == "input" and c.id in at.columns and current.value(r, at.columns[c.id]) is not None:
                    _put(result, current, sheet, r, at.columns[c.id], None)
    _note_kept_columns(table, at, current, register, mapping, result.notes)


def _note_kept_columns(table, at: TableAt, current, register: Register, mapping: dict[str, str], notes: list[Note]):
    """Columns the register lacks keep the return's own values (comments typed into the return, say).
    Where a row now holds a different scheme than before, what was kept beside it may not belong."""
    first = table.columns[0]
    header_of = {cid: h for h, cid in mapping.items()}
    for c in table.columns:
        if c.role != "input" or c.id in header_of or c.id not in at.columns:
            continue
        kept = [i for i, r in enumerate(at.rows[:len(register.rows)]) if current.value(r, at.columns[c.id]) is not None]
        if not kept:
            continue
        moved = []
        if first.id in header_of and first.id in at.columns:
            moved = [register.lines[i] for i in kept
                     if fold(current.value(at.rows[i], at.columns[first.id]))
                     != fold(as_text(register.rows[i].get(header_of[first.id])))]
        if moved:
            notes.append(register.note("warning", None, c.header,
                              f"the register has no such column, so the return's own values in it were kept; "
                              f"beside {register.at_lines(moved)} they were for another "
                              f"{first.header} before", "check them, or add the column to the register"))
        else:
            notes.append(register.note("info", None, c.header,
                              "the register has no such column, so the return's own values in it were kept"))


def _plan_fixed(table, at: TableAt, sheet, register, mapping, label_h, key_h, conv, wb, result: TablePlan):
    current = wb.sheets[sheet]
    result.lines = 0
    by_id = {c.id: c for c in table.columns}
    used: set[int] = set()
    totals: list[tuple[int, str, int, Column, object]] = []     # (line, header, row index, column, typed)
    shown = {i: current.value(r, at.key_col) for i, (trow, r) in enumerate(zip(table.rows, at.rows))
             if trow.slot is not None and at.key_col}
    for row, line in zip(register.rows, register.lines):
        label = fold(row.get(label_h)) if label_h else ""
        key = fold(row.get(key_h)) if key_h else ""
        index = _find_row(table, label, key, used, shown)
        if index is None:
            result.notes.append(register.note("warning", line, label_h,
                                     f"no row '{as_text(row.get(label_h))}"
                                     + (f" / {as_text(row.get(key_h))}" if key_h else "") + "' in the template, so it was not written"))
            continue
        used.add(index)
        result.lines += 1
        r = at.rows[index]
        for h, cid in mapping.items():
            column = by_id[cid]
            if not _is_input(table, column, index):
                if as_text(row.get(h)) and table.rows[index].total_of:
                    totals.append((line, h, index, column, row.get(h)))
                elif as_text(row.get(h)):
                    result.notes.append(register.note("info", line, h,
                                             "the template fills this cell itself, so it was not written"))
                continue
            kind = table.cell_type(table.rows[index], column)
            if kind != column.type:
                column = column.model_copy(update={"type": kind})
            value = conv.convert(column, row.get(h), line, h, result.notes)
            _put(result, current, sheet, r, at.columns[cid], value)
    if totals:
        _check_totals(table, at, current, register, conv, totals, result)


def _check_totals(table, at: TableAt, current, register: Register, conv, totals, result: TablePlan) -> None:
    """A register's 'Total' lines are not written (the template adds its rows up itself), but a total
    that disagrees with the lines it sums means a figure was mistyped, in the total or in a line:
    said once per cell, naming both numbers; the totals that agree, once for the register."""
    planned = {(w.row, w.col): w.value for w in result.writes}
    index_of = {row.id: i for i, row in enumerate(table.rows) if row.id}
    agreed, disagreed = set(), set()
    for line, header, index, column, raw in totals:
        try:
            typed = conv.convert(column, raw, line, header, result.notes)
        except RegisterError:
            typed = None
        if not isinstance(typed, Decimal):
            result.notes.append(register.note("info", line, header,
                                     "the template fills this cell itself, so it was not written"))
            continue
        col = at.columns[column.id]
        parts = [planned.get((r, col), current.value(r, col)) for r in
                 (at.rows[index_of[rid]] for rid in table.source_rows(table.rows[index].id))]
        filled = [p for p in parts if isinstance(p, Decimal)]
        expected = sum(filled, Decimal(0))
        if typed == expected:
            agreed.add(line)
            continue
        disagreed.add(line)
        sums = f" ({' + '.join(f'{p:,}' for p in filled)})" if 1 < len(filled) <= 8 else ""
        result.notes.append(register.note("warning", line, header,
            f"the total for '{table.rows[index].name}' is {typed:,}, but the lines it sums add up to "
            f"{expected:,}{sums}; the template adds them up itself, so the return shows {expected:,}",
            "correct the total or the lines under it in the register"))
    lines = sorted(agreed - disagreed)
    if lines:
        result.notes.append(register.note("info", None, None,
                                 f"{register.at_lines(lines)} "
                                 f"{'are totals' if len(lines) != 1 else 'is a total'} the template adds up "
                                 "itself, so not written; each agrees with the lines it sums"))


def _find_row(table: Table, label: str, key: str, used: set[int], shown: dict[int, object] | None = None) -> int | None:
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


def _put(result: TablePlan, sheet, sheet_name: str, row: int, col: int, value) -> None:
    if _same(sheet.value(row, col), value):
        return
    result.writes.append(CellWrite(sheet_name, row, col, value))


def _same(old, new) -> bool:
    if old is None or new is None:
        return old is None and new is None
    if isinstance(old, Decimal) and isinstance(new, Decimal):
        return old == new
    if isinstance(old, datetime) and isinstance(new, datetime):
        return old == new
    return type(old) is type(new) and old == new


def _exact_repeats(register: Register, notes: list[Note]) -> None:
    keys = [tuple(as_text(v) for v in row.values()) for row in register.rows]
    seen = Counter(keys)
    first_line = {}
    for key, line in zip(keys, register.lines):
        if seen[key] > 1:
            if key in first_line:
                notes.append(register.note("warning", line, None,
                                  f"repeats {register.at(first_line[key])} exactly",
                                  "a scheme split across sources or providers is fine; an exact repeat is usually pasted twice"))
            else:
                first_line[key] = line


def with_writes(wb: Workbook, writes: list[CellWrite]) -> Workbook:
    """The workbook as it will be once `writes` are made, for planning the next register on top of
    them; the sheets written are copies, the rest shared."""
    sheets = dict(wb.sheets)
    for w in writes:
        sheet = sheets[w.sheet]
        if sheet is wb.sheets[w.sheet]:
            sheet = sheets[w.sheet] = replace(sheet, cells=dict(sheet.cells))
        sheet.cells[(w.row, w.col)] = sheet.get(w.row, w.col)._replace(value=w.value)
    layered = copy(wb)
    layered.sheets = sheets
    return layered


def stack(earlier: list[TablePlan], later: TablePlan, original: Workbook) -> None:
    """`later` was planned on top of `earlier`: a cell both write is written, and counted, once, as
    `later` says, and not at all if that puts back what the file already holds."""
    keys = {(w.sheet, w.row, w.col) for w in later.writes}
    overwritten = set()
    for p in earlier:
        overwritten |= {(w.sheet, w.row, w.col) for w in p.writes} & keys
        p.writes = [w for w in p.writes if (w.sheet, w.row, w.col) not in keys]
    later.writes = [w for w in later.writes if (w.sheet, w.row, w.col) not in overwritten
                    or not _same(original.sheets[w.sheet].value(w.row, w.col), w.value)]
