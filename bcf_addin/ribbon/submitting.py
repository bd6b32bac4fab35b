"""The Save for submission button: the open return's pack saved beside it, as `bcf submit`
writes it, and an e-mail ready to send."""
from __future__ import annotations

import tempfile
from pathlib import Path

from ..api import check_open, pack_contents
from ..errors import BcfError
from ..mail import submission_draft
from ..outlook import classic_outlook, show_draft
from ..pack import MANIFEST, write_pack
from ..present import pack_summary, verdict
from ..present.reports import heading
from ..submission import submission_name
from ..userconfig import load_config
from .dialogs import ExcelUi
from .running import button, read_return


@button
def save_for_submission(book, ui: ExcelUi, outlook=None) -> Path | None:
    """Save the submission pack of the open return next to it: a copy under the name NHS England
    asks for, and manifest.json; then an e-mail ready to send, in Outlook where classic Outlook
    is there to open it, else as an .eml file beside the copy. Nothing is ever sent.

    The pack is the one `bcf submit` writes. The open workbook keeps its name and its
    saved/unsaved state; an existing file is replaced only when the officer says so.
    """
    tpl = read_return(book, ui)
    name = submission_name(tpl)
    src = ui.book_path()
    if src is None and ui.online_address():
        # xlwings maps OneDrive and SharePoint addresses to their synced folders when it can find
        # them; an address left over is a library not synced, or synced somewhere xlwings is not told.
        raise BcfError(f"the return is open from OneDrive or SharePoint ({ui.online_address()}) and its "
                       "synced copy on this computer cannot be found",
                       hint="sync the library to this computer (Sync in OneDrive or SharePoint), or, if it is "
                            "synced to a folder of your own choosing, name that folder in the xlwings.conf "
                            "sheet (ONEDRIVE_COMMERCIAL_WIN or SHAREPOINT_WIN), or save a copy to a local "
                            "folder with File > Save As; then press Save for submission again")
    if src is None:
        raise BcfError("the return has not been saved to a folder on this computer yet",
                       hint=f"save it first (File > Save As), then press Save for submission again to save "
                            f"'{name}' next to it")
    if src.suffix.lower() != ".xlsx":
        raise BcfError(f"is a {src.suffix or 'file without an extension'} workbook; NHS England takes the "
                       ".xlsx template", file=str(src),
                       hint="save the return as an Excel Workbook (.xlsx) first")
    if src.name.casefold() == name.casefold():
        raise BcfError(f"is already named '{name}', as NHS England asks", file=str(src),
                       hint="save it under a working name (File > Save As), then press Save for submission again")
    config = load_config()
    ui.status("Better Care Fund: checking...")
    checked = check_open(tpl)
    reason = None
    if checked.errors:
        reason = ui.ask(f"{heading(checked)}\n\n{verdict(checked)}\n\nNHS England may send back a "
                        "return with errors. Press Check return for the list.\n\nTo save it for submission anyway, "
                        "say why (the reason goes into the manifest and the e-mail):")
        if not (reason or "").strip():
            return None
    outlook = outlook if outlook is not None else classic_outlook()
    names = [src.parent / name, src.parent / MANIFEST] + ([] if outlook else [(src.parent / name).with_suffix(".eml")])
    existing = [p for p in names if p.exists()]
    if existing and not ui.confirm("\n".join(map(str, existing)) + "\n\nalready there. Replace with the return as it "
                                   "is now? (The files replaced are kept as backup copies.)"):
        return None
    ui.status("Better Care Fund: saving the pack...")
    with tempfile.TemporaryDirectory(prefix="bcf-") as staging:
        staged = Path(staging) / f"submission{src.suffix}"
        try:
            ui.save_copy_as(staged)
        except NotImplementedError:
            raise BcfError("this Excel cannot save a copy for the tools",
                           hint=f"use File > Save a Copy and name the copy '{name}'") from None
        contents = pack_contents(tpl, checked, staged, accept_errors=reason)
    draft = submission_draft(contents, config.regional_managers)
    pack = write_pack(contents, src.parent, overwrite=bool(existing), draft=None if outlook else draft)
    if outlook:
        show_draft(outlook, draft, pack.paths)
    ui.message(pack_summary(pack, open_name=src.name, in_outlook=bool(outlook),
                            managers_set=bool(config.regional_managers), config=str(config.path)))
    return pack.paths[0]
