"""Every input accounted for: folders, links, loops, depth, permissions, special files,
and output folders that are never read back as input (issue 18, 'every input')."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from kg.io.discover import LINK_BROKEN, LINK_LOOP, LINK_OUTSIDE, scan
from tests.conftest import DOCS, ROOT, run_kg

SEED = DOCS / "000_ab73ab1b96b1d70f.txt"
SENTENCE = "郑州市与开封市签署了合作协议。\n"


def _named(listing) -> dict[str, str]:
    return {name: reason for _, name, reason in listing.skipped}


@pytest.fixture()
def odd_tree(tmp_path: Path) -> Path:
    """A folder with every kind of entry a file system holds, next to one outside it."""
    outside = tmp_path / "outside"
    (outside / "sub").mkdir(parents=True)
    (outside / "far.txt").write_text(SENTENCE, encoding="utf-8")
    (outside / "sub" / "farther.txt").write_text(SENTENCE, encoding="utf-8")
    d = tmp_path / "docs"
    (d / "real").mkdir(parents=True)
    (d / "ok.txt").write_text(SENTENCE, encoding="utf-8")
    (d / "real" / "inner.txt").write_text(SENTENCE, encoding="utf-8")
    os.mkfifo(d / "pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(d / "socket.txt"))
    sock.close()
    (d / "null.txt").symlink_to("/dev/null")
    (d / "dangling.txt").symlink_to(d / "nowhere.txt")
    (d / "loop-a.txt").symlink_to(d / "loop-b.txt")
    (d / "loop-b.txt").symlink_to(d / "loop-a.txt")
    (d / "up").symlink_to(d)  # a folder link leading back up: inside, not entered
    (d / "alias.txt").symlink_to(d / "ok.txt")  # the same file twice: read once
    (d / "away.txt").symlink_to(outside / "far.txt")
    (d / "away-folder").symlink_to(outside)
    return d


def test_every_odd_entry_is_read_or_named_with_its_reason(odd_tree: Path) -> None:
    listing = scan([str(odd_tree)])
    # ok.txt once, under its own name (not the link's); the folder link "up" not entered
    assert [name for _, name in listing.items] == ["docs/ok.txt", "docs/real/inner.txt"]
    assert _named(listing) == {
        "docs/pipe.txt": "not a regular file (a named pipe)",
        "docs/socket.txt": "not a regular file (a socket)",
        "docs/null.txt": "not a regular file (a character device)",
        "docs/dangling.txt": LINK_BROKEN,
        "docs/loop-a.txt": LINK_LOOP,
        "docs/loop-b.txt": LINK_LOOP,
        "docs/away.txt": LINK_OUTSIDE,
        "docs/away-folder": LINK_OUTSIDE,
    }


def test_links_leading_outside_are_followed_with_follow_links(odd_tree: Path) -> None:
    listing = scan([str(odd_tree)], follow_links=True)
    names = [name for _, name in listing.items]
    # far.txt is reached twice (a file link and a folder link): read once
    assert names == [
        "docs/away-folder/far.txt",
        "docs/away-folder/sub/farther.txt",
        "docs/ok.txt",
        "docs/real/inner.txt",
    ]
    assert LINK_OUTSIDE not in _named(listing).values()


def test_a_link_cycle_through_followed_folders_ends(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "doc.txt").write_text(SENTENCE, encoding="utf-8")
    (a / "to-b").symlink_to(b)
    (b / "to-a").symlink_to(a)  # a -> b -> a -> ...
    (b / "other.txt").write_text(SENTENCE, encoding="utf-8")
    listing = scan([str(a)], follow_links=True)
    assert sorted(name for _, name in listing.items) == ["a/doc.txt", "a/to-b/other.txt"]


def test_a_thousand_nested_folders_are_walked(tmp_path: Path) -> None:
    deep = tmp_path / "docs"
    parts = ["d"] * 1000
    levels = [str(deep)]
    os.mkdir(levels[0])
    for part in parts:  # one level at a time (makedirs would recurse 1,000 deep too)
        levels.append(os.path.join(levels[-1], part))
        os.mkdir(levels[-1])
    Path(levels[-1], "deep.txt").write_text(SENTENCE, encoding="utf-8")
    (deep / "top.txt").write_text(SENTENCE, encoding="utf-8")
    try:
        listing = scan([str(deep)])
        assert [name for _, name in listing.items] == [
            "docs/" + "/".join(parts) + "/deep.txt",
            "docs/top.txt",
        ]
        assert listing.skipped == []
    finally:  # removed here, bottom up: pytest's clean-up would recurse 1,000 deep
        os.unlink(os.path.join(levels[-1], "deep.txt"))
        for level in reversed(levels[1:]):
            os.rmdir(level)


def test_a_folder_given_twice_and_a_special_file_given_by_name(tmp_path: Path) -> None:
    d = tmp_path / "docs"
    d.mkdir()
    (d / "a.txt").write_text(SENTENCE, encoding="utf-8")
    os.mkfifo(tmp_path / "fifo")
    listing = scan([str(d), str(d), str(tmp_path / "fifo")])
    assert [name for _, name in listing.items] == ["docs/a.txt"]
    assert _named(listing) == {"fifo": "not a regular file (a named pipe)"}


def test_output_folders_inside_the_input_are_not_read(tmp_path: Path) -> None:
    d = tmp_path / "docs"
    (d / "out").mkdir(parents=True)
    (d / "a.txt").write_text(SENTENCE, encoding="utf-8")
    (d / "out" / "graph.html").write_text("<p>郑州市</p>", encoding="utf-8")
    (d / "old-run").mkdir()
    (d / "old-run" / "build.json").write_text(
        json.dumps({"format": "policy-kg build", "version": 1}), encoding="utf-8"
    )
    (d / "old-run" / "report.md").write_text("# report", encoding="utf-8")
    (d / "notes").mkdir()
    (d / "notes" / "build.json").write_text('{"format": "something else"}', encoding="utf-8")
    listing = scan([str(d)], exclude=[str(d / "out")])
    assert [name for _, name in listing.items] == ["docs/a.txt", "docs/notes/build.json"]
    assert listing.notes == [
        "docs/old-run: an output folder of policy-kg (it holds build.json), not read as input",
        "docs/out: the output folder, not read as input",
    ]


# ---------------------------------------------------------------------------- whole builds


def _without_root_powers() -> list[str]:
    """A command prefix under which file permissions apply: none for a user, and for
    root, ``setpriv`` dropping the capabilities that let root read every folder."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: every folder is readable")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}"]


def test_an_unreadable_sub_folder_is_named_in_stderr_build_json_and_report(
    tmp_path: Path,
) -> None:
    prefix = _without_root_powers()
    base = tmp_path
    docs = base / "docs"
    (docs / "locked").mkdir(parents=True)
    shutil.copy(SEED, docs / "seed.txt")
    (docs / "locked" / "hidden-away.txt").write_text(SENTENCE, encoding="utf-8")
    out = base / "out"
    os.chmod(docs / "locked", 0)
    try:
        res = subprocess.run(
            [*prefix, sys.executable, "-m", "kg.cli", "build", str(docs), "--out", str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        os.chmod(docs / "locked", 0o755)
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stderr
    line = f"skipped {docs / 'locked'}: cannot read the folder (Permission denied)"
    assert line in res.stderr.splitlines()
    info = json.loads((out / "build.json").read_text(encoding="utf-8"))
    assert info["skipped"] == [
        {"path": "docs/locked", "reason": "cannot read the folder (Permission denied)"}
    ]
    assert info["documents_read"] == 1
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "| docs/locked | cannot read the folder (Permission denied) |" in report


def test_a_build_over_odd_entries_names_each_and_never_hangs(
    odd_tree: Path, tmp_path: Path
) -> None:
    shutil.copy(SEED, odd_tree / "seed.txt")
    out = tmp_path / "out"
    res = run_kg("build", str(odd_tree), "--out", str(out), timeout=300)  # a FIFO read would block
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stderr
    info = json.loads((out / "build.json").read_text(encoding="utf-8"))
    named = {s["path"]: s["reason"] for s in info["skipped"]}
    assert named["docs/pipe.txt"] == "not a regular file (a named pipe)"
    assert named["docs/loop-a.txt"] == LINK_LOOP
    assert named["docs/away-folder"] == LINK_OUTSIDE
    assert named["docs/dangling.txt"] == LINK_BROKEN
    assert info["documents_read"] == 3  # ok.txt (once), real/inner.txt, seed.txt
    follow = run_kg(
        "build", str(odd_tree), "--out", str(tmp_path / "out2"), "--follow-links", timeout=300
    )
    info = json.loads((tmp_path / "out2" / "build.json").read_text(encoding="utf-8"))
    assert follow.returncode == 1 and info["documents_read"] == 5  # far.txt, farther.txt too
    assert LINK_OUTSIDE not in {s["reason"] for s in info["skipped"]}


def test_a_build_run_inside_its_input_never_reads_its_own_outputs(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for p in sorted(DOCS.glob("*.txt"))[:12]:
        shutil.copy(p, docs / p.name)
    first = run_kg("build", ".", cwd=docs)  # the default out/ inside the input
    assert first.returncode == 0, first.stderr
    second = run_kg("build", ".", cwd=docs)
    assert second.returncode == 0, second.stderr  # graph.html and report.md not read
    assert "note: docs/out: the output folder, not read as input" in second.stderr
    for res in (first, second):
        assert "documents: 12 read, 0 skipped" in res.stderr
    # a copy of an earlier output folder elsewhere in the input is not read either
    shutil.copytree(docs / "out", docs / "saved-run", ignore=shutil.ignore_patterns(".*"))
    third = run_kg("build", ".", cwd=docs)
    assert third.returncode == 0, third.stderr
    assert "documents: 12 read, 0 skipped" in third.stderr
    assert "docs/saved-run: an output folder of policy-kg" in third.stderr
