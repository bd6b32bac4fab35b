"""Every command has help with an example, and the rule documentation is the generated one."""
from __future__ import annotations

from click.testing import CliRunner

from bcf_addin import paths
from bcf_addin.checks.docs import rules_markdown
from bcf_addin.cli import main


def all_commands(group, ctx_prefix=()):
    import click

    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        yield (*ctx_prefix, name), cmd
        if isinstance(cmd, click.Group):
            yield from all_commands(cmd, (*ctx_prefix, name))


def test_every_command_has_help_with_an_example():
    seen = []
    for path, cmd in all_commands(main):
        res = CliRunner().invoke(main, [*path, "--help"])
        assert res.exit_code == 0, path
        assert cmd.help and "Example" in cmd.help, path
        seen.append(" ".join(path))
    assert {"new", "populate", "check", "balances", "rules", "addin"} <= set(seen)


def test_the_command_table_holds_every_command_the_cli_modules_define():
    import importlib

    import click

    from bcf_addin import cli

    modules = {m for m, _ in cli.COMMANDS.values() if m.startswith("bcf_addin.cli.")}
    defined = {cmd.name: (module, attr) for module in modules
               for attr, cmd in vars(importlib.import_module(module)).items() if isinstance(cmd, click.Command)}
    assert defined == {name: target for name, target in cli.COMMANDS.items() if name != "addin"}


def test_every_top_level_command_is_in_the_readme():
    readme = (paths.project_folder("workbooks").parent / "README.md").read_text(encoding="utf-8")
    missing = [" ".join(p) for p, _ in all_commands(main) if len(p) == 1 and f"bcf {p[0]}" not in readme]
    assert missing == [], "the README's command list lacks these"


def test_docs_rules_md_is_generated_from_the_registry():
    committed = (paths.project_folder("workbooks").parent / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == rules_markdown(), "run: bcf rules --markdown > docs/rules.md"


def test_bcf_kinds_lists_the_templates():
    res = CliRunner().invoke(main, ["kinds"])
    assert res.exit_code == 0 and "planning-2025-26" in res.output


def test_submit_refuses_a_return_with_errors_and_saves_a_complete_one(populated_plan, complete_plan, tmp_path):
    out = tmp_path / "outbox"
    out.mkdir()
    res = CliRunner().invoke(main, ["submit", str(populated_plan), "--to", str(out)])
    assert res.exit_code == 1 and "nothing was saved" in res.output and not list(out.iterdir())
    res = CliRunner().invoke(main, ["submit", str(complete_plan), "--to", str(out)])
    assert res.exit_code == 0, res.output
    assert (out / "Leicestershire HWB.xlsx").read_bytes() == complete_plan.read_bytes()
    assert "open the copy in Excel and save it" in res.output      # bcf wrote it outside Excel
    res = CliRunner().invoke(main, ["submit", str(complete_plan), "--to", str(out)])
    assert res.exit_code == 2 and "already exists" in res.output
    res = CliRunner().invoke(main, ["submit", str(complete_plan), "--to", str(out), "--replace"])
    assert res.exit_code == 0


def test_check_many_returns_reports_each_and_exits_with_the_worst(populated_plan, complete_plan, tmp_path):
    import json

    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a workbook")
    res = CliRunner().invoke(main, ["check", str(complete_plan), str(populated_plan), str(broken)])
    assert res.exit_code == 2
    lines = [ln for ln in res.output.splitlines() if ln.startswith(str(tmp_path))]
    assert "complete, 0 errors" in lines[0] and "incomplete" in lines[1] and "UNUSABLE" in lines[2]
    res = CliRunner().invoke(main, ["check", str(complete_plan), str(populated_plan), "--json"])
    assert res.exit_code == 1
    data = json.loads(res.output[res.output.index("["):])
    assert [d["complete"] for d in data] == [True, False] and data[0]["hwb"] == "Leicestershire"
