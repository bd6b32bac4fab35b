"""JSON with money as exact numbers: Decimal written digit for digit, never through a float."""
from __future__ import annotations

import json
from decimal import Decimal
from enum import Enum


def _number(d: Decimal) -> str:
    if d == d.to_integral_value():
        return str(d.quantize(Decimal(1)))
    text = format(d.normalize(), "f")
    return text


def dumps(obj, indent: int = 2) -> str:
    """Like json.dumps, with Decimal as a JSON number in plain notation."""
    return _encode(obj, indent, 0)


def _encode(obj, indent: int, level: int) -> str:
    pad, inner = " " * (indent * level), " " * (indent * (level + 1))
    if isinstance(obj, Decimal):
        return _number(obj)
    if isinstance(obj, Enum):
        return json.dumps(obj.value)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{inner}{json.dumps(str(k))}: {_encode(v, indent, level + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(obj, (list, tuple)):
        if not obj:
            return "[]"
        items = [f"{inner}{_encode(v, indent, level + 1)}" for v in obj]
        return "[\n" + ",\n".join(items) + f"\n{pad}]"
    return json.dumps(obj, ensure_ascii=False)


def loads(text: str):
    """Read back with Decimal numbers, so tests compare exactly."""
    return json.loads(text, parse_float=Decimal, parse_int=Decimal)
