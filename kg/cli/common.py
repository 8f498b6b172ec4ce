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
