"""Distinct returns for the collect tests and benchmark: copies of one populated Leicestershire
plan, each given another HWB and perturbed scheme amounts through the library's own writer, some
resubmitted, some wrapped in e-mails, some damaged.

    python tests/generate_returns.py OUT_FOLDER [N]
"""
from __future__ import annotations

import os
import random
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from bcf_addin import paths
from bcf_addin.api import new_replica, open_template, populate
from bcf_addin.workbook import CellWrite
from bcf_addin.xlsx.writer import write_cells

SAMPLE_PLAN = paths.samples() / "leicestershire-2025-26-plan-schemes.csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SENT = datetime(2025, 3, 28, 9, 0, tzinfo=timezone.utc)       # the e-mails
SAVED = datetime(2025, 3, 20, 9, 0, tzinfo=timezone.utc)      # the files, a minute apart
RESENT = datetime(2025, 4, 2, 9, 0, tzinfo=timezone.utc)      # the resubmissions


@dataclass
class Generated:
    folder: Path
    hwbs: list[str]                                          # one first return each
    files: list[Path] = field(default_factory=list)          # every file put in the folder
    emails: dict[str, Path] = field(default_factory=dict)    # HWB -> the .eml its return came in
    resubmitted: dict[str, Path] = field(default_factory=dict)  # HWB -> its second version
    damaged: list[Path] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """What `returns` should hold: every return and every damaged file."""
        return len(self.hwbs) + len(self.resubmitted) + len(self.damaged)


def all_hwbs() -> list[str]:
    import csv

    with open(paths.reference() / "hwbs.csv", newline="", encoding="utf-8") as fh:
        return [r["Health and Wellbeing Board"] for r in csv.DictReader(fh)]


def base_return(build: Path) -> Path:
    """The populated Leicestershire plan every return is a copy of."""
    build.mkdir(parents=True, exist_ok=True)
    template = build / "plan.xlsx"
    if not template.exists():
        new_replica("planning-2025-26", template, hwb="Leicestershire")
    out = build / "base.xlsx"
    if not out.exists():
        populate(template, [SAMPLE_PLAN], out=out)
    return out


class _Cells:
    """Where the HWB and the scheme amounts stand in the base return."""

    def __init__(self, base: Path):
        tpl = open_template(base)
        hwb = tpl.layout.fields["hwb"]
        self.hwb = (tpl.layout.workbook_sheet(hwb.sheet), hwb.row, hwb.col)
        _, at = tpl.table("schemes")
        self.sheet = tpl.layout.workbook_sheet(at.sheet)
        col = at.columns["expenditure"]
        self.amounts = [(ln.row, col, ln.values["expenditure"]) for ln in tpl.lines("schemes")]

    def writes(self, hwb: str, rng: random.Random) -> list[CellWrite]:
        out = [CellWrite(*self.hwb, hwb)]
        for row, col, value in self.amounts:
            factor = Decimal(rng.randint(80, 120)) / 100
            out.append(CellWrite(self.sheet, row, col, (value * factor).quantize(Decimal(1))))
        return out


def generate(folder: Path, n: int = 150, *, damaged: int = 3, emails: int = 5, resubmissions: int = 2,
             build: Path | None = None, seed: int = 2025) -> Generated:
    folder.mkdir(parents=True, exist_ok=True)
    base = base_return(build or folder.parent / (folder.name + "-build"))
    cells = _Cells(base)
    hwbs = all_hwbs()[:n]
    result = Generated(folder, hwbs)
    for i, hwb in enumerate(hwbs):
        path = folder / f"{hwb} HWB.xlsx"
        write_cells(base, cells.writes(hwb, random.Random(seed + i)), path)
        _touch(path, SAVED + timedelta(minutes=i))
        result.files.append(path)
    # Resubmissions: the last HWBs send a second version, later, with other amounts.
    for j, hwb in enumerate(hwbs[len(hwbs) - resubmissions:]):
        path = folder / f"{hwb} HWB (resubmitted).xlsx"
        write_cells(base, cells.writes(hwb, random.Random(seed + 10_000 + j)), path)
        _touch(path, RESENT + timedelta(minutes=j))
        result.files.append(path)
        result.resubmitted[hwb] = path
    # E-mails: the first HWBs' returns arrive as attachments only.
    for k, hwb in enumerate(hwbs[:emails]):
        xlsx = folder / f"{hwb} HWB.xlsx"
        eml = folder / f"{hwb} plan.eml"
        eml.write_bytes(email_with(xlsx.name, xlsx.read_bytes(), f"bcf.lead@{_slug(hwb)}.gov.uk",
                                   SENT + timedelta(minutes=k)))
        xlsx.unlink()
        result.files[result.files.index(xlsx)] = eml
        result.emails[hwb] = eml
    result.damaged = damage(folder, base, damaged)
    result.files.extend(result.damaged)
    return result


def email_with(name: str, data: bytes, sender: str, sent: datetime) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "england.bettercarefundteam@nhs.net"
    msg["Subject"] = f"BCF plan: {name}"
    msg["Date"] = format_datetime(sent)
    msg.set_content("Please find our BCF plan attached.")
    msg.add_attachment(data, maintype=XLSX.split("/")[0], subtype=XLSX.split("/")[1], filename=name)
    return msg.as_bytes()


def damage(folder: Path, base: Path, count: int) -> list[Path]:
    """Files that look like returns but cannot be used: cut short, not a workbook, not a template."""
    out = []
    makers = [
        ("Cut short HWB.xlsx", lambda: base.read_bytes()[: base.stat().st_size // 2]),
        ("Not a workbook HWB.xlsx", lambda: b"This is the narrative plan, saved with the wrong name.\n"),
        ("Some other workbook.xlsx", lambda: _other_workbook(folder)),
    ]
    for name, make in makers[:count]:
        path = folder / name
        path.write_bytes(make())
        _touch(path, SAVED)
        out.append(path)
    return out


def _other_workbook(folder: Path) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "Team rota"
    tmp = folder / ".other.xlsx"
    wb.save(tmp)
    data = tmp.read_bytes()
    tmp.unlink()
    return data


def _touch(path: Path, when: datetime) -> None:
    stamp = when.timestamp()
    os.utime(path, (stamp, stamp))


def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


if __name__ == "__main__":
    made = generate(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 150)
    print(f"{len(made.files)} files, {made.rows} returns expected, in {made.folder}")
