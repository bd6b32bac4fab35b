"""What `bcf collect` prints when it has finished: how many returns counted, the files that could not
be used and why, and which boards sent nothing, per kind of return."""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from .run import Collected

NOTHING_TO_ADD_UP = "No usable return: there is nothing to add up (the returns table says why each file could not be used)"


def counting(returns: pd.DataFrame) -> int:
    return int(returns["latest"].fillna(False).sum())


def lines(result: Collected, fmt: str) -> list[str]:
    returns = result.tables["returns"]
    unusable = returns[returns["reason"].notna()]
    out = [f"{len(returns)} files and attachments: {len(returns) - len(unusable)} returns checked, "
           f"{counting(returns)} counting (the latest of each HWB), {len(unusable)} could not be used"]
    out += [f"  {r.file}: {r.reason}" for r in unusable.itertuples()]
    if not counting(returns):
        out.append(NOTHING_TO_ADD_UP)
    if result.removed:
        out.append(f"Removed {', '.join(p.name for p in result.removed)}: personal data from an earlier "
                   f"--include-contacts run (give --include-contacts to keep collecting it)")
    return out
