"""Tell which NHS England template a workbook is, from its own title and version cells."""
from __future__ import annotations

from .descriptions.loader import all_descriptions, load
from .descriptions.schema import TemplateDescription
from .errors import NotRecognised, WrongTemplate
from .folding import fold
from .workbook import Workbook

TOP_ROWS = 30          # title and version stand at the top of the cover


def top_texts(wb: Workbook, sheet_name: str) -> list[str]:
    for name, sheet in wb.sheets.items():
        if fold(name) == fold(sheet_name):
            return [fold(c.value) for (r, _), c in sheet.cells.items() if r <= TOP_ROWS and isinstance(c.value, str)]
    return []


def identify(wb: Workbook) -> TemplateDescription | None:
    for desc in all_descriptions():
        texts = top_texts(wb, desc.identity.sheet)
        titles = [desc.identity.title, *desc.identity.aliases]
        if any(fold(t) in texts for t in titles) and fold(desc.identity.version) in texts:
            return desc
    return None


def detect(wb: Workbook, expected: str | None = None) -> TemplateDescription:
    """The description of this workbook's template; a clear error when it is unknown or not `expected`."""
    desc = identify(wb)
    if desc is None:
        seen = _seen_title(wb)
        what = f"'{seen}'" if seen else "no BCF template title on its cover"
        known = ", ".join(d.name + " v" + d.version for d in all_descriptions())
        raise NotRecognised(f"is not a template this tool knows (found {what}); it knows: {known}", file=wb.path)
    if expected and desc.kind != expected:
        want = load(expected)
        raise WrongTemplate(f"is a {desc.name} (v{desc.version}), not a {want.name} (v{want.version})", file=wb.path)
    return desc


def _seen_title(wb: Workbook) -> str | None:
    """The title on the cover if there is one (the guidance sheet's title can differ)."""
    covers = {fold(d.identity.sheet) for d in all_descriptions()}
    sheets = sorted(wb.sheets.items(), key=lambda item: fold(item[0]) not in covers)
    for _, sheet in sheets:
        for (r, _), cell in sorted(sheet.cells.items()):
            if r > TOP_ROWS:
                break
            if isinstance(cell.value, str) and "better care fund" in cell.value.lower():
                return cell.value.strip()
    return None
