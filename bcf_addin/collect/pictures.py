"""The summary's charts as PNG pictures for reports, drawn by the worker processes while the main
one writes the tables and the summary workbook. matplotlib is an optional extra
(`pip install 'bcf-addin[charts]'`): without it the pictures are skipped and a note says why."""
from __future__ import annotations

import re
from importlib.util import find_spec
from io import BytesIO
from pathlib import Path

from ..files import Replacement
from .charts import ChartData
from .workers import Workers

MISSING = "PNG charts skipped: they need matplotlib (pip install 'bcf-addin[charts]'); summary.xlsx has the same charts"


def available() -> bool:
    return find_spec("matplotlib") is not None


def prepare() -> None:
    """Import matplotlib ahead of drawing: a worker does it while it would otherwise wait."""
    import matplotlib           # optional, and ~0.4 s: only where pictures are drawn

    matplotlib.use("Agg")       # no screen needed
    from matplotlib import pyplot  # noqa: F401


def draw_all(charts: list[ChartData], pool: Workers) -> list[tuple[str, object]] | None:
    """Each chart with figures handed to the workers: (file name, the drawing to come). None
    without matplotlib."""
    if not available():
        return None
    return [(f"{i:02d}-{_slug(chart.title)}.png", pool.submit(draw, chart))
            for i, chart in enumerate(charts, 1) if len(chart.frame)]


def draw(chart: ChartData) -> bytes:
    """One chart as a PNG picture."""
    prepare()
    from matplotlib import pyplot as plt    # loaded by prepare

    frame = chart.frame.set_index(chart.category)[chart.series].map(float)
    many = len(frame) > 12
    size = (10, max(4, 0.22 * len(frame))) if many else (10, 5)
    fig, ax = plt.subplots(figsize=size)
    try:
        frame.plot.barh(ax=ax) if many else frame.plot.bar(ax=ax, rot=30)
        ax.set_title(chart.title, fontsize=10)
        (ax.set_xlabel if many else ax.set_ylabel)(chart.y_title)
        ax.ticklabel_format(axis="x" if many else "y", style="plain")
        fig.tight_layout()
        png = BytesIO()
        fig.savefig(png, dpi=110, format="png")
    finally:
        plt.close(fig)
    return png.getvalue()


def write_pictures(drawn: list[tuple[str, object]] | None, folder: Path) -> tuple[list[Path], str | None]:
    if drawn is None:
        return [], MISSING
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, drawing in drawn:
        path = folder / name
        png = drawing.result()
        with Replacement(path, existing="backup") as staged:
            staged.file.write(png)
        written.append(path)
    # An earlier run's picture of a chart this run has no figures for would look current.
    for old in folder.glob("[0-9][0-9]-*.png"):
        if old not in written:
            old.unlink()
    return written, None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]
