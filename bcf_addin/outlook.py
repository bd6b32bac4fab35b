"""An Outlook draft of the submission e-mail, on Windows with classic Outlook: shown, never sent.

Classic Outlook answers COM automation (pywin32); the new Outlook does not, and neither does any
other computer, so then there is no Outlook here and the caller writes the .eml draft instead.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

from .mail import Draft

MAIL_ITEM = 0           # Outlook's olMailItem


def classic_outlook(dispatch: Callable[[str], object] | None = None, platform: str | None = None):
    """Outlook's Application object, or None where there is no classic Outlook to drive."""
    if not (platform or sys.platform).startswith("win"):
        return None
    if dispatch is None:
        try:
            import win32com.client      # pywin32: Windows only, and only wanted here
        except ImportError:
            return None
        dispatch = win32com.client.Dispatch
    try:
        return dispatch("Outlook.Application")
    except Exception:                   # not installed, the new Outlook, or blocked by policy
        return None


def show_draft(outlook, draft: Draft, files: list[Path]) -> object:
    """Open the draft in an Outlook window with `files` attached. It is displayed, never sent:
    the officer reads it and presses Send."""
    item = outlook.CreateItem(MAIL_ITEM)
    item.To = "; ".join(draft.to)
    item.CC = "; ".join(draft.cc)
    item.Subject = draft.subject
    item.Body = draft.body
    for path in files:
        item.Attachments.Add(str(path))
    item.Display(False)                 # not modal: Excel stays usable while the draft is open
    return item
