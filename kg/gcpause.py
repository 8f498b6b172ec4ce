"""Pausing the cyclic garbage collector while many small objects are built.

Extraction builds hundreds of thousands of small objects for a long document
(hits, mentions, spans), reading the cache rebuilds every document's
extraction, merging builds the graph: none of them form reference cycles, so
reference counting frees them all. The cyclic collector would still walk the
growing heap again and again while they are built (a quarter of the time on an
8 MB text), so these stages pause it and give it back in the state they found it.
This module imports nothing of the project, so any stage can use it cheaply.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

__all__ = ["paused", "without_gc"]


@contextmanager
def paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block; re-enable it if it was enabled.

    >>> import gc
    >>> with paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def without_gc(fn: Callable[P, R]) -> Callable[P, R]:
    """Run ``fn`` with the cyclic collector paused (see :func:`paused`)."""

    @wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with paused():
            return fn(*args, **kwargs)

    return run
