"""A cell's stored text as the value a person sees: numbers, dates and text.

The rules follow the reader this one replaced (python-calamine), so a workbook reads exactly as
before: which number formats make a number a date, the 1900 and 1904 date systems with Excel's
phantom 29 February 1900, Excel's _xHHHH_ escapes, and runs of rich text.
Numbers are made exact from the cell's own text, never through a binary float.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_MAX_EXACT_INT = 2**53
_EXCEL_DIGITS = 15
_EPOCH = datetime(1899, 12, 30)
_DAYS_1900_TO_1904 = 1462
_MS_A_DAY = 86_400_000
_BUILTIN_DATES = {"14", "15", "16", "17", "18", "19", "20", "21", "22", "45", "47"}
_ESCAPE = re.compile(r"_x00([0-9A-Fa-f]{2})_")


def builtin_date_format(number_format_id: str) -> str | None:
    """Excel's built-in number formats that show a date or time, or a duration ([h]:mm:ss)."""
    if number_format_id in _BUILTIN_DATES:
        return "datetime"
    return "timedelta" if number_format_id == "46" else None


def date_format(code: str) -> str | None:
    """Whether a custom number format shows a date or time ('datetime'), an elapsed time
    ([h]:mm, 'timedelta') or neither. Only the first section counts; quoted and escaped text,
    and colours and locales in brackets, do not."""
    escaped = quoted = am_pm = hms = False
    brackets = 0
    prev = " "
    for ch in code:
        if escaped:
            escaped = False
        elif ch in "_\\*":
            escaped = True
        elif quoted:
            quoted = ch != '"'
        elif ch == '"':
            quoted = True
        elif ch == ";":
            return None
        elif ch == "[":
            brackets += 1
        elif ch == "]" and brackets == 1 and hms:
            return "timedelta"
        elif ch == "]":
            brackets = max(brackets - 1, 0)
        elif ch in "aA" and not am_pm and brackets == 0:
            am_pm = True
        elif ch in "pPmM/" and am_pm and brackets == 0:
            return "datetime"
        elif ch in "dmhysDMHYS" and not am_pm and brackets == 0:
            return "datetime"
        elif not (hms and ch.lower() == prev.lower()):
            hms = prev == "[" and ch in "mhsMHS"
        prev = ch
    return None


def number(text: str) -> Decimal | None:
    """The number a cell's text holds (None if it is not one): whole numbers as integers, others
    without trailing zeros, as Excel shows them.

    Excel keeps 15 significant digits, and a text with no more is taken exactly as written. A
    longer one is a program's rendering of a binary double (0.6899999999999999 for 0.69): it
    stands for that double, so it reads as the shortest text that names the same double.
    """
    if text.isdigit() and text.isascii() and len(text) <= _EXCEL_DIGITS:
        return Decimal(text)        # a whole number as Excel writes most: already as below would make it
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return value
    if len(value.as_tuple().digits) > _EXCEL_DIGITS:
        value = Decimal(repr(float(value)))
    if value == value.to_integral_value() and -_MAX_EXACT_INT < value < _MAX_EXACT_INT:
        return Decimal(int(value))
    return value.normalize()


def serial_datetime(serial: Decimal, date1904: bool) -> datetime | None:
    """An Excel date serial as a date and time (to the millisecond), or None when the serial is
    less than a day or out of Python's date range (it is then read as the number it is)."""
    if serial < 1:
        return None         # a time of day: kept as the fraction of a day it is
    days = serial + _DAYS_1900_TO_1904 if date1904 else serial
    if days < 60:
        days += 1           # before Excel's phantom 29 February 1900
    ms = int((days * _MS_A_DAY).to_integral_value(ROUND_HALF_UP))
    try:
        moment = _EPOCH + timedelta(milliseconds=ms)
    except OverflowError:
        return None
    return moment


def iso_datetime(text: str):
    """A cell of type 'd' (an ISO 8601 date, time or both); the text itself if it is none."""
    try:
        if "T" in text:
            return datetime.fromisoformat(text.rstrip("Z"))
        if ":" in text:
            moment = datetime.fromisoformat("1900-01-01T" + text)
            seconds = moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6
            return number(repr(seconds / 86400))
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    return datetime(moment.year, moment.month, moment.day)


def unescape(text: str) -> str:
    """Excel's _x00HH_ escapes (a carriage return is _x000D_) turned back into characters."""
    if "_x00" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


_XML_SPACE = "http://www.w3.org/XML/1998/namespace}space"


class RichText:
    """Collects the text of one <si> or <is>: plain <t>, or runs <r><t>, not phonetic <rPh>.
    As shown, text not marked xml:space="preserve" loses its surrounding ASCII white space and
    escapes are undone; `stored` keeps the text exactly as the file has it."""

    __slots__ = ("parts", "in_t", "in_phonetic", "preserve", "buf", "stored")

    def __init__(self, stored: bool = False):
        self.stored = stored
        self.parts: list[str] = []
        self.in_t = self.in_phonetic = self.preserve = False
        self.buf: list[str] = []

    def start(self, name: str, attrs: dict) -> None:
        if name == "t" and not self.in_phonetic:
            self.in_t = True
            self.preserve = attrs.get(_XML_SPACE) == "preserve"
            self.buf = []
        elif name == "rPh":
            self.in_phonetic = True

    def end(self, name: str) -> None:
        if name == "t" and self.in_t:
            self.in_t = False
            text = "".join(self.buf)
            self.parts.append(text if self.stored else unescape(text if self.preserve else text.strip(" \t\r\n")))
        elif name == "rPh":
            self.in_phonetic = False

    def text(self) -> str:
        return "".join(self.parts)


class SharedStrings:
    """A handler for sharedStrings.xml: `texts` holds one text per <si>, in order."""

    def __init__(self, stored: bool = False):
        self.stored = stored
        self.texts: list[str] = []
        self._item: RichText | None = None

    def start(self, tag: str, attrs: dict) -> None:
        name = tag.rpartition("}")[2]
        if name == "si":
            self._item = RichText(self.stored)
        elif self._item is not None:
            self._item.start(name, attrs)

    def end(self, tag: str) -> None:
        name = tag.rpartition("}")[2]
        if name == "si" and self._item is not None:
            self.texts.append(self._item.text())
            self._item = None
        elif self._item is not None:
            self._item.end(name)

    def chars(self, text: str) -> None:
        if self._item is not None and self._item.in_t:
            self._item.buf.append(text)
