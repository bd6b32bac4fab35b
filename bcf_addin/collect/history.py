"""Resubmissions: several returns of one kind from one HWB, ordered by when they were sent (the
e-mail's date, else the file's), the latest counting; and what moved in the totals between them."""
from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import datetime

from ..balances import Balances
from ..diff import ReturnDiff
from ..money import pounds


@dataclass
class Received:
    """What history needs of one usable return."""

    file: str
    kind: str
    hwb: str | None
    received: datetime
    balances: Balances | None


def latest_and_versions(returns: list[Received]) -> dict[str, tuple[int, bool]]:
    """file -> (version number within its HWB and kind, whether it is the latest)."""
    out: dict[str, tuple[int, bool]] = {}
    for group in _groups(returns):
        for i, r in enumerate(group, 1):
            out[r.file] = (i, i == len(group))
    return out


def history_rows(returns: list[Received], diff_path=lambda file: file) -> list[dict]:
    """One row per return that has another version, oldest first, with what changed since the one
    before and the `bcf diff` command that shows every change. `diff_path` gives a file on disk
    for a return (an attachment is saved for this), or None where there is none."""
    rows = []
    for group in _groups(returns):
        if len(group) < 2:
            continue
        for i, r in enumerate(group):
            prev = group[i - 1] if i else None
            rows.append({"file": r.file, "hwb": r.hwb, "kind": r.kind, "received": r.received,
                         "version": i + 1, "latest": i == len(group) - 1,
                         "previous": prev.file if prev else None,
                         "changed_totals": _changed(prev, r) if prev else None,
                         "diff": _diff(diff_path(prev.file), diff_path(r.file)) if prev else None})
    return rows


def _diff(old: str | None, new: str | None) -> str | None:
    """The command comparing two versions; none where one has no file on disk (an attachment not saved)."""
    if old is None or new is None:
        return None
    return f"bcf diff {shlex.quote(str(old))} {shlex.quote(str(new))}"


def _groups(returns: list[Received]) -> list[list[Received]]:
    groups: dict[tuple, list[Received]] = {}
    for r in returns:
        # A return with no HWB chosen cannot be matched with another: it stands alone.
        groups.setdefault((r.kind, r.hwb or r.file), []).append(r)
    return [sorted(g, key=lambda r: (r.received, r.file)) for g in groups.values()]


def _changed(old: Received, new: Received) -> str:
    diff = ReturnDiff(old.file, new.file, new.kind, new.hwb, before=old.balances, after=new.balances)
    moved = diff.moved()
    if not moved:
        return "no change in the totals"
    return "; ".join(f"{m.name} {m.figure} {_money(m.old)} -> {_money(m.new)}" for m in moved)


def _money(value) -> str:
    return "none" if value is None else pounds(value)
