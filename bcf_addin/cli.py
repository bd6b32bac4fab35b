"""The `bcf` command line: the same library functions the Excel ribbon calls.

Exit codes: 0 done (and, for check, no errors), 1 the return has errors, 2 the input cannot be
used (the message names the file, sheet and cell; nothing was written). Whatever goes wrong, the
officer sees one line, never a traceback (`--debug` or BCF_DEBUG=1 shows it).
"""
from __future__ import annotations

import os
import sys
from contextlib import nullcontext
from pathlib import Path

import click

from . import __version__
from .errors import BcfError, NotRecognised
from .progress import Progress


class _Command(click.Command):
    """Note the file a command is about, to name it should the command fail unexpectedly."""

    def invoke(self, ctx):
        p = ctx.params
        ctx.meta["bcf.file"] = p.get("workbook") or p.get("template") or next(iter(p.get("workbooks") or ()), None) \
            or p.get("out") or p.get("folder")
        return super().invoke(ctx)


class _Group(click.Group):
    """Turn every error into one plain line and exit code 2; load heavy command groups lazily.

    `bcf check` must start fast, so the add-in commands (which import xlwings) are imported only
    when asked for.
    """

    command_class = _Command
    lazy = {"addin": ("bcf_addin.xlam.cli", "addin")}

    def list_commands(self, ctx):
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx, name):
        if name in self.lazy:
            import importlib

            module, attr = self.lazy[name]
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            # The reader of the output (`| head`) has what it wanted: nothing went wrong here.
            sys.stderr = sys.stdout = open(os.devnull, "w")
            sys.exit(0)
        except Exception as exc:
            _progress.clear()
            if ctx.params.get("debug") and not isinstance(exc, BcfError):
                import traceback

                traceback.print_exc()
            click.echo(f"bcf: {_one_line(exc, ctx.meta.get('bcf.file'))}", err=True)
            if isinstance(exc, NotRecognised) and exc.file and ctx.invoked_subcommand in _RECOGNISING:
                click.echo(f'bcf: run `bcf inspect "{exc.file}"` to see what was found in it and what was not, '
                           f'or `bcf learn "{exc.file}"` to describe a template or year this tool does not know',
                           err=True)
            sys.exit(getattr(exc, "exit_code", 2))


def _one_line(exc: Exception, file=None) -> str:
    """Any error as `FILE: what happened`, on one line."""
    if isinstance(exc, BcfError):
        return " ".join(str(exc).split())
    if isinstance(exc, OSError):
        from .files import plain_os_error

        file, what = exc.filename or file, plain_os_error(exc)
    else:
        what = (f"stopped by an unexpected error ({type(exc).__name__}: {' '.join(str(exc).split())}); "
                "run again with --debug to see where")
    return f"{file}: {what}" if file else what


_progress = Progress()
# Commands on one return, which end a failed recognition with where to look next.
_RECOGNISING = ("populate", "check", "balances", "submit")


def _description_option(command):
    return click.option(
        "--description", type=click.Path(dir_okay=False, path_type=Path),
        help="A template description (.yaml) to use, for a template or year this tool does not know yet "
             "(`bcf learn` writes one).")(command)


def _use_description(description: Path | None) -> str | None:
    """Use the named description for the rest of the command; its kind, to hold the workbook to it."""
    from .descriptions.sources import named

    desc = click.get_current_context().with_resource(named(description))
    return desc.kind if desc else None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bcf")
@click.option("--debug", is_flag=True, envvar="BCF_DEBUG",
              help="Show the full traceback of an unexpected error (also BCF_DEBUG=1).")
def main(debug):
    """Better Care Fund returns: build, populate, check and balance NHS England's templates.

    \b
    Example:
      bcf new planning-2025-26 plan.xlsx --hwb Leicestershire
      bcf populate plan.xlsx --schemes schemes.csv -o plan-filled.xlsx
    """


@main.command("new")
@click.argument("kind")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--hwb", help="Health and Wellbeing Board whose published allocations to pre-populate.")
@click.option("--allocations", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV of allocations (item,label,value) for an HWB whose figures are not bundled.")
def new_cmd(kind, out, hwb, allocations):
    """Write a replica of an NHS England template (KIND: see `bcf kinds`).

    OUT must be a new .xlsx name: an existing file is never replaced (exit code 2).

    \b
    Example:
      bcf new planning-2025-26 plan.xlsx --hwb Leicestershire
    """
    from .api import new_replica

    path = new_replica(kind, out, hwb=hwb, allocations=allocations)
    click.echo(f"Wrote {path} ({kind}{', ' + hwb if hwb else ''})")


@main.command("kinds")
def kinds_cmd():
    """List the templates this tool knows, and where each description comes from.

    \b
    Example:
      bcf kinds
    """
    import textwrap

    from .descriptions.sources import all_sources, user_folder

    for s in sorted(all_sources(), key=lambda s: s.kind):
        d = s.description
        where = "bundled" if s.origin == "bundled" else f"{s.path}" + (", in place of the bundled one" if s.replaces else "")
        click.echo(f"{d.kind:20} {d.name} (Version {d.version})  [{where}]")
        if d.provenance:
            click.echo(textwrap.fill(d.provenance, width=100, initial_indent=" " * 21, subsequent_indent=" " * 21))
    click.echo(f"\nYour own descriptions are read from {user_folder()}")


@main.command("validate")
@click.argument("descriptions", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
def validate_cmd(descriptions):
    """Check template descriptions whole: every id, list, condition, formula and source they name.

    DESCRIPTIONS are YAML files (or bundled kinds); none means every bundled description. Exit
    code 0 when all are valid, 2 with one line per problem, named by its YAML path; 1 when one
    is valid but still lists marks to confirm (left by `bcf learn`), one line per mark.

    \b
    Example:
      bcf validate my-template-2026-27.yaml
      bcf validate
    """
    from .descriptions.loader import available_kinds, load, load_file

    failed = unconfirmed = False
    for name in descriptions or available_kinds():
        is_file = Path(name).is_file() or Path(name).suffix.lower() in (".yaml", ".yml")
        try:
            desc = load_file(Path(name)) if is_file else load(str(name))
        except BcfError as exc:
            failed = True
            click.echo(str(exc), err=True)
            continue
        click.echo(f"valid: {desc.kind} ({desc.name}, Version {desc.version})")
        for mark in desc.to_confirm:
            unconfirmed = True
            click.echo(f"{name}: to confirm: {mark.at}: {mark.why}")
    if failed:
        sys.exit(2)
    if unconfirmed:
        sys.exit(1)


@main.command("learn")
@click.argument("template", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The description to write (NAME.yaml; NAME becomes its kind). An existing file is not replaced.")
@click.option("--like", "like", help="A known kind (see `bcf kinds`) whose meaning to carry over by matching labels.")
def learn_cmd(template, out, like):
    """Write a description of any NHS England-style template, learned from the file itself.

    What cannot be decided from the file is listed under `to_confirm` in the YAML; `bcf validate`
    shows each mark and exits 1 until they are resolved and removed.

    \b
    Example:
      bcf learn "BCF Planning Template 2026-27.xlsx" -o planning-2026-27.yaml --like planning-2025-26
    """
    from .learn.cli import learn_to_file

    marks = learn_to_file(template, out, like)
    click.echo(f"Wrote {out}" + (f" ({marks} marks to confirm: bcf validate {out})" if marks else ""))


@main.command("populate")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--schemes", "schemes", type=click.Path(dir_okay=False, path_type=Path),
              help="Scheme register (CSV or XLSX) headed with the template's column names. An extract with "
                   "only Scheme ID (and Source of Funding) and amounts updates the lines already there.")
@click.option("--from-return", "from_return", type=click.Path(dir_okay=False, path_type=Path),
              help="Carry the scheme lines over from last quarter's (or last year's) return.")
@click.option("--table", "tables", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Any other table laid out like the template's (metrics, C&D capacity or demand); repeatable.")
@click.option("--income", type=click.Path(dir_okay=False, path_type=Path),
              help="Income or contributions table (CSV or XLSX).")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the populated copy; a file already there is kept as a backup copy beside it.")
@click.option("--in-place", is_flag=True, help="Change WORKBOOK itself; a backup copy is kept beside it.")
@click.option("--dry-run", is_flag=True, help="Read and check everything, say what would be written, write nothing.")
@click.option("--columns", type=click.Path(dir_okay=False, path_type=Path),
              help="Column mapping for the --schemes register, made by 'bcf map' (default: REGISTER.columns.yaml "
                   "beside it, if there is one).")
@click.option("--sheet", help="The sheet of an Excel --schemes register to read (default: found by its headings).")
@click.option("--cost-centres", "cost_centres", type=click.Path(dir_okay=False, path_type=Path),
              help="With a ledger extract by cost centre as --schemes: the file saying each cost centre's Scheme ID.")
@_description_option
def populate_cmd(workbook, schemes, from_return, tables, income, out, in_place, dry_run, columns, sheet, cost_centres,
                 description):
    """Write a register's lines into the template's input cells (values only).

    A file replaced (OUT, or WORKBOOK with --in-place) is first kept as a backup copy beside it,
    'NAME (backup DATE TIME).xlsx'; a read-only WORKBOOK is not changed.

    \b
    Example:
      bcf populate plan.xlsx --schemes schemes.csv -o plan-filled.xlsx
      bcf populate plan.xlsx --schemes schemes.csv --income income.csv --in-place
      bcf populate q3.xlsx --from-return q2.xlsx -o q3-filled.xlsx
      bcf populate plan.xlsx --schemes schemes.csv --dry-run
      bcf populate cd.xlsx --table step-down-capacity.csv --table step-up.csv -o cd-filled.xlsx
    """
    from .api import populate

    registers = [r for r in (schemes, income, *tables) if r]
    if not registers and not from_return:
        raise BcfError("say what to populate from: --schemes, --income, --table or --from-return")
    if (columns or sheet or cost_centres) and not schemes:
        raise BcfError("--columns, --sheet and --cost-centres say how to read the --schemes register; give it")
    kind = _use_description(description)
    with _progress:
        result = populate(workbook, registers, out=out, in_place=in_place, progress=_progress,
                          previous_returns=[from_return] if from_return else [], dry_run=dry_run,
                          columns=columns, sheet=sheet, cost_centres=cost_centres, kind=kind)
    for t in result.tables:
        lines = f"{t.lines} line{'' if t.lines == 1 else 's'}"
        if t.mode == "update":
            click.echo(f"{t.sheet}: {lines} applied to the {t.table.replace('_', ' ')} already in the return")
        else:
            click.echo(f"{t.sheet}: {lines} into the {t.table.replace('_', ' ')} table")
    for note in result.notes:
        click.echo(f"{note.severity}: {note}")
    for t in result.tables:
        for line in t.reconciliation.report() if t.reconciliation else ():
            click.echo(line)
    _written(result, dry_run)


@main.command("map")
@click.argument("register", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("workbook", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kind", help="The template kind (see 'bcf kinds'), when no WORKBOOK is given.")
@click.option("--sheet", help="The sheet of an Excel register to read (default: found by its headings).")
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to save the mapping (default: REGISTER.columns.yaml beside the register, which "
                   "populate then uses by itself); a file already there is kept as a backup copy.")
def map_cmd(register, workbook, kind, sheet, out):
    """Propose which column of your own register feeds each template column.

    Judged by the headings and by what the columns hold (drop-down values, money, ids), with
    local spellings of drop-down values ('County Council' for 'Local Authority'). Check the
    proposal, correct the YAML file where it is wrong, and populate uses it every time after.

    \b
    Example:
      bcf map my-register.xlsx plan.xlsx
      bcf map my-register.csv --kind planning-2025-26 -o my-columns.yaml
    """
    from .mapping.commands import make_mapping

    for line in make_mapping(register, workbook=workbook, kind=kind, sheet=sheet, out=out):
        click.echo(line)


@main.command("check")
# Folders are let through so that, among many returns, one is reported on its own line, not the whole run refused.
@click.argument("workbooks", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path),
              help="Last year's return, for the year-on-year rules.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the findings to a workbook (.xlsx) to work from; a report already there "
                   "is kept as a backup copy beside it.")
@_description_option
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
    kind = _use_description(description)
    if len(workbooks) > 1:
        if previous or report:
            raise BcfError("--previous and --report go with one return at a time")
        sys.exit(_check_many(workbooks, as_json, kind))
    from .api import check
    from .files import claimed, xlsx_target
    from .present import check_text

    replacing = bool(report) and xlsx_target(report).exists()
    # The report's name is claimed first, so a report that cannot be written is said before the check.
    with claimed(report) if report else nullcontext():
        with _progress:
            result = check(workbooks[0], previous=previous, progress=_progress if not as_json else _silent, kind=kind)
        if report:
            from .report_workbook import write_report

            write_report(result, report)
    wrote = (f"Wrote the findings to {report}" + (" (the previous report kept as a backup copy)" if replacing else "")
             if report else None)
    _show(result, as_json, check_text, wrote)


def _check_many(workbooks, as_json: bool, kind: str | None = None) -> int:
    """Check each return in turn; an unusable file is reported and the others still checked."""
    from .api import check
    from .checks.findings import Severity

    worst, out = 0, []
    with _progress:
        for i, path in enumerate(workbooks, start=1):
            _progress(f"Checking {i} of {len(workbooks)}: {Path(path).name}")
            try:
                report = check(path, kind=kind)
            except Exception as exc:        # whatever goes wrong with one file, the others are still checked
                worst = 2
                out.append({"file": str(path), "error": _one_line(exc, path)})
                continue
            worst = max(worst, report.exit_code)
            out.append({"file": str(path), **report.to_dict()})
    if as_json:
        from .jsonout import dumps

        click.echo(dumps(out))
        return worst
    from .present.reports import count

    for item in out:
        if "error" in item:
            click.echo(f"{item['file']}: UNUSABLE: {item['error']}")
            continue
        counts = {s: sum(1 for f in item["findings"] if f["severity"] == s.value) for s in Severity}
        click.echo(f"{item['file']}: {item['hwb'] or 'HWB not chosen'}, {item['template']}, "
                   f"{'complete' if item['complete'] else 'incomplete'}, {count(counts[Severity.ERROR], 'error')}, "
                   f"{count(counts[Severity.WARNING], 'warning')}")
    return worst


@main.command("narrative")
@click.argument("narrative", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--return", "returns", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The numerical return (.xlsx) of an HWB the narrative covers; repeatable, one per HWB.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@_description_option
def narrative_cmd(narrative, returns, as_json, description):
    """Check the Word narrative return: details, answers, words, placeholders, and its figures
    against the numerical return(s).

    Exit code 0 when there is no error, 1 when there are errors, 2 when a file is unusable.

    \b
    Example:
      bcf narrative "Leicestershire narrative.docx"
      bcf narrative narrative.docx --return "Leicestershire HWB.xlsx" --json
    """
    from .api import check_narrative
    from .present import narrative_text

    _use_description(description)
    with _progress:
        result = check_narrative(narrative, list(returns), progress=_progress if not as_json else _silent)
    _show(result, as_json, narrative_text)


@main.command("balances")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON (money in pounds, exact).")
@_description_option
def balances_cmd(workbook, as_json, description):
    """Running balances and minimum-spend tests, computed from the scheme lines and income.

    \b
    Example:
      bcf balances "Leicestershire HWB.xlsx" --json
    """
    from .api import balances
    from .present import balances_text

    result = balances(workbook, _use_description(description))
    if as_json:
        from .jsonout import dumps

        click.echo(dumps(result.to_dict()))
    else:
        click.echo(balances_text(result))


@main.command("submit")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--narrative", type=click.Path(dir_okay=False, path_type=Path),
              help="The Word narrative return (.docx) to send with it; checked against the return.")
@click.option("--to", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the pack (default: the workbook's own folder).")
@click.option("--accept-errors", "accept_errors", metavar="REASON",
              help="Save the pack even though the check finds errors; REASON is recorded in the manifest and e-mail.")
@click.option("--force", is_flag=True, hidden=True, help="Deprecated: use --accept-errors REASON.")
@click.option("--replace", is_flag=True, help="Replace an existing pack's files, keeping each as a backup copy.")
@click.option("--draft", is_flag=True, help="Also write an unsent e-mail (.eml) to the national team and your "
                                            "regional Better Care Manager, with the files attached.")
@_description_option
def submit_cmd(workbook, narrative, folder, accept_errors, force, replace, draft, description):
    """Check the return, then save the pack NHS England asks for: the return named after its HWB
    ('Leicestershire HWB.xlsx'), the narrative beside it, and manifest.json (each file's SHA-256
    and size, the check's result, any errors left, tool version and time).

    Exit code 1 (and nothing saved) when the check finds errors, unless --accept-errors REASON.
    An existing file of the pack's names is refused (exit code 2) unless --replace, which keeps a
    backup of each. --draft needs your regional Better Care Manager's address, set once in your
    config file (`regional_manager: name@nhs.net`).

    \b
    Example:
      bcf submit plan-filled.xlsx --narrative narrative.docx --to outbox/ --draft
      bcf submit cd.xlsx --to outbox/ --accept-errors "sign-off due 2 June"
    """
    from .api import submit
    from .present import pack_text

    if force:
        click.echo("bcf: --force is deprecated; use --accept-errors \"REASON\" to record why", err=True)
        accept_errors = accept_errors or "saved with --force, no reason given"
    with _progress:
        pack = submit(workbook, folder=folder, narrative=narrative, accept_errors=accept_errors, draft=draft,
                      overwrite=replace, progress=_progress, kind=_use_description(description))
    click.echo(pack_text(pack, draft_wanted=draft))


@main.command("diff")
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the changes to a workbook (.xlsx), each linked to its cell; a report already "
                   "there is kept as a backup copy beside it.")
@_description_option
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
    from .api import diff
    from .present import diff_text

    _use_description(description)
    with _progress:
        result = diff(old, new, progress=_progress if not as_json else _silent)
    if report:
        from .diff_workbook import write_diff_report

        write_diff_report(result, report)
    _show(result, as_json, diff_text, f"Wrote the changes to {report}" if report else None)


@main.command("rollforward")
@click.argument("last", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("template", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the new return; a file already there is kept as a backup copy beside it.")
@click.option("--in-place", is_flag=True, help="Change TEMPLATE itself; a backup copy is kept beside it.")
@click.option("--dry-run", is_flag=True, help="Say what would be carried and what not; write nothing.")
@_description_option
def rollforward_cmd(last, template, out, in_place, dry_run, description):
    """Start this period's return from the last one: its scheme lines and contact details.

    Quarter to quarter, last quarter to year end, and year end to next year's plan (2023-25 scheme
    types become 2025-26 activities through the guidance's table; the discharge funds go to the
    funding elements they were rolled into). Sign-off answers and each period's own figures are
    not carried. Every line, value or answer that could not be carried is listed, with why.
    Rolling goes forward only: TEMPLATE must be of a later period than LAST.

    \b
    Example:
      bcf rollforward "Q2 return.xlsx" "Q3 template.xlsx" -o "Q3 return.xlsx"
      bcf rollforward "2024-25 year end.xlsx" "2025-26 plan template.xlsx" -o plan.xlsx
    """
    from .api import rollforward

    _use_description(description)
    with _progress:
        result = rollforward(last, template, out=out, in_place=in_place, dry_run=dry_run, progress=_progress)
    rolled = result.plan
    if rolled.lines is not None:
        click.echo(f"{rolled.lines.sheet}: {rolled.lines.lines} scheme lines carried from {Path(last).name}")
    click.echo(f"{len(rolled.answers)} answer{'s' * (len(rolled.answers) != 1)} carried (contact details)")
    notes = rolled.all_notes
    if notes:
        click.echo(f"\nNot carried, or carried under another name ({len(notes)}):")
        for note in notes:
            click.echo(f"  {note.severity}: {note}")
    _written(result, dry_run, gap="\n")


@main.command("collect")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--out", "outdir", required=True, type=click.Path(path_type=Path),
              help="Folder for the tables, summary.xlsx and the charts.")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet", "xlsx"]), default="csv", show_default=True,
              help="How to write the tables (parquet needs pyarrow).")
@click.option("--include-contacts", "contacts", is_flag=True,
              help="Also collect the cover's names, e-mails and phone numbers, and save resubmitted returns "
                   "that came in e-mails under OUT/attachments/ for bcf diff (both left out by default).")
@click.option("--workers", type=click.IntRange(min=1), envvar="BCF_WORKERS", show_envvar=True,
              help="Processes to check the returns in (default: one per core; 1 keeps it all in this process).")
def collect_cmd(inputs, outdir, fmt, contacts, workers):
    """Check and aggregate many returns: files, folders, and the e-mails (.eml, .msg) they came in.

    Each return is recognised (kind, HWB, year), checked and balanced; a file that cannot be used
    is a row with its reason and never stops the run. Resubmissions are kept as history, the
    latest counting. Writes the tables (returns, scheme_lines, income, balances, minimum_spend,
    metrics, capacity_demand, findings, missing, history) and summary.xlsx to OUT. Nothing it
    writes holds the names, e-mails and phone numbers on a return's cover unless
    --include-contacts is given.

    \b
    Example:
      bcf collect inbox/ -o collected/
      bcf collect returns/*.xlsx mail/*.eml -o region/ --format parquet
    """
    from .collect.run import collect

    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="Checking returns", file=sys.stderr, show_pos=True)
            bar.__enter__()
        bar.update(1)
        if done == total:
            bar.__exit__(None, None, None)

    # Not a terminal (a log, a pipe): no bar, whose label would be left without its line's end.
    result = collect(list(inputs), outdir, fmt=fmt, contacts=contacts, workers=workers,
                     progress=progress if sys.stderr.isatty() else None)
    from .collect.report import lines

    for line in lines(result, fmt):
        click.echo(line)
    click.echo(f"Wrote {len(result.written)} tables and {result.summary} to {outdir}")
    if result.pictures_note:
        click.echo(result.pictures_note)


@main.command("inspect")
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kind", help="Inspect it as this template (see `bcf kinds`), whatever its title says.")
@_description_option
@click.option("--json", "as_json", is_flag=True, help="Print everything found and not found as JSON.")
def inspect_cmd(workbook, kind, description, as_json):
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
    """
    from .api import inspect
    from .inspection import inspection_text

    if kind and description:
        raise BcfError("give --kind or --description, not both")
    result = inspect(workbook, kind or _use_description(description))
    _show(result, as_json, inspection_text)


@main.command("demo")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default="bcf-demo")
def demo_cmd(folder):
    """Run the whole job on the bundled Leicestershire 2025-26 sample, into FOLDER.

    Builds a Leicestershire planning template, populates the 74 published scheme lines, prints the
    balances and the check, and writes a findings workbook.

    \b
    Example:
      bcf demo
      bcf demo /tmp/bcf-demo
    """
    from .demo import run

    run(folder, click.echo)


@main.command("rules")
@click.option("--markdown", is_flag=True, help="Print the full rule documentation as Markdown.")
def rules_cmd(markdown):
    """List the rules `bcf check` applies, with their stable codes.

    \b
    Example:
      bcf rules
      bcf rules --markdown > docs/rules.md
    """
    from .checks.docs import rules_markdown
    from .checks.registry import RULES

    if markdown:
        click.echo(rules_markdown(), nl=False)
        return
    for r in RULES:
        click.echo(f"{r.code}  {r.severity.value:7}  {r.family.value:14} {r.title}")


def _written(result, dry_run: bool, gap: str = "") -> None:
    """The last lines of a command that writes cells: what it wrote, or would have."""
    cells = f"{result.written} cell{'' if result.written == 1 else 's'}"
    if dry_run:
        click.echo(f"{gap}Would write {cells}; nothing was written (--dry-run)")
        return
    if result.backup:
        click.echo(f"Kept the previous file as {result.backup}")
    click.echo(f"Wrote {cells} to {result.out}")


def _show(result, as_json: bool, text, wrote: str | None = None) -> None:
    """A result as JSON or as text (then what was written), and its exit code."""
    if as_json:
        from .jsonout import dumps

        click.echo(dumps(result.to_dict()))
    else:
        click.echo(text(result))
        if wrote:
            click.echo(wrote)
    sys.exit(result.exit_code)


def _silent(_: str) -> None:
    pass
