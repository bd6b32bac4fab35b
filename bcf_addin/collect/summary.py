"""summary.xlsx: an overview, native Excel charts, the validation matrix (HWB x rule code, coloured
by severity) and a sheet per table. openpyxl writes all but the tables' rows, in its streaming
mode; those (a national collection has tens of thousands of scheme lines) are put in by `sheets`."""
from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter

from ..files import Replacement
from .charts import ChartData, all_charts
from .report import NOTHING_TO_ADD_UP, counting, sent_nothing
from .sheets import fill_tables
from .tables import excel_ready

SEVERITY_FILLS = {"error": "F4B6B6", "warning": "FFE08A", "info": "BDD7EE"}
CLEAR_FILL = "C6EFCE"
CHART_DATA = "Chart data"


def write_summary(tables: dict[str, pd.DataFrame], path: Path, charts: list[ChartData] | None = None) -> Path:
    # Worked out before the streaming workbook opens: a failure after would leave it half-written.
    charts = all_charts(tables) if charts is None else charts
    wb = Workbook(write_only=True)
    overview, charts_ws, matrix_ws = (wb.create_sheet(n) for n in ("Summary", "Charts", "Validation"))
    table_sheets = {name[:31]: wb.create_sheet(name[:31]) for name in tables}
    data_ws = wb.create_sheet(CHART_DATA)
    _overview(overview, tables)
    _matrix(matrix_ws, tables)
    for ws in table_sheets.values():
        ws.freeze_panes = "A2"
    _charts(charts_ws, data_ws, charts)
    package = BytesIO()
    wb.save(package)
    with Replacement(path, existing="backup") as staged:
        fill_tables(package.getvalue(), {name[:31]: df for name, df in tables.items()}, staged.file)
    return path


def _overview(ws, tables: dict[str, pd.DataFrame]) -> None:
    returns = tables["returns"]
    usable = returns[returns["reason"].isna()]
    ws.append(["Better Care Fund returns collected"])
    for label, value in (("Files and attachments", len(returns)),
                         ("Returns recognised and checked", len(usable)),
                         ("Could not be used (see the returns sheet's reason)", int(returns["reason"].notna().sum())),
                         ("Returns that count (the latest of each HWB and kind)", counting(returns)),
                         ("Earlier versions (resubmitted since)", int((returns["reason"].isna() & ~returns["latest"]).sum())),
                         ("Complete", int(usable["complete"].fillna(False).sum())),
                         *sent_nothing(tables["missing"])):
        ws.append([label, value])
    if not counting(returns):
        ws.append([NOTHING_TO_ADD_UP])
    ws.append([])
    ws.append(["Kinds of return", "count"])
    for kind, n in usable["kind"].value_counts().sort_index().items():
        ws.append([kind, int(n)])


def _matrix(ws, tables: dict[str, pd.DataFrame]) -> None:
    """Latest returns down, rule codes across, how often each fired: red for errors, amber for
    warnings, blue for information, green where the rule found nothing."""
    returns = tables["returns"]
    latest = returns[returns["latest"].fillna(False).astype(bool)]
    findings = tables["findings"]
    findings = findings[findings["latest"].fillna(False).astype(bool)]
    severity = dict(zip(findings["code"], findings["severity"]))
    codes = sorted(severity)
    counts = {(f, c): n for f, c, n in zip(findings["file"], findings["code"], findings["count"])}
    ws.freeze_panes = "D2"
    ws.append(["HWB", "kind", "file", *codes])
    ws.append(["", "", "severity", *(severity[c] for c in codes)])
    order = latest.sort_values(["hwb", "kind"], na_position="last", kind="stable")
    for r in order.itertuples():
        ws.append([r.hwb, r.kind, r.file, *(int(counts.get((r.file, c), 0)) for c in codes)])
    if not codes or not len(order):
        return
    last_row = len(order) + 2
    for i, code in enumerate(codes, 4):
        col = get_column_letter(i)
        cells = f"{col}3:{col}{last_row}"
        fill = PatternFill("solid", start_color=SEVERITY_FILLS.get(severity[code], "FFFFFF"))
        ws.conditional_formatting.add(cells, CellIsRule(operator="greaterThan", formula=["0"], fill=fill))
        ws.conditional_formatting.add(cells, CellIsRule(operator="equal", formula=["0"],
                                                        fill=PatternFill("solid", start_color=CLEAR_FILL)))


def _charts(charts_ws, data_ws, charts: list[ChartData]) -> None:
    """Each chart's figures go on the chart-data sheet, and a bar chart drawing them on the charts sheet."""
    row, anchor_row = 1, 1
    for chart in charts:
        frame = excel_ready(chart.frame)
        data_ws.append([chart.title])
        data_ws.append([chart.category, *chart.series])
        header = row + 1
        for values in frame[[chart.category, *chart.series]].itertuples(index=False, name=None):
            data_ws.append(list(values))
        n = len(frame)
        data_ws.append([])
        row = header + n + 2
        if not n:
            continue
        bar = BarChart()
        bar.title = chart.title
        bar.y_axis.title = chart.y_title
        many = n > 12
        bar.type = "bar" if many else "col"      # many HWBs read better as horizontal bars
        bar.width = 24
        bar.height = max(8, 0.45 * n) if many else 9
        bar.add_data(Reference(data_ws, min_col=2, max_col=1 + len(chart.series), min_row=header,
                               max_row=header + n), titles_from_data=True)
        bar.set_categories(Reference(data_ws, min_col=1, min_row=header + 1, max_row=header + n))
        charts_ws.add_chart(bar, f"A{anchor_row}")
        anchor_row += int(bar.height * 2) + 3
    charts_ws.append(["Charts of the latest returns; the figures they draw are on the 'Chart data' sheet."])


