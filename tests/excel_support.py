"""Real xlwings Books without Excel: xlwings' remote engine, fed the JSON an Excel client sends.

The remote engine (xlwings PRO, xlwings/pro/_xlremote.py) is what xlwings Server and xlwings
Lite run on: a client (the Office.js add-in, Office Scripts, Google Apps Script) sends the
workbook as JSON, Python works on it through the ordinary xlwings API, and every change is
recorded as an action that `book.json()` returns for the client to apply. Reads are answered
from the JSON; nothing is recorded for them.

The JSON, as the clients build it (xlwings/js/xlwings.ts, getBookData in the Office.js add-in):

    {"client": ..., "version": xlwings version,
     "book": {"name", "active_sheet_index", "selection", "calculation" (newer Office.js clients)},
     "names": [{"name", "sheet_index", "address", "book_scope", ...}],
     "sheets": [{"name", "values": rows from A1 to the used range's last cell,
                 "pictures": [...], "tables": [...], ...}]}

Values are JSON: numbers as numbers (an integral one arrives as an int), text as strings, TRUE
and FALSE as booleans, an empty cell as "", an error as its text ('#N/A'), and a cell formatted
as a date or time as an ISO string ending in Z, which xlwings turns back into a datetime.

The engine is under xlwings PRO's PolyForm Noncommercial License 1.0.0 when
XLWINGS_LICENSE_KEY=noncommercial, which is how these tests run it.
"""
from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from bcf_addin.ribbon.dialogs import ExcelUi
from bcf_addin.xlsx.reader import read_workbook

LICENSE_ENV = "XLWINGS_LICENSE_KEY"


def remote_engine():
    """xlwings with its remote engine registered (import xlwings after the licence is set)."""
    import xlwings

    if "remote" not in [e.name for e in xlwings.engines]:
        # xlwings registers its PRO engines at import, only when a licence was set by then.
        from xlwings.main import Engine
        from xlwings.pro import _xlremote

        xlwings.engines.add(Engine(impl=_xlremote.engine))
    return xlwings


def client_value(value):
    if value is None:
        return ""
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    raise TypeError(f"no JSON form for {value!r}")


def book_json(path: str | Path, *, name: str | None = None, calculation: str | None = "Automatic",
              client: str = "Office.js") -> dict:
    """The JSON an Excel client would send for the workbook saved at `path`.

    Values are what the file holds: a formula's cached result, or blank where the file has none
    (bcf's replicas ask Excel to calculate on opening, so they carry none).
    """
    import xlwings

    wb = read_workbook(path)
    sheets = []
    for sheet in wb.sheets.values():
        rows = [["" for _ in range(sheet.max_col)] for _ in range(sheet.max_row)] or [[]]
        for (r, c), cell in sheet.cells.items():
            rows[r - 1][c - 1] = client_value(cell.value)
        sheets.append({"name": sheet.name, "values": rows, "pictures": [], "tables": [], "charts": [],
                       "shapes": [], "pivot_tables": [], "visibility": "Visible"})
    book = {"name": name or Path(path).name, "active_sheet_index": 0, "selection": "A1"}
    if calculation:
        book["calculation"] = calculation
    payload = {"client": client, "version": xlwings.__version__, "book": book, "names": [], "sheets": sheets}
    # Through JSON text, as it travels from the client.
    return json.loads(json.dumps(payload))


def open_remote(path: str | Path, **kwargs):
    xlwings = remote_engine()
    return xlwings.Book(json=book_json(path, **kwargs))


def actions(book) -> list[dict]:
    return book.json()["actions"]


def funcs(book) -> list[str]:
    return [a["func"] for a in actions(book)]


def written_cells(book) -> dict[tuple[str, int, int], object]:
    """Every cell the recorded setValues actions write, by (sheet name, row, col), 1-based."""
    names = [s.name for s in book.sheets]
    out = {}
    for a in actions(book):
        if a["func"] != "setValues":
            continue
        sheet = names[a["sheet_position"]]
        assert len(a["values"]) == a["row_count"] and all(len(r) == a["column_count"] for r in a["values"])
        for i, row in enumerate(a["values"]):
            for j, v in enumerate(row):
                out[(sheet, a["start_row"] + 1 + i, a["start_column"] + 1 + j)] = v
    return out


class Answers(ExcelUi):
    """Excel's own UI, except what the remote engine cannot do: OK/Cancel answers come from a
    list, and opening a workbook, opening a page and saving a copy are recorded."""

    def __init__(self, book, answers=(), **kwargs):
        self.opened: list[Path] = []
        self.urls: list[str] = []
        self.saved_copies: list[Path] = []
        self.questions: list[str] = []
        self.messages: list[str] = []
        self.statuses: list[str | None] = []
        self._answers = list(answers)
        super().__init__(book, open_workbook=self.opened.append, open_url=self.urls.append,
                         save_copy_as=kwargs.pop("save_copy_as", self.saved_copies.append), **kwargs)

    def message(self, text, *, warning=False):
        self.messages.append(text)
        super().message(text, warning=warning)

    def confirm(self, text):
        self.questions.append(text)
        return self._answers.pop(0)

    def ask(self, text):
        self.questions.append(text)
        return self._answers.pop(0)

    def status(self, text):
        self.statuses.append(text)
        super().status(text)
