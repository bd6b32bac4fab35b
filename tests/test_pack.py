"""`bcf submit`: the submission pack (return, narrative, manifest.json, unsent e-mail) on the
Leicestershire plan and the 2026-27 draft narrative built as Word writes it."""
from __future__ import annotations

import hashlib
import json
from email import policy
from email.parser import BytesParser

import pytest
from click.testing import CliRunner

from bcf_addin.cli import main
from bcf_addin.userconfig import load_config
from conftest import REGIONAL_MANAGER
from narrative_docx import build_narrative

REASON = "the narrative's two drop-downs are chosen after the board meets"


def submit(*args):
    return CliRunner().invoke(main, ["submit", *map(str, args)])


@pytest.fixture
def narrative(complete_plan):
    folder = complete_plan.parent / "sources"
    folder.mkdir()
    return build_narrative(folder / "Leicestershire narrative 2026-27.docx")


@pytest.fixture
def outbox(tmp_path):
    folder = tmp_path / "outbox"
    folder.mkdir()
    return folder


def parsed(path):
    return BytesParser(policy=policy.default).parsebytes(path.read_bytes())


def test_a_draft_pack_whose_manifest_and_email_match_the_files(complete_plan, narrative, outbox):
    res = submit(complete_plan, "--narrative", narrative, "--to", outbox, "--draft", "--accept-errors", REASON)
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in outbox.iterdir()) == [
        "Leicestershire HWB.eml", "Leicestershire HWB.xlsx", "Leicestershire narrative 2026-27.docx", "manifest.json"]
    manifest = json.loads((outbox / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        data = (outbox / entry["name"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["size"] == len(data)
    assert [f["role"] for f in manifest["files"]] == ["return", "narrative"]
    assert (outbox / "Leicestershire HWB.xlsx").read_bytes() == complete_plan.read_bytes()
    assert (outbox / narrative.name).read_bytes() == narrative.read_bytes()
    assert manifest["check"]["complete"] is True and manifest["check"]["errors"] == 0
    assert manifest["narrative_check"]["errors"] == 2 and manifest["errors_left"] == ["N803"]
    assert manifest["accepted_errors"] == REASON and manifest["draft"] == "Leicestershire HWB.eml"
    assert manifest["template"]["version"] == "1.5" and manifest["tool_version"]

    msg = parsed(outbox / "Leicestershire HWB.eml")
    assert msg["To"] == "england.bettercarefundteam@nhs.net" and msg["Cc"] == REGIONAL_MANAGER
    assert msg["X-Unsent"] == "1"
    assert msg["Subject"].startswith("Leicestershire HWB: Better Care Fund 2025-26 Planning Template")
    attached = {a.get_filename(): a.get_content() for a in msg.iter_attachments()}
    assert attached == {f["name"]: (outbox / f["name"]).read_bytes() for f in manifest["files"]}
    body = msg.get_body(("plain",)).get_content()
    assert "Leicestershire HWB.xlsx: the return" in body and "Leicestershire narrative 2026-27.docx" in body
    assert "Narrative check: 2 errors" in body and f"because: {REASON}" in body


def test_errors_left_block_the_pack_and_write_nothing(populated_plan, narrative, outbox):
    res = submit(populated_plan, "--narrative", narrative, "--to", outbox, "--draft")
    assert res.exit_code == 1
    assert "the check found 49 errors (C101, C104, M301, N803); nothing was saved" in res.output
    assert "--accept-errors" in res.output and list(outbox.iterdir()) == []


def test_a_complete_return_alone_needs_no_reason(complete_plan, outbox):
    res = submit(complete_plan, "--to", outbox)
    assert res.exit_code == 0, res.output
    manifest = json.loads((outbox / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["errors_left"] == [] and manifest["accepted_errors"] is None and "narrative_check" not in manifest
    assert [f["name"] for f in manifest["files"]] == ["Leicestershire HWB.xlsx"]


def test_force_still_works_and_says_it_is_deprecated(populated_plan, outbox):
    res = CliRunner().invoke(main, ["submit", str(populated_plan), "--to", str(outbox), "--force"])
    assert res.exit_code == 0 and "--force is deprecated" in res.output
    manifest = json.loads((outbox / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["errors_left"] == ["C101", "C104", "M301"] and "--force" in manifest["accepted_errors"]


def test_a_narrative_already_in_the_folder_is_left_as_it_is(complete_plan, narrative):
    res = submit(complete_plan, "--narrative", narrative, "--to", narrative.parent, "--accept-errors", REASON)
    assert res.exit_code == 0, res.output
    assert not list(narrative.parent.glob("*backup*"))
    assert sorted(p.name for p in narrative.parent.iterdir()) == [
        "Leicestershire HWB.xlsx", narrative.name, "manifest.json"]


def test_draft_without_a_regional_manager_says_how_to_set_one(complete_plan, outbox, user_folder):
    (user_folder / "config.yaml").unlink()
    res = submit(complete_plan, "--to", outbox, "--draft")
    assert res.exit_code == 2 and list(outbox.iterdir()) == []
    assert "no regional Better Care Manager is set" in res.output
    assert f"'regional_manager: name@nhs.net' (one address, or a list) in {user_folder / 'config.yaml'}" in res.output


@pytest.mark.parametrize("text, managers, problem", [
    ("regional_manager: a.b@nhs.net\n", ["a.b@nhs.net"], None),
    ("# the BCM\nregional_manager:\n  - a.b@nhs.net\n  - c.d@nhs.net\n", ["a.b@nhs.net", "c.d@nhs.net"], None),
    ("regional_manager: Jo Bloggs\n", None, "'Jo Bloggs' is not an e-mail address"),
    ("regional_manager: [a.b@nhs.net\n", None, "is not readable settings (line 2, column 1)"),
    ("- a.b@nhs.net\n", None, "should hold settings"),
])
def test_the_config_file(user_folder, text, managers, problem):
    from bcf_addin.errors import BcfError

    (user_folder / "config.yaml").write_text(text, encoding="utf-8")
    if problem is None:
        assert load_config().regional_managers == managers
    else:
        with pytest.raises(BcfError, match=problem.replace("(", r"\(").replace(")", r"\)")):
            load_config()


def test_the_user_folder_follows_the_platform(monkeypatch, tmp_path):
    from bcf_addin import userdirs

    monkeypatch.delenv(userdirs.HOME_ENV)
    monkeypatch.setattr(userdirs.sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    assert userdirs.config_file() == tmp_path / "Roaming" / "bcf-addin" / "config.yaml"
    monkeypatch.setattr(userdirs.sys, "platform", "linux")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert userdirs.user_folder() == tmp_path / "xdg" / "bcf-addin"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setattr(userdirs.sys, "platform", "darwin")
    assert userdirs.user_folder() == userdirs.Path.home() / "Library" / "Application Support" / "bcf-addin"
