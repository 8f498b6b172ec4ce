"""A server that trusts no one, and processes that end with their parent (issue 18):
Host checks, SERVICE refused, time limits, signals, busy ports, stale stores; the same
guards in kg query."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.serve import TEMP_PREFIX, ServeError, start
from tests.conftest import ROOT, run_kg

#: A query that runs for ever on the sample graph (three patterns, no join between them).
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"


class Listener:
    """A real TCP endpoint on 127.0.0.1 that counts the connections it is sent."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


@pytest.fixture()
def listener() -> Iterator[Listener]:
    lst = Listener()
    yield lst
    lst.close()


def _service(port: int) -> str:
    return f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"


def _post(port: int, sparql: str, host: str | None = None, timeout: float = 120) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"}
    if host is not None:
        headers["Host"] = host
    try:
        conn.request("POST", "/query", urllib.parse.urlencode({"query": sparql}), headers)
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _ended(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"


def _wait_until(test, what: str, deadline_s: float = 60.0) -> None:
    end = time.monotonic() + deadline_s
    while not test():
        if time.monotonic() > end:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


# ---------------------------------------------------------------------------- the server


def test_requests_for_another_host_are_refused(sample_rdf: Path) -> None:
    with start(sample_rdf, port=0) as server:
        ok = [f"127.0.0.1:{server.port}", f"localhost:{server.port}"]
        for host in ok:
            assert _post(server.port, "ASK {}", host=host) == (200, "true"), host
        for host in (
            f"evil.example:{server.port}",
            "127.0.0.1:80",
            f"127.0.0.1.nip.io:{server.port}",
            "",
        ):
            status, body = _post(server.port, "ASK {}", host=host)
            assert status == 403, host
            assert body.startswith("refused: this server answers requests addressed to")


def test_service_is_refused_unless_allowed(sample_rdf: Path, listener: Listener) -> None:
    with start(sample_rdf, port=0) as server:
        status, body = _post(server.port, _service(listener.port))
        assert status == 403 and "SERVICE is refused" in body
        # also sent as a GET, and spelt with an escape
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        q = _service(listener.port).replace("SERVICE", "\\u0053ERVICE")
        conn.request("GET", "/query?" + urllib.parse.urlencode({"query": q}))
        assert conn.getresponse().status == 403
        conn.close()
    assert listener.connections == 0  # nothing left this machine's server for the listener
    with start(sample_rdf, port=0, allow_service=True) as server:
        _post(server.port, _service(listener.port))
    _wait_until(lambda: listener.connections > 0, "the allowed SERVICE request")


def test_a_query_over_the_time_limit_is_stopped(sample_rdf: Path) -> None:
    with start(sample_rdf, port=0, query_timeout=2) as server:
        first = server.process.pid
        status, body = _post(server.port, ENDLESS)
        assert status == 503
        assert "ran longer than 2 s and was stopped" in body
        _wait_until(lambda: _ended(first), "the Oxigraph process evaluating the query to end")
        assert server.process.pid != first
        assert _post(server.port, "ASK { ?s ?p ?o }") == (200, "true")  # and serving again


def test_a_busy_port_is_one_line_naming_the_port(sample_rdf: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        res = run_kg("serve", str(sample_rdf), "--port", str(port), timeout=120)
    assert res.returncode == 1
    assert res.stderr.strip().splitlines() == [
        f"Error: port {port} on 127.0.0.1 is in use (another server?); "
        "choose another with --port, or --port 0 for any free port"
    ]


def test_a_kept_store_older_than_the_build_is_warned_about(
    sample_rdf: Path, tmp_path: Path
) -> None:
    import shutil

    out = tmp_path / "out"
    shutil.copytree(sample_rdf, out)
    store = tmp_path / "store"
    with start(out, port=0, store=store) as server:
        assert server.warnings == []
    with start(out, port=0, store=store) as server:
        assert server.warnings == []  # the same graph: nothing to say
    with (out / "graph.trig").open("a", encoding="utf-8") as f:  # a rebuild, say
        f.write('\n<urn:x:new> { <urn:x:a> <urn:x:b> "c" . }\n')
    with start(out, port=0, store=store) as server:
        assert len(server.warnings) == 1
        assert "was loaded from another build than" in server.warnings[0]
        assert f"delete {store}" in server.warnings[0]


# ---------------------------------------------------------------------------- kg serve's end


def _serve(out: Path) -> tuple[subprocess.Popen, int, int]:
    """``kg serve`` on a free port: the process, its port and its Oxigraph child."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", str(out), "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline()
    assert line.startswith("SPARQL endpoint (read-only): http://127.0.0.1:"), proc.stderr.read()
    port = int(line.rsplit(":", 1)[1].split("/")[0])
    children = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(proc.pid)], capture_output=True, text=True
    ).stdout.split()
    assert len(children) == 1
    return proc, port, int(children[0])


def _temporary_stores(pid: int) -> list[Path]:
    import tempfile

    return sorted(Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}{pid}-*"))


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT", "SIGHUP"])
def test_a_signal_stops_the_server_and_removes_its_store(sample_rdf: Path, sig: str) -> None:
    proc, port, oxigraph = _serve(sample_rdf)
    stores = _temporary_stores(proc.pid)
    assert len(stores) == 1 and stores[0].is_dir()
    assert _post(port, "ASK {}") == (200, "true")
    proc.send_signal(getattr(signal, sig))
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out.rstrip().endswith("stopped")
    _wait_until(lambda: _ended(oxigraph), "the Oxigraph server to end")
    assert not stores[0].exists()


def test_oxigraph_ends_with_a_killed_server_and_its_store_is_removed_next_time(
    sample_rdf: Path,
) -> None:
    proc, _, oxigraph = _serve(sample_rdf)
    stores = _temporary_stores(proc.pid)
    proc.kill()
    proc.communicate(timeout=60)
    _wait_until(lambda: _ended(oxigraph), "the Oxigraph server to end")
    assert stores and stores[0].exists()  # a kill -9 gives no time to clean up
    with start(sample_rdf, port=0):
        assert not stores[0].exists()  # the next server removes what the killed one left


# ---------------------------------------------------------------------------- kg query


def test_kg_query_refuses_service_and_sends_nothing(sample_rdf: Path, listener: Listener) -> None:
    res = run_kg("query", str(sample_rdf), _service(listener.port), timeout=120)
    assert res.returncode == 1
    assert res.stderr.strip() == (
        "Error: SERVICE is refused: queries here do not reach other endpoints "
        "(--allow-service allows it)"
    )
    time.sleep(0.5)  # a connection would have come by now: the query never ran
    assert listener.connections == 0
    run_kg("query", str(sample_rdf), _service(listener.port), "--allow-service", timeout=120)
    _wait_until(lambda: listener.connections > 0, "the allowed SERVICE request")


def test_kg_query_gives_up_after_its_timeout(sample_rdf: Path) -> None:
    res = run_kg("query", str(sample_rdf), ENDLESS, "--timeout", "2", timeout=300)
    assert res.returncode == 1
    assert res.stderr.strip() == "Error: the query ran longer than 2 s (--timeout)"


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_ctrl_c_stops_a_running_kg_query(sample_rdf: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "query", str(sample_rdf), ENDLESS, "--timeout", "3600"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # deep in the query: it has loaded the graph and computed for a while
        _wait_until(lambda: _cpu_seconds(proc.pid) > 3.0, "the query to run", deadline_s=300)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130
    assert err.strip() == "Error: interrupted"


def test_the_python_api_refuses_service_too(sample_rdf: Path) -> None:
    from kg.query import QueryError, load_store, run

    with pytest.raises(QueryError, match="SERVICE is refused"):
        run(load_store(sample_rdf), _service(9))


def test_serve_error_for_a_host_that_is_not_here(sample_rdf: Path) -> None:
    with pytest.raises(ServeError, match="cannot listen on 192.0.2.1:0"):
        start(sample_rdf, host="192.0.2.1", port=0)
