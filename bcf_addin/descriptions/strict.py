"""How a description class is made: a frozen dataclass, validated by pydantic only when made from data.

`bcf check` builds description objects from a cache of validated descriptions (see validated.py)
and never imports pydantic, which alone costs more than reading a return. Pydantic validates a
standard dataclass field by field, with the `__pydantic_config__` of Strict, then runs its
`__post_init__`: the checks a model validator made.
"""
from __future__ import annotations

from dataclasses import MISSING, FrozenInstanceError, dataclass, fields
from dataclasses import field as _field


def described(cls):
    """A description class: frozen, compared by value, made from data through pydantic.

    Strict gives every class the methods `dataclass` would write for it: writing them for each
    class, as source compiled at import, would cost more than the rest of `bcf check`'s start.
    """
    return dataclass(init=False, repr=False, eq=False)(cls)


def empty_list():
    return _field(default_factory=list)


def empty_dict():
    return _field(default_factory=dict)


_ADAPTERS: dict[type, object] = {}


def _adapter(cls):
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        from pydantic import TypeAdapter      # only a description made from data needs pydantic

        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter


class _FieldDefault:
    __slots__ = ("default",)

    def __init__(self, default):
        self.default = default


class _ModelFields:
    """`Cls.model_fields[name].default`, as pydantic models answer it."""

    def __get__(self, obj, cls):
        return {f.name: _FieldDefault(f.default if f.default is not MISSING else
                                      f.default_factory() if f.default_factory is not MISSING else MISSING)
                for f in fields(cls)}


class Strict:
    """What every description class answers besides its fields: pydantic's model methods."""

    __pydantic_config__ = {"extra": "forbid"}
    model_fields = _ModelFields()

    def __init__(self, **data):
        # Made from keywords as a pydantic model is: validated, with values converted.
        made = _adapter(type(self)).validate_python(data)
        self.__dict__.update(made.__dict__)

    # What dataclass(frozen=True) would give each class: equal by value, hashed by value, shown
    # with every field, never changed once made.
    def __eq__(self, other) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((self.__class__, *self.__dict__.values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__dataclass_fields__)
        return f"{type(self).__name__}({shown})"

    def __setattr__(self, name, value):
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name):
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    @classmethod
    def model_validate(cls, data):
        return _adapter(cls).validate_python(data)

    def model_dump(self, **options) -> dict:
        return _adapter(type(self)).dump_python(self, **options)

    def model_copy(self, *, update: dict | None = None):
        """A copy with `update`'s fields replaced, unvalidated (as pydantic's model_copy)."""
        copy = object.__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy.__dict__.update(update or {})
        return copy


class Checked:
    """Annotated metadata running `check` on a field's value once it is validated."""

    def __init__(self, check):
        self.check = check

    def __get_pydantic_core_schema__(self, source, handler):
        from pydantic_core import core_schema      # asked only while pydantic builds a validator

        return core_schema.no_info_after_validator_function(self.check, handler(source))


class Tagged:
    """Annotated metadata: a union told apart by the field `tag` (pydantic's Discriminator)."""

    def __init__(self, tag: str):
        self.tag = tag

    def __get_pydantic_core_schema__(self, source, handler):
        from pydantic import Discriminator      # asked only while pydantic builds a validator

        return Discriminator(self.tag).__get_pydantic_core_schema__(source, handler)
