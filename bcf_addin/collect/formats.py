"""The formats the tables can be written in, checked before anything is read: a missing library
is said at once, not after every return has been examined."""
from __future__ import annotations

from ..errors import BcfError

FORMATS = ("csv", "parquet", "xlsx")


def require_format(fmt: str) -> None:
    """Refuse an output format whose library is missing before anything is read or written."""
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise BcfError("--format parquet needs pyarrow: pip install 'bcf-addin[parquet]'") from None
    elif fmt not in FORMATS:
        raise BcfError(f"--format must be one of {', '.join(FORMATS)}, not '{fmt}'")
