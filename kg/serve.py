"""A real SPARQL endpoint over an exported graph: the Oxigraph server.

``graph.trig`` is bulk-loaded into an Oxigraph store (a temporary folder unless
one is given) with ``oxigraph load``, then ``oxigraph serve-read-only`` (or
``serve`` when writes are wanted) answers SPARQL over HTTP with the default graph
as the union of the named graphs, like ``kg query``. The endpoint is
``http://HOST:PORT/query`` (SPARQL 1.1 Protocol); the writable server adds
``/update`` and the Graph Store Protocol at ``/store``.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from kg.errors import KGError, OutputError


class ServeError(KGError):
    """The SPARQL server cannot be found, loaded or started."""


def oxigraph_binary() -> Path:
    """The ``oxigraph`` command installed by the ``oxigraph`` package (next to Python first)."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return beside
    found = shutil.which("oxigraph")
    if found:
        return Path(found)
    raise ServeError("the 'oxigraph' command is not installed (pip install oxigraph==0.5.13)")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running Oxigraph server; :meth:`stop` ends it and removes a temporary store."""

    process: subprocess.Popen
    host: str
    port: int
    store: Path
    temporary: bool
    writable: bool = False
    log: IO[str] | None = field(default=None, repr=False)
    _stopped: bool = field(default=False, repr=False)

    @property
    def url(self) -> str:
        """The base URL of the server."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def endpoint(self) -> str:
        """The SPARQL query endpoint."""
        return f"{self.url}/query"

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server process and clean up; safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        if self.log is not None:
            self.log.close()
        if self.temporary:
            shutil.rmtree(self.store, ignore_errors=True)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def load(trig: Path, store: Path) -> None:
    """Bulk-load a TriG file into an Oxigraph store folder with ``oxigraph load``."""
    proc = subprocess.run(
        [str(oxigraph_binary()), "load", "--location", str(store), "--file", str(trig)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise ServeError(f"{trig}: oxigraph load failed: {proc.stderr.strip()[-500:]}")


def _answers(url: str) -> bool:
    q = urllib.parse.urlencode({"query": "ASK { }"})
    req = urllib.request.Request(
        f"{url}/query?{q}", headers={"Accept": "application/sparql-results+json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=2) as r:
            return bool(r.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def start(
    out_dir: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    writable: bool = False,
    store: str | Path | None = None,
    cors: bool = False,
    timeout: float = 60.0,
) -> Server:
    """Load ``OUT_DIR/graph.trig`` and start the server; returns once it answers queries.

    ``store`` is the folder of the Oxigraph store (default: a temporary folder,
    removed by :meth:`Server.stop`); an existing store there is served as it is
    when it already holds data, else the graph is loaded into it. ``cors`` lets web
    pages (YASGUI) query the server from the browser.
    """
    trig = Path(out_dir) / "graph.trig"
    if not trig.is_file():
        raise OutputError(f"{trig}: no graph.trig here; run 'kg build DOCS --out {out_dir}' first")
    temporary = store is None
    location = Path(tempfile.mkdtemp(prefix="kg-oxigraph-")) if store is None else Path(store)
    try:
        if temporary or not location.exists() or not any(location.iterdir()):
            location.mkdir(parents=True, exist_ok=True)
            load(trig, location)
        cmd = [
            str(oxigraph_binary()),
            "serve" if writable else "serve-read-only",
            "--location",
            str(location),
            "--bind",
            f"{host}:{port}",
            "--union-default-graph",
        ]
        if cors:
            cmd.append("--cors")
        # a file, never a pipe that could fill up; closed by Server.stop
        log = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log, text=True)
    except BaseException:
        if temporary:
            shutil.rmtree(location, ignore_errors=True)
        raise
    server = Server(proc, host, port, location, temporary, writable, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            err = log.read()
            server.stop()
            raise ServeError(f"oxigraph server on {host}:{port} exited: {err.strip()[-500:]}")
        if _answers(server.url):
            return server
        time.sleep(0.1)
    server.stop()
    raise ServeError(f"oxigraph server on {host}:{port} did not answer within {timeout:.0f}s")


def query(endpoint: str, sparql: str, timeout: float = 30.0) -> dict:
    """Send a SELECT/ASK query over HTTP (SPARQL 1.1 Protocol, POST); the JSON results."""
    import json

    data = urllib.parse.urlencode({"query": sparql}).encode("utf-8")
    req = urllib.request.Request(
        endpoint,
        data=data,
        headers={
            "Accept": "application/sparql-results+json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return dict(json.loads(r.read().decode("utf-8")))
    except urllib.error.HTTPError as exc:
        body = exc.read().decode("utf-8", "replace")[:500]
        raise ServeError(f"{endpoint}: HTTP {exc.code}: {body}") from exc
    except urllib.error.URLError as exc:
        raise ServeError(f"{endpoint}: {exc.reason}") from exc


def wait(server: Server) -> int:
    """Block until the server ends or Ctrl-C; then stop it. Returns its exit code (0 on Ctrl-C)."""
    try:
        return server.process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        with contextlib.suppress(Exception):
            server.stop()
