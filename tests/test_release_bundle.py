"""`bcf addin bundle`: the release folder an IT service desk deploys."""
from __future__ import annotations

import zipfile

from click.testing import CliRunner
from packaging.requirements import Requirement

from bcf_addin import paths
from bcf_addin.xlam.bundle import WHEEL
from bcf_addin.xlam.cli import addin


def test_the_release_folder_holds_the_wheel_the_addin_the_lite_files_and_the_install_sheet(tmp_path):
    out = tmp_path / "release"
    result = CliRunner().invoke(addin, ["bundle", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == \
        sorted([WHEEL, "bcf_addin.xlam", "INSTALL.txt", "lite/main.py", "lite/requirements.txt"])
    sheet = (out / "INSTALL.txt").read_text(encoding="utf-8")
    assert f'pip install "<this folder>\\{WHEEL}"' in sheet and "bcf addin install --file" in sheet
    assert WHEEL in (out / "lite" / "requirements.txt").read_text(encoding="utf-8")

    with zipfile.ZipFile(out / WHEEL) as whl:
        names = whl.namelist()
        meta = whl.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert {n.rsplit("/", 1)[-1] for n in names if "/descriptions/" in n and n.endswith(".json")} == \
        {p.with_suffix(".json").name for p in paths.descriptions().glob("*.yaml")}
    requires = [Requirement(line.split(":", 1)[1].strip()) for line in meta.splitlines()
                if line.startswith("Requires-Dist:")]
    core = [r for r in requires if not r.marker or "extra" not in str(r.marker)]

    def wanted(platform):
        return sorted(r.name for r in core if not r.marker or r.marker.evaluate({"sys_platform": platform}))

    # Inside Excel's browser (xlwings Lite) only pydantic and xlwings are installed; everywhere else all.
    assert wanted("emscripten") == ["pydantic", "xlwings"]
    assert {"lxml", "PyYAML", "pandas", "openpyxl"} <= set(wanted("win32"))
