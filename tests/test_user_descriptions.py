"""Descriptions from outside the package: the officer's own folder, and a file named with --description."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from bcf_addin import paths
from bcf_addin.api import open_template
from bcf_addin.cli import main
from bcf_addin.descriptions.loader import available_kinds, load
from bcf_addin.descriptions.sources import USER_ENV, user_folder

BUNDLED = paths.descriptions() / "planning-2025-26.yaml"


def bcf(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def described(folder: Path, filename: str, **changes) -> Path:
    """The bundled 2025-26 planning description with some top-level keys changed, as a new file."""
    data = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    data.update(changes)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / filename
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def user(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "my descriptions"
    folder.mkdir()
    monkeypatch.setenv(USER_ENV, str(folder))
    return folder


def test_the_user_folder_is_per_user_application_data(monkeypatch, tmp_path):
    monkeypatch.delenv(USER_ENV, raising=False)
    monkeypatch.setenv("BCF_ADDIN_HOME", str(tmp_path / "shared"))
    assert user_folder() == tmp_path / "shared" / "descriptions"       # inside the one per-user folder
    monkeypatch.delenv("BCF_ADDIN_HOME")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setattr("sys.platform", "linux")
    assert user_folder() == tmp_path / "config" / "bcf-addin" / "descriptions"
    monkeypatch.setattr("sys.platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    assert user_folder() == tmp_path / "Roaming" / "bcf-addin" / "descriptions"
    monkeypatch.setattr("sys.platform", "darwin")
    monkeypatch.setattr(Path, "home", lambda: tmp_path / "me")
    assert user_folder() == tmp_path / "me" / "Library" / "Application Support" / "bcf-addin" / "descriptions"


def test_a_user_description_of_a_new_kind_is_known_and_kinds_says_where_it_comes_from(user):
    mine = described(user, "planning-next.yaml", kind="planning-next", name="My planning template")
    assert "planning-next" in available_kinds()
    assert load("planning-next").name == "My planning template"
    res = bcf("kinds")
    assert res.exit_code == 0, res.output
    line = next(x for x in res.output.splitlines() if x.startswith("planning-next"))
    assert "My planning template" in line and str(mine) in line
    assert "[bundled]" in next(x for x in res.output.splitlines() if x.startswith("planning-2025-26"))
    assert str(user) in res.output


def test_a_user_description_of_a_bundled_kind_takes_its_place(user, plan_template):
    described(user, "planning.yaml", name="Planning, as our office describes it")
    assert load("planning-2025-26").name == "Planning, as our office describes it"
    assert open_template(plan_template).description.name == "Planning, as our office describes it"
    line = next(x for x in bcf("kinds").output.splitlines() if x.startswith("planning-2025-26"))
    assert "in place of the bundled one" in line


def test_recognition_uses_the_user_folder(user, plan_template):
    """A workbook whose title only a user description knows is recognised by it."""
    from openpyxl import load_workbook

    wb = load_workbook(plan_template)
    ws = wb["2. Cover"]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == "Version 1.5":
                cell.value = "Version 2.0"
    wb.save(plan_template)
    assert bcf("check", plan_template).exit_code == 2
    described(user, "planning-v2.yaml", kind="planning-v2", version="2.0",
              identity={"sheet": "2. Cover", "title": "Better Care Fund 2025-26 Planning Template",
                        "version": "Version 2.0"})
    res = bcf("check", plan_template)
    assert res.exit_code == 1, res.stderr             # recognised and checked: the blank plan has errors
    assert open_template(plan_template).description.kind == "planning-v2"


def test_an_invalid_user_description_is_skipped_with_its_problems_named(user, populated_plan):
    broken = described(user, "broken.yaml", kind="Not A Kind")
    res = bcf("balances", populated_plan)
    assert res.exit_code == 0, res.stderr
    assert "£294,616" in res.output
    assert f"warning: {broken}: kind: kind is a lower-case name such as planning-2025-26" in res.stderr
    assert "skipped" in res.stderr
    assert "planning-2025-26" in bcf("kinds").output


def test_description_names_a_file_for_one_command(tmp_path, populated_plan):
    mine = described(tmp_path / "elsewhere", "ours.yaml", kind="planning-ours", name="Our planning")
    assert "planning-ours" not in available_kinds()
    res = bcf("balances", populated_plan, "--description", mine, "--json")
    assert res.exit_code == 0, res.stderr
    assert '"template": "planning-ours"' in res.output
    res = bcf("check", populated_plan, "--description", mine, "--json")
    assert res.exit_code == 1 and '"template": "planning-ours"' in res.output, res.stderr
    assert "planning-ours" not in available_kinds()       # named for that command only


def test_description_holds_the_workbook_to_it(tmp_path, populated_plan):
    """A return that is not the named description's template is refused, not checked by another."""
    other = described(tmp_path, "other.yaml", kind="planning-other",
                      identity={"sheet": "2. Cover", "title": "Some Other Template", "version": "Version 9"})
    res = bcf("check", populated_plan, "--description", other)
    assert res.exit_code == 2
    assert "not a Better Care Fund 2025-26 Planning Template" in res.stderr


def test_an_invalid_named_description_is_an_error_with_each_problem(tmp_path, populated_plan):
    broken = described(tmp_path, "broken.yaml", kind="Not A Kind")
    res = bcf("check", populated_plan, "--description", broken)
    assert res.exit_code == 2
    assert "kind is a lower-case name" in res.stderr and str(broken) in res.stderr
    missing = bcf("populate", populated_plan, "--schemes", "x.csv", "--description", tmp_path / "none.yaml")
    assert missing.exit_code == 2 and "none.yaml" in missing.stderr
