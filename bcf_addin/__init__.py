"""Better Care Fund returns: populate, check and balance NHS England templates."""
__version__ = "0.1.0"


def names_loaded_on_use(package: str, homes: dict[str, str]):
    """A package's `__getattr__` that imports each name of `homes` (name -> module of `package`) the
    first time it is asked for: a command that starts fast imports only what it uses."""

    def __getattr__(name: str):
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        import sys
        from importlib import import_module

        value = getattr(import_module(f"{package}.{homes[name]}"), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
