"""Turn a register's raw values into what the template's cells hold: exact money, numbers,
dates, and drop-down values in the list's own spelling (or a note saying why not)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from .descriptions.loader import lists_of
from .descriptions.schema import Column, TemplateDescription
from .folding import NOT_APPLICABLE, best_choice, closest, fold
from .money import ACCEPTED, NotMoney, parse_money, pounds
from .notes import Note
from .register import Register, as_text


class Converter:
    """Turns a register's raw value into what the template's column holds."""

    def __init__(self, desc: TemplateDescription, register: Register):
        self.lists = lists_of(desc)
        self.aliases = {name: src.aliases for name, src in desc.lists.items()}
        self.money_max = desc.money_max
        self.register = register

    def convert(self, column: Column, raw: object, line: int, header: str, notes: list[Note]):
        text = as_text(raw)
        if text == "":
            return None
        if column.type == "money":
            return self._money(raw, text, line, header, notes)
        if column.type in ("number", "integer", "percent"):
            return self._number(column, raw, text, line, header)
        if column.type == "date":
            return self._date(raw, text, line, header)
        if column.type == "list":
            values = self.lists[column.list]
            if text == "0":
                return None         # copied rows carry 0 in unused dropdown cells
            found = best_choice(text, values, self.aliases.get(column.list))
            if found is None:
                near = closest(text, values)
                notes.append(self.register.note("warning", line, header,
                                  f"'{text}' is not on the template's list, so it was not written",
                                  f"did you mean '{near}'?" if near else f"choose one of: {', '.join(values[:6])}"))
            return found
        return text

    def _money(self, raw, text, line, header, notes):
        try:
            value = parse_money(raw if isinstance(raw, Decimal) else text)
        except NotMoney as exc:
            hint = "round it to the penny" if isinstance(raw, Decimal) else f"enter {ACCEPTED}"
            raise self.register.refuse(line, header, str(exc), hint=hint) from None
        if value is None:
            return None
        if abs(value) > self.money_max:
            raise self.register.refuse(line, header, f"{text} is larger than the template accepts")
        # Written as given, but said: returns are in whole pounds, and spend is rarely negative.
        if value != value.to_integral_value():
            notes.append(self.register.note("info", line, header,
                              f"{pounds(value)} has pence; BCF returns are in whole pounds",
                              "round it if the pence were not meant"))
        if value < 0:
            notes.append(self.register.note("warning", line, header,
                              f"{pounds(value)} is negative, which is unusual in a return",
                              "check it is a refund or correction and not a sign slip"))
        return value

    def _number(self, column, raw, text, line, header):
        if isinstance(raw, Decimal):
            return raw
        cleaned = text.replace(",", "")
        pct = cleaned.endswith("%")
        try:
            value = Decimal(cleaned.rstrip("%").strip())
        except InvalidOperation:
            if fold(text) in NOT_APPLICABLE:
                return text
            raise self.register.refuse(line, header, f"'{text}' is not a number") from None
        return value / 100 if pct else value

    def _date(self, raw, text, line, header):
        if isinstance(raw, datetime):
            return raw
        for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d %B %Y", "%d %b %Y"):
            try:
                return datetime.strptime(text, fmt)
            except ValueError:
                continue
        raise self.register.refuse(line, header, f"'{text}' is not a date", hint="use dd/mm/yyyy")
