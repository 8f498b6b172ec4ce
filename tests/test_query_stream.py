"""kg query writes its answer whole, in bounded chunks, every write checked: a stream that
takes fewer bytes than given (a raw stdout with PYTHONUNBUFFERED, a full pipe, the system's
2 GiB limit of one write) gets the rest again, never loses it; pages with --limit/--offset."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, run_kg

from kg.query import (
    CHUNK_CHARS,
    WRITE_CHUNK,
    Answer,
    format_chunks,
    format_result,
    load_store,
    run,
    stream,
    write_all,
)

#: Every statement of the merged graph: an answer of a few MB, in a fixed order.
EVERYTHING = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"


class ShortWriter:
    """A binary stream that takes at most ``most`` bytes a call, and nothing at every
    ``stall``-th call (``None``, as a non-blocking raw stream says it)."""

    def __init__(self, most: int, stall: int = 0) -> None:
        self.most = most
        self.stall = stall
        self.data = bytearray()
        self.calls: list[int] = []
        self.flushed = False

    def write(self, b: bytes | memoryview) -> int | None:
        self.calls.append(len(b))
        if self.stall and len(self.calls) % self.stall == 0:
            return None
        take = min(len(b), self.most)
        self.data += bytes(b[:take])
        return take

    def flush(self) -> None:
        self.flushed = True


class Full:
    """A stream that never takes anything."""

    def write(self, b: bytes | memoryview) -> int:
        return 0


@pytest.fixture(scope="module")
def store(sample_build: Path):
    return load_store(sample_build)


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_a_short_writing_stream_gets_the_whole_answer(store, fmt: str) -> None:
    whole = format_result(run(store, EVERYTHING), fmt) + "\n"
    assert len(whole.encode()) > 4 * CHUNK_CHARS  # several chunks
    out = ShortWriter(most=4093, stall=7)
    written = stream(Answer(store, EVERYTHING), fmt, out)
    assert out.data.decode("utf-8") == whole
    assert written.bytes == len(out.data) and written.rows == len(run(store, EVERYTHING).rows)
    assert out.flushed
    assert max(out.calls) <= WRITE_CHUNK
    assert sum(1 for n in out.calls if n > 4093) > 10  # the rest of a chunk was written again


def test_a_short_writing_stream_gets_every_triple(store) -> None:
    whole = format_result(run(store, CONSTRUCT), "table") + "\n"
    out = ShortWriter(most=10_000, stall=3)
    written = stream(Answer(store, CONSTRUCT), "table", out)
    assert out.data.decode("utf-8") == whole
    assert written.rows == whole.count("\n")


def test_a_write_past_the_system_limit_is_split_and_finished() -> None:
    """One ``write`` to a file or pipe moves at most 0x7ffff000 bytes (Linux): a stream
    that takes as little is written to again until all is out."""

    class Limited(ShortWriter):
        def write(self, b: bytes | memoryview) -> int | None:
            assert len(b) <= WRITE_CHUNK  # never one huge write
            return super().write(b)

    data = os.urandom(3 * WRITE_CHUNK + 12345)
    out = Limited(most=WRITE_CHUNK // 3 + 1)
    write_all(out, data)
    assert bytes(out.data) == data


def test_a_stream_that_takes_nothing_is_an_error_not_a_silent_cut() -> None:
    with pytest.raises(OSError, match="takes no more data"):
        write_all(Full(), b"x" * 100)


def test_a_stream_that_claims_too_much_is_an_error() -> None:
    class Liar:
        def write(self, b: bytes | memoryview) -> int:
            return len(b) + 1

    with pytest.raises(OSError, match="reported writing"):
        write_all(Liar(), b"abc")


def test_chunks_are_bounded(store) -> None:
    r = run(store, EVERYTHING)
    for fmt in ("table", "csv", "json"):
        sizes = [len(c) for c in format_chunks(fmt, variables=r.variables, rows=r.rows)]
        assert len(sizes) > 4
        assert max(sizes) < 2 * CHUNK_CHARS, fmt


def test_the_json_answer_is_sparql_results(store) -> None:
    out = ShortWriter(most=1 << 20)
    stream(Answer(store, EVERYTHING), "json", out)
    doc = json.loads(out.data)
    assert doc["head"]["vars"] == ["s", "p", "o"]
    assert len(doc["results"]["bindings"]) == len(run(store, EVERYTHING).rows)
    empty = ShortWriter(most=1 << 20)
    stream(Answer(store, "SELECT ?x WHERE { ?x a <urn:nothing> }"), "json", empty)
    assert json.loads(empty.data) == {"head": {"vars": ["x"]}, "results": {"bindings": []}}


def test_the_command_line_writes_through_a_short_writing_stdout(
    sample_build: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.cli.query
    from kg.cli import main

    out = ShortWriter(most=3000, stall=5)
    monkeypatch.setattr(kg.cli.query, "_stdout", lambda: out)
    res = CliRunner().invoke(main, ["query", str(sample_build), EVERYTHING, "--format", "csv"])
    assert res.exit_code == 0, res.output
    store = load_store(sample_build)
    assert out.data.decode("utf-8") == format_result(run(store, EVERYTHING), "csv") + "\n"


def test_the_command_line_fails_on_an_output_that_takes_nothing(
    sample_build: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.cli.query
    from kg.cli import main

    monkeypatch.setattr(kg.cli.query, "_stdout", lambda: Full())
    res = CliRunner().invoke(main, ["query", str(sample_build), EVERYTHING])
    assert res.exit_code == 1
    assert res.output.strip().splitlines()[-1] == (
        "Error: cannot write the answer: the output takes no more data"
    )


@pytest.mark.parametrize("where", ["file", "pipe"])
def test_unbuffered_output_is_whole(sample_build: Path, tmp_path: Path, where: str) -> None:
    """With PYTHONUNBUFFERED=1, stdout is a raw stream whose writes may be short."""
    cmd = [sys.executable, "-m", "kg.cli", "query", str(sample_build), CONSTRUCT]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    buffered = run_kg("query", str(sample_build), CONSTRUCT)
    assert buffered.returncode == 0, buffered.stderr
    if where == "file":
        target = tmp_path / "answer.nt"
        with target.open("wb") as f:
            done = subprocess.run(cmd, stdout=f, stderr=subprocess.PIPE, env=env, cwd=ROOT)
        data = target.read_bytes()
    else:
        done = subprocess.run(cmd, capture_output=True, env=env, cwd=ROOT)
        data = done.stdout
    assert done.returncode == 0, done.stderr
    assert data.decode("utf-8") == buffered.stdout
    assert len(data) > 1 << 20


def test_limit_and_offset_page_through_an_answer(sample_build: Path) -> None:
    whole = run_kg("query", str(sample_build), EVERYTHING, "--format", "csv")
    rows = whole.stdout.splitlines()[1:]
    size = len(rows) // 3 + 1  # four pages, the last one short
    pages = []
    for offset in range(0, len(rows), size):
        page = run_kg(
            "query", str(sample_build), EVERYTHING, "--format", "csv",
            "--limit", str(size), "--offset", str(offset),
        )  # fmt: skip
        assert page.returncode == 0, page.stderr
        pages += page.stdout.splitlines()[1:]
    assert pages == rows
    table = run_kg("query", str(sample_build), EVERYTHING, "--limit", "3", "--offset", "2")
    assert table.stdout.rstrip().endswith("(3 rows)")


def test_a_closed_pipe_is_one_error_line(sample_build: Path) -> None:
    cmd = [sys.executable, "-m", "kg.cli", "query", str(sample_build), CONSTRUCT]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(100)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(60) == 1
    assert err.strip() == "Error: the output was closed before the whole answer was written"
