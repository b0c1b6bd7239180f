"""Child processes in their own process group, one way for the benchmarks and the test suite.

A free loopback port, starting a server, waiting until it answers, stopping its whole group
(and checking nothing of it is left), its memory, and a watchdog that stops a step past its
time or memory limit. Only the standard library is imported up front (httpx when a server is
polled), so a child that reports its own peak memory does not pay for it; no pytest.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

__all__ = [
    "ROOT",
    "free_port",
    "group_pids",
    "group_rss_mb",
    "port_free",
    "run_measured",
    "start_group",
    "stop_group",
    "wait_until_answers",
]

ROOT = Path(__file__).resolve().parents[1]
"""The project root: every child runs from here (``python -m benchmarks...`` needs it)."""


def free_port() -> int:
    """A loopback port nobody listens on (the OS's choice)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def port_free(port: int) -> bool:
    """Whether a loopback port can be bound again (its server really let go of it)."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def group_pids(pgid: int) -> list[int]:
    """Processes (not zombies) whose process group is ``pgid``."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                pids.append(int(stat.parent.name))
    return pids


def group_rss_mb(pgid: int) -> float:
    """Resident memory (MB) of every live process in a process group."""
    total = 0
    for pid in group_pids(pgid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return round(total / 1024, 1)


def start_group(
    cmd: Sequence[str], stdout: int | IO[bytes], env: Mapping[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """``cmd`` from the project root in a new process group (so that ``stop_group`` reaches its
    workers too), output and errors to ``stdout``, with none of the caller's ``DMKG_*``
    variables: only those of ``env``, so every server starts from the same settings."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DMKG_")}
    environ.update(env or {})
    return subprocess.Popen(
        list(cmd), cwd=ROOT, env=environ, stdin=subprocess.DEVNULL, stdout=stdout,
        stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def _success(response: httpx.Response) -> bool:
    return response.is_success


def wait_until_answers(
    proc: subprocess.Popen[bytes],
    url: str,
    seconds: float,
    output: Callable[[], object] = str,
    *,
    name: str | None = None,
    accept: str = "*/*",
    answered: Callable[[httpx.Response], bool] = _success,
    since: float | None = None,
) -> float:
    """Poll ``url`` until ``answered`` (default: any 2xx) and return the seconds since
    ``since`` (a ``time.perf_counter()``, default now: pass the moment before the start to time
    a start-up). Fails at once if ``proc`` exits (with ``output()``, its log), and after
    ``seconds`` from ``since``."""
    import httpx

    t0 = time.perf_counter() if since is None else since
    label = name or url
    with httpx.Client(timeout=5, headers={"Accept": accept}) as http:
        while time.perf_counter() < t0 + seconds:
            if proc.poll() is not None:
                raise RuntimeError(f"{label} exited {proc.returncode}: {output()}")
            with contextlib.suppress(httpx.HTTPError):
                if answered(http.get(url)):
                    return time.perf_counter() - t0
            time.sleep(0.02)
    raise RuntimeError(f"{label} gave no answer within {seconds:g} s")


def stop_group(proc: subprocess.Popen[Any], grace: float = 10) -> list[int]:
    """Stop a process started in its own group and everything of the group: TERM, KILL after
    ``grace`` seconds, then KILL again (for up to 10 s) while any process of it is left.
    Returns the pids still left: none, unless one would not die."""
    pgid = proc.pid
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while group_pids(pgid) and time.monotonic() < deadline:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        time.sleep(0.05)
    return group_pids(pgid)


def run_measured(cmd: Sequence[str], timeout: float, max_rss_mb: float = 0) -> dict[str, Any]:
    """Run a child step (from the project root) in its own process group and return the JSON
    object it prints last, with ``wall`` seconds; stop it (and record why) past ``timeout``
    seconds or, when ``max_rss_mb`` is set, past that much resident memory in the group: a
    size the machine cannot hold is reported as such instead of taking the machine down."""
    t = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            list(cmd), cwd=ROOT, stdout=out, stderr=err, text=True, start_new_session=True
        )
        stopped = ""
        while proc.poll() is None:
            if time.perf_counter() - t > timeout:
                stopped = f"timed out after {timeout:g} s"
            elif max_rss_mb and group_rss_mb(proc.pid) > max_rss_mb:
                stopped = f"stopped above {max_rss_mb:g} MB resident memory"
            if stopped:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                return {"error": stopped, "after_s": round(time.perf_counter() - t, 1)}
            time.sleep(0.25)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # anything the child left behind
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        return {"error": stderr.strip().splitlines()[-1] if stderr.strip() else "failed"}
    result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    result["wall"] = round(time.perf_counter() - t, 2)
    return result
