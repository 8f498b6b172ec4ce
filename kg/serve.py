"""A real SPARQL endpoint over an exported graph: the Oxigraph server, behind a guard.

``oxigraph serve-read-only`` serves the SPARQL store ``kg build`` wrote
(``OUT_DIR/store``) as it is; a writable server (``oxigraph serve``) gets a copy
of it (a temporary folder unless one is given), and a folder without a store has
``graph.trig`` bulk-loaded with ``oxigraph load``. The default graph is the
merged graph (each statement once), as for ``kg query``. It listens on a private port of
127.0.0.1; the address users reach (``http://HOST:PORT``, SPARQL 1.1 Protocol
at ``/query``, and ``/update`` and the Graph Store Protocol at ``/store`` when
writable) is a small front in this process that passes each request on, after
checking it, and trusts no one:

- a request whose ``Host`` header is not the address the server is bound to
  (``127.0.0.1:7878``, or ``localhost:7878`` on the loopback address) is refused,
  so a web page cannot read the graph through DNS rebinding;
- a query or update with a ``SERVICE`` clause is refused (``allow_service``
  lets it through), so the server never sends requests elsewhere for a client;
- every request has a time limit (``query_timeout``, 30 s by default): when a
  query runs longer, the client gets ``503`` and the Oxigraph server is
  restarted, which is the one way to stop a query it is evaluating, so an
  abandoned query never runs on.

The Oxigraph process ends with this one, even when this one is killed (Linux,
see :func:`kg.lifeline.killed_with_parent`); :meth:`Server.stop` ends it and
removes a temporary store, and temporary stores left by killed servers are
removed when the next one starts.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import http.client
import ipaddress
import json
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any

from kg.errors import KGError, OutputError
from kg.export.files import BUILD_INFO, find_output, left_out


class ServeError(KGError):
    """The SPARQL server cannot be found, loaded or started."""


#: Temporary stores are ``<temp>/kg-oxigraph-<pid>-<random>``.
TEMP_PREFIX = "kg-oxigraph-"
_TEMP_STORE = re.compile(rf"^{TEMP_PREFIX}(\d+)-[a-z0-9_]{{8}}$")
#: The file in a store folder that names the graph.trig loaded into it.
STAMP = "kg-serve-source.json"
#: Makes the default graph of a store loaded from ``graph.trig`` the merged graph.
MERGE_DEFAULT_GRAPH = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
#: The default time limit of a request, in seconds.
QUERY_TIMEOUT_S = 30.0
#: The largest request body passed on (a Graph Store upload of a writable server).
MAX_BODY = 1 << 30

#: Headers that concern one connection only, never passed on.
_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)


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
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def load(trig: Path, store: Path) -> None:
    """Bulk-load a TriG file into an Oxigraph store folder with ``oxigraph load``, in the
    layout of the store ``kg build`` writes (the named graphs, and their union with each
    statement once as the default graph), and note in the folder which graph it holds
    (see :func:`stale_store`)."""
    steps = [
        ["load", "--location", str(store), "--file", str(trig)],
        ["update", "--location", str(store), "--update", MERGE_DEFAULT_GRAPH],
    ]
    for step in steps:
        proc = subprocess.run([str(oxigraph_binary()), *step], capture_output=True, text=True)
        if proc.returncode != 0:
            raise ServeError(f"{trig}: oxigraph {step[0]} failed: {proc.stderr.strip()[-500:]}")
    with contextlib.suppress(OSError):
        (store / STAMP).write_text(json.dumps(_fingerprint(trig)), encoding="utf-8")


def copy_built_store(out_dir: Path, store: Path) -> bool:
    """Copy the SPARQL store ``kg build`` wrote in ``out_dir`` to the folder ``store`` (new
    or empty), checked file by file; False when ``out_dir`` has none that belongs with its
    RDF files."""
    from kg.export.store import STORE_DIR, copy_store, read_manifest, store_mismatch

    built = out_dir / STORE_DIR
    manifest = read_manifest(built)
    if manifest is None or store_mismatch(out_dir, manifest) is not None:
        return False
    with contextlib.suppress(OSError):
        store.rmdir()  # an empty folder: copy_store makes it
    try:
        copy_store(built, store, manifest)
    except OutputError as exc:
        raise ServeError(f"{built}: cannot copy the SPARQL store: {exc}") from exc
    trig = find_output(out_dir, "graph.trig", required=False)  # or graph.trig.gz
    if trig.is_file():
        with contextlib.suppress(OSError):
            (store / STAMP).write_text(json.dumps(_fingerprint(trig)), encoding="utf-8")
    return True


def _fingerprint(trig: Path) -> dict[str, object]:
    h = hashlib.sha256()
    with trig.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return {"size": trig.stat().st_size, "sha256": h.hexdigest()}


def stale_store(store: Path, trig: Path) -> str | None:
    """A warning when the store folder ``store`` holds another graph than ``trig`` (the
    graph was rebuilt since it was loaded), or None."""
    advice = (
        f"it serves the older graph; delete {store} (or serve without --store) to load the new one"
    )
    try:
        noted = json.loads((store / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        noted = None
    if isinstance(noted, dict):
        if noted != _fingerprint(trig):
            return f"the store {store} was loaded from another build than {trig}: {advice}"
        return None
    try:  # a store loaded by other means: compare times
        newest = max(p.stat().st_mtime for p in store.rglob("*") if p.is_file())
        if trig.stat().st_mtime > newest:
            return f"the store {store} is older than {trig}: {advice}"
    except (OSError, ValueError):
        pass
    return None


def remove_stale_stores(folder: str | None = None) -> list[Path]:
    """Remove the temporary stores that killed servers of this user left in the
    temporary folder (their process no longer runs); returns them."""
    from kg.export.atomic import process_alive

    removed: list[Path] = []
    where = Path(folder or tempfile.gettempdir())
    uid = os.getuid() if hasattr(os, "getuid") else None
    try:
        entries = list(os.scandir(where))
    except OSError:
        return removed
    for entry in entries:
        m = _TEMP_STORE.match(entry.name)
        if m is None or process_alive(int(m.group(1))):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not entry.is_dir(follow_symlinks=False) or (uid is not None and st.st_uid != uid):
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        removed.append(Path(entry.path))
    return removed


def _answers(url: str, timeout: float = 2.0) -> bool:
    q = urllib.parse.urlencode({"query": "ASK { }"})
    req = urllib.request.Request(
        f"{url}/query?{q}", headers={"Accept": "application/sparql-results+json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return bool(r.status == 200)
    except (urllib.error.URLError, OSError):
        return False


class _Oxigraph:
    """The Oxigraph server process on a private port, owned by one thread of its own.

    That thread starts the process (the kernel ends the process when the thread
    ends: see :func:`kg.lifeline.killed_with_parent`), restarts it when asked
    (the one way to stop a query it is evaluating) and stops it.
    """

    def __init__(
        self, location: Path, writable: bool, cors: bool, timeout: float, start_timeout: float
    ) -> None:
        self.location = location
        self.writable = writable
        self.cors = cors
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.process: subprocess.Popen[str] | None = None
        self._current = (0, 0)  # generation and port of the running process
        self.exit_code: int | None = None  # set when the process ended on its own
        self.log: IO[str] = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115
        self._requests: queue.Queue[tuple[str, int, threading.Event | None]] = queue.Queue()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="kg-oxigraph", daemon=True)

    # -- called from other threads ------------------------------------------------

    def start(self) -> None:
        """Start the process and wait until it answers; :class:`ServeError` if it cannot."""
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error

    def target(self) -> tuple[int, int]:
        """The generation of the running process and its port."""
        return self._current

    def restart(self, generation: int) -> None:
        """Restart the process unless it was restarted since ``generation``; waits."""
        done = threading.Event()
        self._requests.put(("restart", generation, done))
        done.wait(self.start_timeout + 10)

    def stop(self) -> None:
        """Stop the process and its thread; safe to call twice."""
        if self._thread.is_alive():
            self._requests.put(("stop", 0, None))
            self._thread.join(30)
        self._kill()

    # -- the owning thread ---------------------------------------------------------

    def _run(self) -> None:
        try:
            self._current = (0, self._spawn())
        except BaseException as exc:  # noqa: BLE001 - handed to start()
            self._error = exc
            self._ready.set()
            self._kill()
            return
        self._ready.set()
        while True:
            try:
                what, generation, done = self._requests.get(timeout=0.5)
            except queue.Empty:
                if self.process is not None and self.process.poll() is not None:
                    self.exit_code = self.process.returncode
                    return
                continue
            if what == "stop":
                self._kill()
                return
            try:
                if generation == self._current[0]:  # not restarted for another request
                    self._kill()
                    try:
                        self._current = (generation + 1, self._spawn())
                    except ServeError as exc:
                        self.log.write(f"{exc}\n")
                        self.exit_code = 1
                        return
            finally:
                if done is not None:
                    done.set()

    def _spawn(self) -> int:
        """Start the process on a free port; returns the port once it answers."""
        from kg.lifeline import killed_with_parent

        port = free_port("127.0.0.1")
        cmd = [
            str(oxigraph_binary()),
            "serve" if self.writable else "serve-read-only",
            "--location",
            str(self.location),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout-s",
            str(max(1, round(self.timeout))),
        ]
        if self.cors:
            cmd.append("--cors")
        # a file, never a pipe that could fill up
        self.process = subprocess.Popen(
            killed_with_parent(cmd), stdout=subprocess.DEVNULL, stderr=self.log, text=True
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                err = self.log.read().strip()[-500:]
                raise ServeError(f"the oxigraph server exited: {err}")
            if _answers(url):
                return port
            time.sleep(0.1)
        raise ServeError(f"the oxigraph server did not answer within {self.start_timeout:.0f} s")

    def _kill(self) -> None:
        proc = self.process
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def _split_host(value: str) -> tuple[str, int | None]:
    """``("127.0.0.1", 7878)`` of a ``Host`` header (``[::1]:7878`` for IPv6)."""
    value = value.strip()
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif value.count(":") == 1:
        host, _, port = value.partition(":")
    else:
        host, port = value, ""
    if port and not port.isdigit():
        return host, -1
    return host, int(port) if port else None


def host_allowed(value: str | None, bound: str, port: int) -> bool:
    """Whether a request with the ``Host`` header ``value`` is addressed to a server bound
    to ``bound``:``port``: that address (``localhost`` too for a loopback address; any
    address for ``0.0.0.0`` or ``::``), never another name.

    >>> host_allowed("127.0.0.1:7878", "127.0.0.1", 7878), host_allowed("localhost:7878", "127.0.0.1", 7878)
    (True, True)
    >>> host_allowed("evil.example:7878", "127.0.0.1", 7878), host_allowed("127.0.0.1:80", "127.0.0.1", 7878)
    (False, False)
    """
    if not value:
        return False
    host, given = _split_host(value)
    if (given if given is not None else 80) != port:
        return False
    host = host.lower().rstrip(".")
    try:
        bound_ip: ipaddress.IPv4Address | ipaddress.IPv6Address | None = ipaddress.ip_address(bound)
    except ValueError:
        bound_ip = None
    if bound_ip is None:  # bound by name (--host localhost)
        return host == bound.lower() or (
            bound.lower() == "localhost" and host in ("127.0.0.1", "::1")
        )
    if host == "localhost":
        return bound_ip.is_loopback or bound_ip.is_unspecified
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name: what DNS rebinding sends
    return bound_ip.is_unspecified or ip == bound_ip


def sparql_texts(path: str, content_type: str, body: bytes) -> list[str]:
    """The queries and updates a SPARQL 1.1 Protocol request carries (URL, form or body)."""
    texts = []
    query = urllib.parse.urlsplit(path).query
    fields = urllib.parse.parse_qs(query, keep_blank_values=True)
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        for k, v in form.items():
            fields.setdefault(k, []).extend(v)
    elif kind in ("application/sparql-query", "application/sparql-update"):
        texts.append(body.decode("utf-8", "replace"))
    for name in ("query", "update"):
        texts += fields.get(name, [])
    return texts


class _Handler(BaseHTTPRequestHandler):
    """Checks a request and passes it on to the Oxigraph server (see the module)."""

    protocol_version = "HTTP/1.0"  # one request per connection: the body ends with it
    server_version = "policy-kg"
    server: _Front

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        return  # quiet: the terminal shows the endpoint and "stopped" only

    def _refuse(self, status: int, message: str) -> None:
        data = (message + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _handle(self) -> None:
        front = self.server.kg
        if not host_allowed(self.headers.get("Host"), front.host, front.port):
            self._refuse(
                403,
                f"refused: this server answers requests addressed to {front.address} only "
                "(the Host header names another)",
            )
            return
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self._refuse(411, "a request body needs a Content-Length")
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self._refuse(400, "bad Content-Length")
            return
        if length < 0 or length > MAX_BODY:
            self._refuse(413, "request body too large")
            return
        body = self.rfile.read(length) if length else b""
        if not front.allow_service:
            from kg.query import SERVICE_REFUSED, uses_service

            texts = sparql_texts(self.path, self.headers.get("Content-Type", ""), body)
            if any(uses_service(t) for t in texts):
                self._refuse(
                    403, SERVICE_REFUSED.replace("--allow-service", "kg serve --allow-service")
                )
                return
        self._forward(body)

    def _forward(self, body: bytes) -> None:
        front = self.server.kg
        deadline = time.monotonic() + front.query_timeout
        generation, port = front.oxigraph.target()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=front.query_timeout)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
        if body or self.command in ("POST", "PUT", "PATCH"):
            headers["Content-Length"] = str(len(body))
        try:
            try:
                conn.request(self.command, self.path, body=body or None, headers=headers)
                resp = conn.getresponse()
            except TimeoutError:
                self._too_long(generation)
                return
            except (OSError, http.client.HTTPException):
                self._refuse(
                    502, "the SPARQL server was restarted to stop a query that ran too long; retry"
                )
                return
            self.send_response_only(resp.status, resp.reason)
            for k, v in resp.getheaders():
                if k.lower() not in _HOP or k.lower() == "content-length":
                    self.send_header(k, v)
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command == "HEAD":
                return
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError
                if conn.sock is not None:
                    conn.sock.settimeout(left)
                chunk = resp.read1(65536)
                if not chunk:
                    break
                self.wfile.write(chunk)
        except TimeoutError:  # the answer was under way: cut it, stop the query
            front.oxigraph.restart(generation)
            self.close_connection = True
        except (BrokenPipeError, ConnectionResetError):  # the client left
            self.close_connection = True
        finally:
            conn.close()

    def _too_long(self, generation: int) -> None:
        front = self.server.kg
        front.oxigraph.restart(generation)  # the one way to stop the query
        self._refuse(
            503,
            f"the query ran longer than {front.query_timeout:g} s and was stopped "
            "(kg serve --timeout sets the limit)",
        )

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = do_PATCH = _handle


class _Front(ThreadingHTTPServer):
    daemon_threads = True
    kg: Server


class _Front6(_Front):
    address_family = socket.AF_INET6


class Server:
    """A running SPARQL server; :meth:`stop` ends it and removes a temporary store."""

    def __init__(
        self,
        front: _Front,
        oxigraph: _Oxigraph,
        host: str,
        store: Path,
        temporary: bool,
        *,
        writable: bool,
        allow_service: bool,
        query_timeout: float,
        warnings: list[str],
    ) -> None:
        self.front = front
        self.oxigraph = oxigraph
        self.host = host
        self.port = int(front.server_address[1])
        self.store = store
        self.temporary = temporary
        self.writable = writable
        self.allow_service = allow_service
        self.query_timeout = query_timeout
        self.warnings = warnings
        self._stopped = False
        self._thread = threading.Thread(
            target=front.serve_forever, name="kg-serve", kwargs={"poll_interval": 0.2}, daemon=True
        )
        front.kg = self

    @property
    def process(self) -> subprocess.Popen[str]:
        """The Oxigraph server process now running."""
        assert self.oxigraph.process is not None
        return self.oxigraph.process

    @property
    def address(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The base URL of the server."""
        return f"http://{self.address}"

    @property
    def endpoint(self) -> str:
        """The SPARQL query endpoint."""
        return f"{self.url}/query"

    def serve(self) -> None:
        self._thread.start()

    def exit_code(self) -> int | None:
        """The exit status of the Oxigraph server if it ended on its own, else None."""
        return self.oxigraph.exit_code

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving, stop the Oxigraph server and remove a temporary store; safe to
        call twice."""
        if self._stopped:
            return
        self._stopped = True
        try:
            if self._thread.is_alive():
                self.front.shutdown()
            self.front.server_close()
        finally:
            try:
                self.oxigraph.stop()
            finally:
                self.oxigraph.log.close()
                if self.temporary:
                    shutil.rmtree(self.store, ignore_errors=True)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _listen(host: str, port: int) -> _Front:
    """The front's listening socket, bound now: a busy port is one clear error."""
    cls = _Front6 if ":" in host else _Front
    try:
        return cls((host, port), _Handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(
                f"port {port} on {host} is in use (another server?); "
                "choose another with --port, or --port 0 for any free port"
            ) from None
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def start(
    out_dir: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    writable: bool = False,
    store: str | Path | None = None,
    cors: bool = False,
    timeout: float = 60.0,
    query_timeout: float = QUERY_TIMEOUT_S,
    allow_service: bool = False,
) -> Server:
    """Serve the graph of ``OUT_DIR`` and start the server; returns once it answers queries.

    A read-only server serves the SPARQL store ``kg build`` wrote
    (``OUT_DIR/store``, see :mod:`kg.export.store`) as it is, so it starts in
    seconds whatever the size of the graph. ``store`` is a folder of its own
    for the Oxigraph store (a writable server has a temporary folder by
    default, removed by :meth:`Server.stop`): an existing store there is served
    as it is when it already holds data (:attr:`Server.warnings` says when it
    holds an older graph than ``graph.trig``), else the build's store is copied
    into it, or ``graph.trig`` loaded when the folder has no store. In any case
    the default graph is the merged graph (each statement once) and
    ``GRAPH ?doc { … }`` reaches one document's statements. ``cors`` lets
    web pages (YASGUI) query the server from the browser; ``query_timeout``
    bounds each request; ``allow_service`` lets queries use ``SERVICE``;
    ``timeout`` bounds the start.
    """
    from kg.export.store import STORE_DIR, read_manifest, store_mismatch

    out = Path(out_dir)
    # oxigraph load reads graph.trig.gz as it is
    trig = find_output(out, "graph.trig", required=False)
    manifest = read_manifest(out / STORE_DIR)
    has_built = manifest is not None and store_mismatch(out, manifest) is None
    if not has_built and not trig.is_file():
        if (out / BUILD_INFO).is_file():  # a build that wrote neither (kg build --formats)
            raise OutputError(left_out(out, "graph.trig", ["store", "trig"]))
        raise OutputError(f"{trig}: no graph.trig here; run 'kg build DOCS --out {out_dir}' first")
    remove_stale_stores()
    front = _listen(host, port)  # first: a busy port fails before any loading
    in_place = has_built and store is None and not writable
    temporary = store is None and not in_place
    if in_place:
        location = out / STORE_DIR  # served as it is, read-only, never removed
    elif store is None:
        location = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-"))
    else:
        location = Path(store)
    warnings: list[str] = []
    oxigraph = None
    try:
        if in_place:
            pass
        elif temporary or not location.exists() or not any(location.iterdir()):
            location.mkdir(parents=True, exist_ok=True)
            if not copy_built_store(out, location):
                load(trig, location)
        elif trig.is_file():
            stale = stale_store(location, trig)
            if stale:
                warnings.append(stale)
        oxigraph = _Oxigraph(location, writable, cors, query_timeout, timeout)
        oxigraph.start()
        server = Server(
            front,
            oxigraph,
            host,
            location,
            temporary,
            writable=writable,
            allow_service=allow_service,
            query_timeout=query_timeout,
            warnings=warnings,
        )
        server.serve()
    except BaseException:  # Ctrl-C while starting too: nothing stays behind
        front.server_close()
        if oxigraph is not None:
            oxigraph.stop()
            oxigraph.log.close()
        if temporary:
            shutil.rmtree(location, ignore_errors=True)
        raise
    return server


def query(endpoint: str, sparql: str, timeout: float = 30.0) -> dict:
    """Send a SELECT/ASK query over HTTP (SPARQL 1.1 Protocol, POST); the JSON results."""
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
    except OSError as exc:  # a timeout, a connection reset
        raise ServeError(f"{endpoint}: {exc}") from exc


def wait(server: Server) -> int:
    """Block until the server ends, Ctrl-C, or (within
    :func:`kg.cli.common.stop_signals_interrupt`) SIGTERM or SIGHUP; then stop it.
    Returns the Oxigraph server's exit status if it ended on its own, else 0."""
    try:
        while True:
            code = server.exit_code()
            if code is not None:
                return code
            time.sleep(0.2)
    except KeyboardInterrupt:
        return 0
    finally:
        with contextlib.suppress(Exception):
            server.stop()
