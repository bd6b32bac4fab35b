"""The shape of a template description: what a new year's template needs, as data.

A description says, sheet by sheet, the labels and table headers that locate every field, which
cells are input and which pre-populated, the dropdown list behind each input, the conditional
requirements, and the template's own formulas (written as expressions over item ids, so the
replica builder can place them anywhere and the checker can evaluate the same intent).
"""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated, List, Literal, Union

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator
from pydantic import Field as Discriminated
from pydantic_core import InitErrorDetails, PydanticCustomError

ValueType = Literal["text", "money", "number", "integer", "percent", "date", "email", "phone", "list"]
Role = Literal["input", "prepopulated", "formula", "label"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(Strict):
    """`field` (an item id, or `row.<column>` inside a table) compared with a value."""

    field: str
    equals: str | None = None
    not_equals: str | None = None
    filled: bool | None = None
    greater_than: Decimal | None = None   # a number above this (blank and text count as not)

    @model_validator(mode="after")
    def _one_test(self) -> "Condition":
        tests = (self.equals, self.not_equals, self.filled, self.greater_than)
        if sum(x is not None for x in tests) != 1:
            raise ValueError("a condition needs exactly one of equals, not_equals, filled, greater_than")
        return self


class Requirement(Strict):
    """Why an input must be answered: always, or when another answer says so."""

    when: Condition | None = None
    why: str = ""          # plain English, used in findings: "a reason is needed when not signed off"


class ListSource(Strict):
    """A dropdown list: inline values, or a column of a bundled reference CSV."""

    values: List[str] | None = None
    file: str | None = None
    list: str | None = None          # for files with a List,Value layout
    column: str | None = None        # for files with one column per attribute
    aliases: dict[str, str] = {}     # old or drifted spellings -> this list's value
    previous: str | None = None      # a column of the same file naming each value's earlier names ('; ')
    # Another list of the same file: a line may hold only the values on its value's rows (the
    # sub-types and units of the line's scheme type), as the template's dependent drop-down.
    depends_on: str | None = None

    @model_validator(mode="after")
    def _has_source(self) -> "ListSource":
        if not self.values and not self.file:
            raise ValueError("a list needs values or a file")
        return self


class Field(Strict):
    """A single answer beside its label."""

    kind: Literal["field"] = "field"
    id: str
    label: str
    prefix: bool = False             # match the label by its start (long questions)
    type: ValueType = "text"
    list: str | None = None
    role: Role = "input"
    formula: str | None = None
    prepopulate: str | None = None   # key into the HWB's published figures
    required: bool | Requirement = False
    checker: bool = True             # the template shows a Yes/No for it
    width: int = 1                   # merged columns for the value (long text answers)
    note: str | None = None          # text shown after the value in the replica

    @model_validator(mode="after")
    def _coherent(self) -> "Field":
        if self.role == "formula" and not self.formula:
            raise ValueError(f"field {self.id}: role formula needs a formula")
        if self.type == "list" and not self.list:
            raise ValueError(f"field {self.id}: a list field names its list")
        return self


class Column(Strict):
    id: str
    header: str
    aliases: List[str] = []          # other years' and registers' headings for the same column
    prefix: bool = False             # match the header by its start (long headings)
    header_above: str | None = None  # a group heading over several columns ("2025-26", "Apr-25")
    type: ValueType = "text"
    list: str | None = None
    role: Role = "input"
    formula: str | None = None       # per row; may use {row.<column>} and {row.label}
    total: str | None = None         # formula for the total row, if the table has one
    required: bool | Requirement = False
    width: int = 1


class Row(Strict):
    """A fixed row of a table: its label, and per-column overrides."""

    label: str
    key: str | None = None           # a second label (C&D: metric under a pathway)
    id: str | None = None
    aliases: List[str] = []
    values: dict[str, str] = {}      # column id -> formula or literal for this row
    roles: dict[str, Role] = {}      # column id -> role for this row
    types: dict[str, ValueType] = {} # column id -> value type for this row (a % among rates)
    prepopulate: dict[str, str] = {} # column id -> figure key
    required: dict[str, bool | Requirement] = {}
    total_of: List[str] | None = None  # row ids this row sums (a Total row); its cells are formulas

    @property
    def name(self) -> str:
        """How a message names the row: its label, else the start of its statement."""
        if self.label:
            return self.label
        key = self.key or ""
        if len(key) <= 70:
            return key + ("..." if key and not key.endswith(".") else "")
        return key[:70].rsplit(" ", 1)[0] + "..."
    slot: int | None = None          # its key is the table's slot_keys entry at this index

    @model_validator(mode="after")
    def _key_or_slot(self) -> "Row":
        if self.slot is not None and self.key is not None:
            raise ValueError(f"row {self.id or self.label}: a slot row takes its key from slot_keys, not key")
        return self


class SlotKeys(Strict):
    """Second labels that depend on the HWB (C&D referral sources: its trusts, then OTHER).

    A row written `{id: p1, slots: 23}` in a description stands for 23 rows p1_1 .. p1_23 whose
    keys are the HWB's `hwb` names followed by `then`, and `empty` in the slots left over.
    """

    hwb: Literal["trusts", "icbs"]
    then: List[str] = []
    empty: str = ""


class Table(Strict):
    kind: Literal["table"] = "table"
    id: str
    title: str | None = None         # a heading above the table, used to tell similar tables apart
    columns: List[Column]
    label_header: str | None = None  # heading of the row-label column, for fixed tables
    key_header: str | None = None    # heading of a second label column
    rows: List[Row] | None = None    # fixed rows; None for an open table of input lines
    capacity: int = 0                # input lines of an open table
    min_rows: int = 0                # lines that must be filled in (an open table that may not be empty)
    lines_when: Requirement | None = None  # at least one line is needed when this holds ('Yes' above)
    labels_from: str | None = None   # an open table whose row labels the HWB's figures pre-populate
    blank_rows: int = 0              # extra input rows after the fixed ones ("(blank)" sources)
    total: str | None = None         # label of a total row under the table
    slot_keys: SlotKeys | None = None
    column_checker: bool = False     # a 'Column complete:' row above the header (open tables)
    row_checker: bool = True

    @model_validator(mode="before")
    @classmethod
    def _expand_slots(cls, data):
        """`{id: x, slots: n}` -> rows x_1 .. x_n (slot 0 .. n-1); `total_of: [x]` -> those rows."""
        if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
            return data
        rows, groups = [], {}
        for row in data["rows"]:
            n = row.get("slots") if isinstance(row, dict) else None
            if n is None:
                rows.append(row)
                continue
            base = {k: v for k, v in row.items() if k != "slots"}
            if not base.get("id") or not isinstance(n, int) or n < 1:
                raise ValueError(f"table {data.get('id')}: a slots row needs an id and a positive count")
            ids = [f"{base['id']}_{i}" for i in range(1, n + 1)]
            groups[base["id"]] = ids
            for i, rid in enumerate(ids):
                rows.append({**base, "id": rid, "slot": i, "label": base.get("label", "") if i == 0 else ""})
        if groups:
            rows = [{**row, "total_of": [x for name in row["total_of"] for x in groups.get(name, [name])]}
                    if isinstance(row, dict) and row.get("total_of") else row for row in rows]
        return {**data, "rows": rows}

    @model_validator(mode="after")
    def _shape(self) -> "Table":
        ids = [c.id for c in self.columns]
        if len(set(ids)) != len(ids):
            raise ValueError(f"table {self.id}: duplicate column ids")
        if self.rows is None and self.capacity <= 0:
            raise ValueError(f"table {self.id}: an open table needs a capacity")
        if self.rows is not None and not self.label_header and not any(r.label for r in self.rows):
            raise ValueError(f"table {self.id}: fixed rows need labels")
        rows = self.rows or []
        ids = [r.id for r in rows if r.id]
        if len(set(ids)) != len(ids):
            raise ValueError(f"table {self.id}: duplicate row ids")
        for r in rows:
            unknown = [x for x in (r.total_of or []) if x not in ids]
            if unknown:
                raise ValueError(f"table {self.id}: row {r.id} totals unknown rows {', '.join(unknown)}")
            if r.slot is not None and self.slot_keys is None:
                raise ValueError(f"table {self.id}: row {r.id} is a slot but the table has no slot_keys")
            bad = set(r.values) | set(r.roles) | set(r.types) | set(r.prepopulate) | set(r.required)
            bad -= {c.id for c in self.columns}
            if bad:
                raise ValueError(f"table {self.id}: row {r.id or r.label} names unknown columns {', '.join(sorted(bad))}")
        return self

    def role(self, row: Row | None, column: Column) -> Role:
        """A cell's role: the row's own, else calculated in a Total row, else the column's."""
        if row is None:
            return column.role
        if column.id in row.roles:
            return row.roles[column.id]
        if row.total_of and column.role in ("input", "prepopulated"):
            return "formula"
        return column.role

    def formula(self, row: Row | None, column: Column) -> str | None:
        """The expression behind a formula cell: the row's, the column's, or a Total row's sum."""
        literal = row.values.get(column.id) if row is not None else None
        if literal is not None:
            return literal
        if row is not None and row.total_of and self.role(row, column) == "formula" and column.role != "formula":
            return "=SUM(" + ",".join(f"{{{self.id}.{rid}.{column.id}}}" for rid in row.total_of) + ")"
        return column.formula

    def source_rows(self, row_id: str) -> List[str]:
        """The rows a row's figure comes from: itself, or (through totals of totals) the rows its
        total sums; what a total should be, whatever its own cell holds."""
        row = next(r for r in self.rows or [] if r.id == row_id)
        if not row.total_of:
            return [row_id]
        return [leaf for rid in row.total_of for leaf in self.source_rows(rid)]

    def cell_type(self, row: Row | None, column: Column) -> ValueType:
        return row.types.get(column.id, column.type) if row is not None else column.type

    def column(self, cid: str) -> Column:
        for c in self.columns:
            if c.id == cid:
                return c
        raise KeyError(f"table {self.id} has no column {cid}")


class GuidanceTable(Strict):
    """A table of the template's own guidance under a heading (the scheme types and what each
    covers): text to read, no answers. The replica shows it; nothing looks for it, so a real
    file whose guidance differs is recognised, populated and checked all the same."""

    columns: List[str]
    rows: List[List[Union[int, str]]]

    @model_validator(mode="after")
    def _rectangular(self) -> "GuidanceTable":
        if not self.columns or not self.rows:
            raise ValueError("a guidance table needs columns and rows")
        for i, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(f"row {i + 1} has {len(row)} cells for {len(self.columns)} columns")
        return self


class Heading(Strict):
    kind: Literal["heading"] = "heading"
    text: str
    style: Literal["title", "subtitle", "section", "note", "link"] = "section"
    target: str | None = None        # for links: a sheet name or a URL
    table: GuidanceTable | None = None   # a guidance table under a section heading

    @model_validator(mode="after")
    def _table_under_section(self) -> "Heading":
        if self.table is not None and self.style != "section":
            raise ValueError(f"heading '{self.text}': a guidance table stands under a section heading")
        return self


Item = Annotated[Union[Field, Table, Heading], Discriminated(discriminator="kind")]


class SheetDescription(Strict):
    name: str
    aliases: List[str] = []          # other years' names of the same sheet
    items: List[Item] = []
    hidden: bool = False
    protected: bool = True
    complete_cell: bool = True       # a 'Complete:' Yes/No for the sheet (shown on the cover)


class FundingSource(Strict):
    """A funding source of the running balances: its label, and where its income stands."""

    source: str                      # the template's own label ("NHS Minimum Contribution")
    # Where its income stands, never a formula cell: field ids, table.row.column cells or
    # table.column sums (all of a pre-populated or input column); several are added up.
    income: List[str]
    aliases: List[str] = []          # scheme-line values that also mean this source (older names)
    grant: bool = False              # grant money: spend above 100% of the allocation is not allowed
    no_underspend: bool = False      # grant conditions allow no underspend (the 2024-25 Discharge Fund)


class LineFilter(Strict):
    """Which scheme lines count towards a minimum spend."""

    source: str
    area: str | None = None
    area_not: str | None = None
    # Commissioner value -> the share counted: funding.IN_FULL, or the id of the column holding the share.
    commissioner_share: dict[str, str] | None = None

# The published templates' money cells accept up to this, where a description sets no money_max.
MONEY_MAX = Decimal("999999999")


class MinimumSpend(Strict):
    name: str                        # stable name in reports: asc_from_nhs_minimum, nhs_out_of_hospital
    label: str
    minimum: str                     # where the published minimum stands (a pre-populated cell)
    template_spend: str | None = None  # the template's own computed figure, to compare
    lines: LineFilter
    uplifted: bool = False           # must rise on last year's by at least finance.uplift


class Finance(Strict):
    """What the money checks need to know about this template: all of it data, none of it code."""

    schemes: str                     # the scheme table
    source: str                      # its columns: funding source, spend, area, commissioner, NHS share
    spend: str
    area: str | None = None
    commissioner: str | None = None
    joint_shares: List[str] = []               # the % NHS and % LA columns of a joint line
    joint: str | None = None                   # the commissioner value of a joint line ('Joint')
    discontinued: str | None = None            # a column marking a stopped scheme ('discontinue'): no spend
    discontinued_marks: List[str] = []         # the words in that column that mark a scheme as stopped
    sources: List[FundingSource]
    running_balances: str | None = None        # the template's own running-balance table
    balance_column: str = "balance"
    reason_column: str | None = None           # 'If underspent, please provide reasons'
    percent_spent: bool = False                # reporting templates show % spent
    to_date: bool = False                      # an in-year report: spend so far, not the year's
    unallocated_is_error: bool = False         # plans must allocate every pound
    minimum_spend: List[MinimumSpend] = []
    uplift: str | None = None                  # parameter naming the year's uplift of the `uplifted` minimum
    dfg_breakdown: str | None = None           # table of district DFG amounts, summing to...
    dfg_total: str | None = None               # ...this field


class Carry(Strict):
    """How a return of an earlier period rolls forward into this template.

    Scheme lines carry column by column: a column of the same id, unless `columns` names the
    earlier return's column that feeds it; `skip` lists columns each period fills afresh.
    Answers carry only where `fields` says so: contact details do, sign-off never does.
    """

    from_family: Literal["planning", "quarterly", "eoy", "cd"]
    columns: dict[str, str] = {}     # this template's column id -> the earlier return's column id
    skip: List[str] = []             # this template's columns not carried
    fields: dict[str, str] = {}      # this template's field id -> the earlier return's field id
    amounts: str | None = None       # what carried amounts are, for the officer to update


class MetricRate(Strict):
    """A metric a plan sets, computed from its inputs column by column (`bcf balances`).

    `rate`: of / by x per (admissions per 100,000 people aged 65+); `delay`: (1 - of) x by
    (the share not discharged on the discharge ready date times their average days of delay).
    """

    name: str
    label: str
    table: str
    row: str                         # the row holding the template's own figure (its formula columns)
    calculation: Literal["rate", "delay"] = "rate"
    of: str                          # row ids of the inputs
    by: str
    per: Decimal = Decimal(1)
    decimals: int = 1                # as the template shows it

    def problems(self, desc: "TemplateDescription") -> list[str]:
        try:
            _, table = desc.item(self.table)
        except KeyError:
            return [f"metric {self.name}: names no table '{self.table}'"]
        ids = {r.id for r in (table.rows or []) if isinstance(table, Table)}
        return [f"metric {self.name}: table {self.table} has no row '{rid}'"
                for rid in (self.row, self.of, self.by) if rid not in ids]


class CdMonth(Strict):
    """One month of a capacity & demand comparison: the column holding it in each table."""

    month: str                       # as reports name it ("Apr-25")
    capacity: str                    # column of the capacity table
    demand: str                      # column of the demand table
    spot: str | None = None          # column of the capacity table: spot-purchased capacity
    surplus: str | None = None       # column of the template's own surplus table
    spot_surplus: str | None = None  # ...and of its surplus including spot purchasing


class CdService(Strict):
    """A service or pathway: its row in each table (a demand row that totals others counts those)."""

    service: str                     # as reports name it
    capacity: str                    # row id of the capacity table
    demand: str                      # row id of the demand table
    surplus: str | None = None       # row id of the template's own surplus table


class CapacityDemand(Strict):
    """Capacity set against demand, service by service and month by month (a C&D template)."""

    name: str                        # stable name in reports: step_down, step_up
    label: str
    capacity: str                    # the tables, by id
    demand: str
    surplus: str | None = None
    months: List[CdMonth]
    services: List[CdService]


class Period(Strict):
    """Where a return falls in its financial year's cycle, so that `bcf rollforward` goes forward
    only: with the description's `year`, it orders any two returns (Q2 2024-25 before Q3 2024-25,
    before the 2024-25 year end, before the 2025-26 plan)."""

    name: str                        # as messages name it: plan, Q1, Q2, Q3, year end
    order: int                       # within the year: the plan 0, the quarters 1 to 3, the year end 4

    @field_validator("order")
    @classmethod
    def _not_negative(cls, v: int) -> int:
        if v < 0:
            raise ValueError("order counts from 0, the plan, to 4, the year end")
        return v

    def of(self, year: str) -> str:
        """'Q3 2024-25', 'the year end 2024-25'."""
        return f"{self.name} {year}"


class Identity(Strict):
    """How the tool recognises this template in a workbook: its own title and version cells."""

    sheet: str
    title: str
    version: str
    aliases: List[str] = []          # other spellings of the title the same template is known by


class ToConfirm(Strict):
    """Something `bcf learn` could not decide from the file: where, and what to look at."""

    at: str                          # a YAML path (tables.schemes.columns[3]) or a sheet
    why: str


class TemplateDescription(Strict):
    kind: str
    family: Literal["planning", "quarterly", "eoy", "cd"]
    name: str
    year: str
    previous_year: List[str] = []    # kinds of return that are this one's previous year (check --previous)
    period: Period | None = None     # where it falls in the year (rollforward goes forward only)
    version: str
    identity: Identity
    submission_name: str = "{hwb} HWB"
    # Where the description comes from: which parts follow a published return and which are
    # inferred (from another template of the year), so nobody mistakes one for the other.
    provenance: str = ""
    lists: dict[str, ListSource] = {}
    parameters: dict[str, Decimal] = {}
    finance: Finance | None = None
    carry: List[Carry] = []
    metrics: List[MetricRate] = []
    sheets: List[SheetDescription]
    to_confirm: List[ToConfirm] = []   # left by `bcf learn`; `bcf validate` lists them until removed
    capacity_demand: List[CapacityDemand] = []

    @property
    def money_max(self) -> Decimal:
        """The largest amount a money cell of the template accepts."""
        return self.parameters.get("money_max", MONEY_MAX)

    @field_validator("kind")
    @classmethod
    def _kind_name(cls, v: str) -> str:
        if not v or v != v.lower() or " " in v:
            raise ValueError("kind is a lower-case name such as planning-2025-26")
        return v

    @model_validator(mode="after")
    def _year_orders_periods(self) -> "TemplateDescription":
        if self.period is not None and self.first_year is None:
            message = (f"'{self.year}' must begin with the year it starts in (2024-25), so that its period "
                       "can be ordered against other returns")
            raise ValidationError.from_exception_data(type(self).__name__, [InitErrorDetails(
                type=PydanticCustomError("year", "{problem}", {"problem": message}), loc=("year",), input=self.year)])
        return self

    @property
    def first_year(self) -> int | None:
        """The calendar year the financial year starts in (2024 for '2024-25'), if the year says."""
        head = self.year[:4]
        return int(head) if len(head) == 4 and head.isdigit() and not self.year[4:5].isdigit() else None

    @model_validator(mode="after")
    def _references_resolve(self) -> "TemplateDescription":
        """Every id, list, condition, placeholder, source and parameter it names exists, all of
        them reported at once, each at its YAML path."""
        from .references import problems

        found = problems(self) + [(("metrics", i), message) for i, m in enumerate(self.metrics)
                                  for message in m.problems(self)]
        if found:
            raise ValidationError.from_exception_data(type(self).__name__, [
                InitErrorDetails(type=PydanticCustomError("reference", "{problem}", {"problem": message}),
                                 loc=loc, input=None)
                for loc, message in found])
        return self

    def sheet(self, name: str) -> SheetDescription:
        for s in self.sheets:
            if s.name == name:
                return s
        raise KeyError(name)

    def item(self, item_id: str) -> tuple[SheetDescription, Field | Table]:
        for s in self.sheets:
            for it in s.items:
                if not isinstance(it, Heading) and it.id == item_id:
                    return s, it
        raise KeyError(f"{self.kind} has no item {item_id}")
