"""Better Care Fund 2025-26 Planning Template (Version 1.5), built as NHS England builds it.

Sheet names, labels, headings, list values and Leicestershire's pre-populated figures are
written out from the published return (Leicestershire Health and Wellbeing Board, 29 May 2025:
the 2025-26 plan's cover, summary, income, expenditure, metrics and national conditions) and
from the template's guidance text. Where the published text shows an empty heading cell (the
DFG breakdown has no 'Contribution' heading; the metric plan tables have no heading left of
their months) this file has none either.

`build(path, extra_rows=.., extra_cols=.., input_rows=..)` moves the tables down and right and
changes how many scheme lines the expenditure table offers, so a test can confirm that nothing
is found by its address. The returned `Built` says where this builder put things, for tests
that read the result back with openpyxl.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell, xl_col_to_name
from PIL import Image

TITLE = "Better Care Fund 2025-26 Planning Template"
PASSWORD = "BCF2526"
HWB = "Leicestershire"

# --- the drop-down lists, as the hidden 'Lookups' sheet holds them ----------------------------

ACTIVITIES = [
    "Assistive technologies and equipment",
    "Housing related schemes",
    "Disabled Facilities Grant related schemes",
    "Wider local support to promote prevention and independence",
    "Home-based intermediate care (short-term home-based rehabilitation, reablement and recovery services)",
    "Short-term home-based social care (excluding rehabilitation, reablement and recovery services)",
    "Long-term home-based social care services",
    "Long-term home-based community health services",
    "Bed-based intermediate care (short-term bed-based rehabilitation, reablement and recovery services)",
    "Long-term residential/nursing home care",
    "Discharge support and infrastructure",
    "End of life care",
    "Support to carers, including unpaid carers",
    "Evaluation and enabling integration",
    "Urgent community response",
    "Personalised budgeting and commissioning",
    "Other",
]
PRIMARY_OBJECTIVES = [
    "1. Proactive care to those with complex needs",
    "2. Home adaptations and tech",
    "3. Supporting unpaid carers",
    "4. Preventing unnecessary hospital admissions",
    "5. Timely discharge from hospital",
    "6. Reducing the need for long term residential care",
]
AREAS_OF_SPEND = ["Social Care", "Community Health", "Mental Health", "Continuing Care", "Primary Care", "Acute", "Other"]
PROVIDERS = ["Local Authority", "NHS", "NHS Acute Provider", "NHS Community Provider", "NHS Mental Health Provider",
             "Private Sector", "Charity / Voluntary Sector"]
SOURCES = ["DFG", "NHS Minimum Contribution", "Local Authority Better Care Grant", "Additional LA Contribution",
           "Additional NHS Contribution"]
YES_NO = ["Yes", "No"]
DOCUMENTS = ["Narrative", "C&D National Template"]
HWBS = ["Leicester", "Leicestershire", "Lincolnshire", "Northamptonshire", "Nottingham", "Nottinghamshire", "Rutland",
        "Warwickshire"]

LISTS = {   # defined name -> values
    "ListHWB": HWBS, "ListYesNo": YES_NO, "ListDocuments": DOCUMENTS, "ListActivity": ACTIVITIES,
    "ListPrimaryObjective": PRIMARY_OBJECTIVES, "ListAreaOfSpend": AREAS_OF_SPEND, "ListProvider": PROVIDERS,
    "ListFundingSource": SOURCES,
}

# --- Leicestershire's published allocations (the very hidden data sheet) ----------------------

DFG = 5518288
DISTRICTS = [("Blaby", 823673), ("Charnwood", 1397936), ("Harborough", 635762), ("Hinckley and Bosworth", 718365),
             ("Melton", 427729), ("North West Leicestershire", 943749), ("Oadby and Wigston", 571074)]
LA_BCG = 21824275
ICBS = [("NHS Leicester, Leicestershire and Rutland ICB", 57070979)]
ASC_MINIMUM = 31982219
POPULATION_65 = 153982
DISTRICT_SLOTS = 10
ICB_SLOTS = 3
ADDITIONAL_SLOTS = 5

# The scheme table's headings: (first row, second row); a heading with no second part is merged
# down over both rows. None is the hidden helper column.
SCHEME_HEADINGS = [
    ("Scheme", "ID"),
    ("Activity", ""),
    ("Description of\nScheme", ""),
    ("Primary Objective", ""),
    ("Area of Spend", ""),
    ("Provider", ""),
    ("Source of\nFunding", ""),
    None,
    ("Expenditure for", "2025-26 (£)"),
    ("Comments (optional)", ""),
]
# The published column names (the sample register's headings) in the table's order.
SCHEME_COLUMNS = ["Scheme ID", "Activity", "Description of Scheme", "Primary Objective", "Area of Spend", "Provider",
                  "Source of Funding", None, "Expenditure for 2025-26 (£)", "Comments (optional)"]
SCHEME_LISTS = {"Activity": "ListActivity", "Primary Objective": "ListPrimaryObjective",
                "Area of Spend": "ListAreaOfSpend", "Provider": "ListProvider", "Source of Funding": "ListFundingSource"}

MONTHS_ACTUAL = ["Apr 24", "May 24", "Jun 24", "Jul 24", "Aug 24", "Sep 24", "Oct 24", "Nov 24", "Dec 24", "Jan 25",
                 "Feb 25", "Mar 25"]
MONTHS_PLAN = ["Apr 25", "May 25", "Jun 25", "Jul 25", "Aug 25", "Sep 25", "Oct 25", "Nov 25", "Dec 25", "Jan 26",
               "Feb 26", "Mar 26"]
RATIONALE = ("Rationale for how local goal for 2025-26 was set. Include how learning and performance to date in 2024-25 "
             "has been taken into account, impact of demographic and other demand drivers. Please also describe how "
             "the ambition represents a stretching target for the area.")


@dataclass
class Built:
    """Where this builder put the things a test reads back (1-based rows and columns)."""

    path: Path
    scheme_header_row: int = 0
    scheme_first_row: int = 0
    scheme_rows: int = 0
    scheme_columns: dict[str, int] = field(default_factory=dict)   # published column name -> column
    helper_column: int = 0
    running_balances: dict[str, tuple[int, int]] = field(default_factory=dict)  # source -> its Income cell
    asc_minimum: tuple[int, int] = (0, 0)                                      # required spend's minimum cell
    hidden_sheets: dict[str, str] = field(default_factory=dict)    # sheet -> 'hidden' / 'veryHidden'
    defined_names: list[str] = field(default_factory=list)


def _ref(sheet: str, row: int, col: int, absolute: bool = True) -> str:
    """An A1 reference to a 1-based cell on another sheet."""
    return f"'{sheet}'!{xl_rowcol_to_cell(row - 1, col - 1, row_abs=absolute, col_abs=absolute)}"


def _cell(row: int, col: int, absolute: bool = False) -> str:
    return xl_rowcol_to_cell(row - 1, col - 1, row_abs=absolute, col_abs=absolute)


def _span(row1: int, col1: int, row2: int, col2: int) -> str:
    return f"{_cell(row1, col1, True)}:{_cell(row2, col2, True)}"


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook):
        base = {"font_name": "Arial", "font_size": 10, "valign": "top"}

        def make(**kw):
            return wb.add_format({**base, **kw})

        self.title = make(bold=True, font_size=16, font_color="#005EB8")
        self.subtitle = make(bold=True, font_size=13)
        self.status = make(bold=True, font_color="#FFFFFF", bg_color="#C00000", align="center")
        self.bold = make(bold=True)
        self.text = make(text_wrap=True)
        self.italic = wb.add_format({"italic": True})
        self.link = make(font_color="#0563C1", underline=1)
        self.header = make(bold=True, text_wrap=True, bg_color="#B4C6E7", border=1, valign="vcenter")
        self.label = make(text_wrap=True, border=1, bg_color="#D9E1F2")
        self.input = make(bg_color="#FFFF99", border=1, locked=False, text_wrap=True)
        self.input_money = make(bg_color="#FFFF99", border=1, locked=False, num_format="£#,##0")
        self.input_pct = make(bg_color="#FFFF99", border=1, locked=False, num_format="0.0%")
        self.input_date = make(bg_color="#FFFF99", border=1, locked=False, num_format="dd/mm/yyyy")
        self.greyed = make(bg_color="#D9D9D9", border=1, locked=False, text_wrap=True)
        self.greyed_money = make(bg_color="#D9D9D9", border=1, locked=False, num_format="£#,##0")
        self.prepop = make(bg_color="#BDD7EE", border=1)
        self.prepop_money = make(bg_color="#BDD7EE", border=1, num_format="£#,##0")
        self.prepop_number = make(bg_color="#BDD7EE", border=1, num_format="#,##0.0")
        self.calc = make(bg_color="#F2F2F2", border=1, num_format="#,##0")
        self.calc_money = make(bg_color="#F2F2F2", border=1, num_format="£#,##0")
        self.total_money = make(bold=True, bg_color="#F2F2F2", border=1, num_format="£#,##0")
        self.checker = make(align="center", border=1)
        self.yes = wb.add_format({"bg_color": "#C6EFCE", "font_color": "#006100"})
        self.no = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
        self.open = wb.add_format({"bg_color": "#FFFF99"})
        self.hidden_helper = make(num_format="#,##0")


class _Sheet:
    """One worksheet addressed with 1-based rows and columns, shifted right by `dc` columns."""

    def __init__(self, ws, fmt: _Formats, dc: int, checker_col: int | None = None):
        self.ws, self.f, self.dc = ws, fmt, dc
        self.name = ws.get_name()
        self.checker_col = checker_col + dc if checker_col else None
        self.checkers: list[int] = []

    def c(self, col: int) -> int:
        return col + self.dc

    def put(self, row: int, col: int, value, fmt=None):
        if value is None or value == "":
            self.ws.write_blank(row - 1, self.c(col) - 1, None, fmt)
        else:
            self.ws.write(row - 1, self.c(col) - 1, value, fmt)

    def formula(self, row: int, col: int, formula: str, fmt=None, cached=0):
        self.ws.write_formula(row - 1, self.c(col) - 1, formula, fmt, cached)

    def merge(self, row1: int, col1: int, row2: int, col2: int, value, fmt):
        self.ws.merge_range(row1 - 1, self.c(col1) - 1, row2 - 1, self.c(col2) - 1, value, fmt)

    def link(self, row: int, col: int, target: str, text: str):
        self.ws.write_url(row - 1, self.c(col) - 1, f"internal:{target}", self.f.link, text)

    def validate(self, row1: int, col1: int, row2: int, col2: int, name: str):
        self.ws.data_validation(row1 - 1, self.c(col1) - 1, row2 - 1, self.c(col2) - 1,
                                {"validate": "list", "source": f"={name}",
                                 "error_title": "Invalid entry", "error_message": "Please select from the list."})

    def check(self, row: int, formula: str, cached: str = "No"):
        """A Yes/No checker cell in the sheet's checker column, green or red."""
        self.formula(row, self.checker_col - self.dc, formula, self.f.checker, cached)
        self.checkers.append(row)

    def top(self, title: str, subtitle: str, width: int):
        self.merge(2, 2, 2, width, title, self.f.title)
        self.put(3, 2, subtitle, self.f.subtitle)
        if self.checker_col:
            self.put(2, self.checker_col - self.dc, "Complete:", self.f.bold)

    def selected(self, row: int, label: str = "Selected Health and Wellbeing Board:") -> int:
        """The HWB chosen on the cover, repeated under the title; returns the row after the gap below it."""
        self.put(row, 2, label, self.f.bold)
        self.formula(row, 3, "=SelectedHWB", self.f.prepop, HWB)
        return row + 2

    def finish(self):
        """The sheet's own 'Complete:' cell, conditional formats over the checkers, protection."""
        if self.checker_col:
            col = xl_col_to_name(self.checker_col - 1)
            rows = self.checkers or [4]
            rng = f"${col}${min(rows)}:${col}${max(rows)}"
            self.formula(3, self.checker_col - self.dc, f'=IF(COUNTIF({rng},"No")>0,"No","Yes")', self.f.checker, "No")
            for fmt, word in ((self.f.yes, "Yes"), (self.f.no, "No")):
                self.ws.conditional_format(1, self.checker_col - 1, max(rows) - 1, self.checker_col - 1,
                                           {"type": "cell", "criteria": "==", "value": f'"{word}"', "format": fmt})
        self.ws.protect(PASSWORD, {"format_columns": True, "format_rows": True, "select_locked_cells": True,
                                   "select_unlocked_cells": True})
        self.ws.hide_gridlines(2)


def _png() -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (120, 40), (0, 94, 184)).save(data, format="PNG")
    data.seek(0)
    return data


def build(path: str | Path, *, extra_rows: int = 0, extra_cols: int = 0, input_rows: int = 300,
          renamed: dict[str, str] | None = None) -> Built:
    """Write the template to `path`: Leicestershire selected, its allocations pre-populated, nothing else entered.

    `renamed` rewrites scheme-table heading parts (`{"2025-26 (£)": "2026-27 (£)"}`), as a new year's template does."""
    path = Path(path)
    built = Built(path)
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"title": TITLE, "author": "NHS England", "company": "NHS England"})
    f = _Formats(wb)
    names = ["1. Guidance", "2. Cover", "3. Summary", "4. Income", "5. Expenditure", "5a. Expenditure guidance",
             "6. Metrics", "7. National Conditions", "Lookups", "HWB Data"]
    ws = {n: wb.add_worksheet(n) for n in names}
    at: dict[str, object] = {}
    gap = extra_rows

    _lookups(wb, ws["Lookups"], built)
    _data(wb, ws["HWB Data"], built)
    cover = _Sheet(ws["2. Cover"], f, extra_cols, checker_col=10)
    at["hwb"] = _cover_top(cover, gap)
    wb.define_name("SelectedHWB", "=" + _ref("2. Cover", at["hwb"], cover.c(3)))
    income = _Sheet(ws["4. Income"], f, extra_cols, checker_col=7)
    at.update(_income(income, gap, at))
    expenditure = _Sheet(ws["5. Expenditure"], f, extra_cols, checker_col=13)
    at.update(_expenditure(expenditure, gap, at, input_rows, built, renamed or {}))
    metrics = _Sheet(ws["6. Metrics"], f, extra_cols, checker_col=20)
    _metrics(metrics, gap, at)
    conditions = _Sheet(ws["7. National Conditions"], f, extra_cols, checker_col=9)
    _conditions(conditions, gap, at)
    complete = {s.name: _ref(s.name, 3, s.checker_col) for s in (cover, income, expenditure, metrics, conditions)}
    _cover_rest(cover, at, complete)
    summary = _Sheet(ws["3. Summary"], f, extra_cols)
    _summary(summary, gap, at)
    guidance = _Sheet(ws["1. Guidance"], f, extra_cols)
    _guidance(guidance)
    expenditure_guidance = _Sheet(ws["5a. Expenditure guidance"], f, extra_cols)
    _expenditure_guidance(expenditure_guidance)
    for sheet in (guidance, cover, summary, income, expenditure, expenditure_guidance, metrics, conditions):
        sheet.finish()
    ws["2. Cover"].activate()
    ws["2. Cover"].set_first_sheet()
    wb.close()
    return built


# --- hidden sheets ---------------------------------------------------------------------------

def _lookups(wb, ws, built: Built) -> None:
    for col, (name, values) in enumerate(LISTS.items()):
        ws.write(0, col, name)
        for i, value in enumerate(values):
            ws.write(i + 1, col, value)
        letter = xl_col_to_name(col)
        wb.define_name(name, f"=Lookups!${letter}$2:${letter}${len(values) + 1}")
        built.defined_names.append(name)
    ws.hide()
    ws.protect(PASSWORD)
    built.hidden_sheets["Lookups"] = "hidden"


DATA_COLUMNS = ["HWB", "DFG", "LA BCG", "ASC minimum", "Population 65+"] + \
    [f"{kind} {i}" for i in range(1, ICB_SLOTS + 1) for kind in ("ICB", "ICB amount")] + \
    [f"{kind} {i}" for i in range(1, DISTRICT_SLOTS + 1) for kind in ("District", "District amount")]


def _data(wb, ws, built: Built) -> None:
    """One row per HWB; the income sheet looks its cells up here once an HWB is selected."""
    row = [HWB, DFG, LA_BCG, ASC_MINIMUM, POPULATION_65]
    for i in range(ICB_SLOTS):
        row += list(ICBS[i]) if i < len(ICBS) else ["", ""]
    for i in range(DISTRICT_SLOTS):
        row += list(DISTRICTS[i]) if i < len(DISTRICTS) else ["", ""]
    for col, (heading, value) in enumerate(zip(DATA_COLUMNS, row)):
        ws.write(0, col, heading)
        if value != "":
            ws.write(1, col, value)
        letter = xl_col_to_name(col)
        name = "Data" + "".join(w.capitalize() for w in heading.replace("+", "").split())
        wb.define_name(name, f"='HWB Data'!${letter}$2:${letter}$200")
        built.defined_names.append(name)
    ws.very_hidden()
    ws.protect(PASSWORD)
    built.hidden_sheets["HWB Data"] = "veryHidden"


def _lookup(column: str) -> str:
    name = "Data" + "".join(w.capitalize() for w in column.replace("+", "").split())
    return f'=IFERROR(INDEX({name},MATCH(SelectedHWB,DataHwb,0))&"","")' if not _is_money(column) else \
        f"=IFERROR(INDEX({name},MATCH(SelectedHWB,DataHwb,0)),0)"


def _is_money(column: str) -> bool:
    return column in ("DFG", "LA BCG", "ASC minimum", "Population 65+") or "amount" in column


# --- 2. Cover --------------------------------------------------------------------------------

NOTES = [
    "The BCF planning template is categorised as 'Management Information' and data from them will be published in "
    "an aggregated form on the NHS England website and gov.uk. This will include any narrative section.",
    "At a local level it is for the HWB to decide what information it needs to publish as part of wider local "
    "government reporting and transparency requirements.",
    "All information will be supplied to BCF partners (MHCLG, DHSC, NHS England) to inform policy development.",
    "This template is password protected to ensure data integrity and accurate aggregation of collected information. "
    "A resubmission may be required if this is breached.",
]
PEOPLE = [
    ("Health and wellbeing board chair(s) sign off",
     [("Health and Wellbeing Board Chair", True), ("Health and Wellbeing Board Chair", False)]),
    ("Named Accountable person",
     [("Local Authority Chief Executive", True), ("ICB Chief Executive 1", True),
      ("ICB Chief Executive 2 (where required)", False), ("ICB Chief Executive 3 (where required)", False),
      ("LA Section 151 Officer", True)]),
    ("Finance sign off",
     [("ICB Finance Director 1", True), ("ICB Finance Director 2 (where required)", False),
      ("ICB Finance Director 3 (where required)", False)]),
    (None,
     [("Local Authority Director of Adult Social Services", True), ("DFG Lead", True), ("ICB Place Director 1", True),
      ("ICB Place Director 2 (where required)", False), ("ICB Place Director 3 (where required)", False)]),
]
ASSURANCE = [
    ("National Condition One: Plans to be jointly agreed",
     ["The HWB is fully assured, ahead of signing off that the BCF plan, that local goals for headline metrics and "
      "supporting documentation have been robustly created, with input from all system partners, that the ambitions "
      "indicated are based upon realistic assumptions and that plans have been signed off by local authority and ICB "
      "chief executives as the named accountable people."]),
    ("National Condition Two: Implementing the objectives of the BCF",
     ["The HWB is fully assured that the BCF plan sets out a joint system approach to support improved outcomes "
      "against the two BCF policy objectives, with locally agreed goals against the three headline metrics, which "
      "align with NHS operational plans and local authority adult social care plans."]),
    ("National Condition Three: Complying with grant and funding conditions, including maintaining the NHS minimum "
     "contribution to adult social care (ASC)",
     ["The HWB is fully assured that the planned use of BCF funding is in line with grant and funding conditions and "
      "that funding will be placed into one or more pooled funds under section 75 of the NHS Act 2006 once the plan "
      "is approved",
      "The ICB has committed to maintaining the NHS minimum contribution to adult social care in line with the BCF "
      "planning requirements."]),
    ("National Condition Four: Complying with oversight and support processes",
     ["The HWB is fully assured that there are appropriate mechanisms in place to monitor performance against the "
      "local goals for the 3 headline metrics and delivery of the BCF plan and that there is a robust governance to "
      "address any variances in a timely and appropriate manner"]),
]


def _filled(ref: str) -> str:
    return f'IF(LEN(TRIM({ref}))=0,"No","Yes")'


def _cover_top(s: _Sheet, gap: int) -> int:
    f = s.f
    s.merge(2, 2, 2, 7, TITLE, f.title)
    s.put(2, 10, "Complete:", f.bold)
    s.ws.insert_image(0, s.c(8) - 1, "logo.png", {"image_data": _png(), "x_scale": 1, "y_scale": 1})
    s.put(4, 2, "2. Cover", f.subtitle)
    s.put(5, 2, "Version 1.5", f.bold)
    r = 7 + gap
    s.put(r, 2, "Please Note:", f.bold)
    for note in NOTES:
        r += 1
        s.merge(r, 2, r, 8, "- " + note, f.text)
        s.ws.set_row(r - 1, 30)
    r += 2
    s.put(r, 2, "Governance and Sign off", f.bold)
    hwb = r + 1
    s.put(hwb, 2, "Health and Wellbeing Board:", f.label)
    s.put(hwb, 3, HWB, f.input)
    s.validate(hwb, 3, hwb, 3, "ListHWB")
    s.check(hwb, "=" + _filled(_cell(hwb, s.c(3))), "Yes")
    signed = hwb + 1
    s.put(signed, 2, "Confirmation that the plan has been signed off by Health and Wellbeing Board ahead of submission - "
                     "Plans should be signed off ahead of submission.", f.label)
    s.ws.set_row(signed - 1, 40)
    s.put(signed, 3, "", f.input)
    s.validate(signed, 3, signed, 3, "ListYesNo")
    s.check(signed, "=" + _filled(_cell(signed, s.c(3))))
    answer = _cell(signed, s.c(3), True)
    s.put(signed + 1, 2, "If no indicate the reasons for the delay.", f.label)
    s.merge(signed + 1, 3, signed + 1, 5, "", f.input)
    s.check(signed + 1, f'=IF(AND({answer}="No",LEN(TRIM({_cell(signed + 1, s.c(3))}))=0),"No","Yes")', "Yes")
    s.put(signed + 2, 2, "If no please indicate when the HWB is expected to sign off the plan:", f.label)
    s.put(signed + 2, 3, "", f.input_date)
    s.ws.data_validation(signed + 1, s.c(3) - 1, signed + 1, s.c(3) - 1,
                         {"validate": "date", "criteria": ">", "value": 45658})   # after 1 January 2025
    s.check(signed + 2, f'=IF(AND({answer}="No",{_cell(signed + 2, s.c(3))}=""),"No","Yes")', "Yes")
    r = signed + 4
    for label in ("Submitted by:", "Role and organisation:", "E-mail:", "Contact number:"):
        s.put(r, 2, label, f.label)
        s.put(r, 3, "", f.input)
        s.check(r, "=" + _filled(_cell(r, s.c(3))))
        r += 1
    s.ws.data_validation(r - 3, s.c(3) - 1, r - 3, s.c(3) - 1,
                         {"validate": "custom", "value": f'=ISNUMBER(FIND("@",{_cell(r - 2, s.c(3))}))'})
    r += 1
    s.put(r, 2, "Documents Submitted (please select from drop down)", f.bold)
    s.put(r + 1, 2, "In addition to this template the HWB are submitting the following:", f.label)
    for i in (2, 3):
        s.put(r + i, 3, "", f.input)
    s.validate(r + 2, 3, r + 3, 3, "ListDocuments")
    s.check(r + 2, f'=IF(COUNTA({_cell(r + 2, s.c(3))}:{_cell(r + 3, s.c(3))})=0,"No","Yes")')
    s.cover_people = r + 5   # where the rest of the cover continues
    return hwb


def _cover_rest(s: _Sheet, at: dict, complete: dict[str, str]) -> None:
    f = s.f
    r = s.cover_people
    for col, heading in enumerate(["Role:", "Professional Title (e.g. Dr, Cllr, Prof)", "First-name:", "Surname:",
                                   "E-mail:", "Organisation"], start=3):
        s.put(r, col, heading, f.header)
    s.put(r, 2, "", f.header)
    s.ws.set_row(r - 1, 30)
    r += 1
    for group, people in PEOPLE:
        first = r
        for role, required in people:
            s.put(r, 3, role, f.label)
            for col in range(4, 9):
                s.put(r, col, "", f.input)
            cells = [_cell(r, s.c(col)) for col in range(4, 9)]
            s.check(r, "=IF(OR(" + ",".join(f"LEN(TRIM({c}))=0" for c in cells) + '),"No","Yes")' if required
                    else '="Yes"', "No" if required else "Yes")
            r += 1
        if group is None:
            s.ws.merge_range(first - 1, s.c(2) - 1, r - 2, s.c(2) - 1, "", f.label)
            s.ws.write_rich_string(first - 1, s.c(2) - 1, "Area assurance contacts ", f.italic,
                                   "Please add any additional key contacts who have been responsible for completing "
                                   "the plan", f.label)
        elif r - 1 > first:
            s.merge(first, 2, r - 1, 2, group, f.label)
        else:
            s.put(first, 2, group, f.label)
        r += 1      # a blank row between the groups
    r += 1
    s.put(r, 2, "Assurance Statements", f.bold)
    r += 1
    s.put(r, 2, "National Condition", f.header)
    s.merge(r, 3, r, 5, "Assurance Statement", f.header)
    s.put(r, 6, "Yes/No", f.header)
    s.merge(r, 7, r, 8, "If no please use this section to explain your response", f.header)
    r += 1
    for condition, statements in ASSURANCE:
        if len(statements) > 1:
            s.merge(r, 2, r + len(statements) - 1, 2, condition, f.label)
        else:
            s.put(r, 2, condition, f.label)
        for statement in statements:
            s.merge(r, 3, r, 5, statement, f.label)
            s.ws.set_row(r - 1, 75)
            s.put(r, 6, "", f.input)
            s.merge(r, 7, r, 8, "", f.input)
            yes, why = _cell(r, s.c(6)), _cell(r, s.c(7))
            s.check(r, f'=IF(OR(LEN(TRIM({yes}))=0,AND({yes}="No",LEN(TRIM({why}))=0)),"No","Yes")')
            s.validate(r, 6, r, 6, "ListYesNo")
            r += 1
    r += 1
    s.put(r, 2, "Data Quality Issues - Please outline any data quality issues that have impacted on planning and on "
                "the completion of the plan", f.label)
    s.merge(r, 3, r, 8, "", f.input)
    s.ws.set_row(r - 1, 60)
    r += 2
    s.merge(r, 2, r, 8, "Question Completion - When all questions have been answered and the validation boxes below "
                        "have turned green, please send the template to the Better Care Fund Team "
                        "england.bettercarefundteam@nhs.net saving the file as 'Name HWB' for example 'County Durham "
                        "HWB'. Please also copy in your Better Care Manager.", f.text)
    s.ws.set_row(r - 1, 45)
    r += 2
    s.put(r, 2, "Template Completed", f.bold)
    s.put(r + 1, 3, "Complete:", f.bold)
    first = r + 2
    for i, (sheet, ref) in enumerate(complete.items()):
        s.link(first + i, 2, f"'{sheet}'!A1", sheet)
        s.formula(first + i, 3, "=" + ref, f.checker, "No")
    last = first + len(complete) - 1
    s.ws.conditional_format(first - 1, s.c(3) - 1, last - 1, s.c(3) - 1,
                            {"type": "cell", "criteria": "==", "value": '"Yes"', "format": f.yes})
    s.ws.conditional_format(first - 1, s.c(3) - 1, last - 1, s.c(3) - 1,
                            {"type": "cell", "criteria": "==", "value": '"No"', "format": f.no})
    s.link(last + 1, 2, "'1. Guidance'!A1", "<< Link to the Guidance sheet")
    s.link(last + 2, 2, "'2. Cover'!A1", "^^ Link back to top")
    # 'Incomplete Template' below the title turns to 'Template Complete' with the checklist.
    rng = f"{_cell(first, s.c(3), True)}:{_cell(last, s.c(3), True)}"
    s.ws.merge_range(2, s.c(2) - 1, 2, s.c(4) - 1, "", f.status)
    s.formula(3, 2, f'=IF(COUNTIF({rng},"Yes")={len(complete)},"Template Complete","Incomplete Template")',
              f.status, "Incomplete Template")
    s.ws.conditional_format(2, s.c(2) - 1, 2, s.c(2) - 1,
                            {"type": "cell", "criteria": "==", "value": '"Template Complete"', "format": f.yes})
    s.ws.set_column(s.c(2) - 1, s.c(2) - 1, 45)
    s.ws.set_column(s.c(3) - 1, s.c(8) - 1, 22)


# --- 4. Income -------------------------------------------------------------------------------

def _income(s: _Sheet, gap: int, at: dict) -> dict:
    f = s.f
    s.top(TITLE, "4. Income", 5)
    r = s.selected(5 + gap)
    s.put(r, 2, "Local Authority Contribution", f.subtitle)
    r += 1
    s.put(r, 2, "Disabled Facilities Grant (DFG)", f.header)
    s.put(r, 3, "Gross Contribution", f.header)
    dfg = r + 1
    s.formula(dfg, 2, "=SelectedHWB", f.prepop, HWB)
    s.formula(dfg, 3, _lookup("DFG"), f.prepop_money, DFG)
    r = dfg + 1
    s.put(r, 2, "DFG breakdown for two-tier areas only (where applicable)", f.header)
    s.put(r, 3, "", f.header)
    _looked_up(s, r + 1, "District", DISTRICTS, DISTRICT_SLOTS)
    r += DISTRICT_SLOTS + 1
    dfg_total = r
    s.put(r, 2, "Total Minimum LA Contribution (exc Local Authority BCF Grant)", f.bold)
    s.formula(r, 3, f"=SUM({_cell(dfg, s.c(3))})", f.total_money, DFG)
    r += 2
    s.put(r, 2, "Local Authority Better Care Grant", f.header)
    s.put(r, 3, "Contribution", f.header)
    s.formula(r + 1, 2, "=SelectedHWB", f.prepop, HWB)
    s.formula(r + 1, 3, _lookup("LA BCG"), f.prepop_money, LA_BCG)
    bcg_total = r + 2
    s.put(bcg_total, 2, "Total Local Authority Better Care Grant", f.bold)
    s.formula(bcg_total, 3, f"=SUM({_cell(r + 1, s.c(3))})", f.total_money, LA_BCG)
    r = bcg_total + 2
    add_la_total, r = _additional(s, r, "LA", "Local Authority Additional Contribution",
                                  "Total Additional Local Authority Contribution")
    r += 1
    s.put(r, 2, "NHS Minimum Contribution", f.header)
    s.put(r, 3, "Contribution", f.header)
    _looked_up(s, r + 1, "ICB", ICBS, ICB_SLOTS)
    nhs_min_total = r + ICB_SLOTS + 1
    s.put(nhs_min_total, 2, "Total NHS Minimum Contribution", f.bold)
    s.formula(nhs_min_total, 3, f"=SUM({_cell(r + 1, s.c(3))}:{_cell(r + ICB_SLOTS, s.c(3))})", f.total_money,
              sum(a for _, a in ICBS))
    r = nhs_min_total + 2
    add_nhs_total, r = _additional(s, r, "NHS", "Additional NHS Contribution", "Total Additional NHS Contribution")
    nhs_total = r
    s.put(r, 2, "Total NHS Contribution", f.bold)
    s.formula(r, 3, f"={_cell(nhs_min_total, s.c(3))}+{_cell(add_nhs_total, s.c(3))}", f.total_money,
              sum(a for _, a in ICBS))
    r += 2
    s.put(r, 3, "2025-26", f.header)
    s.put(r + 1, 2, "Total BCF Pooled Budget", f.bold)
    s.formula(r + 1, 3, "=" + "+".join(_cell(x, s.c(3)) for x in (dfg_total, bcg_total, add_la_total, nhs_total)),
              f.total_money, DFG + LA_BCG + sum(a for _, a in ICBS))
    r += 3
    s.put(r, 2, "Funding Contributions Comments", f.subtitle)
    s.put(r + 1, 2, "Optional for any useful detail", f.label)
    s.merge(r + 1, 3, r + 1, 5, "", f.input)
    s.ws.set_column(s.c(2) - 1, s.c(2) - 1, 60)
    s.ws.set_column(s.c(3) - 1, s.c(5) - 1, 20)
    return {"dfg_total": _ref(s.name, dfg_total, s.c(3)), "bcg_total": _ref(s.name, bcg_total, s.c(3)),
            "add_la_total": _ref(s.name, add_la_total, s.c(3)), "nhs_min_total": _ref(s.name, nhs_min_total, s.c(3)),
            "add_nhs_total": _ref(s.name, add_nhs_total, s.c(3))}


def _looked_up(s: _Sheet, first: int, kind: str, known: list[tuple[str, int]], slots: int) -> None:
    """Name and amount slots filled from the data sheet for the selected HWB; blank when it has fewer."""
    for i in range(slots):
        name, amount = known[i] if i < len(known) else ("", "")
        s.formula(first + i, 2, _lookup(f"{kind} {i + 1}"), s.f.prepop, name)
        s.formula(first + i, 3, f'=IF({_cell(first + i, s.c(2))}="","",{_lookup(f"{kind} amount {i + 1}")[1:]})',
                  s.f.prepop_money, amount)


def _additional(s: _Sheet, r: int, who: str, heading: str, total: str) -> tuple[int, int]:
    """'Are any additional .. Contributions being made?' and its lines, editable once the answer is Yes."""
    f = s.f
    s.put(r, 2, f"Are any additional {who} Contributions being made in 2025-26? If yes, please detail below", f.label)
    s.put(r, 3, "", f.input)
    s.validate(r, 3, r, 3, "ListYesNo")
    s.check(r, "=" + _filled(_cell(r, s.c(3))))
    answer = _cell(r, s.c(3), True)
    r += 1
    s.put(r, 2, heading, f.header)
    s.put(r, 3, "Contribution", f.header)
    s.merge(r, 4, r, 5, "Comments - Please use this box to clarify any specific uses or sources of funding", f.header)
    first = r + 1
    for i in range(ADDITIONAL_SLOTS):
        s.put(first + i, 2, "", f.greyed)
        s.put(first + i, 3, "", f.greyed_money)
        s.merge(first + i, 4, first + i, 5, "", f.greyed)
    last = first + ADDITIONAL_SLOTS - 1
    s.ws.conditional_format(first - 1, s.c(2) - 1, last - 1, s.c(5) - 1,
                            {"type": "formula", "criteria": f'={answer}="Yes"', "format": f.open})
    s.check(first, f'=IF(AND({answer}="Yes",COUNT({_cell(first, s.c(3))}:{_cell(last, s.c(3))})=0),"No","Yes")',
            "Yes")
    total_row = last + 1
    s.put(total_row, 2, total, f.bold)
    s.formula(total_row, 3, f"=SUM({_cell(first, s.c(3))}:{_cell(last, s.c(3))})", f.total_money, 0)
    return total_row, total_row + 1


# --- 5. Expenditure --------------------------------------------------------------------------

RUNNING = [("DFG", "dfg_total"), ("NHS Minimum Contribution", "nhs_min_total"),
           ("Local Authority Better Care Grant", "bcg_total"), ("Additional LA contribution", "add_la_total"),
           ("Additional NHS contribution", "add_nhs_total")]
CACHED_INCOME = {"dfg_total": DFG, "nhs_min_total": 57070979, "bcg_total": LA_BCG, "add_la_total": 0,
                 "add_nhs_total": 0}


def _expenditure(s: _Sheet, gap: int, at: dict, input_rows: int, built: Built, renamed: dict[str, str]) -> dict:
    f = s.f
    s.top(TITLE, "5. Expenditure", 11)
    s.selected(5)
    s.link(6, 2, "'3. Summary'!A1", "<< Link to summary sheet")
    # Where the scheme table will stand, for the formulas above it.
    rb = 8 + gap
    rs = rb + 10
    head = rs + 8
    first, last = head + 2, head + 1 + input_rows
    cols = {name: 2 + i for i, name in enumerate(SCHEME_COLUMNS) if name}
    helper = 2 + SCHEME_COLUMNS.index(None)

    def column(name: str) -> str:
        return f"{_cell(first, s.c(cols[name]), True)}:{_cell(last, s.c(cols[name]), True)}"

    spend, source = column("Expenditure for 2025-26 (£)"), column("Source of Funding")
    s.merge(rb, 3, rb, 5, "2025-26", f.header)
    for col, heading in enumerate(["Running Balances", "Income", "Expenditure", "Balance"], start=2):
        s.put(rb + 1, col, heading, f.header)
    rows = {}
    for i, (label, income) in enumerate(RUNNING):
        r = rb + 2 + i
        rows[label] = r
        s.put(r, 2, label, f.label)
        s.formula(r, 3, "=" + at[income], f.calc_money, CACHED_INCOME[income])
        s.formula(r, 4, f"=SUMIFS({spend},{source},{_cell(r, s.c(2))})", f.calc_money, 0)
        s.formula(r, 5, f"={_cell(r, s.c(3))}-{_cell(r, s.c(4))}", f.calc_money, CACHED_INCOME[income])
    total = rb + 2 + len(RUNNING)
    s.put(total, 2, "Total", f.bold)
    for col in (3, 4, 5):
        cached = sum(CACHED_INCOME.values()) if col != 4 else 0
        s.formula(total, col, f"=SUM({_cell(rb + 2, s.c(col))}:{_cell(total - 1, s.c(col))})", f.total_money, cached)
    s.put(rs, 2, "Required Spend", f.subtitle)
    s.merge(rs + 1, 2, rs + 1, 8, "This is in relation to National Conditions 3 only. It does NOT make up the total NHS "
                                  f"Minimum Contribution (on row {rows['NHS Minimum Contribution']} above).", f.text)
    s.merge(rs + 2, 3, rs + 2, 5, "2025-26", f.header)
    s.put(rs + 3, 2, "", f.header)
    for col, heading in enumerate(["Minimum Required Spend", "Planned Spend", "Unallocated"], start=3):
        s.put(rs + 3, col, heading, f.header)
    asc = rs + 4
    s.put(asc, 2, "Adult Social Care services spend from the NHS minimum allocations", f.label)
    s.formula(asc, 3, _lookup("ASC minimum"), f.prepop_money, ASC_MINIMUM)
    s.formula(asc, 4, f"=SUM({_cell(first, s.c(helper), True)}:{_cell(last, s.c(helper), True)})", f.calc_money, 0)
    s.formula(asc, 5, f"=MAX(0,{_cell(asc, s.c(3))}-{_cell(asc, s.c(4))})", f.calc_money, ASC_MINIMUM)
    # The checklist over the scheme table: one Yes/No per column.
    s.put(head - 3, 2, "Checklist", f.bold)
    s.put(head - 2, 2, "Column complete:", f.bold)
    any_entry = "&".join(f"{_cell(first, s.c(c), True)}:{_cell(last, s.c(c), True)}"
                         for name, c in cols.items() if name != "Comments (optional)")
    for name, c in cols.items():
        if name == "Comments (optional)":
            continue
        mine = f"{_cell(first, s.c(c), True)}:{_cell(last, s.c(c), True)}"
        s.formula(head - 1, c, f'=IF(SUMPRODUCT((LEN({any_entry})>0)*(LEN({mine})=0))>0,"No","Yes")', f.checker, "Yes")
    s.ws.conditional_format(head - 2, s.c(2) - 1, head - 2, s.c(11) - 1,
                            {"type": "cell", "criteria": "==", "value": '"No"', "format": f.no})
    s.ws.conditional_format(head - 2, s.c(2) - 1, head - 2, s.c(11) - 1,
                            {"type": "cell", "criteria": "==", "value": '"Yes"', "format": f.yes})
    s.check(head - 1, f'=IF(COUNTIF({_cell(head - 1, s.c(2))}:{_cell(head - 1, s.c(11))},"No")>0,"No","Yes")', "Yes")
    # Two heading rows: 'Scheme' over 'ID' and 'Expenditure for' over '2025-26 (£)'; the rest merged down.
    for i, heading in enumerate(SCHEME_HEADINGS):
        col = 2 + i
        heading = heading and tuple(renamed.get(part, part) for part in heading)
        if heading is None:
            s.put(head, col, "", f.header)
            s.put(head + 1, col, "", f.header)
        elif heading[1]:
            s.put(head, col, heading[0], f.header)
            s.put(head + 1, col, heading[1], f.header)
        else:
            s.merge(head, col, head + 1, col, heading[0], f.header)
    s.ws.set_row(head - 1, 30)
    s.ws.set_row(head, 30)
    money = s.c(cols["Expenditure for 2025-26 (£)"])
    for r in range(first, last + 1):
        for name, c in cols.items():
            s.put(r, c, "", f.input_money if s.c(c) == money else f.input)
        area, src, amount = (_cell(r, s.c(cols[n])) for n in ("Area of Spend", "Source of Funding",
                                                              "Expenditure for 2025-26 (£)"))
        s.formula(r, helper, f'=IF(AND({area}="Social Care",{src}="NHS Minimum Contribution"),N({amount}),0)',
                  f.hidden_helper, 0)
    for name, list_name in SCHEME_LISTS.items():
        s.validate(first, cols[name], last, cols[name], list_name)
    s.ws.data_validation(first - 1, money - 1, last - 1, money - 1,
                         {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 999999999})
    s.ws.set_column(s.c(2) - 1, s.c(2) - 1, 45)
    s.ws.set_column(s.c(3) - 1, s.c(11) - 1, 24)
    s.ws.set_column(s.c(helper) - 1, s.c(helper) - 1, 12, None, {"hidden": True})
    s.ws.freeze_panes(head + 1, 0)
    built.scheme_header_row, built.scheme_first_row, built.scheme_rows = head, first, input_rows
    built.scheme_columns = {name: s.c(c) for name, c in cols.items()}
    built.helper_column = s.c(helper)
    built.running_balances = {label: (r, s.c(3)) for label, r in rows.items()}
    built.asc_minimum = (asc, s.c(3))
    return {"rb_" + label: _ref(s.name, r, s.c(3)) for label, r in rows.items()} | {
        "rb_total": _ref(s.name, total, s.c(3)), "asc": _ref(s.name, asc, s.c(3))}


# --- 3. Summary ------------------------------------------------------------------------------

def _summary(s: _Sheet, gap: int, at: dict) -> None:
    f = s.f
    s.top(TITLE, "3. Summary", 5)
    r = s.selected(5 + gap)
    s.put(r, 2, "Income & Expenditure", f.subtitle)
    s.link(r + 1, 2, "'4. Income'!A1", "Income >>")
    r += 2
    for col, heading in enumerate(["Funding Sources", "Income", "Expenditure", "Difference"], start=2):
        s.put(r, col, heading, f.header)
    labels = ["DFG", "NHS Minimum Contribution", "Local Authority Better Care Grant", "Additional LA Contribution",
              "Additional ICB Contribution"]
    for i, (label, (running, income)) in enumerate(zip(labels, RUNNING)):
        row = r + 1 + i
        s.put(row, 2, label, f.label)
        ref = at["rb_" + running]           # the running balance's income cell; expenditure is one right
        s.formula(row, 3, "=" + ref, f.calc_money, CACHED_INCOME[income])
        s.formula(row, 4, f"=OFFSET({ref},0,1)", f.calc_money, 0)
        s.formula(row, 5, f"={_cell(row, s.c(3))}-{_cell(row, s.c(4))}", f.calc_money, CACHED_INCOME[income])
    total = r + 1 + len(labels)
    s.put(total, 2, "Total", f.bold)
    for col in (3, 4, 5):
        s.formula(total, col, f"=SUM({_cell(r + 1, s.c(col))}:{_cell(total - 1, s.c(col))})", f.total_money,
                  sum(CACHED_INCOME.values()) if col != 4 else 0)
    r = total + 2
    s.link(r, 2, "'5. Expenditure'!A1", "Expenditure >>")
    s.put(r + 1, 2, "Adult Social Care services spend from the NHS minimum contribution", f.subtitle)
    s.put(r + 2, 2, "", f.header)
    s.put(r + 2, 3, "2025-26", f.header)
    s.put(r + 3, 2, "Minimum required spend", f.label)
    s.formula(r + 3, 3, "=" + at["asc"], f.calc_money, ASC_MINIMUM)
    s.put(r + 4, 2, "Planned spend", f.label)
    s.formula(r + 4, 3, f"=OFFSET({at['asc']},0,1)", f.calc_money, 0)
    s.link(r + 6, 2, "'6. Metrics'!A1", "Metrics >>")
    r += 8
    plans = [m + " Plan" for m in MONTHS_PLAN[:5]]
    for heading, key, label, unit, heads in [
            ("Emergency admissions", "ea_rate", "Emergency admissions to hospital for people aged 65+ per 100,000 "
             "population", "", plans),
            ("Delayed Discharge", "dd_rate", "Average length of discharge delay for all acute adult patients", "", plans),
            ("Residential Admissions", "ra_rate", "Long-term support needs of older people (age 65 and over) met by "
             "admission to residential and nursing care homes, per 100,000 population", "Rate",
             ["2024-25 Estimated", "2025-26 Plan Q1", "2025-26 Plan Q2", "2025-26 Plan Q3", "2025-26 Plan Q4"])]:
        s.put(r, 2, heading, f.subtitle)
        s.put(r + 1, 2, "", f.header)
        s.put(r + 1, 3, "", f.header)
        s.put(r + 2, 2, label, f.label)
        s.put(r + 2, 3, unit, f.label)
        row, col = at[key]
        for j, head in enumerate(heads):
            s.put(r + 1, 4 + j, head, f.header)
            s.formula(r + 2, 4 + j, "=" + _ref("6. Metrics", row, col + j), f.calc, "")
        r += 4
    s.ws.set_column(s.c(2) - 1, s.c(2) - 1, 50)
    s.ws.set_column(s.c(3) - 1, s.c(5) - 1, 18)


# --- 6. Metrics ------------------------------------------------------------------------------

EA_ACTUAL = {"Rate": [1714, 1689, 1698, 1724, 1753, 1588, 1737, 1620],
             "Number of Admissions 65+": [2640, 2600, 2615, 2655, 2700, 2445, 2675, 2495],
             "Population of 65+*": [POPULATION_65] * 8}
DD_ACTUAL = [
    ("Average length of discharge delay for all acute adult patients (this calculates the % of patients discharged "
     "after their DRD, multiplied by the average number of days)", [0.69, 0.66, 0.66]),
    ("Proportion of adult patients discharged from acute hospitals on their discharge ready date", [0.846, 0.851, 0.845]),
    ("For those adult patients not discharged on DRD, average number of days from DRD to discharge", [4.5, 4.4, 4.3]),
]


def _metrics(s: _Sheet, gap: int, at: dict) -> None:
    f = s.f
    s.top(TITLE, "6. Metrics for 2025-26", 16)
    r = s.selected(5 + gap)
    # 8.1: the actuals with the rationale, then the plan under its own month headings.
    s.put(r, 2, "8.1 Emergency admissions", f.subtitle)
    r += 1
    _month_heads(s, r, [m + " Actual" for m in MONTHS_ACTUAL], rationale=True)
    s.merge(r + 1, 2, r + 3, 2, "Emergency admissions to hospital for people aged 65+ per 100,000 population", f.label)
    for i, (label, values) in enumerate(EA_ACTUAL.items()):
        s.put(r + 1 + i, 3, label, f.label)
        for j in range(12):
            s.put(r + 1 + i, 4 + j, values[j] if j < len(values) else "n/a", f.prepop_number)
    s.merge(r + 1, 16, r + 7, 18, "", f.input)
    plan = r + 4
    _month_heads(s, plan, [m + " Plan" for m in MONTHS_PLAN])
    _plan_rows(s, plan + 1, ["Rate", "Number of Admissions 65+", "Population of 65+"], label_col=3,
               rate="=IFERROR({a}/{b}*100000,\"\")")
    at["ea_rate"] = (plan + 1, s.c(4))
    s.check(r + 1, f'=IF(LEN(TRIM({_cell(r + 1, s.c(16))}))=0,"No","Yes")')
    r = plan + 5
    s.put(r, 2, "Source: https://digital.nhs.uk/supplementary-information/2025/non-elective-inpatient-spells", f.text)
    r = _indicators(s, r + 2, [
        ("Unplanned hospital admissions for chronic ambulatory care sensitive conditions. Per 100,000 population.",
         "Rate"),
        ("Emergency hospital admissions due to falls in people aged 65 and over directly age standardised rate per "
         "100,000.", "Rate")])
    # 8.2: labels merged over two columns; the same shape.
    s.put(r + 1, 2, "8.2 Discharge Delays", f.subtitle)
    s.put(r + 2, 2, "*Dec Actual onwards are not available at time of publication", f.text)
    r += 4
    _month_heads(s, r, [m + " Actual" for m in MONTHS_ACTUAL], rationale=True)
    for i, (label, values) in enumerate(DD_ACTUAL):
        s.merge(r + 1 + i, 2, r + 1 + i, 3, label, f.label)
        for j in range(12):
            s.put(r + 1 + i, 4 + j, values[j - 5] if 5 <= j < 8 else "n/a", f.prepop_number)
    s.merge(r + 1, 16, r + 7, 18, "", f.input)
    plan = r + 4
    _month_heads(s, plan, [m + " Plan" for m in MONTHS_PLAN])
    _plan_rows(s, plan + 1, ["Average length of discharge delay for all acute adult patients",
                             DD_ACTUAL[1][0], DD_ACTUAL[2][0]], label_col=2, rate="=IFERROR((1-{a})*{b},\"\")")
    at["dd_rate"] = (plan + 1, s.c(4))
    s.check(r + 1, f'=IF(LEN(TRIM({_cell(r + 1, s.c(16))}))=0,"No","Yes")')
    r = plan + 5
    s.put(r, 2, "Source: https://www.england.nhs.uk/statistics/statistical-work-areas/discharge-delays/", f.text)
    r = _indicators(s, r + 2, [
        ("Patients not discharged on their DRD, and discharged within 1 day, 2-3 days, 4-6 days, 7-13 days, 14-20 days "
         "and 21 days or more.", "Number of patients"),
        ("Local data on average length of delay by discharge pathway.", "Number of days")])
    # 8.3: quarterly, actual and plan in one table.
    s.put(r + 1, 2, "8.3 Residential Admissions", f.subtitle)
    r += 3
    heads = ["2023-24 Actual", "2024-25 Plan", "2024-25 Estimated", "2025-26 Plan Q1", "2025-26 Plan Q2",
             "2025-26 Plan Q3", "2025-26 Plan Q4"]
    s.put(r, 2, "", f.header)
    s.put(r, 3, "", f.header)
    for j, heading in enumerate(heads):
        s.put(r, 4 + j, heading, f.header)
    s.merge(r, 11, r, 15, RATIONALE.replace("local goal", "the local goal"), f.header)
    s.ws.set_row(r - 1, 60)
    s.merge(r + 1, 2, r + 3, 2, "Long-term support needs of older people (age 65 and over) met by admission to "
                                "residential and nursing care homes, per 100,000 population", f.label)
    for i, label in enumerate(["Rate", "Number of admissions", "Population of 65+*"]):
        s.put(r + 1 + i, 3, label, f.label)
    for j in range(7):
        adm, pop = _cell(r + 2, s.c(4 + j)), _cell(r + 3, s.c(4 + j))
        s.formula(r + 1, 4 + j, f'=IFERROR({adm}/{pop}*100000,"")', f.calc, [509.8, 511.7][j] if j < 2 else "")
        s.put(r + 2, 4 + j, [785, 788][j] if j < 2 else "", f.prepop if j < 2 else f.input)
        s.put(r + 3, 4 + j, POPULATION_65, f.prepop_number)
    s.check(r + 2, f'=IF(COUNT({_cell(r + 2, s.c(6))}:{_cell(r + 2, s.c(10))})<5,"No","Yes")')
    s.merge(r + 1, 11, r + 3, 15, "", f.input)
    at["ra_rate"] = (r + 1, s.c(6))          # from the 2024-25 estimate on
    s.put(r + 5, 2, "Long-term admissions to residential care homes and nursing homes for people aged 65+ per 100,000 "
                    "population are based on a calendar year using the latest available mid-year estimates.", f.text)
    _indicators(s, r + 7, [
        ("Percentage of people, resident in the HWB, who are discharged from acute hospital to their normal place of "
         "residence", "Percentage"),
        ("The proportion of people who received reablement during the year, where no further request was made for "
         "ongoing support", "Rate")])
    s.ws.set_column(s.c(2) - 1, s.c(2) - 1, 50)
    s.ws.set_column(s.c(3) - 1, s.c(3) - 1, 22)
    s.ws.set_column(s.c(4) - 1, s.c(15) - 1, 10)


def _month_heads(s: _Sheet, r: int, heads: list[str], rationale: bool = False) -> None:
    s.put(r, 2, "", s.f.header)
    s.put(r, 3, "", s.f.header)
    for j, heading in enumerate(heads):
        s.put(r, 4 + j, heading, s.f.header)
    if rationale:
        s.merge(r, 16, r, 18, RATIONALE, s.f.header)
        s.ws.set_row(r - 1, 60)


def _plan_rows(s: _Sheet, r: int, labels: list[str], label_col: int, rate: str) -> None:
    """A calculated first row over two input rows (count and population, or share and days)."""
    for i, label in enumerate(labels):
        if label_col == 2:
            s.merge(r + i, 2, r + i, 3, label, s.f.label)
        else:
            s.put(r + i, 3, label, s.f.label)
    for j in range(12):
        a, b = _cell(r + 1, s.c(4 + j)), _cell(r + 2, s.c(4 + j))
        s.formula(r, 4 + j, rate.format(a=a, b=b), s.f.calc, "")
        s.put(r + 1, 4 + j, "", s.f.input_pct if label_col == 2 else s.f.input)
        s.put(r + 2, 4 + j, "", s.f.input)
    for i in (1, 2):
        row = r + i
        s.check(row, f'=IF(COUNT({_cell(row, s.c(4))}:{_cell(row, s.c(15))})<12,"No","Yes")')


def _indicators(s: _Sheet, r: int, rows: list[tuple[str, str]]) -> int:
    s.put(r, 2, "Supporting Indicators", s.f.header)
    s.put(r, 3, "", s.f.header)
    s.merge(r, 4, r, 7, "Have you used this supporting indicator to inform your goal?", s.f.header)
    for i, (label, unit) in enumerate(rows):
        row = r + 1 + i
        s.put(row, 2, label, s.f.label)
        s.put(row, 3, unit, s.f.label)
        s.merge(row, 4, row, 7, "", s.f.input)
        s.validate(row, 4, row, 4, "ListYesNo")
        s.check(row, "=" + _filled(_cell(row, s.c(4))))
    return r + len(rows) + 1


# --- 7. National Conditions ------------------------------------------------------------------

CONDITIONS = [
    ("1. Plans to be jointly agreed", [
        ("Reflect local priorities and service developments that have been developed in partnership across health and "
         "care, including local NHS trusts, social care providers, voluntary and community service partners and local "
         "housing authorities", "Planning Template - Cover sheet Narrative Plan - Overview of Plan"),
        ("Be signed off in accordance with organisational governance processes across the relevant ICB and local "
         "authorities", "Planning Template - Cover sheet"),
        ("Must be signed by the HWB chair, alongside the local authority and ICB chief executives – this "
         "accountability must not be delegated", "Planning Template - Cover sheet")]),
    ("2. Implementing the objectives of the BCF", [
        ("Set out a joint system approach for meeting the objectives of the BCF which reflects local learning and "
         "national best practice and delivers value for money", "Narrative Plan - Section 2"),
        ("Set goals for performance against the 3-headline metrics which align with NHS operational plans and local "
         "authority adult social care plans, including intermediate care capacity and demand plans",
         "Planning Template - Metrics"),
        ("Demonstrate a 'home first' approach and a shift away from avoidable use of long-term residential and nursing "
         "home care", "Narrative Plan - Section 2"),
        ("Following the consolidation of the previously ring-fenced Discharge Fund, specifically explain why any "
         "changes to the use of the funds compared to 2024-25 are expected to enhance urgent and emergency care flow "
         "(combined impact of admission avoidance and reducing length of stay and improving discharge)",
         "Narrative Plan - Section 2")]),
    ("3. Complying with grant and funding conditions, including maintaining the NHS minimum contribution to adult "
     "social care (ASC)", [
        ("Set out expenditure against key categories of service provision and the sources of this expenditure from "
         "different components of the BCF", "Planning Template - Expenditure"),
        ("Set out how expenditure is in line with funding requirements, including the NHS minimum contribution to "
         "adult social care", None)]),
    ("4. Complying with oversight and support processes", [
        ("Confirm that HWBs will engage with the BCF oversight and support process if necessary, including senior "
         "officers attending meetings convened by BCF national partners.", "Planning Template - Cover"),
        ("Demonstrate effective joint system governance is in place to: submit required quarterly reporting, review "
         "performance against plan objectives and performance, and change focus and resourcing if necessary to bring "
         "delivery back on track", "Narrative Plan - Executive Summary")]),
]


def _conditions(s: _Sheet, gap: int, at: dict) -> None:
    f = s.f
    s.top("Better Care Fund 2025-26 Update Template", "7: National Condition Planning Requirements", 7)
    r = s.selected(5 + gap, "Health and wellbeing board")
    for col, heading in enumerate(["National Condition", "Planning expectation that BCF plan should:",
                                   "Where should this be completed", "HWB submission meets expectation",
                                   "Where the Planning requirement is not met, please note the actions in place "
                                   "towards meeting the requirement", "Timeframe for resolution"], start=2):
        s.put(r, col, heading, f.header)
    s.ws.set_row(r - 1, 45)
    r += 1
    for condition, expectations in CONDITIONS:
        s.merge(r, 2, r + len(expectations) - 1, 2, condition, f.label)
        for i, (expectation, where) in enumerate(expectations):
            s.put(r + i, 3, expectation, f.label)
            s.ws.set_row(r + i - 1, 60)
            if where is None:
                continue        # answered with the expectation above: its cells are merged down
            span = 2 if i + 1 < len(expectations) and expectations[i + 1][1] is None else 1
            for col, fmt, value in ((4, f.label, where), (5, f.input, ""), (6, f.input, ""), (7, f.input, "")):
                if span > 1:
                    s.merge(r + i, col, r + i + span - 1, col, value, fmt)
                else:
                    s.put(r + i, col, value, fmt)
            s.validate(r + i, 5, r + i, 5, "ListYesNo")
            yes, act = _cell(r + i, s.c(5)), _cell(r + i, s.c(6))
            s.check(r + i, f'=IF(OR(LEN(TRIM({yes}))=0,AND({yes}="No",LEN(TRIM({act}))=0)),"No","Yes")')
        r += len(expectations)
    s.ws.set_column(s.c(2) - 1, s.c(3) - 1, 40)
    s.ws.set_column(s.c(4) - 1, s.c(7) - 1, 22)


# --- text-only sheets ------------------------------------------------------------------------

GUIDANCE = [
    ("Overview", True),
    ("HWBs will need to submit a narrative plan and a planning template which articulates their goals against the BCF "
     "objectives and how they will meet the national conditions in line with the requirements and guidance set out in "
     "the table on BCF Planning Requirements (published).", False),
    ("Submissions of plans are due on the 31 March 2025 (noon). Submissions should be made to the national Better "
     "Care Fund england.bettercarefundteam@nhs.net and regional Better Care Managers.", False),
    ("Functional use of the template", True),
    ("Throughout the template, cells which are open for input have a yellow background and those that are "
     "pre-populated have a blue background, as below:", False),
    ("Data needs inputting in the cell", "input"),
    ("Pre-populated cells", "prepop"),
    ("This template is password protected to ensure data integrity and accurate aggregation of collected "
     "information. A resubmission may be required if this is breached.", False),
    ("4. Income", True),
    ("Plans should account for full allocations meaning no unallocated funds should remain once the template is "
     "complete.", False),
]


def _guidance(s: _Sheet) -> None:
    s.merge(2, 2, 2, 6, "Better Care Fund 2025-26 Planning Template", s.f.title)
    s.put(3, 2, "1. Guidance", s.f.subtitle)
    for i, (text, kind) in enumerate(GUIDANCE):
        fmt = s.f.bold if kind is True else s.f.input if kind == "input" else s.f.prepop if kind == "prepop" else s.f.text
        s.merge(5 + i, 2, 5 + i, 6, text, fmt)
    s.ws.set_column(s.c(2) - 1, s.c(6) - 1, 30)


def _expenditure_guidance(s: _Sheet) -> None:
    s.merge(2, 2, 2, 5, TITLE, s.f.title)
    s.put(3, 2, "Guidance for completing Expenditure sheet", s.f.subtitle)
    s.merge(5, 2, 5, 5, "Schemes tagged with the following will count towards the planned Adult Social Care services "
                        "spend from the NHS minimum: Area of spend selected as 'Social Care' and Source of funding "
                        "selected as 'NHS Minimum Contribution'", s.f.text)
    s.put(7, 2, "2025-26 Revised Scheme Types", s.f.bold)
    for col, heading in enumerate(["Number", "Activity (2025-26)", "Previous scheme types (2023-25)"], start=2):
        s.put(8, col, heading, s.f.header)
    guidance_names = {"Disabled Facilities Grant related schemes": "DFG related schemes",
                      "Wider local support to promote prevention and independence":
                          "Wider support to promote prevention and independence",
                      "Long-term residential/nursing home care": "Long-term residential or nursing home care",
                      "Urgent community response": "Urgent Community Response"}
    for i, activity in enumerate(ACTIVITIES):
        s.put(9 + i, 2, i + 1, s.f.label)
        s.put(9 + i, 3, guidance_names.get(activity, activity), s.f.label)
