"""kg serve: the Oxigraph server answers SPARQL over HTTP, read-only, and stops cleanly."""

from __future__ import annotations

import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest
from conftest import ROOT
from rdf_graphs import AGREEMENTS, sample_graph

from kg.export.rdf import write_rdf
from kg.serve import ServeError, free_port, query, start

SIGNED = """PREFIX kgo: <https://w3id.org/policykg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?name WHERE {
  ?z rdfs:label "郑州市"@zh ; kgo:signed ?a . ?a rdfs:label ?name . FILTER(lang(?name) = "zh")
} ORDER BY ?name"""


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    d = tmp_path_factory.mktemp("serve")
    write_rdf(sample_graph(), d)
    return d


def _names(answer: dict) -> set[str]:
    return {b["name"]["value"] for b in answer["results"]["bindings"]}


def test_server_answers_over_http_and_stops(out):
    server = start(out, port=free_port())
    try:
        assert server.endpoint.startswith("http://127.0.0.1:")
        answer = query(server.endpoint, SIGNED)
        assert set(AGREEMENTS) <= _names(answer)  # union default graph: no GRAPH needed
    finally:
        server.stop()
    assert server.process.poll() is not None
    assert not server.store.exists()  # the temporary store is removed
    with pytest.raises(ServeError):
        query(server.endpoint, "ASK {}", timeout=2)


def test_server_is_read_only_by_default(out):
    with start(out, port=free_port()) as server:
        data = urllib.parse.urlencode(
            {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}
        ).encode()
        req = urllib.request.Request(f"{server.url}/update", data=data)
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(req, timeout=10)
        answer = query(server.endpoint, "ASK { <urn:a> <urn:b> <urn:c> }")
        assert answer["boolean"] is False


def test_missing_graph_is_an_error(tmp_path):
    from kg.errors import OutputError

    with pytest.raises(OutputError, match="graph.trig"):
        start(tmp_path, port=free_port())


def test_cli_serve_prints_endpoint_and_stops_on_ctrl_c(out):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", str(out), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.strip() == f"SPARQL endpoint (read-only): http://127.0.0.1:{port}/query"
        assert set(AGREEMENTS) <= _names(query(f"http://127.0.0.1:{port}/query", SIGNED))
        proc.send_signal(signal.SIGINT)
        rest, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        assert "stopped" in rest
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
