"""The build stays offline: owl:imports, remote shapes and contexts are refused, never fetched.

A loopback listener records every connection; the ontology (and the shapes) import a document
from it. Build, validate and reason must refuse clearly and connect zero times. A final
control request proves the listener would have seen a fetch.
"""

from __future__ import annotations

import json
import socket
import threading
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kg.build import Paths, build, default_checks
from kg.errors import OfflineError, ValidationFailedError
from kg.reason import reason_release
from kg.shapes import load_shapes
from kg.validate import validate_release


class Listener:
    """A TCP server on 127.0.0.1 that counts connections and answers each with empty Turtle."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/imported.ttl"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            with conn:
                conn.recv(4096)
                conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/turtle\r\n\r\n")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def _import_from(paths: Paths, url: str) -> None:
    with open(paths.ontology_file, "a", encoding="utf-8") as fh:
        fh.write(f"\n<https://w3id.org/dmkg/vocab/> owl:imports <{url}> .\n")


def test_owl_imports_are_refused_by_build_validate_and_reason_without_a_connection(
    data_copy: Callable[[], Paths], tmp_path: Path, listener: Listener
) -> None:
    paths = data_copy()
    _import_from(paths, listener.url)

    gated = tmp_path / "gated"
    with pytest.raises(ValidationFailedError, match="Ontology-imports"):
        build(paths, gated, default_checks(paths))
    assert not gated.exists()

    release = build(paths, tmp_path / "ungated").out  # loading and writing fetch nothing
    report = validate_release(release, paths.shapes_file, paths.ontology_file)
    assert not report.conforms
    assert any(f.shape.endswith("/Ontology-imports>") for f in report.findings)
    with pytest.raises(OfflineError, match="refused"):
        reason_release(release)
    assert json.loads((release / "kg.jsonld").read_text())["@context"]["dmkg"]  # inline context

    assert listener.connections == 0
    urllib.request.urlopen(listener.url, timeout=5).read()  # control: a real fetch is seen
    assert listener.connections == 1


def test_remote_shapes_are_refused(data_copy: Callable[[], Paths], listener: Listener) -> None:
    paths = data_copy()
    with open(paths.shapes_file, "a", encoding="utf-8") as fh:
        fh.write(f"\ndmkgsh: owl:imports <{listener.url}> .\n")
    with pytest.raises(OfflineError, match="never fetched"):
        load_shapes(paths.shapes_file)
    assert listener.connections == 0
