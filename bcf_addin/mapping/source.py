"""Read a register as populate needs it: the right sheet, through its column mapping, and (for a
ledger by cost centre) added up per scheme line."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..descriptions.schema import Table, TemplateDescription
from ..errors import BcfError, RegisterError
from ..ledger import by_scheme, read_cost_centres
from ..notes import Note
from ..register import Register, read_register
from .apply import apply_mapping
from .store import ColumnMapping, find_saved, load_mapping, saved_beside


@dataclass
class Source:
    register: Register
    notes: list[Note] = field(default_factory=list)
    reconciliation: object | None = None        # ledger.Reconciliation, for a ledger by cost centre


def template_headings(desc: TemplateDescription) -> set[str]:
    return {h for t in tables(desc) for c in t.columns for h in (c.header, *c.aliases)}


def tables(desc: TemplateDescription) -> list[Table]:
    return [item for sheet in desc.sheets for item in sheet.items if isinstance(item, Table)]


def read_source(path: str | Path, desc: TemplateDescription, *, columns: str | Path | None = None,
                sheet: str | None = None, cost_centres: str | Path | None = None) -> Source:
    """The register at `path`, mapped by `columns` (else by the mapping saved for it, if any)."""
    mapping_path = Path(columns) if columns else saved_beside(path)
    mapping = load_mapping(mapping_path) if mapping_path else None
    other_kind = []
    if mapping is not None and not _for(mapping, desc, mapping_path, explicit=bool(columns)):
        other_kind.append((mapping_path, mapping.kind))
        mapping = None
    sought = template_headings(desc) | (_register_headings(mapping) if mapping else set())
    register = read_register(path, sheet=sheet, headings=sought)
    if mapping is None and not other_kind:
        mapping_path = find_saved(path, register.headers)
        mapping = load_mapping(mapping_path) if mapping_path else None
        if mapping is not None and not _for(mapping, desc, mapping_path, explicit=False):
            other_kind.append((mapping_path, mapping.kind))
            mapping = None
    notes = register.skipped_notes()
    notes += [Note("warning", register.path, None, None,
                   f"the column mapping {p} was made for {kind}, not for this {desc.kind} return, so it was not used",
                   f"run bcf map {Path(path).name} --kind {desc.kind} to make one for this template")
              for p, kind in other_kind]
    if mapping is not None:
        register = apply_mapping(register, mapping, mapping_path)
        notes.insert(0, Note("info", register.path, None, None,
                             f"read through the column mapping {mapping_path}"))
    source = Source(register, notes)
    if cost_centres:
        table = schemes_table(desc)
        source.register, source.reconciliation = by_scheme(register, read_cost_centres(cost_centres, table), table)
    return source


def schemes_table(desc: TemplateDescription) -> Table:
    if desc.finance is None:
        raise BcfError(f"the {desc.name} has no scheme lines for a ledger extract to update")
    return next(t for t in tables(desc) if t.id == desc.finance.schemes)


def _for(mapping: ColumnMapping, desc: TemplateDescription, mapping_path: Path, *, explicit: bool) -> bool:
    """Whether a mapping belongs to this template; one named with --columns for another is refused."""
    if not mapping.kind or mapping.kind == desc.kind:
        return True
    if explicit:
        raise RegisterError(f"is a column mapping for {mapping.kind}, but the workbook is a {desc.kind} return",
                            file=str(mapping_path), hint=f"make one for it with bcf map REGISTER --kind {desc.kind}")
    return False


def _register_headings(mapping: ColumnMapping) -> set[str]:
    return {h for h in mapping.columns.values() if h}
