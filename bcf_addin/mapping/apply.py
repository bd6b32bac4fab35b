"""Read a register through its column mapping: the officer's headings and spellings become the
template's, so populate matches it as it would a register headed in the template's own words."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import RegisterError
from ..folding import fold
from ..register import Register, as_text

if TYPE_CHECKING:
    from .columns import ColumnMapping

UNMAPPED = " (not mapped)"


def apply_mapping(register: Register, mapping: ColumnMapping, source: str | Path) -> Register:
    """`register` with each mapped heading renamed to its template column and local spellings
    replaced by the list values they stand for. A register column the mapping names but the
    register lacks is refused, naming both files."""
    own = {fold(h): h for h in register.headers}
    renamed: dict[str, str] = {}
    for template, mine in mapping.columns.items():
        if not mine:
            continue
        if fold(mine) not in own:
            raise RegisterError(
                f"has no column '{mine}', which the column mapping {source} feeds '{template}' from; "
                f"its columns are {', '.join(register.headers)}", file=register.path,
                hint=f"correct the line '{template}: {mine}' in {Path(source).name}")
        renamed[own[fold(mine)]] = template
    targets = {fold(t) for t in mapping.columns}
    # A column the mapping does not use keeps its heading, unless that is a template heading the
    # mapping feeds from another column (or says the register lacks): then it must not be read as it.
    names = {h: renamed.get(h) or (h + UNMAPPED if fold(h) in targets else h) for h in register.headers}
    spellings = {template: {fold(local): value for local, value in values.items()}
                 for template, values in mapping.values.items()}
    rows = []
    for row in register.rows:
        new = {names[h]: v for h, v in row.items()}
        for template, lookup in spellings.items():
            value = lookup.get(fold(as_text(new.get(template))))
            if value is not None:
                new[template] = value
        rows.append(new)
    return replace(register, headers=[names[h] for h in register.headers], rows=rows,
                   columns={names[h]: c for h, c in register.columns.items()},
                   mapped_by=str(source), own_headings={names[h]: h for h in register.headers})
