"""Commands for returns on their way: submit saves one return's pack for NHS England, collect
checks and adds up the many that arrive."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import command, description_option, progress, use_description


@command("submit")
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
@description_option
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
    # The engine and its words, ~250 ms: not for `bcf --help`.
    from ..api import submit
    from ..present import pack_text

    if force:
        click.echo("bcf: --force is deprecated; use --accept-errors \"REASON\" to record why", err=True)
        accept_errors = accept_errors or "saved with --force, no reason given"
    with progress:
        pack = submit(workbook, folder=folder, narrative=narrative, accept_errors=accept_errors, draft=draft,
                      overwrite=replace, progress=progress, kind=use_description(description))
    click.echo(pack_text(pack, draft_wanted=draft))


@command("collect")
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
    # The whole engine, ~300 ms: only collect needs it. pandas (~400 ms) comes later, imported
    # while the worker processes check the returns, so they are started without it.
    from ..collect.run import collect

    bar = None

    def tick(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="Checking returns", file=sys.stderr, show_pos=True)
            bar.__enter__()
        bar.update(1)
        if done == total:
            bar.__exit__(None, None, None)

    # Not a terminal (a log, a pipe): no bar, whose label would be left without its line's end.
    result = collect(list(inputs), outdir, fmt=fmt, contacts=contacts, workers=workers,
                     progress=tick if sys.stderr.isatty() else None)
    from ..collect.report import lines

    for line in lines(result, fmt):
        click.echo(line)
    click.echo(f"Wrote {len(result.written)} tables and {result.summary} to {outdir}")
    if result.pictures_note:
        click.echo(result.pictures_note)
