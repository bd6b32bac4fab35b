"""A value as the writer stores it in a cell, within Excel's limits, and whether a cell already
holds it."""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from ..errors import BcfError, ProtectedCell
from ..workbook import Value, cell_ref
from .refs import MAX_COL, MAX_ROW

MAX_TEXT = 32_767                      # Excel's limit on the characters in one cell
MAX_NUMBER = Decimal("9.99999999999999E+307")
MIN_NUMBER = Decimal("2.2250738585072E-308")

# Excel reads _xHHHH_ in text as an escaped character, so a literal one must itself be escaped;
# characters XML 1.0 cannot carry are stored with that same escape, as Excel does.
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Unpaired surrogates and the non-characters U+FFFE/U+FFFF: no file can hold them, and Excel's
# _xHHHH_ escape does not bring the non-characters back when read.
_SURROGATE = re.compile("[\ud800-\udfff\ufffe\uffff]")


def encode(value: Value, date1904: bool, file: str, sheet: str, key: tuple[int, int]):
    """(kind, text) as stored in the XML: kind is 's', 'n', 'b', or None for an empty cell."""
    row, col = key
    if not (1 <= row <= MAX_ROW and 1 <= col <= MAX_COL):
        ref = cell_ref(row, col) if 1 <= col <= MAX_COL else f"R{row}C{col}"
        raise ProtectedCell("is outside the sheet", file=file, sheet=sheet, cell=ref)

    def refuse(message: str):
        return BcfError(message, file=file, sheet=sheet, cell=cell_ref(row, col))

    if value is None or value == "":
        return None, None       # an empty string would count as filled in Excel (COUNTA)
    if isinstance(value, bool):
        return "b", "1" if value else "0"
    if isinstance(value, str):
        if value.isascii() and value.isprintable() and "_x" not in value and len(value) <= MAX_TEXT:
            return "s", value           # the common case: nothing to escape or refuse
        if _SURROGATE.search(value):
            raise refuse("text contains an invalid character (an unpaired surrogate or a non-character) and cannot be saved")
        if len(value.encode("utf-16-le")) // 2 > MAX_TEXT:
            raise refuse(f"text is longer than the {MAX_TEXT:,} characters an Excel cell can hold")
        text = _ESCAPE_LIKE.sub(r"_x005F_\1", value)
        return "s", _NOT_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite():
            raise refuse(f"{value} is not a number Excel can hold")
        if number == 0:
            return "n", "0"
        if abs(number) > MAX_NUMBER or abs(number) < MIN_NUMBER:
            raise refuse(f"{value} is outside the range of numbers Excel can hold")
        return "n", format(number, "f")
    if isinstance(value, (datetime, date)):
        return "n", _serial(value, date1904, refuse)
    raise refuse(f"cannot write a value of type {type(value).__name__}")


def _serial(value: date, date1904: bool, refuse) -> str:
    if isinstance(value, datetime):
        moment = value.replace(tzinfo=None)      # wall-clock time, as Excel has no time zones
    else:
        moment = datetime(value.year, value.month, value.day)
    first = datetime(1904, 1, 1) if date1904 else datetime(1900, 1, 1)
    if moment < first:
        raise refuse(f"{value} is before the first date Excel can hold ({first:%d/%m/%Y})")
    if date1904:
        base = first
    elif moment < datetime(1900, 3, 1):
        base = datetime(1899, 12, 31)     # Excel counts a 29 February 1900 that never was
    else:
        base = datetime(1899, 12, 30)
    delta = moment - base
    if not delta.seconds and not delta.microseconds:
        return str(delta.days)
    return repr(delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400)


def same(kind: str | None, text: str | None, current: tuple) -> bool:
    if kind is None:
        return current == (None,)
    if kind == "n":
        return current[0] == "n" and current[1] == Decimal(text)
    if kind == "b":
        return current == ("b", text == "1")
    return current == ("s", text)
