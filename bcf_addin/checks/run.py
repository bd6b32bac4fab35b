"""Run every registered rule over a return and collect all findings (not just the first)."""
from __future__ import annotations

from ..workbook import parse_ref
from ..located import OpenTemplate
from .context import CheckContext
from .findings import Severity
from .registry import WORKBOOK_RULES
from .rule import Family
from .report import CheckReport, SheetStatus


def check_template(tpl: OpenTemplate, previous: OpenTemplate | None = None, *, stale_caches: bool = False,
                   rules=WORKBOOK_RULES, unknown: frozenset[str] = frozenset()) -> CheckReport:
    """`unknown`: facts the read could not get (Excel gives no formulas to some engines); the rules
    that need them are skipped and named in the report rather than reporting false findings."""
    ctx = CheckContext(tpl, previous, stale_caches)
    report = CheckReport(tpl.description.kind, tpl.hwb, tpl.workbook.path, title=tpl.title, stale_results=stale_caches)
    for rule in rules:
        if rule.needs & unknown:
            report.skipped.append(rule.code)
            continue
        report.findings.extend(rule.check(ctx, rule))
    report.balances = ctx.balances
    report.findings.sort(key=lambda f: (_sheet_order(tpl, f.sheet), f.severity.rank, _cell_order(f.cell), f.code))
    completeness = {r.code for r in rules if r.family is Family.COMPLETENESS}
    incomplete = {f.sheet for f in report.findings
                  if f.severity is Severity.ERROR and f.code in completeness}
    for sheet in tpl.description.sheets:
        if sheet.complete_cell and sheet.name in tpl.layout.sheets:
            name = tpl.layout.workbook_sheet(sheet.name)
            report.sheets.append(SheetStatus(name, name not in incomplete))
    return report


def _sheet_order(tpl: OpenTemplate, sheet: str | None) -> int:
    names = list(tpl.workbook.sheets)
    return names.index(sheet) if sheet in names else len(names)


def _cell_order(cell: str | None) -> tuple[int, int]:
    if not cell:
        return (0, 0)
    return parse_ref(cell.split(":")[0])
