"""Evaluate a description's own formula expressions over a workbook's inputs, exactly.

The descriptions state each template formula as an expression over item names (see
replica/formulas.py). Evaluating those expressions here, with Decimal arithmetic and from the
input cells up, gives what each formula cell should hold without trusting any cached result:
the basis of the arithmetic and cross-sheet rules. Only the small vocabulary the descriptions
use is understood (arithmetic, comparisons, SUM, SUMIFS, SUMPRODUCT, MAX, MIN, IF, IFERROR,
ROUND, ABS); anything else raises Unsupported and the rules skip that cell.
"""
from __future__ import annotations

import ast
import re
from decimal import Decimal, DivisionByZero, InvalidOperation
from functools import lru_cache

from .descriptions.schema import Field, Table
from .folding import fold
from .located import OpenTemplate

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


class Unsupported(Exception):
    """An expression this evaluator does not understand."""


class _Error(Exception):
    """An Excel error value (#DIV/0!, #VALUE!) inside an evaluation, caught by IFERROR."""


class Vector(list):
    """A range's values, with Excel's element-by-element arithmetic and comparison."""

    def _zip(self, other, op):
        if isinstance(other, Vector):
            return Vector(op(a, b) for a, b in zip(self, other))
        return Vector(op(a, other) for a in self)

    def __add__(self, o): return self._zip(o, _add)
    def __radd__(self, o): return self._zip(o, lambda a, b: _add(b, a))
    def __sub__(self, o): return self._zip(o, _sub)
    def __mul__(self, o): return self._zip(o, _mul)
    def __rmul__(self, o): return self._zip(o, lambda a, b: _mul(b, a))
    def __eq__(self, o): return self._zip(o, _eq)
    def __ne__(self, o): return self._zip(o, lambda a, b: not _eq(a, b))
    def __gt__(self, o): return self._zip(o, lambda a, b: _num(a) > _num(b))
    def __lt__(self, o): return self._zip(o, lambda a, b: _num(a) < _num(b))
    __hash__ = None

    def folded(self) -> list[str]:
        """Each value folded: worked out once for a column that several SUMIFS test (the scheme
        lines' funding sources, in every running balance)."""
        if getattr(self, "_folded", None) is None:
            self._folded = [fold(v) for v in self]
        return self._folded


def _num(v) -> Decimal:
    if isinstance(v, bool):
        return Decimal(int(v))
    if isinstance(v, Decimal):
        return v
    if v is None or v == "":
        return Decimal(0)
    if isinstance(v, (int,)):
        return Decimal(v)
    raise _Error(f"#VALUE! ({v!r})")


def _add(a, b): return _num(a) + _num(b)
def _sub(a, b): return _num(a) - _num(b)
def _mul(a, b): return _num(a) * _num(b)


def _eq(a, b) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return fold(a) == fold(b)
    return _num(a) == _num(b)


def _div(a, b):
    try:
        return _num(a) / _num(b)
    except (DivisionByZero, InvalidOperation):
        raise _Error("#DIV/0!") from None


def _flat(args):
    for a in args:
        if isinstance(a, list):
            yield from a
        else:
            yield a


def _sum(*args):
    return sum((v for v in _flat(args) if isinstance(v, Decimal)), Decimal(0))


def _sumifs(total, *pairs):
    keep = [True] * len(total)
    for rng, crit in zip(pairs[::2], pairs[1::2]):
        if isinstance(crit, str):
            # Text criteria compare folded, whatever the cell holds (as _eq): fold the criterion once.
            want = fold(crit)
            folded = rng.folded() if isinstance(rng, Vector) else [fold(v) for v in rng]
            keep = [k and text == want for k, text in zip(keep, folded)]
        else:
            keep = [k and _eq(v, crit) for k, v in zip(keep, rng)]
    return sum((v for v, k in zip(total, keep) if k and isinstance(v, Decimal)), Decimal(0))


def _sumproduct(*arrays):
    out = Decimal(0)
    for values in zip(*arrays):
        product = Decimal(1)
        for v in values:
            product *= _num(v) if not isinstance(v, str) else Decimal(0)
        out += product
    return out


_FUNCS = {
    "SUM": _sum, "SUMIFS": _sumifs, "SUMPRODUCT": _sumproduct,
    "MAX": lambda *a: max(_num(v) for v in _flat(a)), "MIN": lambda *a: min(_num(v) for v in _flat(a)),
    "ABS": lambda a: abs(_num(a)), "ROUND": lambda a, n: _num(a).quantize(Decimal(1).scaleb(-int(_num(n)))),
}


def excel_to_python(expr: str) -> str:
    """Excel operators to Python's, outside string literals."""
    out, parts = [], re.split(r'("(?:[^"]|"")*")', expr.lstrip("="))
    for i, part in enumerate(parts):
        if i % 2:
            out.append(part)
            continue
        part = part.replace("<>", "!=").replace("^", "**")
        part = re.sub(r"(?<![<>!=])=(?!=)", "==", part)
        out.append(part)
    return "".join(out)


@lru_cache(maxsize=4096)
def _parsed(expr: str) -> tuple[tuple[str, ...], ast.expr | None, str | None]:
    """A description expression made ready once, however many returns and rows evaluate it: the
    names in its placeholders, in order, and its syntax tree over _v0, _v1... (or why it has none)."""
    placeholders: list[str] = []

    def bind(match: re.Match) -> str:
        placeholders.append(match.group(1))
        return f"_v{len(placeholders) - 1}"

    for _ in range(3):
        expr, n = _PLACEHOLDER.subn(bind, expr)
        if not n:
            break
    try:
        return tuple(placeholders), ast.parse(excel_to_python(expr), mode="eval").body, None
    except SyntaxError as exc:
        return tuple(placeholders), None, str(exc)


class Evaluator:
    def __init__(self, tpl: OpenTemplate):
        self.tpl = tpl
        self.memo: dict[tuple, object] = {}

    # -- what a name stands for -------------------------------------------------------------
    def field(self, field_id: str):
        key = ("field", field_id)
        if key not in self.memo:
            f: Field = self.tpl.item(field_id)
            if f.role == "formula":
                self.memo[key] = self.expression(f.formula, table=None, row_index=None, column=None)
            else:
                self.memo[key] = self.tpl.ref(field_id).value
        return self.memo[key]

    def cell(self, table_id: str, row_index: int, column: str):
        key = ("cell", table_id, row_index, column)
        if key not in self.memo:
            table, at = self.tpl.table(table_id)
            if column not in at.columns:
                raise Unsupported(f"this file has no column '{table.column(column).header}'")
            row = table.rows[row_index] if table.rows is not None and row_index < len(table.rows) else None
            col = table.column(column)
            role = table.role(row, col)
            formula = table.formula(row, col)
            if role == "formula" and formula:
                self.memo[key] = self.expression(formula, table=table_id, row_index=row_index, column=column)
            else:
                self.memo[key] = self.tpl.value(table_id, at.rows[row_index], column)
        return self.memo[key]

    def column(self, table_id: str, column: str) -> Vector:
        key = ("column", table_id, column)
        values = self.memo.get(key)
        if values is None:
            table, at = self.tpl.table(table_id)
            if table.rows is None and column in at.columns and not (
                    table.column(column).role == "formula" and table.column(column).formula):
                # An open table's column of typed values (the scheme lines' amounts, read by
                # every SUMIFS of the running balances): read straight from the sheet, once.
                values = self.tpl.values(table_id, column)
            else:
                values = [self.cell(table_id, i, column) for i in range(len(at.rows))]
            # One Vector for the column, whichever formulas read it: no formula changes a range.
            values = self.memo[key] = Vector(values)
        return values

    def total(self, table_id: str, column: str):
        table, _ = self.tpl.table(table_id)
        formula = table.column(column).total
        if not formula:
            raise Unsupported("no total formula")
        return self.expression(formula, table=table_id, row_index=None, column=column)

    # -- expressions ----------------------------------------------------------------------------
    def expression(self, expr: str, *, table: str | None, row_index: int | None, column: str | None):
        """The value of a description expression; None where Excel would show an error or blank."""
        if table is not None and row_index is not None:
            t, _ = self.tpl.table(table)
            if t.rows is not None and row_index < len(t.rows) and t.rows[row_index].id:
                expr = expr.replace("{row.id}", t.rows[row_index].id)

        placeholders, tree, error = _parsed(expr)
        names = {f"_v{i}": self._resolve(name, table, row_index, column) for i, name in enumerate(placeholders)}
        if tree is None:
            raise Unsupported(error)
        try:
            return self._eval(tree, names)
        except _Error:
            return None

    def _resolve(self, name: str, table: str | None, row_index: int | None, column: str | None):
        if name.startswith("complete:"):
            raise Unsupported("checker cells are not evaluated")
        if name == "col":
            return self.column(table, column)
        parts = name.split(".")
        if parts[0] == "row" and row_index is None and table is not None:
            # In a total formula, {row.x} is the total row's own cell of column x.
            return self.total(table, parts[1])
        if parts[0] == "row":
            if parts[1] == "label":
                t, _ = self.tpl.table(table)
                return t.rows[row_index].label
            return self.cell(table, row_index, parts[1])
        if len(parts) == 1:
            return self.field(name)
        if len(parts) == 2 and table is not None:
            t, at = self.tpl.table(table)
            if parts[0] in at.row_ids:
                return self.cell(table, self._row_index(table, parts[0]), parts[1])
        if len(parts) == 2:
            return self.column(parts[0], parts[1])
        return self.cell(parts[0], self._row_index(parts[0], parts[1]), parts[2])

    def _row_index(self, table_id: str, row_id: str) -> int:
        table, _ = self.tpl.table(table_id)
        for i, row in enumerate(table.rows or []):
            if row.id == row_id:
                return i
        raise Unsupported(f"{table_id} has no row {row_id}")

    def _eval(self, node, names):
        if isinstance(node, ast.Constant):
            if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
                return Decimal(str(node.value))
            if isinstance(node.value, str):
                return node.value
            raise Unsupported(repr(node.value))
        if isinstance(node, ast.Name):
            if node.id in names:
                return names[node.id]
            raise Unsupported(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            v = self._eval(node.operand, names)
            return v * Decimal(-1) if isinstance(v, Vector) else -_num(v)
        if isinstance(node, ast.BinOp):
            a, b = self._eval(node.left, names), self._eval(node.right, names)
            if isinstance(node.op, ast.Div):
                return _div(a, b)
            if isinstance(a, Vector) or isinstance(b, Vector):
                a = a if isinstance(a, Vector) else Vector([a] * len(b))
                ops = {ast.Add: a.__add__, ast.Sub: a.__sub__, ast.Mult: a.__mul__}
                return ops[type(node.op)](b)
            ops = {ast.Add: _add, ast.Sub: _sub, ast.Mult: _mul, ast.Pow: lambda x, y: _num(x) ** int(_num(y))}
            if type(node.op) not in ops:
                raise Unsupported(type(node.op).__name__)
            return ops[type(node.op)](a, b)
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            a, b = self._eval(node.left, names), self._eval(node.comparators[0], names)
            op = node.ops[0]
            if isinstance(a, Vector):
                return {ast.Eq: a.__eq__, ast.NotEq: a.__ne__, ast.Gt: a.__gt__, ast.Lt: a.__lt__}[type(op)](b)
            table = {ast.Eq: lambda: _eq(a, b), ast.NotEq: lambda: not _eq(a, b),
                     ast.Gt: lambda: _num(a) > _num(b), ast.Lt: lambda: _num(a) < _num(b),
                     ast.GtE: lambda: _num(a) >= _num(b), ast.LtE: lambda: _num(a) <= _num(b)}
            return table[type(op)]()
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            fn = node.func.id.upper()
            if fn == "IFERROR":
                try:
                    return self._eval(node.args[0], names)
                except _Error:
                    return self._eval(node.args[1], names)
            if fn == "IF":
                cond = self._eval(node.args[0], names)
                branch = node.args[1] if cond else (node.args[2] if len(node.args) > 2 else None)
                return False if branch is None else self._eval(branch, names)
            if fn in _FUNCS:
                return _FUNCS[fn](*[self._eval(a, names) for a in node.args])
            raise Unsupported(fn)
        raise Unsupported(type(node).__name__)


def formula_cells(tpl: OpenTemplate):
    """Every formula cell the description declares: (where, expression context) for the rules.

    Yields (sheet_name, row, col, kind, key) with key naming the cell for Evaluator.
    """
    layout = tpl.layout
    for sheet in tpl.description.sheets:
        if sheet.name not in layout.sheets:
            continue
        wb_sheet = layout.workbook_sheet(sheet.name)
        for item in sheet.items:
            if isinstance(item, Field) and item.role == "formula" and "{complete:" not in (item.formula or ""):
                at = layout.fields[item.id]
                yield wb_sheet, at.row, at.col, ("field", item.id)
            elif isinstance(item, Table):
                at = layout.tables[item.id]
                columns = [c for c in item.columns if c.id in at.columns]
                if item.rows is None:
                    # Every line of an open table has its columns' roles: only formula columns count.
                    columns = [c for c in columns if c.role == "formula" and c.formula and "{complete:" not in c.formula]
                for i, r in enumerate(at.rows):
                    row = item.rows[i] if item.rows is not None and i < len(item.rows) else None
                    for c in columns:
                        role = item.role(row, c)
                        formula = item.formula(row, c)
                        if role == "formula" and formula and "{complete:" not in formula:
                            yield wb_sheet, r, at.columns[c.id], ("cell", item.id, i, c.id)
                if at.total_row:
                    for c in item.columns:
                        if c.total and c.id in at.columns:
                            yield wb_sheet, at.total_row, at.columns[c.id], ("total", item.id, c.id)


def evaluate(ev: Evaluator, key: tuple):
    if key[0] == "field":
        return ev.field(key[1])
    if key[0] == "cell":
        return ev.cell(key[1], key[2], key[3])
    return ev.total(key[1], key[2])
