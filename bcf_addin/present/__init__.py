"""How every result is put into words: the one place the command line, the ribbon's messages
and the e-mail draft take their text from.

Each function takes a result object (CheckReport, Balances, ReturnDiff, NarrativeReport,
SubmissionPack) and nothing else: the results carry what the words need (the template's title,
whether formula results are stale), so no presenter reopens a file or a description.
`*_text` is the full text the CLI prints; `*_summary` the shorter one a message box shows.
"""
from __future__ import annotations

from .narrative import narrative_summary, narrative_text
from .pack import mail_body, pack_summary, pack_text
from .reports import (balances_summary, balances_text, changes_summary, check_summary, check_text, diff_text,
                      findings_lines, verdict)

__all__ = ["balances_summary", "balances_text", "changes_summary", "check_summary", "check_text", "diff_text",
           "findings_lines", "mail_body", "narrative_summary", "narrative_text", "pack_summary", "pack_text",
           "verdict"]
