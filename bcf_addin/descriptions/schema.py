"""The shape of a template description: what a new year's template needs, as data.

A description says, sheet by sheet, the labels and table headers that locate every field, which
cells are input and which pre-populated, the dropdown list behind each input, the conditional
requirements, and the template's own formulas (sheet_items.py); what the money checks need
(finance.py) and the figures its reports compute (measures.py); and, here, the whole: how the
template is recognised, where it falls in the year, its lists and how a return rolls forward into it.
Every description class is importable from here, where callers look for them.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated, List, Literal

from .finance import MONEY_MAX, Finance, FundingSource, LineFilter, MinimumSpend
from .measures import CapacityDemand, CdMonth, CdService, MetricRate
from .sheet_items import (Column, Condition, Field, GuidanceTable, Heading, Item, Requirement, Role, Row,
                          SheetDescription, SlotKeys, Table, ValueType)
from .strict import Checked, Strict, described, empty_dict, empty_list

__all__ = [
    "ValueType", "Role", "Strict", "Condition", "Requirement", "ListSource", "Field", "Column", "Row", "SlotKeys",
    "Table", "GuidanceTable", "Heading", "Item", "SheetDescription", "FundingSource", "LineFilter", "MONEY_MAX",
    "MinimumSpend", "Finance", "Carry", "MetricRate", "CdMonth", "CdService", "CapacityDemand", "Period",
    "Identity", "ToConfirm", "TemplateDescription",
]


@described
class ListSource(Strict):
    """A dropdown list: inline values, or a column of a bundled reference CSV."""

    values: List[str] | None = None
    file: str | None = None
    list: str | None = None          # for files with a List,Value layout
    column: str | None = None        # for files with one column per attribute
    aliases: dict[str, str] = empty_dict()     # old or drifted spellings -> this list's value
    previous: str | None = None      # a column of the same file naming each value's earlier names ('; ')
    # Another list of the same file: a line may hold only the values on its value's rows (the
    # sub-types and units of the line's scheme type), as the template's dependent drop-down.
    depends_on: str | None = None

    def __post_init__(self) -> None:
        if not self.values and not self.file:
            raise ValueError("a list needs values or a file")


@described
class Carry(Strict):
    """How a return of an earlier period rolls forward into this template.

    Scheme lines carry column by column: a column of the same id, unless `columns` names the
    earlier return's column that feeds it; `skip` lists columns each period fills afresh.
    Answers carry only where `fields` says so: contact details do, sign-off never does.
    """

    from_family: Literal["planning", "quarterly", "eoy", "cd"]
    columns: dict[str, str] = empty_dict()     # this template's column id -> the earlier return's column id
    skip: List[str] = empty_list()        # this template's columns not carried
    fields: dict[str, str] = empty_dict()  # this template's field id -> the earlier return's field id
    amounts: str | None = None       # what carried amounts are, for the officer to update


def _not_negative(v: int) -> int:
    if v < 0:
        raise ValueError("order counts from 0, the plan, to 4, the year end")
    return v


@described
class Period(Strict):
    """Where a return falls in its financial year's cycle, so that `bcf rollforward` goes forward
    only: with the description's `year`, it orders any two returns (Q2 2024-25 before Q3 2024-25,
    before the 2024-25 year end, before the 2025-26 plan)."""

    name: str                        # as messages name it: plan, Q1, Q2, Q3, year end
    order: Annotated[int, Checked(_not_negative)]   # within the year: the plan 0, the quarters 1 to 3, the year end 4

    def of(self, year: str) -> str:
        """'Q3 2024-25', 'the year end 2024-25'."""
        return f"{self.name} {year}"


@described
class Identity(Strict):
    """How the tool recognises this template in a workbook: its own title and version cells."""

    sheet: str
    title: str
    version: str
    aliases: List[str] = empty_list()     # other spellings of the title the same template is known by


@described
class ToConfirm(Strict):
    """Something `bcf learn` could not decide from the file: where, and what to look at."""

    at: str                          # a YAML path (tables.schemes.columns[3]) or a sheet
    why: str


def _kind_name(v: str) -> str:
    if not v or v != v.lower() or " " in v:
        raise ValueError("kind is a lower-case name such as planning-2025-26")
    return v


@described
class TemplateDescription(Strict):
    kind: Annotated[str, Checked(_kind_name)]
    family: Literal["planning", "quarterly", "eoy", "cd"]
    name: str
    year: str
    previous_year: List[str] = empty_list()    # kinds of return that are this one's previous year (check --previous)
    period: Period | None = None     # where it falls in the year (rollforward goes forward only)
    version: str
    identity: Identity
    submission_name: str = "{hwb} HWB"
    # Where the description comes from: which parts follow a published return and which are
    # inferred (from another template of the year), so nobody mistakes one for the other.
    provenance: str = ""
    lists: dict[str, ListSource] = empty_dict()
    parameters: dict[str, Decimal] = empty_dict()
    finance: Finance | None = None
    carry: List[Carry] = empty_list()
    metrics: List[MetricRate] = empty_list()
    sheets: List[SheetDescription]
    to_confirm: List[ToConfirm] = empty_list()   # left by `bcf learn`; `bcf validate` lists them until removed
    capacity_demand: List[CapacityDemand] = empty_list()

    @property
    def money_max(self) -> Decimal:
        """The largest amount a money cell of the template accepts."""
        return self.parameters.get("money_max", MONEY_MAX)

    @property
    def first_year(self) -> int | None:
        """The calendar year the financial year starts in (2024 for '2024-25'), if the year says."""
        head = self.year[:4]
        return int(head) if len(head) == 4 and head.isdigit() and not self.year[4:5].isdigit() else None

    def __post_init__(self) -> None:
        """A period's year says where it starts; then every id, list, condition, placeholder,
        source and parameter it names exists, all of them reported at once, each at its YAML path."""
        # Validation alone needs pydantic and the reference checks: `bcf check` reads validated copies.
        from pydantic import ValidationError
        from pydantic_core import InitErrorDetails, PydanticCustomError

        if self.period is not None and self.first_year is None:
            message = (f"'{self.year}' must begin with the year it starts in (2024-25), so that its period "
                       "can be ordered against other returns")
            raise ValidationError.from_exception_data(type(self).__name__, [InitErrorDetails(
                type=PydanticCustomError("year", "{problem}", {"problem": message}), loc=("year",), input=self.year)])

        from .references import problems

        found = problems(self) + [(("metrics", i), message) for i, m in enumerate(self.metrics)
                                  for message in m.problems(self)]
        if found:
            raise ValidationError.from_exception_data(type(self).__name__, [
                InitErrorDetails(type=PydanticCustomError("reference", "{problem}", {"problem": message}),
                                 loc=loc, input=None)
                for loc, message in found])

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
