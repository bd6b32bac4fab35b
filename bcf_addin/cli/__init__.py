"""The `bcf` command line: the same library functions the Excel ribbon calls.

Exit codes: 0 done (and, for check, no errors), 1 the return has errors, 2 the input cannot be
used (the message names the file, sheet and cell; nothing was written). Whatever goes wrong, the
officer sees one line, never a traceback (`--debug` or BCF_DEBUG=1 shows it).

This module is the `bcf` group and its error handler; the commands live in the modules named in
COMMANDS, by what the officer is doing.
"""
from __future__ import annotations

import importlib
import os
import sys

import click

from .. import __version__
from ..errors import BcfError, NotRecognised
from .common import one_line, progress

# Each command's module, imported only when the command is run or its help shown: `bcf check`
# loads the check command and not `addin`'s (xlwings, ~1 s) or `collect`'s.
COMMANDS = {
    "kinds": ("bcf_addin.cli.templates", "kinds_cmd"),
    "new": ("bcf_addin.cli.templates", "new_cmd"),
    "learn": ("bcf_addin.cli.templates", "learn_cmd"),
    "validate": ("bcf_addin.cli.templates", "validate_cmd"),
    "demo": ("bcf_addin.cli.templates", "demo_cmd"),
    "populate": ("bcf_addin.cli.filling", "populate_cmd"),
    "map": ("bcf_addin.cli.filling", "map_cmd"),
    "rollforward": ("bcf_addin.cli.filling", "rollforward_cmd"),
    "check": ("bcf_addin.cli.checking", "check_cmd"),
    "narrative": ("bcf_addin.cli.checking", "narrative_cmd"),
    "balances": ("bcf_addin.cli.checking", "balances_cmd"),
    "diff": ("bcf_addin.cli.checking", "diff_cmd"),
    "inspect": ("bcf_addin.cli.checking", "inspect_cmd"),
    "rules": ("bcf_addin.cli.checking", "rules_cmd"),
    "submit": ("bcf_addin.cli.sending", "submit_cmd"),
    "collect": ("bcf_addin.cli.sending", "collect_cmd"),
    "addin": ("bcf_addin.xlam.cli", "addin"),
}
# Commands on one return, which end a failed recognition with where to look next.
_RECOGNISING = ("populate", "check", "balances", "submit")


class _Group(click.Group):
    """Load each command from its module when asked for; turn every error into one plain line
    and exit code 2."""

    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module, attr = COMMANDS[name]
        return getattr(importlib.import_module(module), attr)

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
            progress.clear()
            if ctx.params.get("debug") and not isinstance(exc, BcfError):
                import traceback        # only --debug shows one

                traceback.print_exc()
            click.echo(f"bcf: {one_line(exc, ctx.meta.get('bcf.file'))}", err=True)
            if isinstance(exc, NotRecognised) and exc.file and ctx.invoked_subcommand in _RECOGNISING:
                click.echo(f'bcf: run `bcf inspect "{exc.file}"` to see what was found in it and what was not, '
                           f'or `bcf learn "{exc.file}"` to describe a template or year this tool does not know',
                           err=True)
            sys.exit(getattr(exc, "exit_code", 2))


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
