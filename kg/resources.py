"""Where the bundled data tables and the ontology live.

The tables are TSV files under the project's ``data/`` folder, each with a
``source`` column or a ``# source:`` line; the ontology, shapes and JSON-LD
context are in ``ontology/``. An installed package carries both as package data
(``kg/_data`` and ``kg/_ontology``, mapped from those folders by
``pyproject.toml``); a checkout reads them where they are. ``KG_DATA_DIR``
overrides the data folder.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from kg.errors import DataError

_HERE = Path(__file__).resolve().parent


def bundled_data_dir() -> Path:
    """The data folder shipped with the code: the package's in an installed wheel, the
    project's ``data/`` in a checkout."""
    packaged = _HERE / "_data"
    return packaged if packaged.is_dir() else _HERE.parent / "data"


def data_dir() -> Path:
    """The folder that holds the data tables (``KG_DATA_DIR``, else the bundled one)."""
    env = os.environ.get("KG_DATA_DIR")
    if env:
        return Path(env)
    return bundled_data_dir()


def ontology_dir() -> Path:
    """The folder holding ``policykg.ttl``, ``shapes.ttl`` and ``context.jsonld``."""
    packaged = _HERE / "_ontology"
    return packaged if packaged.is_dir() else _HERE.parent / "ontology"


def data_file(*parts: str) -> Path:
    """Path of one bundled table; a clear :class:`DataError` when it is missing."""
    p = data_dir().joinpath(*parts)
    if not p.is_file():
        raise DataError(f"data table {p} is missing (set KG_DATA_DIR to the project's data folder)")
    return p


#: The folder, under the data folder, of the tables the extraction reads.
TABLES_DIRNAME = "gazetteer"


def tables_digest(data_dir: str | os.PathLike[str] | None = None) -> str:
    """SHA-256 of the data tables the extraction reads (computed once per folder and process).

    Every file under ``data_dir/gazetteer`` (default: :func:`kg.resources.data_dir`)
    counts, by its relative name and bytes, hidden files aside; where the data
    folder is does not. A table edited while this process runs is not seen
    (nor is it by the extraction, which loads each table once).
    """
    if data_dir is None:
        return _default_tables_digest(os.environ.get("KG_DATA_DIR") or None)
    return _tables_digest(os.fspath(Path(data_dir) / TABLES_DIRNAME))


@lru_cache(maxsize=16)
def _default_tables_digest(env: str | None) -> str:
    """:func:`tables_digest` of the default data folder (``env``: ``KG_DATA_DIR``)."""
    return tables_digest(data_dir())


@lru_cache(maxsize=16)
def _tables_digest(folder: str) -> str:
    base = Path(folder)
    files = sorted(
        (p.relative_to(base).as_posix(), p)
        for p in base.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    )
    h = hashlib.sha256()
    for rel, path in files:
        try:
            data = path.read_bytes()
        except OSError:  # the extraction will say what is wrong with it
            data = b"\0unreadable"
        for part in (rel.encode("utf-8"), data):
            h.update(len(part).to_bytes(8, "big"))
            h.update(part)
    return h.hexdigest()
