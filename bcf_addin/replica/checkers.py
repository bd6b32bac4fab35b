"""The template's own Yes/No checker formulas, generated from a description's requirements.

The same requirement declarations drive the independent checks in bcf_addin.checks, so the
replica's checker and ours are two readings of one source.
"""
from __future__ import annotations

from ..descriptions.schema import Condition, Requirement, Table
from ..workbook import cell_ref


def blank(ref: str) -> str:
    return f'LEN(TRIM({ref}))=0'


def condition(cond: Condition, resolve_ref) -> str:
    ref = resolve_ref(cond.field)
    if cond.equals is not None:
        return f'{ref}="{cond.equals}"'
    if cond.not_equals is not None:
        return f'{ref}<>"{cond.not_equals}"'
    if cond.greater_than is not None:
        # N(): a formula showing "" (no income, so no percentage) is not above anything.
        return f"N({ref})>{_number(cond.greater_than)}"
    return f"NOT({blank(ref)})" if cond.filled else blank(ref)


def condition_array(cond: Condition, rng: str) -> str:
    """The same test over a whole column range, as 1/0 terms for SUMPRODUCT."""
    if cond.equals is not None:
        return f'({rng}="{cond.equals}")'
    if cond.not_equals is not None:
        return f'({rng}<>"{cond.not_equals}")'
    if cond.greater_than is not None:
        # N() does not work on arrays; ISNUMBER keeps text, which Excel ranks above numbers, out.
        return f"ISNUMBER({rng})*({rng}>{_number(cond.greater_than)})"
    return f"(LEN({rng})>0)" if cond.filled else f"(LEN({rng})=0)"


def _number(value) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")


def missing_when(requirement: bool | Requirement, ref: str, resolve_ref) -> str | None:
    """An Excel test that is TRUE when the cell is missing an answer it needs; None if never."""
    if requirement is False:
        return None
    if requirement is True or (isinstance(requirement, Requirement) and requirement.when is None):
        return blank(ref)
    return f"AND({condition(requirement.when, resolve_ref)},{blank(ref)})"


def yes_unless(tests: list[str]) -> str:
    if not tests:
        return '="Yes"'
    joined = tests[0] if len(tests) == 1 else f"OR({','.join(tests)})"
    return f'=IF({joined},"No","Yes")'


def open_column_checker(table: Table, column_id: str, at, requirement, resolve_ref=None) -> str | None:
    """'Column complete' of an open table: no line in use may leave this column blank (where its
    condition, if any, holds on that line)."""
    if requirement is False:
        return None
    in_use = "&".join(f"{_rng(at, c.id)}" for c in table.columns if c.role == "input")
    col = _rng(at, column_id)
    when = ""
    if isinstance(requirement, Requirement) and requirement.when is not None:
        cond = requirement.when
        if cond.field.startswith("row."):
            when = "*" + condition_array(cond, _rng(at, cond.field.split(".", 1)[1]))
        else:
            when = f"*({condition(cond, resolve_ref)})"
    test = f"SUMPRODUCT((LEN({in_use})>0){when}*(LEN({col})=0))>0"
    if table.min_rows and column_id == table.columns[0].id:
        first = _rng(at, table.columns[0].id)
        test = f"OR({test},COUNTA({first})<{table.min_rows})"
    return f'=IF({test},"No","Yes")'


def _rng(at, column_id: str) -> str:
    col = at.columns[column_id]
    return f"{cell_ref(at.rows[0], col)}:{cell_ref(at.rows[-1], col)}"
