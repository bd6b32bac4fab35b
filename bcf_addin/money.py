"""Money as exact Decimal pounds, parsed from what registers and ledgers really contain."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_NOISE = re.compile(r"[£,\s\u00a0]")


class NotMoney(ValueError):
    """Text that is not an amount of money."""


def parse_money(raw: object) -> Decimal | None:
    """'£1,234' -> 1234; '(1,234)' -> -1234; '1234.00' -> 1234.00; blank -> None.

    Floats are refused: by the time a value is a float it may already be inexact, so the readers
    hand over text or Decimal.
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise NotMoney(f"{raw!r} is not an amount")
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        raise TypeError("money must not arrive as a float; read it as text")
    text = _NOISE.sub("", str(raw))
    if text in ("", "-"):
        return None if text == "" else Decimal(0)
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    if text.startswith("£"):
        text = text[1:]
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise NotMoney(f"'{raw}' is not an amount of money") from None
    if not value.is_finite():
        raise NotMoney(f"'{raw}' is not an amount of money")
    return -value if negative else value


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
