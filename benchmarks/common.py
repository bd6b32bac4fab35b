"""Shared set-up for the benchmark scripts: replicas sized for large registers, and timing."""
from __future__ import annotations

import csv
import statistics
import time
import zipfile
from pathlib import Path

import yaml
from lxml import etree

from bcf_addin import paths
from bcf_addin.descriptions.schema import TemplateDescription
from bcf_addin.hwb import load_bundled
from bcf_addin.replica.builder import build

SAMPLE = paths.samples() / "leicestershire-2025-26-plan-schemes.csv"


def big_plan_replica(out: Path, lines: int) -> Path:
    """A Leicestershire planning replica whose scheme table has room for `lines` lines."""
    data = yaml.safe_load((paths.descriptions() / "planning-2025-26.yaml").read_text(encoding="utf-8"))
    for sheet in data["sheets"]:
        for item in sheet["items"]:
            if item.get("id") == "schemes":
                item["capacity"] = max(lines, item["capacity"])
    build(TemplateDescription.model_validate(data), out, hwb=load_bundled("Leicestershire", "planning-2025-26"))
    return out


def register(out: Path, lines: int) -> Path:
    """The published sample repeated (with fresh Scheme IDs) to `lines` lines."""
    with open(SAMPLE, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        for i in range(lines):
            row = dict(rows[i % len(rows)])
            row["Scheme ID"] = str(i + 1)
            w.writerow(row)
    return out


def floor(path: Path) -> None:
    """The least any tool must do: unzip every part and parse every XML part."""
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            data = zf.read(name)
            if name.endswith((".xml", ".rels")):
                etree.fromstring(data)


def best(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def median(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)
