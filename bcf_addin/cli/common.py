"""What the command modules share: the class that names a failing command's file, the progress
line, the --description option, one-line error text, and the last lines of a result."""
from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from ..errors import BcfError, plain_os_error
from ..progress import Progress

progress = Progress()


class FileCommand(click.Command):
    """Note the file a command is about, to name it should the command fail unexpectedly."""

    def invoke(self, ctx):
        p = ctx.params
        ctx.meta["bcf.file"] = p.get("workbook") or p.get("template") or next(iter(p.get("workbooks") or ()), None) \
            or p.get("out") or p.get("folder")
        return super().invoke(ctx)


command = functools.partial(click.command, cls=FileCommand)


def one_line(exc: Exception, file=None) -> str:
    """Any error as `FILE: what happened`, on one line."""
    if isinstance(exc, BcfError):
        return " ".join(str(exc).split())
    if isinstance(exc, OSError):
        file, what = exc.filename or file, plain_os_error(exc)
    else:
        what = (f"stopped by an unexpected error ({type(exc).__name__}: {' '.join(str(exc).split())}); "
                "run again with --debug to see where")
    return f"{file}: {what}" if file else what


def description_option(command):
    return click.option(
        "--description", type=click.Path(dir_okay=False, path_type=Path),
        help="A template description (.yaml) to use, for a template or year this tool does not know yet "
             "(`bcf learn` writes one).")(command)


def report_option(what: str):
    """--report FILE.xlsx: `what` also written to a workbook, an earlier one kept as a backup copy."""
    return click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
                        help=f"Also write {what} to a workbook (.xlsx); a report already there is kept as a "
                             "backup copy beside it.")


def use_description(description: Path | None) -> str | None:
    """Use the named description for the rest of the command; its kind, to hold the workbook to it."""
    from ..descriptions.sources import named    # YAML and the schema, ~200 ms: not for `--help`

    desc = click.get_current_context().with_resource(named(description))
    return desc.kind if desc else None


def written(result, dry_run: bool, gap: str = "") -> None:
    """The last lines of a command that writes cells: what it wrote, or would have."""
    cells = f"{result.written} cell{'' if result.written == 1 else 's'}"
    if dry_run:
        click.echo(f"{gap}Would write {cells}; nothing was written (--dry-run)")
        return
    if result.backup:
        click.echo(f"Kept the previous file as {result.backup}")
    click.echo(f"Wrote {cells} to {result.out}")


def show(result, as_json: bool, text, wrote: str | None = None) -> None:
    """A result as JSON or as text (then what was written), and its exit code."""
    if as_json:
        echo_json(result.to_dict())
    else:
        click.echo(text(result))
        if wrote:
            click.echo(wrote)
    sys.exit(result.exit_code)


def echo_json(data) -> None:
    from ..jsonout import dumps     # exact money in JSON, ~7 ms: only --json needs it

    click.echo(dumps(data))


def silent(_: str) -> None:
    pass
