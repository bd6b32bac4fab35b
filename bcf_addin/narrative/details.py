"""The submission details table: one column per HWB area, naming the HWB, its ICB(s) and sign-off."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..folding import fold
from .document import Table


@dataclass
class Area:
    column: int                         # 0-based column of the table
    header: str                         # "HWB area 1"
    hwb: str
    icbs: list[str] = field(default_factory=list)
    sign_off: list[str] | None = None   # None when the table has no sign-off row
    sign_off_rows: list[int] = field(default_factory=list)


def areas(details: Table) -> list[Area]:
    """Each area column of the table, filled or not (an empty 'HWB area 2' is the template's spare)."""
    header = details.rows[0]
    found = [Area(i, header[i].strip(), "") for i in range(1, len(header))]
    for r, row in enumerate(details.rows[1:], start=1):
        label = fold(row[0]) if row else ""
        for area in found:
            value = row[area.column].strip() if area.column < len(row) else ""
            if label.startswith("hwb"):
                area.hwb = area.hwb or value
            elif label.startswith("icb"):
                if value:
                    area.icbs.append(value)
            elif "sign" in label:
                area.sign_off = (area.sign_off or []) + ([value] if value else [])
                area.sign_off_rows.append(r)
    return found


def named(found: list[Area]) -> list[Area]:
    """The areas the narrative covers: a column that names anything at all."""
    return [a for a in found if a.hwb or a.icbs or a.sign_off]
