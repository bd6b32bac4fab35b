"""What a description says a sheet holds: fields beside their labels, tables under their headings,
headings, and when an input must be answered.

The labels and headers locate every item; the roles say which cells are input, pre-populated or
the template's own formulas, written as expressions over item ids so that the replica builder can
place them anywhere and the checker evaluate the same intent.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated, List, Literal, Union

from .strict import Strict, Tagged, described, empty_dict, empty_list

ValueType = Literal["text", "money", "number", "integer", "percent", "date", "email", "phone", "list"]
Role = Literal["input", "prepopulated", "formula", "label"]


@described
class Condition(Strict):
    """`field` (an item id, or `row.<column>` inside a table) compared with a value."""

    field: str
    equals: str | None = None
    not_equals: str | None = None
    filled: bool | None = None
    greater_than: Decimal | None = None   # a number above this (blank and text count as not)

    def __post_init__(self) -> None:
        tests = (self.equals, self.not_equals, self.filled, self.greater_than)
        if sum(x is not None for x in tests) != 1:
            raise ValueError("a condition needs exactly one of equals, not_equals, filled, greater_than")


@described
class Requirement(Strict):
    """Why an input must be answered: always, or when another answer says so."""

    when: Condition | None = None
    why: str = ""          # plain English, used in findings: "a reason is needed when not signed off"


@described
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

    def __post_init__(self) -> None:
        if self.role == "formula" and not self.formula:
            raise ValueError(f"field {self.id}: role formula needs a formula")
        if self.type == "list" and not self.list:
            raise ValueError(f"field {self.id}: a list field names its list")


@described
class Column(Strict):
    id: str
    header: str
    aliases: List[str] = empty_list()     # other years' and registers' headings for the same column
    prefix: bool = False             # match the header by its start (long headings)
    header_above: str | None = None  # a group heading over several columns ("2025-26", "Apr-25")
    type: ValueType = "text"
    list: str | None = None
    role: Role = "input"
    formula: str | None = None       # per row; may use {row.<column>} and {row.label}
    total: str | None = None         # formula for the total row, if the table has one
    required: bool | Requirement = False
    width: int = 1


@described
class Row(Strict):
    """A fixed row of a table: its label, and per-column overrides."""

    label: str
    key: str | None = None           # a second label (C&D: metric under a pathway)
    id: str | None = None
    aliases: List[str] = empty_list()
    values: dict[str, str] = empty_dict()  # column id -> formula or literal for this row
    roles: dict[str, Role] = empty_dict()  # column id -> role for this row
    types: dict[str, ValueType] = empty_dict()  # column id -> value type for this row (a % among rates)
    prepopulate: dict[str, str] = empty_dict()  # column id -> figure key
    required: dict[str, bool | Requirement] = empty_dict()
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

    def __post_init__(self) -> None:
        if self.slot is not None and self.key is not None:
            raise ValueError(f"row {self.id or self.label}: a slot row takes its key from slot_keys, not key")


@described
class SlotKeys(Strict):
    """Second labels that depend on the HWB (C&D referral sources: its trusts, then OTHER).

    A row written `{id: p1, slots: 23}` in a description stands for 23 rows p1_1 .. p1_23 whose
    keys are the HWB's `hwb` names followed by `then`, and `empty` in the slots left over.
    """

    hwb: Literal["trusts", "icbs"]
    then: List[str] = empty_list()
    empty: str = ""


@described
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

    @classmethod
    def __get_pydantic_core_schema__(cls, source, handler):
        from pydantic_core import core_schema      # asked only while pydantic builds a validator

        # The slots are expanded before the table's fields are validated.
        return core_schema.no_info_before_validator_function(cls._expand_slots, handler(source))

    @staticmethod
    def _expand_slots(data):
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

    def __post_init__(self) -> None:
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


@described
class GuidanceTable(Strict):
    """A table of the template's own guidance under a heading (the scheme types and what each
    covers): text to read, no answers. The replica shows it; nothing looks for it, so a real
    file whose guidance differs is recognised, populated and checked all the same."""

    columns: List[str]
    rows: List[List[Union[int, str]]]

    def __post_init__(self) -> None:
        if not self.columns or not self.rows:
            raise ValueError("a guidance table needs columns and rows")
        for i, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(f"row {i + 1} has {len(row)} cells for {len(self.columns)} columns")


@described
class Heading(Strict):
    kind: Literal["heading"] = "heading"
    text: str
    style: Literal["title", "subtitle", "section", "note", "link"] = "section"
    target: str | None = None        # for links: a sheet name or a URL
    table: GuidanceTable | None = None   # a guidance table under a section heading

    def __post_init__(self) -> None:
        if self.table is not None and self.style != "section":
            raise ValueError(f"heading '{self.text}': a guidance table stands under a section heading")


Item = Annotated[Union[Field, Table, Heading], Tagged("kind")]


@described
class SheetDescription(Strict):
    name: str
    aliases: List[str] = empty_list()     # other years' names of the same sheet
    items: List[Item] = empty_list()
    hidden: bool = False
    protected: bool = True
    complete_cell: bool = True       # a 'Complete:' Yes/No for the sheet (shown on the cover)
