"""What `bcf collect` prints when it has finished: how many returns counted, the files that could not
be used and why, and which boards sent nothing, per kind of return."""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .leftovers import shown

if TYPE_CHECKING:
    from .run import Collected

NOTHING_TO_ADD_UP = "No usable return: there is nothing to add up (the returns table says why each file could not be used)"


def counting(returns: pd.DataFrame) -> int:
    return int(returns["latest"].fillna(False).sum())


def sent_nothing(missing: pd.DataFrame) -> list[tuple[str, int]]:
    """How many boards sent no return, per kind of return others sent (each board is on the
    missing table once per kind, so one total would count it several times)."""
    if not len(missing):
        return []
    counts = missing.groupby(missing["kind"].fillna(""), sort=True).size()
    return [(f"Health and Wellbeing Boards that sent no {kind + ' return' if kind else 'usable return'}", int(n))
            for kind, n in counts.items()]


def lines(result: Collected, fmt: str) -> list[str]:
    returns = result.tables["returns"]
    unusable = returns[returns["reason"].notna()]
    out = [f"{len(returns)} files and attachments: {len(returns) - len(unusable)} returns checked, "
           f"{counting(returns)} counting (the latest of each HWB), {len(unusable)} could not be used"]
    out += [f"  {r.file}: {r.reason}" for r in unusable.itertuples()]
    if not counting(returns):
        out.append(NOTHING_TO_ADD_UP)
    out += [f"{n} {label.replace(' that sent', ' sent')} (see missing.{fmt})"
            for label, n in sent_nothing(result.tables["missing"])]
    if result.removed:
        out.append(f"Removed {', '.join(shown(p) for p in result.removed)}: personal data from an earlier "
                   f"--include-contacts run (give --include-contacts to keep collecting it)")
    if result.unsaved:
        out.append(f"{result.unsaved} version{'s' * (result.unsaved != 1)} in the history came in e-mails and "
                   f"{'were' if result.unsaved != 1 else 'was'} not saved, as a return's cover names people: give "
                   "--include-contacts to save them under attachments/ with a bcf diff command for each")
    return out
