"""
# Better Care Fund returns

Checks, balances and populates NHS England's Better Care Fund returns inside Excel, with nothing
to install on the PC: Python runs in Excel's own browser (xlwings Lite).

Choose a script above and press its button (or F5). What each one finds goes to the sheet
**BCF findings**, with a link to each cell. Only Populate writes to the return itself, and only
into the template's input cells. Nothing is saved: save the workbook yourself.
"""
from typing import Annotated

import xlwings as xw
from xlwings import script

from bcf_addin import lite


@script(name="Check return")
def check_return(book: xw.Book):
    """Checks the return as NHS England will and lists what to fix, with a link to each cell."""
    return lite.check(book)


@script(name="Balances")
def balances(book: xw.Book):
    """The running balance of each funding source and the minimum-spend tests, from the scheme lines."""
    return lite.balances(book)


@script(name="Populate")
def populate(book: xw.Book,
             register_sheets: Annotated[str, "Sheet(s) holding the register, headings first; "
                                             "separate several with commas"] = lite.REGISTER_SHEET):
    """Fills the return from your register, pasted into a sheet of its own, then checks it.
    Excel cannot undo this: to go back, close the workbook without saving."""
    return lite.populate(book, register_sheets)


@script(name="What changed")
def what_changed(book: xw.Book,
                 earlier: Annotated[str, "The ending Excel gave the earlier version's copied sheets"]
                 = lite.EARLIER_SUFFIX):
    """Compares the return with an earlier version whose sheets you copied into this workbook
    (right-click a sheet tab > Move or Copy > Create a copy)."""
    return lite.what_changed(book, earlier)


@script(name="Help")
def help(book: xw.Book):
    """What each script does and how to give it a register or an earlier version."""
    return lite.help(book)
