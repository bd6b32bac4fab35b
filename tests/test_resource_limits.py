"""Hostile workbooks are refused in one plain line, quickly and without writing anything.

Each file here either crashed the process, or took minutes and gigabytes, before the limits in
bcf_addin.xlsx existed. They are given both as a return to check and as a register to populate
from: every path that reads a workbook goes through the same checks.
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from bcf_addin.cli import main
from bcf_addin.xlsx.reader import MAX_CELLS
from xlsx_fixtures import build_raw, office_package


def _value(ref: str, value: int = 1) -> str:
    return f'<c r="{ref}"><v>{value}</v></c>'


def _sheet(*cells: str) -> str:
    """Cells (ref, value) in rows of their own, in the order given."""
    rows = "".join(f'<row r="{ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}">{_value(ref)}</row>' for ref in cells)
    return f"<sheetData>{rows}</sheetData>"


def _styled_cells(count: int, width: int = 26) -> str:
    """`count` empty styled cells, `width` to a row: what a large input area looks like."""
    letters = [chr(65 + i) for i in range(width)]
    rows = []
    for r in range(1, count // width + 1):
        rows.append(f'<row r="{r}">' + "".join(f'<c r="{c}{r}" s="1"/>' for c in letters) + "</row>")
    return "<sheetData>" + "".join(rows) + "</sheetData>"


def _runs_of_zeros(size: int) -> str:
    """A sheet of `size` bytes of ref-less zero cells: it compresses several hundred times."""
    cell = "<c><v>0</v></c>"
    row = "<row>" + cell * 1000 + "</row>"
    return "<sheetData>" + row * (size // len(row)) + "</sheetData>"


def far_value(path: Path) -> Path:
    # Legal, but A1 to XFD1048576 is 17 billion cells: calamine aborted allocating 549 GB.
    return build_raw(path, {"Sheet1": _sheet("A1", "XFD1048576")})


def far_row(path: Path) -> Path:
    # Row 99,999,999 is past Excel's last row: 11 GB and 95 s before it was refused.
    return build_raw(path, {"Sheet1": _sheet("A1", "A99999999")})


def far_column(path: Path) -> Path:
    return build_raw(path, {"Sheet1": _sheet("A1", "XFE1")})


def many_compressed_sheets(path: Path) -> Path:
    # Each sheet is small on disk but expands ~500 times; each was under the old 10 MiB floor.
    return build_raw(path, {f"S{i}": _runs_of_zeros(3 * 2**20) for i in range(8)})


def many_small_compressed_sheets(path: Path) -> Path:
    # Each sheet is under the 1 MiB floor, so only the file's overall ratio gives it away.
    return build_raw(path, {f"S{i}": _runs_of_zeros(900 * 2**10) for i in range(60)})


def too_many_cells(path: Path) -> Path:
    return build_raw(path, {"Sheet1": _styled_cells(MAX_CELLS + 52_000)})


def too_much_markup(path: Path) -> Path:
    return build_raw(path, {"Sheet1": _styled_cells(1_400_000)})


def opendocument(path: Path) -> Path:
    path = path.with_suffix(".ods")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
        zf.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
    return path


def excel_binary(path: Path) -> Path:
    return office_package(path.with_suffix(".xlsb"), "xl/workbook.bin", b"\x83\x01\x00")


HOSTILE = [
    (far_value, 2, "far from the rest of the sheet"),
    (far_row, 2, "cell A99999999: is damaged: the cell is outside the sheet"),
    (far_column, 2, "cell XFE1: is damaged: the cell is outside the sheet"),
    (many_compressed_sheets, 2, "unreasonable size"),
    (many_small_compressed_sheets, 2, "unreasonable size"),
    (too_many_cells, 2, f"more than {MAX_CELLS:,} cells"),
    (too_much_markup, 2, "is far larger than any template's"),
    (opendocument, 2, "is an OpenDocument spreadsheet (.ods)"),
    (excel_binary, 2, "is an Excel binary workbook (.xlsb)"),
]


def _folder_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _assert_refused(res_code: int, output: str, fragment: str, bad: Path, code: int) -> None:
    assert res_code == code, output
    message = output.strip().splitlines()[-1]
    assert message.startswith(f"bcf: {bad}"), message
    assert fragment in message, message


@pytest.mark.parametrize("build, code, fragment", HOSTILE, ids=[case[0].__name__ for case in HOSTILE])
def test_hostile_workbook_is_refused_by_every_command(build, code, fragment, plan_template, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    bad = build(work / "hostile.xlsx")
    template = work / plan_template.name
    template.write_bytes(plan_template.read_bytes())
    before = _folder_hash(work)
    runner = CliRunner()
    checked = runner.invoke(main, ["check", str(bad)])
    _assert_refused(checked.exit_code, checked.output, fragment, bad, code)
    populated = runner.invoke(main, ["populate", str(template), "--schemes", str(bad), "-o",
                                     str(work / "out.xlsx")])
    _assert_refused(populated.exit_code, populated.output, fragment, bad, code)
    assert _folder_hash(work) == before


def test_far_value_in_a_separate_process(plan_template, tmp_path):
    """A native abort would kill the test run; in a process of its own it shows as exit code 134."""
    bad = far_value(tmp_path / "far.xlsx")
    code = "import sys; from bcf_addin.cli import main; sys.argv[0] = 'bcf'; main()"
    for args in (["check", str(bad)],
                 ["populate", str(plan_template), "--schemes", str(bad), "-o", str(tmp_path / "out.xlsx")]):
        out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
        assert out.returncode == 2, out.stderr
        assert out.stderr.strip().splitlines()[-1].startswith(f"bcf: {bad}, sheet 'Sheet1', cell XFD1048576: ")
    assert not (tmp_path / "out.xlsx").exists()


def test_a_lone_far_value_is_read_without_a_grid_from_a1(plan_template, populated_plan, tmp_path):
    """A legal value alone at XFD1048576, on a sheet of its own, is read like any other."""
    wb = load_workbook(populated_plan)
    wb.create_sheet("Stray")["XFD1048576"] = 7
    stray = tmp_path / "stray.xlsx"
    wb.save(stray)
    runner = CliRunner()
    plain = runner.invoke(main, ["check", "--json", str(populated_plan)])
    checked = runner.invoke(main, ["check", "--json", str(stray)])
    assert checked.exit_code == plain.exit_code < 2, checked.output
    assert checked.output.replace(str(stray), "X") == plain.output.replace(str(populated_plan), "X")

    from bcf_addin.xlsx.reader import read_workbook
    sheet = read_workbook(stray).sheet("Stray")
    assert sheet.value(1_048_576, 16_384) == 7 and len(sheet.cells) == 1
