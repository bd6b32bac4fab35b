"""The template's own Yes/No checker formulas, generated from a description's requirements.

The same requirement declarations drive the independent checks in bcf_addin.checks, so the
replica's checker and ours are two readings of one source.
"""
from __future__ import annotations

from ..descriptions.schema import Condition, Requirement, Table
from ..model import cell_ref


def blank(ref: str) -> str:
    return f'LEN(TRIM({ref}))=0'


def condition(cond: Condition, resolve_ref) -> str:
    ref = resolve_ref(cond.field)
    if cond.equals is not None:
        return f'{ref}="{cond.equals}"'
    if cond.not_equals is not None:
        return f'{ref}<>"{cond.not_equals}"'
    return f"NOT({blank(ref)})" if cond.filled else blank(ref)


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


def open_column_checker(table: Table, column_id: str, at, requirement) -> str | None:
    """'Column complete' of an open table: no line in use may leave this column blank."""
    if requirement is False:
        return None
    rows = at.rows
    in_use = "&".join(f"{_rng(at, c.id)}" for c in table.columns if c.role == "input")
    col = _rng(at, column_id)
    test = f"SUMPRODUCT((LEN({in_use})>0)*(LEN({col})=0))>0"
    if table.min_rows and column_id == table.columns[0].id:
        first = _rng(at, table.columns[0].id)
        test = f"OR({test},COUNTA({first})<{table.min_rows})"
    del rows
    return f'=IF({test},"No","Yes")'


def _rng(at, column_id: str) -> str:
    col = at.columns[column_id]
    return f"{cell_ref(at.rows[0], col)}:{cell_ref(at.rows[-1], col)}"
