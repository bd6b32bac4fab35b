"""Commands that read returns and say what is in them: check (one return or many), the
narrative, balances, what changed between two versions, what the tool finds in a workbook, and
the rules it checks by."""
from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path

import click

from ..errors import BcfError
from .common import (command, description_option, echo_json, one_line, progress, report_option, show, silent,
                     use_description)


@command("check")
# Folders are let through so that, among many returns, one is reported on its own line, not the whole run refused.
@click.argument("workbooks", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path),
              help="Last year's return, for the year-on-year rules.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@report_option("the findings, to work from,")
@description_option
def check_cmd(workbooks, previous, as_json, report, description):
    """Check a return: completeness, values, money, minimum spend, arithmetic, year on year.

    Exit code 0 when there is no error, 1 when there are errors, 2 when the file is unusable.
    Given several returns (a region's, say), it checks each and prints one line per return;
    the exit code is the worst of them.

    \b
    Example:
      bcf check "Leicestershire HWB.xlsx"
      bcf check plan.xlsx --previous last-year.xlsx --report findings.xlsx
      bcf check returns/*.xlsx --json > region.json
    """
    kind = use_description(description)
    if len(workbooks) > 1:
        if previous or report:
            raise BcfError("--previous and --report go with one return at a time")
        sys.exit(_check_many(workbooks, as_json, kind))
    # The engine and its words, ~250 ms: not for `bcf --help`.
    from ..api import check
    from ..files import claimed, xlsx_target
    from ..present import check_text

    replacing = bool(report) and xlsx_target(report).exists()
    # The report's name is claimed first, so a report that cannot be written is said before the check.
    with claimed(report) if report else nullcontext():
        with progress:
            result = check(workbooks[0], previous=previous, progress=progress if not as_json else silent, kind=kind)
        if report:
            from ..report_workbook import write_report     # the workbook writer: only --report needs it

            write_report(result, report)
    wrote = (f"Wrote the findings to {report}" + (" (the previous report kept as a backup copy)" if replacing else "")
             if report else None)
    show(result, as_json, check_text, wrote)


def _check_many(workbooks, as_json: bool, kind: str | None = None) -> int:
    """Check each return in turn; an unusable file is reported and the others still checked."""
    # The engine, ~170 ms: not for `bcf --help`.
    from ..api import check
    from ..checks.findings import Severity

    worst, out = 0, []
    with progress:
        for i, path in enumerate(workbooks, start=1):
            progress(f"Checking {i} of {len(workbooks)}: {Path(path).name}")
            try:
                report = check(path, kind=kind)
            except Exception as exc:        # whatever goes wrong with one file, the others are still checked
                worst = 2
                out.append({"file": str(path), "error": one_line(exc, path)})
                continue
            worst = max(worst, report.exit_code)
            out.append({"file": str(path), **report.to_dict()})
    if as_json:
        echo_json(out)
        return worst
    from ..present.reports import count     # the words of every result, ~50 ms

    for item in out:
        if "error" in item:
            click.echo(f"{item['file']}: UNUSABLE: {item['error']}")
            continue
        counts = {s: sum(1 for f in item["findings"] if f["severity"] == s.value) for s in Severity}
        click.echo(f"{item['file']}: {item['hwb'] or 'HWB not chosen'}, {item['template']}, "
                   f"{'complete' if item['complete'] else 'incomplete'}, {count(counts[Severity.ERROR], 'error')}, "
                   f"{count(counts[Severity.WARNING], 'warning')}")
    return worst


@command("narrative")
@click.argument("narrative", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--return", "returns", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The numerical return (.xlsx) of an HWB the narrative covers; repeatable, one per HWB.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@description_option
def narrative_cmd(narrative, returns, as_json, description):
    """Check the Word narrative return: details, answers, words, placeholders, and its figures
    against the numerical return(s).

    Exit code 0 when there is no error, 1 when there are errors, 2 when a file is unusable.

    \b
    Example:
      bcf narrative "Leicestershire narrative.docx"
      bcf narrative narrative.docx --return "Leicestershire HWB.xlsx" --json
    """
    # The engine and its words, ~250 ms: not for `bcf --help`.
    from ..api import check_narrative
    from ..present import narrative_text

    use_description(description)
    with progress:
        result = check_narrative(narrative, list(returns), progress=progress if not as_json else silent)
    show(result, as_json, narrative_text)


@command("balances")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON (money in pounds, exact).")
@description_option
def balances_cmd(workbook, as_json, description):
    """Running balances and minimum-spend tests, computed from the scheme lines and income.

    \b
    Example:
      bcf balances "Leicestershire HWB.xlsx" --json
    """
    # The engine and its words, ~250 ms: not for `bcf --help`.
    from ..api import balances
    from ..present import balances_text

    result = balances(workbook, use_description(description))
    if as_json:
        echo_json(result.to_dict())
    else:
        click.echo(balances_text(result))


@command("diff")
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@report_option("the changes, each linked to its cell,")
@description_option
def diff_cmd(old, new, as_json, report, description):
    """What changed between two versions of the same return.

    Every input cell that differs; scheme lines matched by Scheme ID (and funding source or
    provider where a scheme is split), not by row, so sorting or inserting lines is no change;
    lines added and removed; and the running balances and minimum spend that moved.
    Exit code 0 when nothing differs, 1 when something does, 2 when a file cannot be used.

    \b
    Example:
      bcf diff "Leicestershire HWB (sent).xlsx" "Leicestershire HWB.xlsx"
      bcf diff q2.xlsx q2-resubmitted.xlsx --report what-changed.xlsx
    """
    # The engine and its words, ~250 ms: not for `bcf --help`.
    from ..api import diff
    from ..present import diff_text

    use_description(description)
    with progress:
        result = diff(old, new, progress=progress if not as_json else silent)
    if report:
        from ..diff_workbook import write_diff_report      # the workbook writer: only --report needs it

        write_diff_report(result, report)
    show(result, as_json, diff_text, f"Wrote the changes to {report}" if report else None)


@command("inspect")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kind", help="Inspect it as this template (see `bcf kinds`), whatever its title says.")
@description_option
@click.option("--json", "as_json", is_flag=True, help="Print everything found and not found as JSON.")
@report_option("the list, each item linked to its cell as the ribbon's Inspect template opens it,")
def inspect_cmd(workbook, kind, description, as_json, report):
    """What the tool finds in a workbook, and where: the first thing to run when a file does not work.

    Each field, table, column, list and formula with its sheet and cell; each label or heading not
    found, with the nearest text on the sheet; a label found twice; a heading with no input rows
    under it; and how sure the recognition is. Exit code 0 when the workbook is recognised and
    everything is found, 1 when not, 2 when the file cannot be read.

    \b
    Example:
      bcf inspect "Leicestershire HWB.xlsx"
      bcf inspect new-template.xlsx --kind planning-2025-26
      bcf inspect new-template.xlsx --description planning-2026-27.yaml --json
      bcf inspect "Leicestershire HWB.xlsx" --report found.xlsx
    """
    # The engine, ~170 ms: not for `bcf --help`.
    from ..api import inspect
    from ..present import inspection_text

    if kind and description:
        raise BcfError("give --kind or --description, not both")
    result = inspect(workbook, kind or use_description(description))
    if report:
        from ..inspection_workbook import write_inspection_report   # openpyxl, ~150 ms: only --report

        write_inspection_report(result, report)
    show(result, as_json, inspection_text, f"Wrote the list to {report}" if report else None)


@command("rules")
@click.option("--markdown", is_flag=True, help="Print the full rule documentation as Markdown.")
def rules_cmd(markdown):
    """List the rules `bcf check` applies, with their stable codes.

    \b
    Example:
      bcf rules
      bcf rules --markdown > docs/rules.md
    """
    # Every rule's module and the engine they check with, ~175 ms: not for `bcf --help`.
    from ..checks.docs import rules_markdown
    from ..checks.registry import RULES

    if markdown:
        click.echo(rules_markdown(), nl=False)
        return
    for r in RULES:
        click.echo(f"{r.code}  {r.severity.value:7}  {r.family.value:14} {r.title}")
