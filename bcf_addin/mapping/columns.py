"""A column mapping as data: which register column feeds each template column, validated.

Its own module because pydantic, which validates it, takes longer to import than populating a
return takes: `bcf populate` of a register with no saved mapping never imports it.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, field_validator


class ColumnMapping(BaseModel):
    """Which register column feeds each template column, and local spellings of list values.

    Keyed by the template's own column headings, as the officer sees them in the return.
    """

    model_config = ConfigDict(extra="forbid")

    kind: str | None = None                       # the template it was made for
    table: str | None = None                      # the table of that template
    columns: dict[str, str | None] = {}           # template heading -> register heading (None: not in it)
    values: dict[str, dict[str, str]] = {}        # template heading -> {local spelling: list value}

    @field_validator("columns", "values", mode="before")
    @classmethod
    def _empty_is_none(cls, value):
        # A section the officer emptied reads back from YAML as None.
        return {} if value is None else value
