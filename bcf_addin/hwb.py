"""The figures NHS England pre-populates once an HWB is chosen: allocations, minimums, names."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Iterator

from . import paths
from .descriptions.schema import Field, Table, TemplateDescription
from .errors import BcfError
from .folding import fold
from .money import NotMoney, parse_money
from .textfile import decode_text


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
    import yaml     # here only: checking a return needs no PyYAML (none in Python inside Excel's browser)

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


def load_allocations(path: Path, hwb: str, desc: TemplateDescription) -> HwbFigures:
    """An allocations CSV with columns item,label,value, for the template `desc` describes.

    `item` is a pre-populated table of the template (dfg, dfg_districts, la_bcg, nhs_minimum, ...)
    with `label` its row label, or `figure` with `label` a figure key (asc_minimum, ...), or
    `trust` with `label` an acute or community trust name (C&D referral sources). An item or
    figure the template does not have is refused, naming its line: it would otherwise be dropped
    without a word and the replica left short of that figure.
    """
    items, figure_keys = _prepopulated(desc)
    figures = HwbFigures(hwb=hwb)
    seen: dict[tuple[str, str], int] = {}
    for line, row in _allocation_rows(path):
        item, label = fold(row["item"]).replace(" ", "_"), row["label"]
        if item not in items:
            raise BcfError(f"line {line}: item '{row['item']}' is not one the {desc.name} pre-populates "
                           f"(it takes {', '.join(sorted(items))})", file=str(path))
        if not label:
            raise BcfError(f"line {line}: the {item} line has no label", file=str(path))
        if item == "figure" and label not in figure_keys:
            takes = f"it takes {', '.join(sorted(figure_keys))}" if figure_keys else "it takes none"
            raise BcfError(f"line {line}: the {desc.name} has no figure '{label}' ({takes})", file=str(path))
        if (item, fold(label)) in seen:
            raise BcfError(f"line {line}: {item} '{label}' is given twice (first on line "
                           f"{seen[item, fold(label)]})", file=str(path))
        seen[item, fold(label)] = line
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
    return figures


def _prepopulated(desc: TemplateDescription) -> tuple[set[str], set[str]]:
    """The allocation items the template takes, and the keys of its pre-populated figures."""
    items, keys = {"figure"}, set()
    for sheet in desc.sheets:
        for entry in sheet.items:
            if isinstance(entry, Field) and entry.prepopulate:
                keys.add(entry.prepopulate)
            if not isinstance(entry, Table):
                continue
            if entry.labels_from:
                items.add(entry.labels_from)
            if entry.slot_keys and entry.slot_keys.hwb == "trusts":
                items.add("trust")
            keys.update(k for r in entry.rows or [] for k in r.prepopulate.values())
    return items, keys


def _allocation_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Each non-blank line as {item, label, value}, with its line number. The text is decoded as a
    scheme register's is: UTF-8, UTF-16 with its byte-order mark, or Excel's Windows-1252 ('£' as
    one byte); a file mixing them is refused by line rather than read as garbled names."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BcfError(f"cannot read the allocations file: {exc.strerror}", file=str(path)) from None
    text = decode_text(raw, str(path))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [fold(h) for h in next(reader, [])]
        missing = {"item", "label", "value"} - set(header)
        if missing:
            raise BcfError(f"the allocations file needs columns item, label, value (missing: {', '.join(sorted(missing))})", file=str(path))
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header) and any(v.strip() for v in values[len(header):]):
                raise BcfError(f"line {reader.line_num}: {len(values)} values under {len(header)} column headings "
                               "(an amount with a comma needs quotes: \"5,518,288\")", file=str(path))
            row = dict(zip(header, (v.strip() for v in values)))
            yield reader.line_num, {k: row.get(k, "") for k in ("item", "label", "value")}
    except csv.Error as exc:
        raise BcfError(f"line {reader.line_num}: cannot be read as CSV ({exc})", file=str(path)) from None
