"""Commands that put figures into a return: populate it from registers, map a register's own
columns to the template's, and start a period's return from the last one."""
from __future__ import annotations

from pathlib import Path

import click

from ..errors import BcfError
from .common import command, description_option, progress, use_description, written


@command("populate")
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
@description_option
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
    from ..api import populate      # the engine, ~170 ms: not for `bcf --help`

    registers = [r for r in (schemes, income, *tables) if r]
    if not registers and not from_return:
        raise BcfError("say what to populate from: --schemes, --income, --table or --from-return")
    if (columns or sheet or cost_centres) and not schemes:
        raise BcfError("--columns, --sheet and --cost-centres say how to read the --schemes register; give it")
    kind = use_description(description)
    with progress:
        result = populate(workbook, registers, out=out, in_place=in_place, progress=progress,
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
    written(result, dry_run)


@command("map")
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
    from ..mapping.commands import make_mapping     # the register reader and matcher, ~55 ms

    for line in make_mapping(register, workbook=workbook, kind=kind, sheet=sheet, out=out):
        click.echo(line)


@command("rollforward")
@click.argument("last", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("template", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the new return; a file already there is kept as a backup copy beside it.")
@click.option("--in-place", is_flag=True, help="Change TEMPLATE itself; a backup copy is kept beside it.")
@click.option("--dry-run", is_flag=True, help="Say what would be carried and what not; write nothing.")
@description_option
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
    from ..api import rollforward   # the engine, ~170 ms: not for `bcf --help`

    use_description(description)
    with progress:
        result = rollforward(last, template, out=out, in_place=in_place, dry_run=dry_run, progress=progress)
    from ..present.reports import rollforward_lines

    click.echo("\n".join(rollforward_lines(result.plan, Path(last).name)))
    written(result, dry_run, gap="\n")
