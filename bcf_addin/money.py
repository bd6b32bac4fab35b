"""Money as exact Decimal pounds, parsed strictly from what registers and ledgers contain.

Strict because a misread amount is worse than a refused one: '1.234,56' read the English way is
a thousand times too small, and '1,2,3,4' is a typing slip, not a number.
"""
from __future__ import annotations

import re
from decimal import Decimal

ACCEPTED = "whole pounds or pounds and pence such as 1234, £1,234, 1 234.50, -1234 or (1,234)"

_SPACES = " \u00a0\u202f"
# One separator throughout (a comma or a kind of space), in groups of three. ASCII digits only:
# Decimal would take other scripts' digits too.
_AMOUNT = re.compile(r"""
    (?P<pounds> \d+ | \d{1,3} (?: (?P<sep>[,\u0020\u00a0\u202f]) \d{3} ) (?: (?P=sep) \d{3} )* )?
    (?: \. (?P<pence> \d+ ) )?
    """, re.VERBOSE | re.ASCII)


class NotMoney(ValueError):
    """Text that is not an amount of money."""


def parse_money(raw: object) -> Decimal | None:
    """'£1,234' -> 1234; '(1,234)' -> -1234; '-1234.50' -> -1234.50; blank -> None; '-' -> 0.

    Floats are refused: by the time a value is a float it may already be inexact, so the readers
    hand over text or Decimal.
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise NotMoney(f"{raw!r} is not an amount")
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise NotMoney(f"{raw} is not an amount of money")
        if _below_a_penny(raw):
            raise NotMoney(f"{raw} has a fraction of a penny")
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        raise TypeError("money must not arrive as a float; read it as text")
    return _parse_text(str(raw))


def _parse_text(raw: str) -> Decimal | None:
    text = raw.strip(_SPACES)
    if text == "" or text == "£":
        return None
    if text.strip(_SPACES + "£") == "-":
        return Decimal(0)             # an accountant's dash for nothing
    bracketed = text.startswith("(") and text.endswith(")")
    if bracketed:
        text = text[1:-1].strip(_SPACES)
    negative = text.startswith("-")
    if negative:
        text = text[1:]
    if text.startswith("£"):
        text = text[1:]
        if not negative and text.startswith("-"):        # £-1,234
            negative, text = True, text[1:]
    text = text.strip(_SPACES)
    if bracketed and negative:
        raise NotMoney(f"'{raw}' is negative twice over (a minus sign inside brackets)")
    m = _AMOUNT.fullmatch(text)
    if not text or m is None or (m["pounds"] is None and m["pence"] is None):
        raise NotMoney(f"'{raw}' is not an amount of money{_why(text)}")
    if m["pence"] and len(m["pence"]) > 2:
        raise NotMoney(f"'{raw}' has {len(m['pence'])} decimal places: a fraction of a penny, "
                       "or a point where a comma was meant")
    value = Decimal(text.replace(m["sep"] or ",", ""))
    return -value if bracketed or negative else value


def _why(text: str) -> str:
    if re.fullmatch(r"[\d.]*\d\.\d{3},\d{1,2}", text) or re.fullmatch(r"\d+,\d{1,2}", text):
        return " (a comma before the pence is the continental style; use a point, as in 1234.56)"
    if re.fullmatch(r"\d[\d,\s\u00a0\u202f]*(\.\d+)?", text):
        return " (thousands are grouped in threes with one kind of separator, as in 1,234,567)"
    return ""


def _below_a_penny(value: Decimal) -> bool:
    # From the digits themselves: quantize or normalize would round a long number to the context.
    _, digits, exponent = value.as_tuple()
    return exponent < -2 and any(digits[exponent + 2:])


def pounds(value: Decimal) -> str:
    """£1,234,567 for messages; pence shown only when there are any."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    if value == value.to_integral_value():
        return f"{sign}£{value:,.0f}"
    return f"{sign}£{value:,.2f}"


def percent(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """Exact ratio as a percentage; None where the template shows none (zero income)."""
    if not denominator:
        return None
    return numerator * 100 / denominator
