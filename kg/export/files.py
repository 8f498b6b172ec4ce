"""The files a build writes, by format name, and how they are found and read back,
plain or gzip-compressed (``kg build --formats``, ``--compress``).

A build writes the outputs of the formats it is given (:data:`OUTPUT_FORMATS`, all of
them by default) and always ``build.json``, which says the folder holds the outputs of
policy-kg (input discovery never reads such a folder) and what the build read. With
``--compress`` every output file but ``build.json`` is written gzip-compressed as
``NAME.gz``, deterministically (no file name and a zero time in the gzip header), so
the same inputs give the same bytes. The readers of the package (:func:`kg.api.load`,
``kg query``, ``kg serve``, ``kg validate``, ``kg export``, ``kg report``) find a
file or its ``.gz`` form through :func:`find_output` and read either.

>>> sorted(files_of(["csv", "report"]))
['build.json', 'edges.csv', 'nodes.csv', 'report.md']
>>> parse_formats("ttl, json")
('ttl', 'json')
"""

from __future__ import annotations

import gzip
import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO, cast

from kg.errors import OutputError, UnknownNameError

#: The outputs ``kg build --formats`` chooses from: format name -> the files (or, for
#: ``store``, the folder) it writes. ``build.json`` is always written besides.
OUTPUT_FORMATS: dict[str, tuple[str, ...]] = {
    "ttl": ("graph.ttl",),
    "trig": ("graph.trig",),
    "jsonld": ("graph.jsonld",),
    "nq": ("graph.nq",),
    "store": ("store",),
    "json": ("graph.json",),
    "html": ("graph.html",),
    "jsonl": ("extractions.jsonl",),
    "gexf": ("graph.gexf",),
    "graphml": ("graph.graphml",),
    "csv": ("nodes.csv", "edges.csv"),
    "indicators": ("indicators.csv",),
    "report": ("report.md",),
}

#: The RDF formats: written together, in one pass (see :func:`kg.export.rdf.write_rdf`).
RDF_FORMATS = ("ttl", "trig", "jsonld", "nq")

#: Written by every build, never compressed (see the module's docstring).
BUILD_INFO = "build.json"

#: What each reader needs, for its message when it is missing: file -> format name.
FORMAT_OF: dict[str, str] = {f: name for name, files in OUTPUT_FORMATS.items() for f in files}

#: The compression level of ``--compress`` (zlib's default: a third of level 9's time
#: for a few per cent more bytes).
GZIP_LEVEL = 6


def parse_formats(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """The format names of a comma-separated list (or a list of names), each once, in
    the order given; ``None`` or ``"all"`` (among them) gives every format. An unknown name raises
    :class:`~kg.errors.UnknownNameError` listing the valid ones.

    >>> parse_formats("json,json,html")
    ('json', 'html')
    >>> parse_formats("tt")
    Traceback (most recent call last):
    ...
    kg.errors.UnknownNameError: unknown output format 'tt'; valid: all, csv, gexf, graphml, html, indicators, json, jsonl, jsonld, nq, report, store, trig, ttl
    """
    if text is None:
        return tuple(OUTPUT_FORMATS)
    names = [n.strip() for n in text.split(",")] if isinstance(text, str) else list(text)
    names = [n for n in names if n]
    if "all" in names:
        return tuple(OUTPUT_FORMATS)
    out: list[str] = []
    for name in names:
        if name not in OUTPUT_FORMATS:
            raise UnknownNameError("output format", name, ["all", *OUTPUT_FORMATS])
        if name not in out:
            out.append(name)
    if not out:
        raise OutputError("no output format given (valid: " + ", ".join(OUTPUT_FORMATS) + ")")
    return tuple(out)


def files_of(formats: Iterable[str]) -> list[str]:
    """The names a build of ``formats`` writes into the output folder, ``build.json`` too."""
    return [f for name in formats for f in OUTPUT_FORMATS[name]] + [BUILD_INFO]


def compress_file(path: Path) -> Path:
    """Replace ``path`` by ``path.gz``, gzip-compressed deterministically (no file name,
    time 0 in the header); returns the new path."""
    target = path.with_name(path.name + ".gz")
    with open(path, "rb") as src, open(target, "wb") as raw:
        with gzip.GzipFile(
            filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=GZIP_LEVEL
        ) as gz:
            shutil.copyfileobj(src, gz, 1 << 20)
        raw.flush()
        os.fsync(raw.fileno())
    path.unlink()
    return target


def find_output(out_dir: str | os.PathLike[str], name: str, *, required: bool = True) -> Path:
    """The output ``name`` of the build folder ``out_dir``, or its compressed form
    ``name.gz``, whichever is there (the plain name when neither is).

    With ``required``, when neither is there but the folder holds a build (its
    ``build.json``), :class:`~kg.errors.OutputError` says which format of
    ``kg build --formats`` writes it; otherwise the caller says what is missing.
    """
    folder = Path(out_dir)
    plain, packed = folder / name, folder / (name + ".gz")
    if plain.is_file() or not packed.is_file():
        if required and not plain.is_file() and (folder / BUILD_INFO).is_file():
            raise OutputError(left_out(folder, name))
        return plain
    return packed


def left_out(out_dir: str | os.PathLike[str], name: str, formats: Sequence[str] = ()) -> str:
    """The message for the output ``name`` that the build in ``out_dir`` did not write;
    ``formats``: those that would do (default: the one that writes ``name``)."""
    fmts = list(formats) or [FORMAT_OF.get(name, name)]
    return (
        f"{Path(out_dir) / name}: not written by the build there (its --formats left out "
        f"{' and '.join(fmts)}); run 'kg build DOCS --out {out_dir} --formats ...' with "
        f"{' or '.join(fmts)} among them (the default writes every format)"
    )


def open_output(path: str | os.PathLike[str]) -> BinaryIO:
    """``path`` opened for reading bytes, decompressed when its name ends in ``.gz``."""
    p = Path(path)
    if p.name.endswith(".gz"):
        return cast(BinaryIO, gzip.GzipFile(p, "rb"))  # a binary file object
    return open(p, "rb")


def read_output(path: str | os.PathLike[str]) -> bytes:
    """The bytes of ``path``, decompressed when its name ends in ``.gz``."""
    with open_output(path) as f:
        return f.read()


def plain_name(path: str | os.PathLike[str]) -> str:
    """The name of ``path`` without a ``.gz`` ending (``graph.ttl.gz`` -> ``graph.ttl``)."""
    name = Path(path).name
    return name[:-3] if name.endswith(".gz") else name


__all__ = [
    "BUILD_INFO",
    "OUTPUT_FORMATS",
    "RDF_FORMATS",
    "compress_file",
    "files_of",
    "find_output",
    "left_out",
    "open_output",
    "parse_formats",
    "plain_name",
    "read_output",
]
