"""`bcf new --allocations`: an allocations CSV is read in full or refused on one line, never half used."""
from __future__ import annotations

from decimal import Decimal

import pytest
from click.testing import CliRunner

from bcf_addin.cli import main

GOOD = ("item,label,value\ndfg,Rutland,\"£300,000\"\nla_bcg,Rutland,1000\n"
        "nhs_minimum,NHS Leicester Leicestershire and Rutland ICB,5000\nfigure,asc_minimum,2000\n")


def new(tmp_path, text: str | bytes, kind: str = "planning-2025-26"):
    alloc = tmp_path / "allocations.csv"
    alloc.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    out = tmp_path / "out.xlsx"
    res = CliRunner().invoke(main, ["new", kind, str(out), "--hwb", "Rutland", "--allocations", str(alloc)])
    return res, out


def refused(res, out) -> str:
    assert res.exit_code == 2, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)     # no traceback
    assert not out.exists()
    (line,) = [ln for ln in res.output.splitlines() if ln.startswith("bcf:")]
    assert "allocations.csv" in line
    return line


@pytest.mark.parametrize("bad, said", [
    ("dfg_district,Blaby,823673", "line 6: item 'dfg_district' is not one the"),          # a typing slip
    ("figure,asc_minimun,31982219", "line 6: the Better Care Fund 2025-26 Planning Template has no figure 'asc_minimun'"),
    ("trust,UNIVERSITY HOSPITALS OF LEICESTER NHS TRUST,", "line 6: item 'trust' is not one the"),  # C&D only
    ("la_bcg,Rutland,2000", "line 6: la_bcg 'Rutland' is given twice (first on line 3)"),
    ("dfg,Rutland,5,518,288", "line 6: 5 values under 3 column headings"),
    ("dfg,,5000", "line 6: the dfg line has no label"),
])
def test_an_unknown_item_or_label_is_refused_naming_its_line(tmp_path, bad, said):
    line = refused(*new(tmp_path, GOOD + bad + "\n"))
    assert said in line


def test_a_figure_the_capacity_and_demand_template_does_not_have(tmp_path):
    line = refused(*new(tmp_path, "item,label,value\ntrust,RUTLAND TRUST,\nfigure,asc_minimum,1\n", "cd-2025-26"))
    assert "line 3: the Better Care Fund 2025-26 Capacity & Demand Template has no figure 'asc_minimum' (it takes none)" in line


def test_malformed_and_undecodable_files_are_one_line_errors(tmp_path):
    assert "line 6: cannot be read as CSV" in refused(*new(tmp_path, GOOD + 'dfg,"Rutland"Council,1\n'))
    assert "cannot be read as CSV" in refused(*new(tmp_path, GOOD + 'dfg,"Rutland,1\n'))
    assert "allocations.csv: line 6 is not valid Windows-1252 text (save it again from Excel as 'CSV UTF-8" in \
        refused(*new(tmp_path, GOOD.encode("cp1252") + b"\x81\x8d\x8f\n"))
    assert "needs columns item, label, value (missing: value)" in refused(*new(tmp_path, "item,label\ndfg,Rutland\n"))


def test_a_file_saved_by_excel_on_windows_is_read(tmp_path):
    from bcf_addin.api import open_template

    res, out = new(tmp_path, GOOD.encode("cp1252"))            # '£' as the single byte 0xA3
    assert res.exit_code == 0, res.output
    tpl = open_template(out)
    at = tpl.layout.tables["dfg"]
    assert tpl.workbook.sheets["4. Income"].value(at.rows[0], at.columns["contribution"]) == Decimal(300000)


def test_text_is_decoded_as_a_registers_is(tmp_path):
    """UTF-16 as Excel's 'Unicode Text' saves it is read; a file mixing encodings is refused by line
    rather than a name read as 'â€“' and a figure put in under it."""
    for case in ("utf-16", "mixed", "garbled"):
        (tmp_path / case).mkdir()
    res, out = new(tmp_path / "utf-16", b"\xff\xfe" + GOOD.encode("utf-16-le"))
    assert res.exit_code == 0, res.output
    mixed = GOOD.encode("cp1252") + "dfg_districts,Hinckley \u2013 Bosworth,1\n".encode("utf-8")
    line = refused(*new(tmp_path / "mixed", mixed))
    assert "mixes two text encodings: line 2 is in Windows-1252" in line and "line 6 is in UTF-8" in line
    garbled = GOOD + "dfg_districts,Hinckley \u00e2\u20ac\u201c Bosworth,1\n"
    assert "line 6 holds 'â€“' where '–' was meant" in refused(*new(tmp_path / "garbled", garbled))
