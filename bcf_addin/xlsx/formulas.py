"""A cell's formula as it reads in the cell: shared formulas shifted from their master, array
formulas spread over their range, data tables named."""
from __future__ import annotations

import re

from ..workbook import column_index, column_letter
from .refs import cell_range


def cell_formula(text: str, attrs: dict, row: int, col: int, shared: dict, arrays: list) -> str:
    if text.startswith("="):
        text = text[1:]
    kind = attrs.get("t")
    if kind == "shared":
        si = attrs.get("si") or ""
        if text:
            shared[si] = (row, col, text)
        elif si in shared:
            m_row, m_col, master = shared[si]
            text = shift_formula(master, row - m_row, col - m_col)
    elif kind == "array":
        rng = cell_range(attrs.get("ref") or "")
        if rng:
            arrays.append((rng, text))
    elif kind == "dataTable":
        text = f"TABLE({attrs.get('r1') or ''},{attrs.get('r2') or ''})"
    return text


def in_array(arrays, row: int, col: int) -> str | None:
    for (r1, c1, r2, c2), text in arrays:
        if r1 <= row <= r2 and c1 <= col <= c2:
            return text
    return None


# A1 references outside string literals and quoted sheet names; a name such as LOG10( or
# Sheet1! is not a reference. Groups: string, quoted name, cell ref, column range, row range.
_REF_RE = re.compile(
    r"""("(?:[^"]|"")*")|('(?:[^']|'')*')"""
    r"""|(?<![A-Za-z0-9_.$])(\$?)([A-Z]{1,3})(\$?)([0-9]+)(?![A-Za-z0-9_(!\[])"""
    r"""|(?<![A-Za-z0-9_.$:])(\$?)([A-Z]{1,3}):(\$?)([A-Z]{1,3})(?![A-Za-z0-9_(!\[])"""
    r"""|(?<![A-Za-z0-9_.$:])(\$?)([0-9]+):(\$?)([0-9]+)(?![A-Za-z0-9_(!\[.])""")


def shift_formula(text: str, d_row: int, d_col: int) -> str:
    """A shared formula as it reads in a cell d_row rows and d_col columns from its master."""

    def col(mark: str, letters: str) -> str:
        return mark + (letters if mark else column_letter(column_index(letters) + d_col))

    def row(mark: str, digits: str) -> str:
        return mark + (digits if mark else str(int(digits) + d_row))

    def sub(m: re.Match) -> str:
        g = m.groups()
        if g[0] is not None or g[1] is not None:
            return m.group(0)
        if g[3] is not None:
            return col(g[2], g[3]) + row(g[4], g[5])
        if g[7] is not None:
            return col(g[6], g[7]) + ":" + col(g[8], g[9])
        return row(g[10], g[11]) + ":" + row(g[12], g[13])

    return _REF_RE.sub(sub, text)
