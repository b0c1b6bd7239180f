"""Helpers shared by the test suites (plain functions and classes; fixtures live in conftest)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

__all__ = ["ROOT", "SHORT_LIMITS", "LoopbackListener", "Server", "free_port", "serve", "tree_hash"]

ROOT = Path(__file__).resolve().parents[1]
SHORT_LIMITS: dict[str, object] = {
    "query_timeout": 2,
    "max_concurrent": 2,
    "max_queued": 2,
    "max_rows": 1000,
}
"""Server limits of the test servers: short enough to exercise time-outs and caps quickly."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


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
    env = {k: v for k, v in os.environ.items() if not k.startswith("DMKG_")}
    env.update({f"DMKG_{k.upper()}": str(v) for k, v in options.items()})
    env["DMKG_CACHE_DIR"] = str(cache_dir)
    cmd = [sys.executable, "-m", "kg.cli", "serve", "--port", str(port), "--release", str(release)]
    if host is not None:
        cmd += ["--host", host]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
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


def wait_until_answers(
    proc: subprocess.Popen[bytes], url: str, seconds: float, output: Callable[[], object] = str
) -> None:
    """Poll ``url`` (bounded) until it answers 2xx; fail at once if ``proc`` exits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited {proc.returncode}: {output()!r}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1).is_success:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds:g} s")


def stop_group(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server started with ``start_new_session``: TERM, then KILL its whole group."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


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
