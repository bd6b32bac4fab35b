"""The officer's files: nothing replaced without a backup, every write whole and tidy, one plain
line for any failure, and a batch check that carries on past a bad file."""
from __future__ import annotations

import errno
import hashlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from bcf_addin.cli import main
from bcf_addin.progress import Progress

from support import SAMPLE_PLAN


def folder_state(folder: Path) -> dict[str, str]:
    """Every file under `folder`, by name, with a hash of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def live_pid():
    """The number of a process that is running for the length of the test."""
    proc = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    yield proc.pid
    proc.stdin.close()
    proc.wait()


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def full_disk(monkeypatch):
    """Every workbook write runs out of space part-way through."""
    import openpyxl

    from bcf_addin.xlsx import repack

    def half_then_full(out):
        out.write(b"PK\x03\x04 half a file")
        raise OSError(errno.ENOSPC, "No space left on device")

    def save(self, target):
        if isinstance(target, (str, Path)):
            with open(target, "wb") as out:
                half_then_full(out)
        half_then_full(target)

    monkeypatch.setattr(repack, "write_zip", lambda pkg, replaced, out: half_then_full(out))
    monkeypatch.setattr(openpyxl.Workbook, "save", save)


def unexpected_error(monkeypatch):
    from bcf_addin import api

    def broken(*args, **kwargs):
        raise KeyError("Cover")

    monkeypatch.setattr(api, "open_template", broken)


@dataclass
class Case:
    name: str
    args: Callable[[Path, Path], list]        # (the folder, the planning return in it) -> the command
    exit_code: int
    fragment: str
    setup: Callable | None = None             # (folder, plan, monkeypatch, live_pid) -> None


def _lock(folder, plan, monkeypatch, pid):
    (folder / f".~{plan.name}.bcf-lock").write_text(str(pid))


def _read_only(folder, plan, monkeypatch, pid):
    plan.chmod(0o444)


def _existing_out(folder, plan, monkeypatch, pid):
    (folder / "out.xlsx").write_bytes(plan.read_bytes())
    full_disk(monkeypatch)


def _no_hard_links_and_full_while_backing_up(folder, plan, monkeypatch, pid):
    import shutil

    (folder / "out.xlsx").write_bytes(plan.read_bytes())

    def no_links(src, dst, **kwargs):
        raise OSError(errno.EPERM, "Operation not permitted")

    def half_then_full(src, dst, *args):
        dst.write(src.read(100))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "link", no_links)
    monkeypatch.setattr(shutil, "copyfileobj", half_then_full)


def _disk_already_full(folder, plan, monkeypatch, pid):
    def full(fd, *args, **kwargs):
        os.close(fd)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", full)


def _existing_draft(folder, plan, monkeypatch, pid):
    (folder / "Leicestershire HWB.eml").write_text("last month's draft")


REFUSED = [
    Case("new: a .csv name", lambda f, p: ["new", "planning-2025-26", f / "plan.csv"], 2, "ending .xlsx"),
    Case("new: no such folder", lambda f, p: ["new", "planning-2025-26", f / "missing" / "plan.xlsx"], 2,
         "does not exist"),
    Case("new: the disk is already full", lambda f, p: ["new", "planning-2025-26", f / "plan.xlsx"], 2,
         "the disk is full", _disk_already_full),
    Case("check --report: a .csv name", lambda f, p: ["check", p, "--report", f / "findings.csv"], 2,
         "ending .xlsx"),
    Case("check --report: no such folder", lambda f, p: ["check", p, "--report", f / "missing" / "r.xlsx"], 2,
         "does not exist"),
    Case("check --report: the disk fills", lambda f, p: ["check", p, "--report", f / "findings.xlsx"], 2,
         "the disk is full", lambda f, p, m, pid: full_disk(m)),
    Case("populate -o: the disk fills, an existing OUT", lambda f, p: ["populate", p, "--schemes", SAMPLE_PLAN,
                                                                       "-o", f / "out.xlsx"], 2,
         "the disk is full", _existing_out),
    Case("populate -o: a drive without hard links fills while the backup is copied",
         lambda f, p: ["populate", p, "--schemes", SAMPLE_PLAN, "-o", f / "out.xlsx"], 2,
         "cannot make a backup copy before changing it: the disk is full", _no_hard_links_and_full_while_backing_up),
    Case("populate --in-place: a read-only workbook", lambda f, p: ["populate", p, "--schemes", SAMPLE_PLAN,
                                                                     "--in-place"], 2, "read-only", _read_only),
    Case("populate --in-place: another bcf is writing it", lambda f, p: ["populate", p, "--schemes", SAMPLE_PLAN,
                                                                          "--in-place"], 2,
         "being written by another bcf", _lock),
    Case("submit --draft: the draft exists", lambda f, p: ["submit", p, "--draft"], 2,
         "Leicestershire HWB.eml: already exists", _existing_draft),
    Case("an unexpected error", lambda f, p: ["check", p], 2,
         "stopped by an unexpected error (KeyError: 'Cover')", lambda f, p, m, pid: unexpected_error(m)),
]


@pytest.mark.parametrize("case", REFUSED, ids=[c.name for c in REFUSED])
def test_a_refused_run_says_one_line_and_writes_nothing(case, complete_plan, monkeypatch, live_pid):
    folder, plan = complete_plan.parent, complete_plan
    if case.setup:
        case.setup(folder, plan, monkeypatch, live_pid)
    before = folder_state(folder)
    res = run(*case.args(folder, plan))
    assert res.exit_code == case.exit_code, res.output
    assert len(res.output.strip().splitlines()) == 1, res.output
    line = res.output.strip()
    assert line.startswith("bcf: ") and case.fragment in line, line
    assert "Traceback" not in res.output
    assert folder_state(folder) == before


def test_an_unexpected_error_names_the_workbook_and_debug_shows_the_traceback(populated_plan, monkeypatch):
    unexpected_error(monkeypatch)
    assert run("check", populated_plan).output.startswith(f"bcf: {populated_plan}: stopped by")
    shown = run("--debug", "check", populated_plan)
    assert shown.exit_code == 2 and "Traceback" in shown.output and "KeyError" in shown.output
    monkeypatch.setenv("BCF_DEBUG", "1")
    assert "Traceback" in run("check", populated_plan).output


def test_a_check_report_already_there_is_kept_as_a_backup(populated_plan):
    report = populated_plan.parent / "findings.xlsx"
    report.write_bytes(b"the officer's notes")
    res = run("check", populated_plan, "--report", report)
    assert res.exit_code == 1, res.output
    backups = list(populated_plan.parent.glob("findings (backup *).xlsx"))
    assert [b.read_bytes() for b in backups] == [b"the officer's notes"]
    assert report.read_bytes()[:2] == b"PK"


def test_submit_replace_keeps_the_copy_and_draft_it_replaces(complete_plan):
    folder = complete_plan.parent
    (folder / "Leicestershire HWB.xlsx").write_bytes(b"last month's copy")
    (folder / "Leicestershire HWB.eml").write_bytes(b"last month's draft")
    res = run("submit", complete_plan, "--replace", "--draft")
    assert res.exit_code == 0, res.output
    kept = {p.suffix: p.read_bytes() for p in folder.glob("Leicestershire HWB (backup *)*")}
    assert kept == {".xlsx": b"last month's copy", ".eml": b"last month's draft"}
    assert (folder / "Leicestershire HWB.xlsx").read_bytes() == complete_plan.read_bytes()


def test_new_files_get_the_users_umask(complete_plan):
    folder = complete_plan.parent
    old = os.umask(0o002)
    try:
        assert run("new", "planning-2025-26", folder / "new.xlsx").exit_code == 0
        assert run("check", complete_plan, "--report", folder / "r.xlsx").exit_code == 0
        assert run("submit", complete_plan, "--draft").exit_code == 0
    finally:
        os.umask(old)
    for name in ("new.xlsx", "r.xlsx", "Leicestershire HWB.xlsx", "Leicestershire HWB.eml"):
        assert (folder / name).stat().st_mode & 0o777 == 0o664, name


def test_in_place_through_a_link_updates_the_file_it_points_to(plan_template, tmp_path):
    real = plan_template
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    before = real.read_bytes()
    res = run("populate", link, "--schemes", SAMPLE_PLAN, "--in-place")
    assert res.exit_code == 0, res.output
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() != before
    assert [p.read_bytes() for p in tmp_path.glob("* (backup *).xlsx")] == [before]


def test_a_killed_runs_temporary_and_lock_are_cleared_by_the_next_run(plan_template, tmp_path):
    gone = dead_pid()
    stale_temp = tmp_path / f".~{plan_template.name}.bcf-tmp-{gone}"
    stale_temp.write_bytes(b"PK half a file")
    (tmp_path / f".~{plan_template.name}.bcf-lock").write_text(str(gone))
    res = run("populate", plan_template, "--schemes", SAMPLE_PLAN, "--in-place")
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".~")) == []


def test_a_populate_that_fails_after_reading_keeps_no_backup(plan_template, tmp_path, monkeypatch):
    from bcf_addin import files

    out = tmp_path / "out.xlsx"
    out.write_bytes(plan_template.read_bytes())
    before = folder_state(tmp_path)

    def in_use(src, dst):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(files.os, "replace", in_use)
    res = run("populate", plan_template, "--schemes", SAMPLE_PLAN, "-o", out)
    assert res.exit_code == 2 and "open in Excel" in res.output
    assert folder_state(tmp_path) == before


def test_a_batch_check_reports_any_failure_as_that_files_line_and_carries_on(populated_plan, complete_plan,
                                                                             monkeypatch):
    from bcf_addin import api

    real = api.check

    def check(path, **kwargs):
        if Path(path) == populated_plan:
            raise ValueError("something no one foresaw")
        return real(path, **kwargs)

    monkeypatch.setattr(api, "check", check)
    folder = complete_plan.parent / "returns"
    folder.mkdir()
    res = run("check", populated_plan, folder, complete_plan)
    assert res.exit_code == 2
    lines = res.output.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"{populated_plan}: UNUSABLE: ") and "something no one foresaw" in lines[0]
    assert lines[1] == f"{folder}: UNUSABLE: {folder}: is not a file"
    assert lines[2].startswith(f"{complete_plan}: Leicestershire")


def test_progress_is_wiped_from_a_terminal_and_not_written_elsewhere():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    with Progress(screen) as progress:
        progress("Reading a long file name")
        progress("Checking")
    assert screen.getvalue().split("\r")[-1] == ""
    assert screen.getvalue().split("\r")[-2].strip() == ""
    piped = io.StringIO()
    Progress(piped)("Reading")
    assert piped.getvalue() == ""


def test_every_writing_command_says_whether_it_replaces_or_refuses():
    assert "never replaced" in run("new", "--help").output
    for command in ("populate", "check", "submit"):
        assert "backup" in " ".join(run(command, "--help").output.split()), command
