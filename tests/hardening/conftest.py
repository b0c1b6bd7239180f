"""Hardening fixtures: ``kg serve`` subprocesses whose process id the tests can see (memory,
restart), tree hashes, and the shared release of the real data (``built`` from tests/conftest)."""

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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from kg.build import BuildResult

ROOT = Path(__file__).resolve().parents[2]
LIMITS: dict[str, object] = {
    "query_timeout": 2,
    "max_concurrent": 2,
    "max_queued": 2,
    "max_rows": 1000,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


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
    """A ``kg serve`` subprocess on a free loopback port; options become ``DMKG_*`` variables.
    With ``host=None`` no ``--host`` is given (the default bind is under test)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DMKG_")}
    env.update({f"DMKG_{k.upper()}": str(v) for k, v in {**LIMITS, **options}.items()})
    env["DMKG_CACHE_DIR"] = str(cache_dir)
    cmd = [sys.executable, "-m", "kg.cli", "serve", "--port", str(port), "--release", str(release)]
    if host is not None:
        cmd += ["--host", host]
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log: list[bytes] = []
    out = proc.stdout
    assert out is not None
    drain = threading.Thread(target=lambda: log.extend(iter(out.readline, b"")), daemon=True)
    drain.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited {proc.returncode}: {b''.join(log)[-2000:]!r}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        else:
            raise RuntimeError("server did not answer /health within 60 s")
        yield Server(base, proc, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def tree_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        h.update(str(p.relative_to(folder)).encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="session")
def hardening_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hardening-cache")


@pytest.fixture(scope="session")
def server(built: BuildResult, hardening_cache: Path) -> Iterator[Server]:
    """A server of the real release with short limits (2 s per query, 1000 rows)."""
    with serve(built.out, hardening_cache) as s:
        yield s
