"""The summary's charts as PNG pictures for reports. matplotlib is an optional extra
(`pip install 'bcf-addin[charts]'`): without it the pictures are skipped and a note says why."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..files import Replacement
from .charts import all_charts

MISSING = "PNG charts skipped: they need matplotlib (pip install 'bcf-addin[charts]'); summary.xlsx has the same charts"


def write_pictures(tables: dict[str, pd.DataFrame], folder: Path) -> tuple[list[Path], str | None]:
    try:
        import matplotlib
    except ImportError:
        return [], MISSING
    matplotlib.use("Agg")       # no screen needed
    from matplotlib import pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for i, chart in enumerate(all_charts(tables), 1):
        if not len(chart.frame):
            continue
        frame = chart.frame.set_index(chart.category)[chart.series].map(float)
        many = len(frame) > 12
        size = (10, max(4, 0.22 * len(frame))) if many else (10, 5)
        fig, ax = plt.subplots(figsize=size)
        frame.plot.barh(ax=ax) if many else frame.plot.bar(ax=ax, rot=30)
        ax.set_title(chart.title, fontsize=10)
        (ax.set_xlabel if many else ax.set_ylabel)(chart.y_title)
        ax.ticklabel_format(axis="x" if many else "y", style="plain")
        fig.tight_layout()
        path = folder / f"{i:02d}-{_slug(chart.title)}.png"
        with Replacement(path, existing="backup") as staged:
            fig.savefig(staged.file, dpi=110, format="png")
        plt.close(fig)
        written.append(path)
    # An earlier run's picture of a chart this run has no figures for would look current.
    for old in folder.glob("[0-9][0-9]-*.png"):
        if old not in written:
            old.unlink()
    return written, None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]
