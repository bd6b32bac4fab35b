"""Commands about the templates the tool knows: list them, build one, describe a new one,
validate a description, and the demo that builds and fills one."""
from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import click

from ..errors import BcfError
from .common import command


@command("new")
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
    from ..api import new_replica       # the engine, ~170 ms: not for `bcf --help`

    path = new_replica(kind, out, hwb=hwb, allocations=allocations)
    click.echo(f"Wrote {path} ({kind}{', ' + hwb if hwb else ''})")


@command("kinds")
def kinds_cmd():
    """List the templates this tool knows, and where each description comes from.

    \b
    Example:
      bcf kinds
    """
    from ..descriptions.sources import all_sources, user_folder   # YAML and the schema, ~200 ms

    for s in sorted(all_sources(), key=lambda s: s.kind):
        d = s.description
        where = "bundled" if s.origin == "bundled" else f"{s.path}" + (", in place of the bundled one" if s.replaces else "")
        click.echo(f"{d.kind:20} {d.name} (Version {d.version})  [{where}]")
        if d.provenance:
            click.echo(textwrap.fill(d.provenance, width=100, initial_indent=" " * 21, subsequent_indent=" " * 21))
    click.echo(f"\nYour own descriptions are read from {user_folder()}")


@command("validate")
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
    from ..descriptions.loader import available_kinds, load, load_file   # YAML and the schema, ~200 ms

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


@command("learn")
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
    from ..learn.cli import learn_to_file   # the template reader and learner, ~40 ms

    marks = learn_to_file(template, out, like)
    click.echo(f"Wrote {out}" + (f" ({marks} marks to confirm: bcf validate {out})" if marks else ""))


@command("demo")
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
    from ..demo import run      # the engine and openpyxl, ~450 ms: not for `bcf --help`

    run(folder, click.echo)
