"""Start a return from the last one: quarter to quarter, quarter to year end, year end to next
year's plan.

What carries is the new template's description's business (its `carry` entries): which scheme
columns feed which, which answers carry (contact details do; sign-off never does), and through
the drop-down lists' own data, what last year's values are called this year. Everything that
does not carry is said, line by line, so the officer knows what is left to do.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from .descriptions.loader import list_values, previous_values
from .descriptions.schema import Carry, Column, Field, Table, TemplateDescription
from .errors import WrongTemplate
from .folding import best_choice, fold
from .notes import Note
from .populate import plan
from .register import Register, as_text
from .table_plan import TablePlan
from .workbook import CellWrite, Value
from .located import OpenTemplate

# Earlier names in the guidance's table are spelt a little differently from the lists officers
# chose from ('Care Act Implementation Related Duties' / '... implementation and related duties');
# close spellings count as the same name, and every such reading is reported.
_SAME_NAME = 0.85
_BRACKETED = re.compile(r"\s*\(.*\)\s*$")


@dataclass
class RollForward:
    last: str
    template: str
    carry: Carry
    lines: TablePlan | None = None
    answers: list[CellWrite] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    @property
    def writes(self) -> list[CellWrite]:
        return [*(self.lines.writes if self.lines else []), *self.answers]

    @property
    def all_notes(self) -> list[Note]:
        return [*self.notes, *(self.lines.notes if self.lines else [])]


def plan_rollforward(last: OpenTemplate, new: OpenTemplate) -> RollForward:
    """What rolling `last` forward into the `new` template writes, and everything it cannot carry."""
    _forward_only(last, new)
    carry = _carry_for(last, new)
    result = RollForward(last.workbook.path, new.description.kind, carry)
    _answers(last, new, carry, result)
    _lines(last, new, carry, result)
    return result


def _forward_only(last: OpenTemplate, new: OpenTemplate) -> None:
    """A return starts only a later period's template: a Q3 return rolled into a Q2 template would
    put this quarter's lines over last quarter's, and nothing else would say so."""
    was, to = last.description, new.description
    before, after = _when(was), _when(to)
    if before is None or after is None:
        if was.kind != to.kind and was.first_year and to.first_year and was.first_year != to.first_year:
            before, after = (was.first_year,), (to.first_year,)        # years alone order them
        elif was.kind != to.kind:
            unknown = was if before is None else to
            raise WrongTemplate(
                f"is {_a(was)} return and {Path(new.workbook.path).name} {_a(to)} template, but the "
                f"description of {unknown.kind} does not say which period it is for, so which comes first "
                "is not known", file=last.workbook.path,
                hint="give that description its period (period: in docs/descriptions.md)")
    if before is not None and after is not None and after > before:
        return
    which = "the same period" if before == after or was.kind == to.kind else "an earlier period"
    raise WrongTemplate(
        f"is {_a(was)} return and {Path(new.workbook.path).name} {_a(to)} template, {which}: a return "
        "rolls forward only, into the template of a later period", file=last.workbook.path,
        hint="roll it into a later period's template, or start this template from an earlier return")


def _when(d: TemplateDescription) -> tuple[int, int] | None:
    return (d.first_year, d.period.order) if d.period is not None and d.first_year is not None else None


def _a(d: TemplateDescription) -> str:
    """'the Q3 2024-25', 'the year end 2024-25': how a return is named by its period."""
    return f"the {d.period.of(d.year)}" if d.period is not None else f"a {d.year} {d.family}"


def _carry_for(last: OpenTemplate, new: OpenTemplate) -> Carry:
    d = new.description
    for c in d.carry:
        if c.from_family == last.description.family:
            return c
    takes = ", ".join(sorted({c.from_family for c in d.carry})) or "no earlier return"
    raise WrongTemplate(f"is a {last.description.name}; the {d.name} rolls forward from: {takes}",
                        file=last.workbook.path)


def _answers(last: OpenTemplate, new: OpenTemplate, carry: Carry, result: RollForward) -> None:
    for target, source in carry.fields.items():
        if target not in new.layout.fields or source not in last.layout.fields:
            continue
        was = last.ref(source).value
        if was in (None, ""):
            continue
        here = new.ref(target)
        _, item = new.description.item(target)
        if here.value not in (None, ""):
            if fold(as_text(here.value)) != fold(as_text(was)):
                result.notes.append(Note("info", result.last, None, _label(item),
                                         f"not carried: the new template already says '{as_text(here.value)}'"))
            continue
        result.answers.append(CellWrite(here.sheet, here.row, here.col, was))


def _lines(last: OpenTemplate, new: OpenTemplate, carry: Carry, result: RollForward) -> None:
    lf, nf = last.description.finance, new.description.finance
    if lf is None or nf is None:
        return
    src, _ = last.table(lf.schemes)
    dst, _ = new.table(nf.schemes)
    feeds = _feeds(src, dst, carry)
    sheet = last.layout.workbook_sheet(last.layout.tables[lf.schemes].sheet)
    where = Register(result.last, [], [], [], partial=True, sheet=sheet)      # the earlier return's lines
    _unused_columns(last, src, dst, feeds, carry, where, result)
    for column in dst.columns:
        if column.role == "input" and column.required is True and column.id not in feeds and column.id not in carry.skip:
            result.notes.append(where.note("warning", None, column.header,
                                     "the earlier return has nothing for this column: fill it in on every line"))
    lines = last.lines(lf.schemes)
    if not lines:
        result.notes.append(where.note("warning", None, None, "has no scheme lines to carry"))
        return
    rows = []
    renamed: dict[tuple[str, str, str, str], list[int]] = {}
    for line in lines:
        row = {}
        for column in dst.columns:
            if column.id in feeds:
                header = src.column(feeds[column.id]).header
                value = line.values.get(feeds[column.id])
                row[column.header], why = _value(new, column, value, where, line.row, header, result.notes)
                if why:
                    renamed.setdefault((header, as_text(value), row[column.header], why), []).append(line.row)
        rows.append(row)
    for (header, old, value, why), at in renamed.items():
        on = where.at_lines(at)
        result.notes.append(where.note("info", None, header, f"'{old}' carried as '{value}' on {on}: {why}"))
    headers = [c.header for c in dst.columns if c.id in feeds]
    register = replace(where, headers=headers, rows=rows, lines=[ln.row for ln in lines])
    result.lines = plan(register, new.description, new.layout, new.workbook)
    if carry.amounts:
        money = [c.header for c in dst.columns if c.type == "money" and c.id in feeds]
        result.notes.append(where.note("warning", None, ", ".join(money) or None,
                                 f"the amounts carried are the {carry.amounts}",
                                 "update each line to this return's figures"))


def _feeds(src: Table, dst: Table, carry: Carry) -> dict[str, str]:
    """This template's input column id -> the earlier return's column that feeds it."""
    src_ids = {c.id for c in src.columns}
    feeds = {}
    for column in dst.columns:
        if column.role != "input" or column.id in carry.skip:
            continue
        source = carry.columns.get(column.id, column.id)
        if source in src_ids:
            feeds[column.id] = source
    return feeds


def _unused_columns(last: OpenTemplate, src: Table, dst: Table, feeds: dict[str, str], carry: Carry,
                    where: Register, result: RollForward) -> None:
    used = set(feeds.values())
    lines = last.lines(last.description.finance.schemes)
    dst_ids = {c.id for c in dst.columns}
    for column in src.columns:
        if column.id in used or column.role != "input":
            continue
        filled = sum(1 for ln in lines if ln.values.get(column.id) not in (None, ""))
        if not filled:
            continue
        if column.id in carry.skip:
            why = "each return fills it afresh"
        elif column.id in dst_ids and dst.column(column.id).role == "input":
            instead = next((s for t, s in feeds.items() if t == column.id), None)
            why = (f"'{dst.column(column.id).header}' is carried from '{src.column(instead).header}' instead"
                   if instead else "each return fills it afresh")
        elif column.id in dst_ids:
            why = "the new template fills it itself"
        else:
            why = "the new template has no such column"
        result.notes.append(where.note("info", None, column.header,
                                 f"not carried ({filled} line{'s' * (filled != 1)}): {why}"))


def _value(new: OpenTemplate, column: Column, value: Value, where: Register, row: int, header: str,
           notes: list[Note]) -> tuple[Value, str | None]:
    """A drop-down value under this year's name where the list's own data says what it became,
    and why it was renamed (None when it was not)."""
    if column.type != "list" or value in (None, ""):
        return value, None
    source = new.description.lists[column.list]
    found = best_choice(value, list_values(source), source.aliases)
    if found is not None:
        return found, ("this year's name" if fold(found) != fold(value) else None)
    became = _became(as_text(value), previous_values(source))
    if became is None:
        return value, None                # populate says it is not on the list, with the closest
    old, values = became
    if len(values) == 1:
        return values[0], f"the guidance maps '{old}' to it"
    notes.append(where.note("warning", row, header,
                      f"'{as_text(value)}' became one of {len(values)} values this year, so it was not carried",
                      "choose one of: " + "; ".join(values)))
    return None, None


def _became(value: str, previous: dict[str, list[str]]) -> tuple[str, list[str]] | None:
    if not previous:
        return None
    names = {fold(k): k for k in previous}
    for candidate in (value, _BRACKETED.sub("", value)):
        key = fold(candidate)
        if key in names:
            return names[key], previous[names[key]]
        near = difflib.get_close_matches(key, list(names), n=1, cutoff=_SAME_NAME)
        if near:
            return names[near[0]], previous[names[near[0]]]
    return None


def _label(item: Field) -> str:
    return item.label if len(item.label) <= 60 else item.label[:60].rsplit(" ", 1)[0] + "..."
