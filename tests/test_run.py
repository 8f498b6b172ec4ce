"""kg.run.run_build: the one build sequence, and the events it reports."""

from __future__ import annotations

import shutil
from pathlib import Path

import kg
from kg.run import EVENT_KINDS, BuildEvent, run_build
from tests.conftest import DOCS


def _inputs(tmp_path: Path, n: int = 3) -> Path:
    src = tmp_path / "docs"
    src.mkdir()
    for p in sorted(DOCS.glob("*.txt"))[:n]:
        shutil.copy(p, src / p.name)
    (src / "notes.xyz").write_text("not a document", encoding="utf-8")  # skipped
    return src


def test_the_events_follow_the_build_and_name_every_output(tmp_path: Path) -> None:
    src = _inputs(tmp_path)
    events: list[BuildEvent] = []
    run = run_build([src], out_dir=tmp_path / "out", jobs=1, on_event=events.append)
    kinds = [e.kind for e in events]
    assert set(kinds) <= set(EVENT_KINDS)
    # in the order of EVENT_KINDS' steps: listed, then reading, then done
    assert kinds.index("listed") < kinds.index("read") < kinds.index("extracted")
    (listed,) = [e for e in events if e.kind == "listed"]
    assert listed.count == 4  # the three documents and the file of another type
    # every listed file is done once: read, or skipped by its reader
    assert sum(e.count for e in events if e.kind == "read") == 4
    assert run.result.read == 3
    assert [(e.name, e.message) for e in events if e.kind == "skipped"] == [
        (s.path, s.reason) for s in run.result.skipped
    ]
    assert len(run.result.skipped) == 1
    stages = [e.name for e in events if e.kind == "stage"]
    assert stages == ["discover", "read, extract and merge", "outputs"]
    outputs = {e.name for e in events if e.kind == "output"}
    assert {"graph.json", "graph.html", "report.md", "build.json"} <= outputs
    assert all(e.seconds >= 0 for e in events if e.kind in ("stage", "output"))
    on_disk = sorted(p for p in (tmp_path / "out").iterdir() if p.is_file())
    assert [p for p in run.written if p.is_file()] == on_disk


def test_the_api_builds_and_writes_through_the_same_sequence(tmp_path: Path) -> None:
    src = _inputs(tmp_path, 2)
    seen: list[int] = []
    g = kg.build(src, jobs=1, progress=seen.append)
    assert sum(seen) == 3 and g.read == 2  # the file of another type is done too
    written = g.write(tmp_path / "api")
    cli = run_build([src], out_dir=tmp_path / "cli", jobs=1)
    names = sorted(p.name for p in written)
    assert names == sorted(p.name for p in cli.written)
    for p in written:
        if p.is_file():
            assert p.read_bytes() == (tmp_path / "cli" / p.name).read_bytes(), p.name
