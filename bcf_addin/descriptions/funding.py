"""Which funding source a name means: a description's sources go by their label and older spellings."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..folding import fold

if TYPE_CHECKING:
    from .schema import Finance, FundingSource


# A minimum spend's commissioner_share counting the line's whole spend, not a share column's.
IN_FULL = "1"


def source_names(src: FundingSource) -> set[str]:
    """Every name a funding source goes by, folded: its label and its older spellings."""
    return {fold(x) for x in (src.source, *src.aliases)}


def source_for(fin: Finance, name) -> FundingSource | None:
    """The funding source a name means (a scheme line's source, a filter's, a balance row's)."""
    key = fold(name)
    return next((s for s in fin.sources if key in source_names(s)), None)
