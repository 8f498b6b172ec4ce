"""Options and helpers the commands share."""

from __future__ import annotations

import contextlib
import re
import signal
from collections.abc import Callable, Iterator
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
    """A progress bar on stderr, shown for many documents only.

    tqdm's monitor thread is turned off (``tqdm.monitor_interval = 0``): the bars
    update often enough without it, and a build forks its writer only while no other
    thread runs.
    """
    from tqdm import tqdm

    tqdm.monitor_interval = 0

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


#: Characters a terminal would act on instead of showing: C0 and C1 controls
#: (escape sequences), DEL, and the marks that reorder text (bidirectional overrides).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def shown(text: object) -> str:
    r"""``text`` safe to print on a terminal: every control character written as an
    escape (``\x1b``, ``\n``), so that a file name cannot move the cursor, change
    colours or hide what follows; Chinese and other printable text is left as it is.

    >>> shown("docs/\x1b[31m红.txt")
    'docs/\\x1b[31m红.txt'
    >>> shown("a\nb\u202ec")
    'a\\nb\\u202ec'
    """
    return _UNSAFE.sub(_escape, str(text))


def _escape(m: re.Match[str]) -> str:
    ch = m.group(0)
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch)
    if named:
        return named
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised like Ctrl-C so that every ``finally`` and ``with``
    block on the way out runs (staging folders removed, servers stopped)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _raise_stopped(signum: int, frame: object) -> None:
    raise Stopped(signum)


@contextlib.contextmanager
def stop_signals_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP interrupt like Ctrl-C (SIGINT) does.

    Only in the main thread (where Python runs signal handlers); the previous
    handlers come back after the block.
    """
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {}
    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None:
            previous[sig] = signal.signal(sig, _raise_stopped)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
