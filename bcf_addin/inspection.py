"""`bcf inspect`: what the tool finds in a workbook, where, what it does not find and why.

The first thing to run when a real file does not work. Recognition and location are the
locator's own (bcf_addin.locate, run with a recorder), so inspect says exactly what populate and
check would meet: each field, table, column, list and formula with its sheet and cell; each label
or heading not found, with the nearest text on the sheet; a label found twice; a heading with no
input rows under it (inspection_items.py); and how sure the recognition is.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from .descriptions.loader import all_descriptions, load
from .descriptions.schema import Field, Heading, TemplateDescription
from .detect import identify, top_texts
from .folding import fold
from .inspection_items import PROBLEMS, Outcome, outcomes
from .locate import Index, headings_found, sheet_name
from .workbook import Workbook

CLOSE_ENOUGH = 0.5     # a description matched this well, though not by its title, is inspected item by item


@dataclass
class Recognition:
    kind: str
    name: str
    version: str
    recognised: bool             # by its own title and version
    title: bool
    version_text: bool
    sheets: tuple[int, int]      # found, of
    labels: tuple[int, int]      # labels and headings found, of
    seen_version: str = ""       # the cover's text nearest the version, when it differs

    @property
    def found(self) -> int:
        return self.title + self.version_text + self.sheets[0] + self.labels[0]

    @property
    def total(self) -> int:
        return 2 + self.sheets[1] + self.labels[1]

    @property
    def confidence(self) -> float:
        return self.found / self.total if self.total else 0.0


@dataclass
class Inspection:
    file: str
    recognition: Recognition | None              # of the description inspected against, or the nearest
    source: str = ""                             # where that description comes from
    outcomes: list[Outcome] = field(default_factory=list)
    known: int = 0                               # descriptions compared

    @property
    def inspected(self) -> bool:
        return bool(self.outcomes)

    @property
    def problems(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status in PROBLEMS]

    @property
    def exit_code(self) -> int:
        ok = self.recognition is not None and self.recognition.recognised and not self.problems
        return 0 if ok else 1

    def to_dict(self) -> dict:
        rec = self.recognition
        return {
            "file": self.file,
            "recognised": bool(rec and rec.recognised),
            "description": None if rec is None else {
                "kind": rec.kind, "name": rec.name, "version": rec.version, "source": self.source,
                "title_found": rec.title, "version_found": rec.version_text, "seen_version": rec.seen_version or None,
                "sheets_found": rec.sheets[0], "sheets": rec.sheets[1],
                "labels_found": rec.labels[0], "labels": rec.labels[1],
                "confidence": round(rec.confidence, 3)},
            "descriptions_compared": self.known,
            "summary": summary(self),
            "items": [asdict(o) for o in self.outcomes],
        }


# -- recognition ----------------------------------------------------------------------------------

def recognition(wb: Workbook, desc: TemplateDescription) -> Recognition:
    """How much of `desc` the workbook shows: its title and version, its sheets, its labels and headings."""
    texts = top_texts(wb, desc.identity.sheet)
    title, version = fold(desc.identity.title) in texts, fold(desc.identity.version) in texts
    sheets = labels = total_sheets = total_labels = 0
    for sheet_desc in desc.sheets:
        items = [i for i in sheet_desc.items if not isinstance(i, Heading)]
        if not items:
            continue
        total_sheets += 1
        total_labels += sum(1 if isinstance(i, Field) else len(i.columns) + bool(i.title) for i in items)
        name = sheet_name(wb, sheet_desc)
        if name is None:
            continue
        sheets += 1
        index = Index(wb.sheets[name])
        for item in items:
            if isinstance(item, Field):
                labels += bool(index.find(item.label, prefix=item.prefix))
            else:
                labels += len(headings_found(index, item)[0]) + bool(item.title and index.find(item.title))
    seen = ""
    if title and not version:
        seen = _nearest_version(wb, desc)
    return Recognition(desc.kind, desc.name, desc.version, title and version, title, version,
                       (sheets, total_sheets), (labels, total_labels), seen)


def _nearest_version(wb: Workbook, desc: TemplateDescription) -> str:
    for sheet_desc in desc.sheets:
        if fold(sheet_desc.name) == fold(desc.identity.sheet):
            name = sheet_name(wb, sheet_desc)
            if name:
                index = Index(wb.sheets[name])
                at = index.nearest(desc.identity.version)
                return str(wb.sheets[name].value(*at)).strip() if at else ""
    return ""


# -- inspection -----------------------------------------------------------------------------------

def inspect_workbook(wb: Workbook, kind: str | None = None) -> Inspection:
    """Everything `wb` shows of the description of `kind`, or of the one it is recognised as, or
    (recognised as none) of the nearest one where that is close enough to be worth the detail."""
    from .descriptions.sources import all_sources

    origins = {s.kind: s for s in all_sources()}
    if kind:
        desc = load(kind)
    else:
        desc = identify(wb)
    if desc is None:
        ranked = sorted((recognition(wb, d) for d in all_descriptions()), key=lambda r: -r.confidence)
        best = ranked[0] if ranked else None
        result = Inspection(wb.path, best, _origin(origins, best.kind) if best else "", known=len(ranked))
        if best is None or best.labels[0] < CLOSE_ENOUGH * best.labels[1]:
            return result
        desc = load(best.kind)
    result = Inspection(wb.path, recognition(wb, desc), _origin(origins, desc.kind), known=len(origins))
    result.outcomes = outcomes(wb, desc)
    return result


def _origin(origins: dict, kind: str) -> str:
    source = origins.get(kind)
    if source is None:
        return ""
    if source.origin == "bundled":
        return "bundled with bcf-addin"
    label = "named with --description" if source.origin == "named" else "from your descriptions folder"
    return f"{source.path} ({label}{', in place of the bundled one' if source.replaces else ''})"


# -- what to say ----------------------------------------------------------------------------------

def summary(ins: Inspection) -> str:
    """One line: what the workbook is, how sure, and how much was found."""
    name = Path(ins.file).name
    rec = ins.recognition
    if rec is None:
        return f"{name}: no template descriptions to compare it with"
    sure = (f"{rec.sheets[0]} of {rec.sheets[1]} sheets and {rec.labels[0]} of {rec.labels[1]} labels and headings "
            f"found ({rec.confidence:.0%} sure)")
    if not ins.inspected and rec.labels[0] == 0 and not rec.title:
        return (f"{name} is not a BCF template this tool knows: none of the {ins.known} known templates' titles, "
                f"sheets or labels are in it")
    if not rec.recognised:
        missing = [what for what, ok in (("title", rec.title), ("version", rec.version_text)) if not ok]
        seen = f" (it says '{rec.seen_version}')" if rec.seen_version else ""
        return (f"{name} is not a BCF template this tool knows: nearest is {rec.name} (Version {rec.version}), "
                f"but its {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not on the cover{seen}; "
                f"{sure}")
    problems = len(ins.problems)
    tail = "everything found" if not problems else f"{problems} thing{'s' * (problems != 1)} not found"
    return f"{name}: {rec.name} (Version {rec.version}), {sure}; {tail}"
