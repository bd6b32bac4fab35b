"""The full text `bcf check` and `bcf balances` print for the populated Leicestershire plan, held
against the text kept in tests/snapshots/: a changed message is a reviewed change to that file.

To accept new text after changing a message: BCF_UPDATE_SNAPSHOTS=1 pytest tests/test_snapshots.py,
then read the diff of tests/snapshots/ before committing it.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from bcf_addin.cli import main

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE_ENV = "BCF_UPDATE_SNAPSHOTS"


def matches_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get(UPDATE_ENV) == "1":
        path.write_text(text, encoding="utf-8", newline="\n")
    assert path.exists(), f"no snapshot {path}: run with {UPDATE_ENV}=1 to write it"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs; if the change is meant, run with {UPDATE_ENV}=1"


@pytest.mark.parametrize("command, exit_code", [("check", 1), ("balances", 0)])
def test_cli_text_of_the_populated_leicestershire_plan(populated_plan, command, exit_code):
    res = CliRunner().invoke(main, [command, str(populated_plan)])
    assert res.exit_code == exit_code, res.output
    matches_snapshot(f"{command}-leicestershire-populated.txt", res.output)
