"""``bcf addin ...``: build, install and uninstall the Excel add-in.

The main CLI registers the group with ``from bcf_addin.xlam.cli import addin``.
"""
from __future__ import annotations

from pathlib import Path

import click

from bcf_addin.errors import BcfError
from bcf_addin.xlam import ADDIN_FILENAME


@click.group()
def addin() -> None:
    """The Better Care Fund add-in for Excel: the ribbon tab and its buttons.

    \b
    Example, on the PC where Excel is used:
      bcf addin install
    """


@addin.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=ADDIN_FILENAME,
              show_default=True, help="Where to write the add-in.")
@click.option("--interpreter-win", default="", metavar="PATH",
              help="python.exe the add-in runs on Windows; empty means 'python' on PATH.")
@click.option("--interpreter-mac", default="", metavar="PATH",
              help="python the add-in runs on macOS; empty means 'python' on PATH.")
@click.option("--via-excel", is_flag=True,
              help="Let Excel for Windows build it (needs 'Trust access to the VBA project object model').")
def build(output: Path, interpreter_win: str, interpreter_mac: str, via_excel: bool) -> None:
    """Build the add-in file (.xlam) without installing it.

    Works on any system; the file can then be copied to the PCs that use it and installed there
    with 'bcf addin install --file'.

    \b
    Example:
      bcf addin build -o dist/bcf_addin.xlam
    """
    # The builds load xlwings, ~1 s: not for `bcf --help` or `bcf addin --help`.
    if via_excel:
        from bcf_addin.xlam.via_excel import ExcelBuildError, build_addin_via_excel

        try:
            path = build_addin_via_excel(output, interpreter_win=interpreter_win, interpreter_mac=interpreter_mac)
        except ExcelBuildError as error:
            raise click.ClickException(str(error)) from error
    else:
        from bcf_addin.xlam.build import build_addin

        path = build_addin(output, interpreter_win=interpreter_win, interpreter_mac=interpreter_mac)
    click.echo(f"Built {path}")


@addin.command("bundle")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default="bcf-release",
              show_default=True, help="The release folder to write.")
@click.option("--interpreter-win", default="", metavar="PATH", help="As for 'bcf addin build'.")
def bundle_cmd(output: Path, interpreter_win: str) -> None:
    """Write the release folder an IT service desk deploys: the bcf-addin wheel, the add-in
    (.xlam), the xlwings Lite files and INSTALL.txt, a one-page install sheet.

    \b
    Example, from a checkout of bcf-addin:
      bcf addin bundle -o release
    """
    from bcf_addin.xlam.bundle import bundle     # xlwings, ~1 s: not for `bcf --help`

    try:
        written = bundle(output, interpreter_win=interpreter_win)
    except BcfError as error:
        raise click.ClickException(str(error)) from error
    click.echo("\n".join(f"Wrote {p}" for p in written))


@addin.command()
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Install this .xlam instead of building one for the Python running this command.")
def install(path: Path | None) -> None:
    """Install the add-in so Excel shows the Better Care Fund tab.

    Copies it into Excel's start-up folder (XLSTART). Without --file, the add-in is built for
    the Python running this command, the one bcf-addin is installed in.

    \b
    Example:
      bcf addin install
    """
    from bcf_addin.xlam.install import UnsupportedSystem, install_addin    # xlwings, ~1 s: not for `bcf --help`

    try:
        outcome = install_addin(path)
    except (UnsupportedSystem, PermissionError) as error:
        raise click.ClickException(str(error)) from error
    for step in outcome.steps:
        click.echo(step)


@addin.command()
def uninstall() -> None:
    """Remove the add-in from Excel's start-up folder.

    \b
    Example:
      bcf addin uninstall
    """
    from bcf_addin.xlam.install import UnsupportedSystem, uninstall_addin  # xlwings, ~1 s: not for `bcf --help`

    try:
        outcome = uninstall_addin()
    except (UnsupportedSystem, PermissionError) as error:
        raise click.ClickException(str(error)) from error
    for step in outcome.steps:
        click.echo(step)
