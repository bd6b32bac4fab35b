"""What a long command is doing, shown only while it does it.

On a terminal each line overwrites the one before and the last is wiped when the work ends, so
what remains is the result, or on failure the one line saying what went wrong. Written anywhere
else (a pipe, a log, a test) progress would stay behind as clutter, so it is not shown there.
"""
from __future__ import annotations

import shutil
import sys
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO | None = None):
        self.stream = stream
        self.shown = 0

    def _out(self) -> TextIO | None:
        stream = self.stream or sys.stderr
        isatty = getattr(stream, "isatty", None)
        return stream if isatty is not None and isatty() else None

    def __call__(self, message: str) -> None:
        out = self._out()
        if out is None:
            return
        # Cut to the terminal's width: a line that wraps cannot be taken back with a carriage return.
        text = f"  {message}..."[: max(10, shutil.get_terminal_size().columns - 1)]
        out.write("\r" + text.ljust(self.shown))
        out.flush()
        self.shown = len(text)

    def clear(self) -> None:
        out = self._out()
        if out is not None and self.shown:
            out.write("\r" + " " * self.shown + "\r")
            out.flush()
        self.shown = 0

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.clear()
