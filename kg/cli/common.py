"""Options and helpers the commands share."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from tqdm import tqdm

F = TypeVar("F", bound=Callable[..., Any])

#: Below this many documents no progress bar is shown.
PROGRESS_MIN = 20


def input_paths(f: F) -> F:
    """The PATHS argument: one or more existing files or folders."""
    return click.argument(
        "paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=True)
    )(f)


def progress_bar(total: int, desc: str, *, disable: bool = False) -> tqdm:
    """A progress bar on stderr, shown for many documents only."""
    from tqdm import tqdm

    return tqdm(
        total=total,
        desc=desc,
        unit="doc",
        file=None,
        disable=disable or total < PROGRESS_MIN,
        leave=False,
        dynamic_ncols=True,
    )


class StatusLine:
    """What a long command is doing, on stderr: a spinner with the stage and the
    seconds elapsed on a terminal, one line per stage otherwise (logs, pipes).

    Use as ``with StatusLine() as status: status("reading …")``.
    """

    FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"

    def __init__(self, *, disable: bool = False) -> None:
        import sys
        import threading

        self._stream = sys.stderr
        self._tty = self._stream.isatty()
        self._disable = disable
        self._stage = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __call__(self, stage: str) -> None:
        if self._disable:
            return
        self._stage = stage
        if not self._tty:
            click.echo(f"{stage} …", err=True)

    def _spin(self) -> None:
        import time

        start = time.monotonic()
        i = 0
        while not self._stop.wait(0.1):
            if self._stage:
                frame = self.FRAMES[i % len(self.FRAMES)]
                line = f"{frame} {self._stage} … {time.monotonic() - start:.0f} s"
                self._stream.write("\r\033[K" + line)
                self._stream.flush()
            i += 1

    def __enter__(self) -> StatusLine:
        import threading

        if self._tty and not self._disable:
            self._thread = threading.Thread(target=self._spin, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._stream.write("\r\033[K")
            self._stream.flush()
