"""Registers as they arrive from ledgers, Excel and e-mail, through the real `bcf populate`: what
cannot be read exactly is refused on one line naming the file and where, and nothing is written;
what can (other delimiters, encodings, title rows) is written."""
from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from bcf_addin.cli import main

HEADERS = ["Scheme ID", "Activity", "Description of Scheme", "Primary Objective", "Area of Spend", "Provider",
           "Source of Funding", "Expenditure for 2025-26 (£)"]
LINE = ["1", "Other", "Falls service", "1. Proactive care to those with complex needs", "Social Care", "NHS", "DFG"]
MONEY = "Expenditure for 2025-26 (£)"


def csv_text(amount: str = "5", description: str = "Falls service", sep: str = ",", title: str = "") -> str:
    def quoted(v):
        return f'"{v}"' if sep in v else v
    line = LINE[:2] + [description] + LINE[3:] + [amount]
    return title + sep.join(map(quoted, HEADERS)) + "\r\n" + sep.join(map(quoted, line)) + "\r\n"


def money_csv(amount: str):
    return lambda tmp: _write(tmp / "register.csv", csv_text(amount).encode("utf-8"))


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def mixed_encodings(tmp: Path) -> Path:
    # The heading row saved by Excel as Windows-1252 (£ is one byte), a line pasted in as UTF-8.
    head, line = csv_text(description="Short–term care").split("\r\n", 1)
    return _write(tmp / "register.csv", (head + "\r\n").encode("cp1252") + line.encode("utf-8"))


def xlsx_register(amount, *, patch: tuple[str, str] | None = None):
    def make(tmp: Path) -> Path:
        from openpyxl import Workbook

        path = tmp / "register.xlsx"
        wb = Workbook()
        ws = wb.active
        ws.title = "Schemes"
        ws.append(["Leicestershire BCF scheme register 2025-26"])
        ws.append([])
        ws.append(HEADERS)
        ws.append(LINE + [amount])
        wb.save(path)
        if patch:
            _patch_sheet(path, *patch)
        return path
    return make


def _patch_sheet(path: Path, old: str, new: str) -> None:
    part = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    assert old.encode() in parts[part]
    parts[part] = parts[part].replace(old.encode(), new.encode())
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


CASES = [
    # id, make the register, exit code, fragments of the message (exit 2) or of the output (exit 0)
    ("continental decimal", money_csv("1.234,56"), 2, ["line 2", f"column '{MONEY}'", "'1.234,56'", "continental"]),
    ("bad grouping", money_csv("12 345 678 9"), 2, ["line 2", "'12 345 678 9'", "grouped in threes", "1,234"]),
    ("minus in brackets", money_csv("(-1000)"), 2, ["line 2", "'(-1000)'", "negative twice"]),
    ("underscore", money_csv("1_000"), 2, ["line 2", "'1_000' is not an amount of money", "such as 1234"]),
    ("commas everywhere", money_csv("1,2,3,4"), 2, ["line 2", "'1,2,3,4'", "grouped in threes"]),
    ("fraction of a penny", money_csv("£1,234.567"), 2, ["line 2", "'£1,234.567'", "fraction of a penny"]),
    ("tenth of a penny", money_csv("0.001"), 2, ["'0.001'", "fraction of a penny"]),
    ("mixed encodings", mixed_encodings, 2, ["mixes two text encodings", "line 1", "line 2", "'–'", "'â€“'"]),
    ("mojibake saved as UTF-8", lambda tmp: _write(tmp / "register.csv", csv_text(
        description="Short\u00e2\u20ac\u201cterm care").encode("utf-8")), 2, ["line 2 holds 'â€“' where '–' was meant"]),
    ("byte Windows-1252 lacks", lambda tmp: _write(tmp / "register.csv", csv_text().encode("cp1252").replace(
        b"Falls", b"F\x81lls")), 2, ["line 2 is not valid Windows-1252 text"]),
    ("unquoted comma in a value", lambda tmp: _write(tmp / "register.csv", csv_text().encode().replace(
        b"Falls service", b"Falls, trips service")), 2, ["line 2 has more values (9)", "(8)", "double quotes"]),
    ("two columns alike", lambda tmp: _write(tmp / "register.csv", csv_text().replace(
        "Provider", "Scheme ID", 1).encode()), 2, ["two columns headed 'Scheme ID'", "columns A and F"]),
    ("UTF-16 without its mark", lambda tmp: _write(tmp / "register.csv", csv_text().encode("utf-16-le")), 2,
     ["line 1 holds a NUL character", "UTF-16 without the byte-order mark"]),
    ("empty file", lambda tmp: _write(tmp / "register.csv", b"\r\n\r\n"), 2, ["is empty"]),
    ("formula without a saved result", xlsx_register("=4000+1000"), 2,
     ["sheet 'Schemes'", "cell H4", "=4000+1000", "open and save it in Excel first"]),
    ("number with a fraction of a penny", xlsx_register(1239.568), 2,
     ["sheet 'Schemes'", "cell H4", "row 4", f"column '{MONEY}'", "1239.568 has a fraction of a penny"]),
    # Read and written:
    ("semicolons", lambda tmp: _write(tmp / "register.csv", csv_text("1234.56", sep=";",
                                                                      description="Care, support").encode()),
     0, ["1 line into the schemes table", "Wrote 8 cells"]),
    ("tabs and a title row", lambda tmp: _write(tmp / "register.txt", csv_text(
        "£1,234", sep="\t", title="Scheme register\t\r\nDraft\t\r\n").encode("utf-8")), 0, ["Wrote 8 cells"]),
    ("UTF-16 with its mark", lambda tmp: _write(tmp / "register.csv", csv_text(
        description="Short–term care").encode("utf-16")), 0, ["Wrote 8 cells"]),
    ("UTF-8 with its mark", lambda tmp: _write(tmp / "register.csv", csv_text(
        description="Short–term care").encode("utf-8-sig")), 0, ["Wrote 8 cells"]),
    ("Windows-1252 throughout", lambda tmp: _write(tmp / "register.csv", csv_text(
        description="Short–term care").encode("cp1252")), 0, ["Wrote 8 cells"]),
    ("xlsx title rows", xlsx_register(1234), 0, ["Wrote 8 cells"]),
    ("formula whose result is empty text", xlsx_register(
        "=4000+1000", patch=('<c r="H4"><f>4000+1000</f><v></v></c>', '<c r="H4" t="str"><f>IF(1,"","")</f><v></v></c>')),
     0, ["Wrote 7 cells"]),
]


def folder_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        h.update(str(p.relative_to(folder)).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


@pytest.mark.parametrize("make, code, fragments", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_register(plan_template, tmp_path, make, code, fragments):
    register = make(tmp_path)
    out = tmp_path / "returns" / "Leicestershire HWB.xlsx"
    out.parent.mkdir()
    before = folder_digest(tmp_path)
    res = CliRunner().invoke(main, ["populate", str(plan_template), "--schemes", str(register), "-o", str(out)])
    assert res.exit_code == code, res.output
    if code == 2:
        message = res.output.strip().splitlines()[-1]
        assert message.startswith(f"bcf: {register}"), message
        assert all(f in message for f in fragments), message
        assert folder_digest(tmp_path) == before
    else:
        assert all(f in res.output for f in fragments), res.output
        assert out.exists()


def test_text_read_in_any_encoding_is_written_as_meant(plan_template, tmp_path):
    from bcf_addin.api import open_template

    for i, encoding in enumerate(["utf-8", "utf-8-sig", "utf-16", "cp1252"]):
        reg = _write(tmp_path / f"r{i}.csv", csv_text(description="Short–term care £5", sep=";").encode(encoding))
        out = tmp_path / f"o{i}.xlsx"
        res = CliRunner().invoke(main, ["populate", str(plan_template), "--schemes", str(reg), "-o", str(out)])
        assert res.exit_code == 0, res.output
        tpl = open_template(out)
        at = tpl.layout.tables["schemes"]
        assert tpl.workbook.sheets["5. Expenditure"].value(at.rows[0], at.columns["description"]) == "Short–term care £5"
