"""Helpers shared by the test suites (plain functions and classes; fixtures live in conftest)."""

from __future__ import annotations

import contextlib
import hashlib
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# one way to find a port, start a server, wait for it and stop its group, shared with the
# benchmarks (which must run without the test suite)
from benchmarks.procs import free_port, start_group, stop_group, wait_until_answers
from kg.build import Paths

__all__ = [
    "PATHS",
    "ROOT",
    "SHORT_LIMITS",
    "LoopbackListener",
    "Server",
    "free_port",
    "serve",
    "serve_short",
    "stop_group",
    "tree_hash",
    "wait_until_answers",
]

ROOT = Path(__file__).resolve().parents[1]
PATHS = Paths(data=ROOT / "data", ontology=ROOT / "ontology")
"""The repository's own inputs."""
SHORT_LIMITS: dict[str, object] = {
    "query_timeout": 2,
    "max_concurrent": 2,
    "max_queued": 2,
    "max_rows": 1000,
}
"""Server limits of the test servers: short enough to exercise time-outs and caps quickly."""


def tree_hash(folder: Path) -> str:
    """One digest of a folder's names and bytes: equal before and after means untouched."""
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        h.update(str(p.relative_to(folder)).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


@dataclass
class Server:
    base: str
    proc: subprocess.Popen[bytes]
    log: list[bytes]

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])


@contextlib.contextmanager
def serve(
    release: Path, cache_dir: Path, host: str | None = "127.0.0.1", **options: object
) -> Iterator[Server]:
    """A ``kg serve`` subprocess on a free loopback port, stopped afterwards (its workers with
    it); options become ``DMKG_*`` variables. ``host=None`` gives no ``--host`` (to test the
    default bind). Its log is drained so a chatty server never blocks on a full pipe."""
    port = free_port()
    env = {f"DMKG_{k.upper()}": str(v) for k, v in options.items()}
    env["DMKG_CACHE_DIR"] = str(cache_dir)
    cmd = [sys.executable, "-m", "kg.cli", "serve", "--port", str(port), "--release", str(release)]
    if host is not None:
        cmd += ["--host", host]
    proc = start_group(cmd, subprocess.PIPE, env)
    log: list[bytes] = []
    out = proc.stdout
    assert out is not None
    drain = threading.Thread(target=lambda: log.extend(iter(out.readline, b"")), daemon=True)
    drain.start()
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(proc, f"{base}/health", 60, lambda: b"".join(log)[-2000:])
        yield Server(base, proc, log)
    finally:
        stop_group(proc)


class LoopbackListener:
    """A TCP server on 127.0.0.1 that counts the connections made to it, to prove that nothing
    (owl:imports, SERVICE, FROM, a DOCTYPE, a remote JSON-LD context) reaches out. It answers
    each connection with an empty HTTP 200, so a control request that does connect completes."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port: int = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            with conn:
                conn.settimeout(1)
                try:
                    conn.recv(4096)
                    conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/turtle\r\n\r\n")
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


def serve_short(
    release: Path, cache_dir: Path, host: str | None = "127.0.0.1", **options: object
) -> contextlib.AbstractContextManager[Server]:
    """:func:`serve` with :data:`SHORT_LIMITS` as defaults."""
    return serve(release, cache_dir, host, **{**SHORT_LIMITS, **options})
