"""The figures NHS England pre-populates once an HWB is chosen: allocations, minimums, names."""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from . import paths
from .errors import BcfError
from .folding import fold
from .money import NotMoney, parse_money


@dataclass
class HwbFigures:
    hwb: str
    tables: dict[str, dict[str, Decimal]] = field(default_factory=dict)   # table id -> row label -> amount
    figures: dict[str, Decimal] = field(default_factory=dict)            # figure key -> amount
    icbs: list[str] = field(default_factory=list)
    trusts: list[str] = field(default_factory=list)

    def names(self, which: str) -> list[str]:
        """A list of the HWB's organisations by name: `trusts` or `icbs`."""
        return list({"trusts": self.trusts, "icbs": self.icbs}[which])


def load_bundled(hwb: str, kind: str) -> HwbFigures | None:
    """Bundled published figures for this HWB and template kind, or None when none are bundled."""
    for path in (paths.workbooks() / "hwbs").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if fold(data["hwb"]) != fold(hwb):
            continue
        section = data.get(kind) or {}
        return HwbFigures(
            hwb=data["hwb"],
            tables={t: {k: Decimal(str(v)) for k, v in rows.items()} for t, rows in (section.get("tables") or {}).items()},
            figures={k: Decimal(str(v)) for k, v in (section.get("figures") or {}).items()},
            icbs=list(data.get("icbs") or []),
            trusts=list(data.get("trusts") or []),
        )
    return None


def load_allocations(path: Path, hwb: str) -> HwbFigures:
    """An allocations CSV with columns item,label,value.

    `item` is a pre-populated table of the template (dfg, dfg_districts, la_bcg, nhs_minimum, ...)
    with `label` its row label, or `figure` with `label` a figure key (asc_minimum, ...), or
    `trust` with `label` an acute or community trust name (C&D referral sources).
    """
    figures = HwbFigures(hwb=hwb)
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            missing = {"item", "label", "value"} - {fold(h) for h in reader.fieldnames or []}
            if missing:
                raise BcfError(f"the allocations file needs columns item, label, value (missing: {', '.join(sorted(missing))})", file=str(path))
            for line, row in enumerate(reader, start=2):
                row = {fold(k): (v or "").strip() for k, v in row.items()}
                item, label = row["item"], row["label"]
                if item == "trust":
                    figures.trusts.append(label)
                    continue
                try:
                    amount = parse_money(row["value"])
                except NotMoney as exc:
                    raise BcfError(f"line {line}: {exc}", file=str(path)) from None
                if amount is None:
                    continue
                if item == "figure":
                    figures.figures[label] = amount
                else:
                    figures.tables.setdefault(item, {})[label] = amount
                    if item == "nhs_minimum" and label not in figures.icbs:
                        figures.icbs.append(label)
    except OSError as exc:
        raise BcfError(f"cannot read the allocations file: {exc.strerror}", file=str(path)) from None
    return figures
