"""`bcf collect` over a folder of generated returns: files and e-mails, a damaged file and a
resubmission, checked against each return's own `bcf balances --json`."""
from __future__ import annotations

import os
import shutil
import sys
import subprocess
import zipfile
from decimal import Decimal
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from bcf_addin.cli import main
from bcf_addin.jsonout import loads
from generate_returns import all_hwbs, email_with, generate
from support import SAMPLE_LINES, needs_libreoffice

TABLES = ["returns", "scheme_lines", "income", "balances", "minimum_spend", "metrics", "capacity_demand",
          "findings", "missing", "history"]


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inbox") / "returns"
    return generate(folder, 12, damaged=1, emails=2, resubmissions=1)


@pytest.fixture(scope="module")
def collected(made, tmp_path_factory):
    out = tmp_path_factory.mktemp("collected") / "out"
    result = CliRunner().invoke(main, ["collect", str(made.folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


def read(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)


def test_every_file_and_attachment_is_a_row_and_the_damaged_one_says_why(made, collected):
    out, output = collected
    returns = read(out, "returns")
    assert len(returns) == made.rows == 12 + 1 + 1      # 12 boards' returns, a resubmission, a damaged file
    bad = returns[returns["reason"] != ""]
    assert list(bad["file"]) == [str(p) for p in made.damaged]
    assert "damaged" in bad["reason"].iloc[0]
    good = returns[returns["reason"] == ""]
    assert set(good["kind"]) == {"planning-2025-26"}
    assert set(good["hwb"]) == set(made.hwbs)
    assert "could not be used" in output and made.damaged[0].name in output


def test_returns_in_e_mails_carry_the_sender_and_the_e_mail_date(made, collected):
    out, _ = collected
    returns = read(out, "returns").set_index("hwb")
    for hwb, eml in made.emails.items():
        row = returns.loc[hwb]
        msg = BytesParser(policy=policy.default).parsebytes(eml.read_bytes())
        assert row["file"] == f"{eml} > {hwb} HWB.xlsx"
        assert row["sender"] == msg["From"]
        assert pd.Timestamp(row["received"]) == pd.Timestamp(msg["Date"].datetime)


def test_a_resubmission_is_history_and_the_latest_counts(made, collected):
    out, _ = collected
    returns = read(out, "returns")
    (hwb, second), = made.resubmitted.items()
    mine = returns[returns["hwb"] == hwb].set_index("file")
    first = str(made.folder / f"{hwb} HWB.xlsx")
    assert mine.loc[str(second), "latest"] == "True" and mine.loc[str(second), "version"] == "2"
    assert mine.loc[first, "latest"] == "False" and mine.loc[first, "version"] == "1"
    assert (returns[returns["hwb"] != hwb]["latest"][returns["reason"] == ""] == "True").all()
    history = read(out, "history")
    assert list(history["file"]) == [first, str(second)]
    change = history.iloc[1]
    assert change["previous"] == first
    assert change["diff"] == f"bcf diff '{first}' '{second}'"
    assert "NHS Minimum Contribution expenditure" in change["changed_totals"]
    # The diff the history points to runs and finds the changes.
    diff = CliRunner().invoke(main, ["diff", first, str(second)])
    assert diff.exit_code == 1, diff.output


def _own_balances(made, tmp_path) -> dict[str, dict]:
    """Each return's own `bcf balances --json`, an attachment saved out of its e-mail first."""
    files = {}
    for path in made.files:
        if path in made.damaged:
            continue
        if path.suffix == ".eml":
            msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            part = next(msg.iter_attachments())
            saved = tmp_path / part.get_filename()
            saved.write_bytes(part.get_payload(decode=True))
            files[f"{path} > {part.get_filename()}"] = saved
        else:
            files[str(path)] = path
    out = {}
    for name, path in files.items():
        result = CliRunner().invoke(main, ["balances", str(path), "--json"])
        assert result.exit_code == 0, result.output
        out[name] = loads(result.output)
    return out


def test_balances_are_each_returns_own_figures_exactly(made, collected, tmp_path):
    out, _ = collected
    balances = read(out, "balances")
    own = _own_balances(made, tmp_path)
    assert set(balances["file"]) == set(own)
    for figure in ("income", "expenditure", "balance", "percent_spent"):
        for file, mine in balances.groupby("file"):
            expected = {b["source"]: b[figure] for b in own[file]["running_balances"]}
            got = {s: (Decimal(v) if v else None) for s, v in zip(mine["source"], mine[figure])}
            assert got == expected, (file, figure)
    total = sum(Decimal(v) for v in balances["expenditure"])
    assert total == sum(b["expenditure"] for r in own.values() for b in r["running_balances"])


def test_minimum_spend_and_scheme_lines_match_the_returns(made, collected, tmp_path):
    out, _ = collected
    own = _own_balances(made, tmp_path)
    minimum = read(out, "minimum_spend").set_index("file")
    for file, figures in own.items():
        (asc,) = figures["minimum_spend"]
        assert Decimal(minimum.loc[file, "spend"]) == asc["spend"]
        assert minimum.loc[file, "met"] == str(asc["met"])
    lines = read(out, "scheme_lines")
    assert len(lines) == SAMPLE_LINES * len(own)
    for file, figures in own.items():
        spent = sum(Decimal(v) for v in lines.loc[lines["file"] == file, "expenditure"])
        assert spent == sum(b["expenditure"] for b in figures["running_balances"])


def test_every_table_has_file_hwb_and_kind(collected):
    out, _ = collected
    for name in TABLES:
        columns = list(read(out, name).columns)
        assert columns[:3] == ["file", "hwb", "kind"] or name == "returns", (name, columns)
        assert {"file", "hwb", "kind"} <= set(columns), name
    assert {"latest", "reason", "hwb_code", "sender", "complete", "errors", "warnings"} <= set(read(out, "returns"))
    assert list(read(out, "balances").columns)[-5:] == ["source", "income", "expenditure", "balance", "percent_spent"]


def test_hwb_codes_and_the_boards_that_sent_nothing(made, collected):
    out, _ = collected
    returns = read(out, "returns").set_index("hwb")
    assert returns.loc["Barnsley", "hwb_code"] == "E08000016"
    assert returns.loc["Barnsley", "region"] == "North East and Yorkshire"
    missing = read(out, "missing")
    assert len(missing) == len(all_hwbs()) - len(made.hwbs)
    assert not set(missing["hwb"]) & set(made.hwbs)
    assert "Leicestershire" in set(missing["hwb"]) and set(missing["kind"]) == {"planning-2025-26"}


def test_findings_per_hwb_and_rule_code_agree_with_bcf_check(made, collected):
    out, _ = collected
    findings = read(out, "findings")
    path = made.files[5]
    result = CliRunner().invoke(main, ["check", str(path), "--json"])
    own = loads(result.output)["findings"]
    mine = findings[findings["file"] == str(path)]
    assert dict(zip(mine["code"], mine["count"].map(int))) == \
        {c: sum(1 for f in own if f["code"] == c) for c in {f["code"] for f in own}}
    returns = read(out, "returns").set_index("file")
    assert int(returns.loc[str(path), "errors"]) == sum(1 for f in own if f["severity"] == "error")


def test_summary_workbook_has_a_sheet_per_table_a_matrix_and_native_charts(collected):
    out, _ = collected
    from openpyxl import load_workbook

    wb = load_workbook(out / "summary.xlsx")
    assert {"Summary", "Charts", "Validation", *TABLES} <= set(wb.sheetnames)
    matrix = wb["Validation"]
    assert matrix.conditional_formatting, "the validation matrix has no conditional colours"
    assert matrix.max_row == 2 + 12          # the latest return of each of the 12 HWBs
    with zipfile.ZipFile(out / "summary.xlsx") as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 4
    assert len(list((out / "charts").glob("*.png"))) == 4


@needs_libreoffice
def test_libreoffice_opens_the_summary_with_its_charts(collected, tmp_path):
    out, _ = collected
    profile = tmp_path / "profile"
    done = subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                           "ods", "--outdir", str(tmp_path), str(out / "summary.xlsx")],
                          capture_output=True, timeout=240)
    ods = tmp_path / "summary.ods"
    assert ods.exists(), done.stderr
    with zipfile.ZipFile(ods) as zf:
        objects = [n for n in zf.namelist() if n.startswith("Object") and n.endswith("content.xml")]
        assert len(objects) == 4
        assert all(b"chart:chart" in zf.read(n) for n in objects)


def test_parquet_keeps_amounts_exact(made, tmp_path):
    pytest.importorskip("pyarrow")
    out = tmp_path / "pq"
    result = CliRunner().invoke(main, ["collect", str(made.folder), "-o", str(out), "--format", "parquet"])
    assert result.exit_code == 0, result.output
    balances = pd.read_parquet(out / "balances.parquet")
    csv = read_csv_balances(made, tmp_path)
    assert [Decimal(v) for v in balances["expenditure"]] == csv
    assert str(pd.read_parquet(out / "returns.parquet")["errors"].dtype) in ("Int64", "int64")


def read_csv_balances(made, tmp_path) -> list[Decimal]:
    out = tmp_path / "csv"
    CliRunner().invoke(main, ["collect", str(made.folder), "-o", str(out)])
    return [Decimal(v) for v in read(out, "balances")["expenditure"]]


def test_contacts_are_left_out_unless_asked_for(complete_plan, tmp_path):
    without = tmp_path / "without"
    result = CliRunner().invoke(main, ["collect", str(complete_plan), "-o", str(without)])
    assert result.exit_code == 0, result.output
    assert not (without / "contacts.csv").exists()
    for path in without.glob("*.csv"):
        assert "officer@council.gov.uk" not in path.read_text(encoding="utf-8"), path.name
        assert "0116 305 0786" not in path.read_text(encoding="utf-8"), path.name
    with_ = tmp_path / "with"
    result = CliRunner().invoke(main, ["collect", str(complete_plan), "-o", str(with_), "--include-contacts"])
    assert result.exit_code == 0, result.output
    contacts = read(with_, "contacts")
    assert "officer@council.gov.uk" in set(contacts["value"]) and "0116 305 0786" in set(contacts["value"])


def test_bad_e_mails_and_other_files_are_rows_not_failures(populated_plan, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(populated_plan, inbox / "Leicestershire HWB.xlsx")
    (inbox / "no attachment.eml").write_bytes(email_with("notes.txt", b"x", "a@b.gov.uk", made_date())
                                              .replace(b"notes.txt", b"notes.txt"))
    (inbox / "broken.msg").write_bytes(b"not an outlook message")
    (inbox / "~$Leicestershire HWB.xlsx").write_bytes(b"Excel's lock file")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["collect", str(inbox), "-o", str(out)])
    assert result.exit_code == 0, result.output
    returns = read(out, "returns").set_index("file")
    assert len(returns) == 3
    assert returns.loc[str(inbox / "no attachment.eml"), "reason"] == "has no .xlsx or .xlsm attachment"
    assert returns.loc[str(inbox / "broken.msg"), "reason"] != ""
    assert returns.loc[str(inbox / "Leicestershire HWB.xlsx"), "hwb"] == "Leicestershire"


def made_date():
    from datetime import datetime, timezone

    return datetime(2025, 3, 1, tzinfo=timezone.utc)


def test_an_output_folder_that_is_a_file_is_refused_and_nothing_written(populated_plan, tmp_path):
    target = tmp_path / "taken"
    target.write_text("mine")
    result = CliRunner().invoke(main, ["collect", str(populated_plan), "-o", str(target)])
    assert result.exit_code == 2
    assert str(target) in result.output and len(result.output.strip().splitlines()) == 1
    assert target.read_text() == "mine"
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(main, ["collect", str(empty), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "found no" in result.output
    assert not (tmp_path / "o").exists()


def test_income_lines_add_up_to_each_sources_income(collected):
    out, _ = collected
    income, balances = read(out, "income"), read(out, "balances")
    assert len(income)
    for (file, source), lines in income.groupby(["file", "source"]):
        mine = balances[(balances["file"] == file) & (balances["source"] == source)]
        assert sum(Decimal(v) for v in lines["amount"]) == Decimal(mine["income"].iloc[0])
    icb = income[income["item"] == "nhs_minimum"]
    assert set(icb["label"]) == {"NHS Leicester, Leicestershire and Rutland ICB"}


def _counted_expenditure(out: Path) -> Decimal:
    balances = read(out, "balances")
    return sum((Decimal(v) for v in balances.loc[balances["latest"] == "True", "expenditure"]), Decimal(0))


def test_a_file_reached_twice_is_read_once_and_its_second_row_says_so(made, collected, tmp_path, monkeypatch):
    out, _ = collected
    once = _counted_expenditure(out)
    resubmitted = next(iter(made.resubmitted.values()))
    copy = tmp_path / "elsewhere" / "copy of it.xlsx"
    copy.parent.mkdir()
    shutil.copy(resubmitted, copy)
    # The folder under two spellings, one of its files again, and a copy of that file under another name.
    monkeypatch.chdir(made.folder.parent)
    twice = tmp_path / "twice"
    given = [made.folder.name, f"./{made.folder.name}", str(resubmitted), str(copy)]
    result = CliRunner().invoke(main, ["collect", *given, "-o", str(twice)])
    assert result.exit_code == 0, result.output
    assert _counted_expenditure(twice) == once
    returns = read(twice, "returns")
    assert len(returns) == 2 * made.rows + 2
    dupes = returns[returns["reason"].str.startswith("the same file as ")]
    assert len(dupes) == made.rows + 2 and (dupes["latest"] == "False").all()
    first = str(Path(made.folder.name) / resubmitted.name)
    assert returns.loc[returns["file"] == str(copy), "reason"].item() == f"the same file as {first}"
    assert (returns[returns["reason"] == ""]["file"].value_counts() == 1).all()
    assert len(read(twice, "missing")) == len(read(out, "missing"))
    assert _chart_data(twice) == _chart_data(out)


def _chart_data(out: Path) -> list[tuple]:
    from openpyxl import load_workbook

    return list(load_workbook(out / "summary.xlsx", read_only=True)["Chart data"].values)


def run_bcf(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The command as a user runs it, stderr not a terminal, so what it prints there is seen too."""
    return subprocess.run([sys.executable, "-c", "from bcf_addin.cli import main; main()", *args],
                          capture_output=True, text=True, cwd=cwd)


def test_an_input_that_does_not_exist_is_refused_before_anything_is_written(populated_plan, tmp_path):
    out = tmp_path / "out"
    gone = tmp_path / "nonexistent"
    done = run_bcf("collect", str(populated_plan), str(gone), "-o", str(out))
    assert done.returncode == 2
    (line,) = (done.stdout + done.stderr).strip().splitlines()
    assert str(gone) in line and "does not exist" in line
    assert not out.exists()


def test_inputs_with_no_usable_return_still_give_a_whole_consistent_output(made, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for damaged in made.damaged:
        shutil.copy(damaged, inbox / damaged.name)
    (inbox / "notes.msg").write_bytes(b"not an outlook message")
    out = tmp_path / "out"
    # An earlier run's output in the same folder: every part of it must be this run's afterwards.
    assert run_bcf("collect", str(made.folder), "-o", str(out)).returncode == 0
    done = run_bcf("collect", str(inbox), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Exception" not in done.stderr
    assert "nothing to add up" in done.stdout
    returns = read(out, "returns")
    assert len(returns) == len(made.damaged) + 1 and (returns["reason"] != "").all()
    assert (returns["latest"] == "False").all()
    for name in TABLES:
        assert (out / f"{name}.csv").exists(), name
    assert len(read(out, "balances")) == 0
    assert not list((out / "charts").glob("*.png")), "an earlier run's pictures are left looking current"
    from openpyxl import load_workbook

    wb = load_workbook(out / "summary.xlsx", read_only=True)
    assert len(list(wb["returns"].values)) == 1 + len(returns)
    overview = [row for row in wb["Summary"].values if row and row[0]]
    assert any("nothing to add up" in str(row[0]) for row in overview)


def test_contacts_from_an_earlier_run_do_not_survive_a_run_without_them(complete_plan, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "out"
    first = CliRunner().invoke(main, ["collect", str(complete_plan), "-o", str(out), "--include-contacts"])
    assert first.exit_code == 0, first.output
    assert "contacts" in load_workbook(out / "summary.xlsx", read_only=True).sheetnames
    again = CliRunner().invoke(main, ["collect", str(complete_plan), "-o", str(out)])
    assert again.exit_code == 0, again.output
    assert not list(out.glob("contacts*")), list(out.glob("contacts*"))
    assert "contacts.csv" in again.output and "personal data" in again.output
    for path in out.rglob("*"):
        if path.suffix == ".xlsx":
            assert "contacts" not in load_workbook(path, read_only=True).sheetnames, path.name
        elif path.suffix == ".csv":
            assert "officer@council.gov.uk" not in path.read_text(encoding="utf-8"), path.name


def test_boards_that_sent_nothing_are_counted_per_kind_of_return(populated_plan, tmp_path):
    from bcf_addin.api import new_replica
    from openpyxl import load_workbook

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(populated_plan, inbox / "Leicestershire plan.xlsx")
    new_replica("cd-2025-26", inbox / "Leicestershire C&D.xlsx", hwb="Leicestershire")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["collect", str(inbox), "-o", str(out)])
    assert result.exit_code == 0, result.output
    others = len(all_hwbs()) - 1            # every board of hwbs.csv but Leicestershire: 153 - 1
    for kind in ("cd-2025-26", "planning-2025-26"):
        assert f"{others} Health and Wellbeing Boards sent no {kind} return" in result.output
    assert str(2 * others) not in result.output     # the two kinds' boards counted apart, not added up
    overview = {row[0]: row[1] for row in load_workbook(out / "summary.xlsx", read_only=True)["Summary"].values
                if len(row or ()) > 1}
    assert overview["Health and Wellbeing Boards that sent no planning-2025-26 return"] == others
    assert overview["Health and Wellbeing Boards that sent no cd-2025-26 return"] == others


def test_no_unfinished_progress_line_when_stderr_is_not_a_terminal(populated_plan, tmp_path):
    done = run_bcf("collect", str(populated_plan), "-o", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert "Checking returns" not in done.stderr
    assert not done.stderr or done.stderr.endswith("\n")


def test_unallocated_funds_chart_shows_overspends_apart_not_netted(made, collected):
    out, _ = collected
    balances = read(out, "balances")
    balances = balances[balances["latest"] == "True"]
    expected = {}
    for hwb, mine in balances.groupby("hwb"):
        amounts = [Decimal(v) for v in mine["balance"]]
        expected[hwb] = (sum((a for a in amounts if a > 0), Decimal(0)), sum((a for a in amounts if a < 0), Decimal(0)))
    # The generated returns overspend some sources and underspend others: netting would hide it.
    assert any(left and over for left, over in expected.values())
    rows = _chart_data(out)
    start = next(i for i, r in enumerate(rows) if r and r[0] and str(r[0]).startswith("Unallocated funds by HWB"))
    assert rows[start + 1][:3] == ("hwb", "unallocated", "overspent")
    shown = {}
    for r in rows[start + 2:]:
        if not r or r[0] is None:
            break
        shown[r[0]] = (Decimal(str(r[1])), Decimal(str(r[2])))
    assert shown == {h: v for h, v in expected.items() if any(v)}


def test_a_return_in_an_outlook_message_is_collected_with_its_sender_and_date(populated_plan, made, tmp_path):
    from datetime import datetime, timezone

    from outlook_msg import outlook_with

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    sent = datetime(2025, 3, 27, 16, 45, 12, tzinfo=timezone.utc)
    book = populated_plan.read_bytes()
    (inbox / "Leicestershire plan.msg").write_bytes(
        outlook_with("Leicestershire HWB.xlsx", book, "Jo Bloggs", "jo.bloggs@leics.gov.uk", sent))
    # Saved from the drafts or sent folder: no submit time, so the file's own time counts.
    other = made.folder / f"{made.hwbs[6]} HWB.xlsx"
    undated = inbox / "undated.msg"
    undated.write_bytes(outlook_with(other.name, other.read_bytes(), "A Lead", "a.lead@council.gov.uk", None))
    os.utime(undated, (sent.timestamp() - 3600, sent.timestamp() - 3600))
    # The same workbook again, as a file: it was met first (in the message), so the file is the copy.
    (inbox / "Leicestershire saved.xlsx").write_bytes(book)
    # A message whose bytes are another file's name is not that file.
    (inbox / "pointer.msg").write_bytes(str(inbox / "Leicestershire plan.msg").encode())
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["collect", str(inbox), "-o", str(out)])
    assert result.exit_code == 0, result.output
    returns = read(out, "returns").set_index("file")
    row = returns.loc[f"{inbox / 'Leicestershire plan.msg'} > Leicestershire HWB.xlsx"]
    assert row["reason"] == "" and row["hwb"] == "Leicestershire" and row["kind"] == "planning-2025-26"
    assert row["sender"] == "Jo Bloggs <jo.bloggs@leics.gov.uk>"
    assert pd.Timestamp(row["received"]) == pd.Timestamp(sent)
    assert row["latest"] == "True"
    undated_row = returns.loc[f"{undated} > {other.name}"]
    assert undated_row["sender"] == "A Lead <a.lead@council.gov.uk>" and undated_row["hwb"] == made.hwbs[6]
    assert pd.Timestamp(undated_row["received"]) == pd.Timestamp(sent.timestamp() - 3600, unit="s", tz="UTC")
    assert returns.loc[str(inbox / "Leicestershire saved.xlsx"), "reason"] == \
        f"the same file as {inbox / 'Leicestershire plan.msg'} > Leicestershire HWB.xlsx"
    assert returns.loc[str(inbox / "pointer.msg"), "reason"].startswith("is not an Outlook e-mail")
    assert len(returns) == 4
    # Its figures are the workbook's own.
    own = loads(CliRunner().invoke(main, ["balances", str(populated_plan), "--json"]).output)
    balances = read(out, "balances")
    mine = balances[balances["file"] == row.name]
    assert {s: Decimal(v) for s, v in zip(mine["source"], mine["expenditure"])} == \
        {b["source"]: b["expenditure"] for b in own["running_balances"]}


def test_one_worker_and_several_give_the_same_tables(made, monkeypatch):
    from concurrent.futures import ProcessPoolExecutor

    from bcf_addin.collect import workers
    from bcf_addin.collect.run import collect

    handed_out = []

    class Counted(ProcessPoolExecutor):
        def submit(self, fn, *args, **kwargs):
            handed_out.append(fn.__name__)
            return super().submit(fn, *args, **kwargs)

    monkeypatch.setattr(workers, "ProcessPoolExecutor", Counted)
    alone = collect([made.folder], workers=1).tables
    assert not handed_out
    shared = collect([made.folder], workers=2).tables
    assert handed_out.count("examine") == made.rows       # every workbook and attachment, in the workers
    assert alone.keys() == shared.keys()
    for name in alone:
        pd.testing.assert_frame_equal(alone[name], shared[name], obj=name)
    assert len(alone["returns"]) == made.rows and alone["scheme_lines"]["expenditure"].map(type).eq(Decimal).all()


def test_bcf_workers_sets_how_many_processes(made, collected, tmp_path, monkeypatch):
    monkeypatch.setenv("BCF_WORKERS", "1")
    result = CliRunner().invoke(main, ["collect", str(made.folder), "-o", str(tmp_path / "one")])
    assert result.exit_code == 0, result.output
    for name in ("returns", "scheme_lines", "balances", "findings", "metrics"):
        pd.testing.assert_frame_equal(read(tmp_path / "one", name), read(collected[0], name), obj=name)
    monkeypatch.setenv("BCF_WORKERS", "none")
    result = CliRunner().invoke(main, ["collect", str(made.folder), "-o", str(tmp_path / "bad")])
    assert result.exit_code == 2 and "BCF_WORKERS" in result.output
    assert not (tmp_path / "bad").exists()


def test_the_summary_sheets_hold_the_tables_cell_for_cell(collected):
    from openpyxl import load_workbook

    out, _ = collected
    wb = load_workbook(out / "summary.xlsx", read_only=True)
    for name in TABLES:
        _holds(list(wb[name].values), read(out, name), name)


def test_xlsx_tables_hold_what_the_csv_tables_do(made, collected, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "xlsx"
    result = CliRunner().invoke(main, ["collect", str(made.folder), "-o", str(out), "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    for name in TABLES:
        _holds(list(load_workbook(out / f"{name}.xlsx", read_only=True)[name].values), read(collected[0], name), name)


def _holds(rows: list[tuple], table: pd.DataFrame, name: str) -> None:
    """A sheet's rows hold the table (as read from its CSV): amounts as numbers, dates as dates."""
    from datetime import datetime

    assert list(rows[0]) == list(table.columns) and len(rows) == 1 + len(table), name
    for got_row, want_row in zip(rows[1:], table.itertuples(index=False)):
        for column, got, want in zip(table.columns, got_row, want_row):
            if want == "":
                assert got is None, (name, column, got)
            elif isinstance(got, bool):
                assert str(got) == want, (name, column)
            elif isinstance(got, (int, float)):
                assert got == float(Decimal(want)), (name, column, got, want)
            elif isinstance(got, datetime):
                assert got == pd.Timestamp(want).tz_convert(None).to_pydatetime(), (name, column)
            else:
                assert got == want, (name, column)


_MAIN_PROCESS = os.getpid()


def _dies_in_a_worker(source, contacts=False):
    """Examines as usual, except that a worker process dies (as one the system kills for want of
    memory would) when given a workbook file; here, in the main process, it does not."""
    from bcf_addin.collect.examine import examine

    if os.getpid() != _MAIN_PROCESS and source.file.endswith(" HWB.xlsx"):
        os._exit(70)
    return examine(source, contacts)


def test_a_worker_that_dies_loses_nothing(made, monkeypatch):
    from bcf_addin.collect import run

    alone = run.collect([made.folder], workers=1).tables
    monkeypatch.setattr(run, "examine", _dies_in_a_worker)
    shared = run.collect([made.folder], workers=2).tables
    for name in alone:
        pd.testing.assert_frame_equal(alone[name], shared[name], obj=name)


CONTACTS = {"submitted_by": "Jo Contactname", "email": "jo.contactname@leics.gov.uk", "phone": "0116 999 1234"}


def _with_contacts(plan: Path, dest: Path, spend_change: int = 0) -> Path:
    """The plan with a person's name, e-mail and phone number on its cover (and, for a second
    version, another amount on its first scheme line)."""
    from bcf_addin.api import open_template
    from bcf_addin.workbook import CellWrite
    from bcf_addin.xlsx.writer import write_cells

    tpl = open_template(plan)
    writes = [CellWrite(ref.sheet, ref.row, ref.col, value)
              for field_id, value in CONTACTS.items() for ref in [tpl.ref(field_id)]]
    if spend_change:
        at = tpl.layout.tables["schemes"]
        row, col = at.rows[0], at.columns["expenditure"]
        sheet = tpl.layout.workbook_sheet(at.sheet)
        writes.append(CellWrite(sheet, row, col, tpl.workbook.sheets[sheet].value(row, col) + spend_change))
    write_cells(plan, writes, dest)
    return dest


def _texts_of(path: Path) -> list[bytes]:
    """What a file holds, as bytes: every part of a zip package (a workbook) unpacked."""
    data = path.read_bytes()
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            return [zf.read(name) for name in zf.namelist()]
    return [data]


def _personal_data_in(out: Path) -> list[str]:
    found = []
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        for text in _texts_of(path):
            found += [f"{path.relative_to(out)}: {value}" for value in CONTACTS.values()
                      if value.encode("utf-8") in text or value.encode("utf-16-le") in text]
    return found


def test_nothing_a_collect_writes_holds_the_covers_contacts_unless_asked(complete_plan, tmp_path):
    """A return resubmitted by e-mail is history, whose versions collect used to save as they came,
    the cover's names, e-mails and phone numbers with them."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for n, change in enumerate((0, 1000)):
        version = _with_contacts(complete_plan, tmp_path / f"v{n}.xlsx", change)
        (inbox / f"plan {n}.eml").write_bytes(email_with("Leicestershire HWB.xlsx", version.read_bytes(),
                                                         "bcf.lead@leics.gov.uk", made_date().replace(day=1 + n)))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["collect", str(inbox), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(read(out, "history")) == 2
    assert _personal_data_in(out) == []
    assert "--include-contacts" in result.output and "attachments" in result.output

    # Asked for, they are collected, and the versions are saved for bcf diff...
    result = CliRunner().invoke(main, ["collect", str(inbox), "-o", str(out), "--include-contacts"])
    assert result.exit_code == 0, result.output
    assert len(list((out / "attachments").iterdir())) == 2
    assert {p.split(": ")[1] for p in _personal_data_in(out)} == set(CONTACTS.values())
    diff = read(out, "history")["diff"].iloc[1]
    assert diff.startswith("bcf diff ") and str(out / "attachments") in diff

    # ...and a run without them removes what that run saved.
    result = CliRunner().invoke(main, ["collect", str(inbox), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert _personal_data_in(out) == [] and not (out / "attachments").exists()
    assert "attachments" in result.output and "personal data" in result.output
