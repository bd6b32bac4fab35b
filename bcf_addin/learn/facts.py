"""What a template says about itself beyond its cells: hidden sheets, defined names, hidden columns.

The cells, styles, locks, merges and list validations come from the ordinary reader; these
workbook-level facts come from the same package, parsed with the same safe parser.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..workbook import Workbook
from ..xlsx.package import namespace, open_package
from ..xlsx.reader import read_workbook
from ..xlsx.refs import cell_range, int_attr


@dataclass
class Facts:
    workbook: Workbook
    states: dict[str, str] = field(default_factory=dict)        # sheet -> visible, hidden, veryHidden
    names: dict[str, str] = field(default_factory=dict)         # workbook-level defined name -> its formula
    hidden_columns: dict[str, set[int]] = field(default_factory=dict)
    formats: list[str] = field(default_factory=list)               # number format per cell format

    def visible(self, sheet: str) -> bool:
        return self.states.get(sheet, "visible") == "visible"


def read_facts(path) -> Facts:
    wb = read_workbook(str(path))
    facts = Facts(wb)
    with open_package(path) as pkg:
        root = pkg.workbook_root()
        ns = namespace(root)
        for sheet in root.iter(f"{{{ns}}}sheet"):
            facts.states[sheet.get("name") or ""] = sheet.get("state") or "visible"
        for name in root.iter(f"{{{ns}}}definedName"):
            # A name scoped to one sheet (localSheetId) is Excel's own (print areas); lists are workbook-wide.
            if name.get("localSheetId") is None and name.text and not (name.get("name") or "").startswith("_xlnm"):
                facts.names[name.get("name")] = name.text.strip()
        for sheet, part in pkg.sheet_parts().items():
            facts.hidden_columns[sheet] = _hidden_columns(pkg.parse(part))
    facts.formats = number_formats(path)
    return facts


def _hidden_columns(root) -> set[int]:
    ns = namespace(root)
    hidden: set[int] = set()
    for col in root.iterfind(f"{{{ns}}}cols/{{{ns}}}col"):
        if col.get("hidden") in ("1", "true"):
            hidden.update(range(int_attr(col.get("min"), 1), int_attr(col.get("max"), 1) + 1))
    return hidden


def split_reference(text: str) -> tuple[str | None, str]:
    """"'HWB Data'!$A$2:$A$200" -> ('HWB Data', 'A2:A200'); a bare range has no sheet."""
    text = text.lstrip("=").strip()
    sheet = None
    if "!" in text:
        sheet, text = text.rsplit("!", 1)
        sheet = sheet.strip("'").replace("''", "'")
    return sheet, text.replace("$", "")


def cells_of(rng: str) -> list[tuple[int, int]]:
    """'B2:B5' -> the cells in reading order."""
    box = cell_range(rng)
    if box is None:
        return []
    r1, c1, r2, c2 = box
    return [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def number_formats(path) -> list[str]:
    """The number format code of each cell format (cellXfs index), to tell money from text."""
    builtin = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%",
               14: "dd/mm/yyyy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 22: "m/d/yy h:mm", 49: "@"}
    with open_package(path) as pkg:
        part = pkg.styles_part()
        if part is None:
            return []
        root = pkg.parse(part)
    ns = namespace(root)
    codes = dict(builtin)
    for fmt in root.iterfind(f"{{{ns}}}numFmts/{{{ns}}}numFmt"):
        codes[int_attr(fmt.get("numFmtId"))] = fmt.get("formatCode") or ""
    xfs = root.find(f"{{{ns}}}cellXfs")
    return [codes.get(int_attr(xf.get("numFmtId")), "General") for xf in (xfs if xfs is not None else ())
            if isinstance(xf.tag, str)]
