"""Outputs as one generation, nothing stale trusted, exit codes a script can read
(issue 18: a full disk, two builds at once, killed builds, damaged kept parts)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from kg.export.generation import COMPLETE, clean_leftovers, output_lock
from tests.conftest import DOCS, ROOT, run_kg
from tests.outputs import output_files

SAMPLES = sorted(DOCS.glob("*.txt"))


def _outputs(out: Path) -> dict[str, bytes]:
    """Every output file of a build folder (not the cache nor a hidden folder), by name,
    the SPARQL store by its content (see tests/outputs.py)."""
    return {
        name: data
        for name, data in output_files(out).items()
        if not any(part.startswith(".") for part in Path(name).parts)
    }


def _corpus(folder: Path, n: int, tag: str = "") -> Path:
    """``n`` distinct documents made from the sample corpus (each with a line of its own)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        src = SAMPLES[i % len(SAMPLES)]
        text = src.read_text(encoding="utf-8") + f"\n第{i}号文件{tag}。\n"
        (folder / f"{i:04d}_{src.name}").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Twenty documents and the outputs of their build (with its cache)."""
    base = tmp_path_factory.mktemp("previous")
    docs = _corpus(base / "docs", 20)
    out = base / "out"
    res = run_kg("build", str(docs), "--out", str(out))
    assert res.returncode == 0, res.stderr
    return docs, out


def _copy(previous: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    docs, out = previous
    shutil.copytree(docs, tmp_path / "docs")
    shutil.copytree(out, tmp_path / "out", symlinks=True)
    return tmp_path / "docs", tmp_path / "out"


# ---------------------------------------------------------------------------- one generation


def _can_mount_a_small_disk() -> bool:
    unshare = shutil.which("unshare")
    if unshare is None or not sys.platform.startswith("linux"):
        return False
    probe = subprocess.run(
        [unshare, "--user", "--map-root-user", "--mount", "true"], capture_output=True
    )
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount_a_small_disk(), reason="needs user and mount namespaces")
def test_a_full_disk_leaves_the_previous_outputs_whole(
    previous: tuple[Path, Path], tmp_path: Path
) -> None:
    """The build runs on a real, small file system (tmpfs in a mount namespace of its own)
    that holds the previous outputs and too little room for a new set."""
    docs, out = previous
    more = _corpus(tmp_path / "more", 30, tag="新")  # a new set of outputs to write
    disk = tmp_path / "disk"
    disk.mkdir()
    script = f"""
set -e
mount -t tmpfs -o size=64m tmpfs {disk}
cp -a {out} {disk}/out
cd {disk}/out && find . -path ./.cache -prune -o -type f -print | sort | xargs sha256sum > {tmp_path}/before
free=$(df -B1 --output=avail {disk} | tail -1)
head -c $((free - 1500000)) /dev/zero > {disk}/filler
set +e
cd {ROOT}
{sys.executable} -m kg.cli build {more} --out {disk}/out > {tmp_path}/stdout 2> {tmp_path}/stderr
echo $? > {tmp_path}/status
cd {disk}/out && find . -path ./.cache -prune -o -type f -print | sort | xargs sha256sum > {tmp_path}/after
ls -a {disk}/out > {tmp_path}/listing
"""
    res = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr
    status = int((tmp_path / "status").read_text())
    stderr = (tmp_path / "stderr").read_text(encoding="utf-8")
    assert status == 3, stderr
    assert "Traceback" not in stderr
    errors = [ln for ln in stderr.splitlines() if ln.startswith("Error:")]
    assert len(errors) == 1, stderr
    assert "No space left on device" in errors[0]
    assert "the previous outputs in" in errors[0] and "are unchanged" in errors[0]
    before = (tmp_path / "before").read_text()
    assert before.count("graph.ttl") == 1
    assert (tmp_path / "after").read_text() == before  # every file as it was, none mixed in
    listing = (tmp_path / "listing").read_text().split()
    assert not [n for n in listing if n.startswith(".kg-staging")]


def test_a_second_build_into_the_same_folder_is_refused(
    previous: tuple[Path, Path], tmp_path: Path
) -> None:
    docs, out = _copy(previous, tmp_path)
    before = _outputs(out)
    with output_lock(out):  # a build that holds the folder (this process)
        res = run_kg("build", str(docs), "--out", str(out))
    assert res.returncode == 3, res.stderr
    assert res.stderr.strip().splitlines()[-1] == (
        f"Error: {out}: another kg build is writing into this folder; run this one when it "
        f"has finished, or give another --out; the previous outputs in {out} are unchanged"
    )
    assert _outputs(out) == before
    again = run_kg("build", str(docs), "--out", str(out))  # once the other is done
    assert again.returncode == 0, again.stderr


def test_a_failed_build_exits_3_with_the_previous_outputs_intact(
    previous: tuple[Path, Path], tmp_path: Path
) -> None:
    docs, out = _copy(previous, tmp_path)
    _corpus(docs, 25, tag="改")  # changed documents: every output changes
    (out / "graph.graphml").unlink()
    (out / "graph.graphml").mkdir()  # something no output can replace
    before = _outputs(out)
    res = run_kg("build", str(docs), "--out", str(out))
    assert res.returncode == 3, res.stderr
    assert "Traceback" not in res.stderr
    assert f"Error: {out / 'graph.graphml'}: a folder is in the way" in res.stderr
    assert _outputs(out) == before  # graph.ttl and the others not replaced either
    assert not list(out.glob(".kg-staging-*"))


@pytest.mark.parametrize(
    ("case", "status"),
    [("clean", 0), ("skipped", 1), ("usage", 2), ("failed", 3)],
)
def test_exit_statuses(case: str, status: int, tmp_path: Path) -> None:
    docs = _corpus(tmp_path / "docs", 3)
    out = tmp_path / "out"
    args = ["build", str(docs), "--out", str(out)]
    if case == "skipped":
        (docs / "empty.txt").write_bytes(b"")
    elif case == "usage":
        args += ["--cache", str(tmp_path / "c"), "--no-cache"]
    elif case == "failed":
        (out / "report.md").mkdir(parents=True)
    res = run_kg(*args)
    assert res.returncode == status, res.stderr
    assert "Traceback" not in res.stderr


# ---------------------------------------------------------------------------- leftovers


def _dead_pid() -> int:
    """The id of a process that has ended."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_leftovers_of_killed_builds_are_cleaned_by_the_next_build(
    previous: tuple[Path, Path], tmp_path: Path
) -> None:
    docs, out = _copy(previous, tmp_path)
    dead = _dead_pid()
    staging = out / f".kg-staging-{dead}"
    staging.mkdir()
    (staging / "graph.ttl").write_text("half a file", encoding="utf-8")
    stale = [
        out / f".graph.ttl.kg{dead}.abcd1234.tmp",
        out / ".cache" / "fragments" / f".graph.nq.idx.kg{dead}.zz_99yyx.tmp",
        out / ".report.md.x1y2z3w4.tmp",  # an earlier version's, without a process id
    ]
    for p in stale:
        p.write_text("left by a killed build", encoding="utf-8")
    os.utime(stale[-1], (time.time() - 7200, time.time() - 7200))
    alive = out / f".graph.json.kg{os.getpid()}.abcd1234.tmp"  # a live process's: kept
    alive.write_text("being written", encoding="utf-8")
    res = run_kg("build", str(docs), "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert not staging.exists()
    assert not [p for p in stale if p.exists()]
    assert alive.exists()
    assert _outputs(out) == _outputs(previous[1])


def test_an_interrupted_switch_is_finished(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for name in ("a.txt", "b.txt"):
        (out / name).write_text("old", encoding="utf-8")
    staging = out / f".kg-staging-{_dead_pid()}"
    (staging / "shards").mkdir(parents=True)
    (staging / "b.txt").write_text("new", encoding="utf-8")  # a.txt was moved already
    (staging / "shards" / "part-0000.nq").write_text("new", encoding="utf-8")
    (out / "a.txt").write_text("new", encoding="utf-8")
    (staging / COMPLETE).write_text(json.dumps(["a.txt", "b.txt", "shards"]), encoding="utf-8")
    with output_lock(out):
        done = clean_leftovers(out)
    assert done and "finished the switch" in done[0]
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "b.txt", "shards"]
    assert {p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file()} == {"new"}


# ---------------------------------------------------------------------------- kills


def _marked(mark: str) -> list[int]:
    """The running processes (not zombies) whose environment holds ``mark``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if mark.encode() not in (entry / "environ").read_bytes():
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            found.append(int(entry.name))
    return found


def _wait_until(test, what: str, deadline_s: float = 120.0, every: float = 0.01) -> None:
    end = time.monotonic() + deadline_s
    while not test():
        if time.monotonic() > end:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(every)


def _start_build(docs: Path, out: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    mark = f"KG_TEST_MARK={uuid.uuid4().hex}"
    env = {**os.environ, "KG_TEST_MARK": mark.split("=", 1)[1]}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "build", str(docs), "--out", str(out), "-q", *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return proc, mark


needs_proc = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")


@needs_proc
def test_kill_9_while_extracting_leaves_no_process_behind(tmp_path: Path) -> None:
    docs = _corpus(tmp_path / "docs", 600)
    proc, mark = _start_build(docs, tmp_path / "out", "--jobs", "2", "--no-cache")
    # the build, its worker server, the resource tracker and two workers
    _wait_until(lambda: len(_marked(mark)) >= 5 or proc.poll() is not None, "the workers")
    assert proc.poll() is None, "the build ended before its workers were seen"
    proc.kill()
    proc.wait()
    _wait_until(lambda: not _marked(mark), "every helper process to end", every=0.2)


@needs_proc
def test_kill_9_while_writing_keeps_the_previous_outputs_and_the_next_build_cleans_up(
    tmp_path: Path,
) -> None:
    docs = _corpus(tmp_path / "docs", 300)
    out = tmp_path / "out"
    first = run_kg("build", str(docs), "--out", str(out))
    assert first.returncode == 0, first.stderr
    before = _outputs(out)
    _corpus(docs, 300, tag="改")  # every document changed: a whole new set to write
    proc, mark = _start_build(docs, out)

    def writing() -> bool:
        return any(p.is_file() for p in out.glob(".kg-staging-*/*")) or proc.poll() is not None

    _wait_until(writing, "the build to write its outputs", every=0.002)
    assert proc.poll() is None, "the build ended before it could be killed while writing"
    proc.kill()
    proc.wait()
    _wait_until(lambda: not _marked(mark), "the writing processes to end", every=0.2)
    assert _outputs(out) == before  # the previous set, whole
    assert list(out.glob(".kg-staging-*"))  # what the killed build left
    again = run_kg("build", str(docs), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert not list(out.glob(".kg-staging-*")) and not list(out.glob(".*.tmp"))
    fresh = tmp_path / "fresh"
    run_kg("build", str(docs), "--out", str(fresh), "--no-cache")
    assert _outputs(out) == _outputs(fresh)


@needs_proc
def test_sigterm_while_writing_removes_the_staging_folder_at_once(tmp_path: Path) -> None:
    docs = _corpus(tmp_path / "docs", 300)
    out = tmp_path / "out"
    first = run_kg("build", str(docs), "--out", str(out))
    assert first.returncode == 0, first.stderr
    before = _outputs(out)
    _corpus(docs, 300, tag="改")
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "build", str(docs), "--out", str(out), "-q"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )

    def writing() -> bool:
        return any(p.is_file() for p in out.glob(".kg-staging-*/*")) or proc.poll() is not None

    _wait_until(writing, "the build to write its outputs", every=0.002)
    assert proc.poll() is None, "the build ended before it could be stopped while writing"
    proc.terminate()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == (
        f"Error: stopped by SIGTERM; the previous outputs in {out} are unchanged"
    )
    assert _outputs(out) == before
    assert not list(out.glob(".kg-staging-*"))


# ---------------------------------------------------------------------------- nothing stale


def _damage(path: Path, n: int = 10) -> None:
    """Change ``n`` bytes in the middle of ``path`` (its size and times kept)."""
    st = path.stat()
    data = bytearray(path.read_bytes())
    mid = max(0, len(data) // 2 - n // 2)
    for i in range(mid, min(len(data), mid + n)):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_damaged_kept_parts_and_stores_are_made_again(
    previous: tuple[Path, Path], tmp_path: Path
) -> None:
    docs, out = previous
    kept = sorted((out / ".cache" / "fragments").iterdir())
    assert {p.suffix for p in kept} == {".idx", ".bin"}
    for i, part in enumerate(kept):
        case = tmp_path / str(i)
        case_docs, case_out = _copy(previous, case)
        _damage(case_out / ".cache" / "fragments" / part.name)
        res = run_kg("build", str(case_docs), "--out", str(case_out))
        assert res.returncode == 0, (part.name, res.stderr)
        assert "Traceback" not in res.stderr
        assert _outputs(case_out) == _outputs(out), part.name
        shutil.rmtree(case)


def test_damaged_cache_entries_are_extracted_again(
    previous: tuple[Path, Path], tmp_path: Path
) -> None:
    docs, out = _copy(previous, tmp_path)
    db = out / ".cache" / "extractions.sqlite3"
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT key, value FROM entries").fetchall()
        for key, value in rows:
            data = bytearray(value)
            data[len(data) // 2] ^= 0x01  # one bit, in the middle of every entry
            conn.execute("UPDATE entries SET value = ? WHERE key = ?", (bytes(data), key))
    res = run_kg("build", str(docs), "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert f"{len(rows)} corrupt" in res.stderr
    assert _outputs(out) == _outputs(previous[1])


def test_an_output_edited_in_place_is_never_copied_forward(
    previous: tuple[Path, Path], tmp_path: Path
) -> None:
    docs, out = _copy(previous, tmp_path)
    ttl = out / "graph.ttl"
    text = ttl.read_text(encoding="utf-8")
    assert "郑州市" in text
    st = ttl.stat()
    ttl.write_text(text.replace("郑州市", "郑洲市"), encoding="utf-8")  # one letter, same size
    os.utime(ttl, ns=(st.st_atime_ns, st.st_mtime_ns))  # its time kept
    assert ttl.stat().st_size == st.st_size
    _corpus(docs, 21)  # one document more: a rebuild that copies the other parts
    res = run_kg("build", str(docs), "--out", str(out))
    assert res.returncode == 0, res.stderr
    fresh = tmp_path / "fresh"
    run_kg("build", str(docs), "--out", str(fresh), "--no-cache")
    assert "郑洲市" not in (out / "graph.ttl").read_text(encoding="utf-8")
    assert _outputs(out) == _outputs(fresh)
