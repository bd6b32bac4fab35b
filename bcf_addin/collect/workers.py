"""Where the per-return work runs: worker processes, one per core, or this process alone.

Workers are forked on Linux, so each starts in milliseconds with the library already imported;
elsewhere they are spawned (Windows has no fork, and macOS's system libraries are not safe across
one) and each imports what it needs once. One worker (`--workers 1`, `BCF_WORKERS=1`) keeps all
the work in this process, as inside Excel, where starting interpreters is unwelcome.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable

from ..errors import BcfError

ENV = "BCF_WORKERS"
# Below this many files, starting worker processes costs more than it saves.
PARALLEL_FROM = 8


def how_many(asked: int | None, files: int) -> int:
    """Workers for `files` inputs: as asked (the option, else BCF_WORKERS), else one per core."""
    if asked is None and os.environ.get(ENV, "").strip():
        text = os.environ[ENV].strip()
        if not text.isdigit() or int(text) < 1:
            raise BcfError(f"{ENV} must be a whole number of worker processes, 1 or more, not '{text}'")
        asked = int(text)
    if asked is None:
        asked = cores() if files >= PARALLEL_FROM else 1
    return max(1, min(asked, files))


def cores() -> int:
    """The cores this process may run on (a container or a job scheduler may allow fewer than the
    machine has)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


class _Later:
    """Work for this process, done when its result is first asked for, so that the results are
    taken in order and a progress bar moves as each is done."""

    def __init__(self, fn: Callable, args: tuple):
        self._fn, self._args, self._done = fn, args, False

    def result(self) -> Any:
        if not self._done:
            self._value, self._done = self._fn(*self._args), True
            self._fn = self._args = None
        return self._value


class Workers:
    """`submit(fn, *args)` gives something whose `result()` is `fn(*args)`, done in a worker
    process or (one worker) here. Every `fn` must turn its own failures into data: a worker that
    dies (killed by the system, out of memory) has its unfinished work redone here."""

    def __init__(self, count: int):
        self.count = count
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Workers:
        if self.count > 1:
            fork = sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if fork else "spawn")
            self._pool = ProcessPoolExecutor(max_workers=self.count, mp_context=context)
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=exc is not None)
            self._pool = None

    def submit(self, fn: Callable, *args) -> _Later | _Redone:
        if self._pool is None:
            return _Later(fn, args)
        try:
            return _Redone(self._pool.submit(fn, *args), fn, args)
        except BrokenProcessPool:
            return _Later(fn, args)


class _Redone:
    """A worker's result, or the same work done here if the worker process died."""

    def __init__(self, future: Future, fn: Callable, args: tuple):
        self._future, self._fn, self._args = future, fn, args

    def result(self) -> Any:
        try:
            return self._future.result()
        except BrokenProcessPool:
            return self._fn(*self._args)
