"""Where the bundled data tables live (gazetteers, abbreviations, triggers).

The tables are TSV files under the project's ``data/`` folder, each with a
``source`` column or a ``# source:`` line. ``KG_DATA_DIR`` overrides the folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from kg.errors import DataError


def data_dir() -> Path:
    """The folder that holds the data tables."""
    env = os.environ.get("KG_DATA_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "data"


def data_file(*parts: str) -> Path:
    """Path of one bundled table; a clear :class:`DataError` when it is missing."""
    p = data_dir().joinpath(*parts)
    if not p.is_file():
        raise DataError(f"data table {p} is missing (set KG_DATA_DIR to the project's data folder)")
    return p
