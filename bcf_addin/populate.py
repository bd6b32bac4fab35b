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
from dataclasses import replace

from .convert import Converter
from .descriptions.schema import Column, Table, TemplateDescription
from .errors import RegisterError, UnmatchedHeadings
from .folding import fold
from .layout import Layout, TableAt
from .line_updates import is_update, plan_update
from .notes import Note
from .register import Register, as_text
from .register_match import choose_table, find_row, missing_columns
from .register_totals import check_totals, without_totals
from .table_plan import TablePlan, is_input, put, same
from .workbook import CellWrite, Workbook


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


def _missing_required(table: Table, mapping: dict[str, str], register: Register) -> None:
    if register.partial:
        return
    for c in missing_columns(table, mapping):
        if register.mapped_by:
            raise UnmatchedHeadings(f"has no column that the column mapping {register.mapped_by} feeds '{c.header}' "
                                f"from, and the {table.id.replace('_', ' ')} table needs it", file=register.path,
                                hint=f"name the register column for '{c.header}' in the mapping")
        raise UnmatchedHeadings(f"has no column '{c.header}', which the {table.id.replace('_', ' ')} table needs",
                                file=register.path, hint="add the column, headed as in the template")


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
    if is_update(table, mapping, register, current, at):
        result.mode = "update"
        plan_update(table, at, sheet, register, mapping, conv, current, result)
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
            if not is_input(table, column):
                continue
            value = conv.convert(column, row.get(h), line, h, result.notes)
            put(result, current, sheet, r, at.columns[cid], value)
        if row is None:
            # Lines left over from an earlier, longer register are cleared so totals stay true.
            for c in table.columns:
                if c.role == "input" and c.id in at.columns and current.value(r, at.columns[c.id]) is not None:
                    put(result, current, sheet, r, at.columns[c.id], None)
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
        index = find_row(table, label, key, used, shown)
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
            if not is_input(table, column, index):
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
            put(result, current, sheet, r, at.columns[cid], value)
    if totals:
        check_totals(table, at, current, register, conv, totals, result)


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
                    or not same(original.sheets[w.sheet].value(w.row, w.col), w.value)]
