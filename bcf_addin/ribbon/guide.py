"""The Help button: the add-in's guide as a web page, or, without it, what each button does."""
from __future__ import annotations

import html
import tempfile
from importlib import metadata
from pathlib import Path

from .. import paths
from . import COMMANDS
from .dialogs import ExcelUi
from .running import button

INSPECT_ADVICE = ("To see what the tools found in it and what not (a renamed heading, another year's template), "
                  "press Inspect template; for a new year's template, Learn template.")


@button(needs_return=False)
def help(book, ui: ExcelUi) -> str:      # named after its button; shadows the builtin here only
    """Open the add-in's guide (docs/addin.md) in the browser, or say what each button does."""
    doc = _guide()
    if doc is not None:
        page = _guide_page(doc)
        ui.open_url(page.as_uri())
        return page.as_uri()
    url = _project_url()
    if url:
        ui.open_url(url)
        return url
    ui.message("\n\n".join([*(f"{c.label}\n{c.description}" for c in COMMANDS.values()),
                             f"When the return is not recognised\n{INSPECT_ADVICE}"]))
    return ""


def _guide() -> Path | None:
    try:
        doc = paths.project_folder("docs") / "addin.md"
    except FileNotFoundError:
        return None
    return doc if doc.is_file() else None


def _guide_page(doc: Path) -> Path:
    """The guide as a web page: browsers show a .md file as bare text at best, or download it."""
    text = doc.read_text(encoding="utf-8")
    page = Path(tempfile.gettempdir()) / "bcf-addin" / "Better Care Fund add-in.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>The Better Care Fund add-in</title>"
        f"<base href='{doc.parent.as_uri()}/'>"
        "<style>body{font-family:'Segoe UI',Arial,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
        "pre{white-space:pre-wrap;font-family:inherit;line-height:1.45}</style></head><body>"
        f"<pre>{html.escape(text)}</pre></body></html>", encoding="utf-8")
    return page


def _project_url() -> str | None:
    try:
        meta = metadata.metadata("bcf-addin")
    except metadata.PackageNotFoundError:
        return None
    for entry in meta.get_all("Project-URL") or []:
        _, _, url = entry.partition(",")
        if url.strip():
            return url.strip()
    home = meta.get("Home-page")
    return home if home and home != "UNKNOWN" else None
