"""How every result is put into words: the one place the command line, the ribbon's messages
and the e-mail draft take their text from.

Each function takes a result object (CheckReport, Balances, ReturnDiff, NarrativeReport, Inspection,
SubmissionPack) and nothing else: the results carry what the words need (the template's title,
whether formula results are stale), so no presenter reopens a file or a description.
`*_text` is the full text the CLI prints; `*_summary` the shorter one a message box shows.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .. import names_loaded_on_use

if TYPE_CHECKING:
    from .inspection import inspection_text
    from .narrative import narrative_summary, narrative_text
    from .pack import mail_body, pack_summary, pack_text
    from .reports import (balances_summary, balances_text, changes_summary, check_summary, check_text, diff_text,
                          findings_lines, verdict)

# Each name is loaded on first use: `bcf check` needs the check's words, not the narrative
# check's or the pack's, whose modules import much more.
_HOMES = {
    "inspection_text": "inspection",
    "narrative_summary": "narrative", "narrative_text": "narrative",
    "mail_body": "pack", "pack_summary": "pack", "pack_text": "pack",
    **dict.fromkeys(["balances_summary", "balances_text", "changes_summary", "check_summary", "check_text",
                     "diff_text", "findings_lines", "verdict"], "reports"),
}

__all__ = list(_HOMES)
__getattr__ = names_loaded_on_use(__name__, _HOMES)
