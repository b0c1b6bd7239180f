"""The load generator: a small asyncio HTTP/1.1 keep-alive client in a process of its own.

Its own process so that it shares no GIL with any server, and the same client for every server
so that their figures compare. ``load`` runs it once (``python -m benchmarks.http
--child-load`` reads the spec on stdin) and returns the raw figures: every request's latency,
the statuses, the client's CPU time; ``merge`` summarises the rounds of one scenario.
"""

from __future__ import annotations

import asyncio
import json
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from benchmarks.http.stats import summary_ms
from benchmarks.procs import ROOT

__all__ = ["child_load", "load", "merge"]


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bool, int]:
    """Send one request and read the whole answer: (status, keep-alive, body bytes)."""
    writer.write(request)
    await writer.drain()
    line = await reader.readline()
    if not line:
        raise ConnectionResetError("connection closed before the status line")
    status = int(line.split()[1])
    length: int | None = None
    chunked, keep = False, not line.startswith(b"HTTP/1.0")
    while True:
        header = await reader.readline()
        if header in (b"\r\n", b"\n", b""):
            break
        key, _, value = header.partition(b":")
        key, value = key.strip().lower(), value.strip().lower()
        if key == b"content-length":
            length = int(value)
        elif key == b"transfer-encoding" and b"chunked" in value:
            chunked = True
        elif key == b"connection":
            keep = value != b"close"
    size = 0
    if chunked:
        while True:
            chunk = int((await reader.readline()).split(b";")[0], 16)
            if chunk == 0:
                while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                    pass
                break
            await reader.readexactly(chunk + 2)
            size += chunk
    elif length is not None:
        await reader.readexactly(length)
        size = length
    else:
        size = len(await reader.read())
        keep = False
    return status, keep, size


@dataclass
class _Tally:
    """What the clients of one run record, request by request."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    bytes: int = 0


async def _client(
    spec: dict[str, Any], counter: Iterator[int], stop_at: float, limit: int, tally: _Tally
) -> None:
    """One keep-alive connection sending requests one after the other until ``stop_at`` or
    the shared ``counter`` reaches ``limit`` (a request number is used once across clients)."""
    host, port, paths = spec["host"], spec["port"], spec["paths"]
    accept = spec.get("accept", "*/*")
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None

    def close() -> None:
        nonlocal reader, writer
        if writer is not None:
            writer.close()
        reader = writer = None

    try:
        for n in counter:
            if n >= limit or time.perf_counter() >= stop_at:
                return
            path = paths[n % len(paths)].replace("{n}", str(n)).replace("{k}", str(100 + n % 9900))
            request = (
                f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: {accept}\r\n"
                "User-Agent: dmkg-bench\r\n\r\n"
            ).encode()
            t = time.perf_counter()
            status, keep, size = -1, False, 0
            for attempt in (0, 1):  # a kept-alive connection the server closed: retry once
                try:
                    if writer is None:
                        reader, writer = await asyncio.open_connection(host, port)
                    assert reader is not None
                    status, keep, size = await asyncio.wait_for(
                        _exchange(reader, writer, request), spec["timeout"]
                    )
                    break
                except TimeoutError:
                    close()
                    status = -2
                    break
                except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                    close()
                    status = -1
                    if attempt:
                        break
            tally.latencies.append(time.perf_counter() - t)
            tally.statuses[status] += 1
            tally.bytes += size
            if not keep:
                close()
    finally:
        close()


async def _run(spec: dict[str, Any]) -> dict[str, Any]:
    """Warm-up (not recorded), then the measured run: every client at once."""
    first = spec.get("first", 0)
    counter = iter(range(first, 10**15))  # shared by the clients: each number is used once
    clients = spec["clients"]
    if spec.get("warmup", 0) > 0:
        warm = _Tally()
        stop = time.perf_counter() + spec.get("warmup_s", 5.0)
        limit = first + spec["warmup"]
        await asyncio.gather(*(_client(spec, counter, stop, limit, warm) for _ in range(clients)))
    start_n = next(counter)
    tally = _Tally()
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    stop = t0 + spec["duration"]
    limit = start_n + spec["max_requests"]
    await asyncio.gather(*(_client(spec, counter, stop, limit, tally) for _ in range(clients)))
    elapsed = time.perf_counter() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "clients": clients,
        "elapsed_s": elapsed,
        "cpu_s": (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime),
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "bytes": tally.bytes,
        "latencies": [round(x, 6) for x in tally.latencies],
    }


def child_load() -> None:
    """The load generator's process: a spec on stdin, the raw figures as JSON on stdout."""
    spec = json.loads(sys.stdin.read())
    print(json.dumps(asyncio.run(_run(spec))))


def load(
    port: int,
    paths: Sequence[str],
    *,
    clients: int,
    duration: float,
    max_requests: int,
    warmup: int,
    first: int = 0,
    timeout: float = 60.0,
    accept: str = "*/*",
) -> dict[str, Any]:
    """Run the load generator in its own process against 127.0.0.1:port: the raw figures
    (``merge`` summarises them). ``{n}`` in a path becomes the request number (from
    ``first`` on), ``{k}`` a number 100..9999 that changes with it."""
    spec = {
        "host": "127.0.0.1", "port": port, "paths": list(paths), "clients": clients,
        "duration": duration, "max_requests": max_requests, "warmup": warmup, "first": first,
        "warmup_s": min(5.0, max(duration, 0.5)), "timeout": timeout, "accept": accept,
    }  # fmt: skip
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.http", "--child-load"], input=json.dumps(spec),
            capture_output=True, text=True, timeout=duration + timeout + 5 * 2 + 60, cwd=ROOT,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"error": "load generator timed out"}
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["load generator failed"])[-1]}
    out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


def _ok_rate(part: dict[str, Any]) -> float | None:
    ok = sum(c for st, c in part["statuses"].items() if 200 <= int(st) < 300)
    return round(ok / part["elapsed_s"], 1) if part["elapsed_s"] > 0 else None


def merge(parts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One summary of several load runs (the rounds of a scenario): throughput counts 2xx
    answers over the summed time; percentiles over every request's latency."""
    errors = [p["error"] for p in parts if "error" in p]
    parts = [p for p in parts if "error" not in p]
    if not parts:
        return {"error": "; ".join(errors) or "no run"}
    statuses: Counter[str] = Counter()
    latencies: list[float] = []
    for part in parts:
        statuses.update(part["statuses"])
        latencies += part["latencies"]
    elapsed = sum(p["elapsed_s"] for p in parts)
    ok = sum(c for st, c in statuses.items() if 200 <= int(st) < 300)
    out: dict[str, Any] = {
        "clients": parts[0]["clients"],
        "rounds": len(parts),
        "requests": len(latencies),
        "ok": ok,
        "statuses": dict(sorted(statuses.items())),
        "elapsed_s": round(elapsed, 3),
        "rps": round(ok / elapsed, 1) if elapsed > 0 else None,
        "rps_per_round": [_ok_rate(p) for p in parts],
        "bytes_per_answer": round(sum(p["bytes"] for p in parts) / max(1, len(latencies))),
        "client_cpu": round(sum(p["cpu_s"] for p in parts) / elapsed, 2) if elapsed else None,
        **summary_ms(latencies),
    }
    if errors:
        out["errors"] = errors
    return out
