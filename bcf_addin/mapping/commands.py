"""`bcf map`: propose a register's column mapping, save it for the officer to check, say what it holds."""
from __future__ import annotations

from pathlib import Path

from ..descriptions.loader import load
from ..descriptions.schema import TemplateDescription
from ..errors import BcfError
from ..recognise import open_template
from ..register import read_register
from .propose import Proposal, propose
from .source import template_headings
from .store import beside, beside_sheet, dump_mapping, save_mapping, saved_beside


def description_for(workbook: str | Path | None, kind: str | None) -> TemplateDescription:
    if workbook:
        return open_template(workbook, kind).description
    if kind:
        return load(kind)
    raise BcfError("say which template the register is for: a WORKBOOK, or --kind KIND (see 'bcf kinds')")


def make_mapping(register: str | Path, *, workbook=None, kind=None, sheet=None, out=None) -> list[str]:
    """Propose, save, and return the lines that tell the officer what was proposed and where it is."""
    desc = description_for(workbook, kind)
    reg = read_register(register, sheet=sheet, headings=template_headings(desc))
    proposal = propose(reg, desc)
    target = Path(out) if out else beside(register)
    text = dump_mapping(proposal.mapping(desc.kind), desc.name, proposal.notes(), proposal.pending)
    save_mapping(text, target)
    return [*describe(proposal),
            f"Saved to {target}: correct it where it is wrong, then populate "
            + ("uses it by itself." if target == beside(register) else f"with --columns {target}")]


def describe(proposal: Proposal) -> list[str]:
    width = min(40, max(len(p.column.header) for p in proposal.columns))
    lines = [f"The {proposal.table.id.replace('_', ' ')} table, from your columns:"]
    for p in proposal.columns:
        source = f"'{p.source}'" if p.source else "(none found)"
        sure = f"{p.confidence:>4.0%}  {p.why}" if p.source else p.why
        heading = p.column.header if len(p.column.header) <= width else p.column.header[:width - 3] + "..."
        lines.append(f"  {heading:<{width}}  <- {source:<24} {sure}")
    for column, values in proposal.values.items():
        for local, value in values.items():
            lines.append(f"  {column}: '{local}' read as '{value}'")
    for column, values in proposal.pending.items():
        lines.append(f"  {column}: not on the list and no close value, so left out unless you add them: "
                     + ", ".join(f"'{v}'" for v in values))
    return lines


def propose_workbook(register: str | Path, desc: TemplateDescription) -> Path | None:
    """The ribbon's mapping step: a proposal saved as a workbook beside the register, for the officer
    to correct in Excel; None where a mapping is already kept for it (that one needs correcting)
    or no column of the register looks like any of the template's."""
    from .sheet import write_mapping_workbook   # openpyxl, ~270 ms: only the ribbon's step writes a workbook

    if saved_beside(register) is not None:
        return None
    proposal = propose(read_register(register, headings=template_headings(desc)), desc)
    if not any(p.source for p in proposal.columns):
        return None
    return write_mapping_workbook(proposal, beside_sheet(register))
