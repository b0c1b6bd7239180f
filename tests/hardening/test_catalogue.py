"""Hardening catalogue: the tests the existing suites lacked, and a check that CATALOGUE.md
only names tests that exist (so the table cannot rot)."""

from __future__ import annotations

import ast
import contextlib
import csv
import errno
import hashlib
import io
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph
import pytest
import rdflib

from kg.api.settings import Settings
from kg.build import BuildResult, Paths, build
from kg.release.manifest import verify_release
from tests.support import ROOT, LoopbackListener, Server, tree_hash
from tests.support import serve_short as serve

HERE = Path(__file__).parent
PATHS_ROOT = Paths(data=ROOT / "data", ontology=ROOT / "ontology")
CATALOGUE = HERE / "CATALOGUE.md"
QUICK = "SELECT ?s WHERE { ?s a <https://w3id.org/dmkg/vocab/Drug> }"
MILLIONS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"


def problem(r: httpx.Response, status: int) -> None:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def group_rss_kb(pgid: int) -> int:
    """Resident memory of every process of a process group (server, forkserver, workers)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = (entry / "stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[2]) != pgid:  # field 5: process group
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


# ------------------------------------------------------------------ the table cannot rot
def _defined_tests(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        names |= {f"{cls.name}::{f.name}" for f in cls.body if isinstance(f, ast.FunctionDef)}
    return {n for n in names if n.split("::")[-1].startswith("test")}


def catalogue_rows() -> list[tuple[int, list[str]]]:
    rows = []
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\|\s*(\d+)\s*\|", line)
        if m:
            rows.append((int(m.group(1)), re.findall(r"`(tests/[^`]+::[^`]+)`", line)))
    return rows


def test_catalogue_names_only_existing_tests_and_covers_all_26_items() -> None:
    rows = catalogue_rows()
    assert sorted(n for n, _ in rows) == list(range(1, 27))
    for item, ids in rows:
        assert ids, f"item {item} names no test"
        for node in ids:
            file, name = node.split("::", 1)
            path = ROOT / file
            assert path.is_file(), f"item {item}: {file} does not exist"
            assert name in _defined_tests(path), f"item {item}: {node} does not exist"


# ------------------------------------------------------------------ 8: 3 MB VALUES
def test_3mb_values_block_is_413_before_parsing(server: Server) -> None:
    values = "SELECT * { VALUES ?x { " + " ".join(f'"v{i:07d}"' for i in range(300_000)) + " } }"
    assert len(values) > 3_000_000
    with httpx.Client(base_url=server.base, timeout=30) as c:
        start = time.monotonic()
        r = c.post(
            "/sparql", content=values.encode(), headers={"Content-Type": "application/sparql-query"}
        )
        problem(r, 413)
        assert time.monotonic() - start < 5
        assert c.get("/health").status_code == 200


# ------------------------------------------------------------------ 9: millions of rows
@pytest.mark.parametrize("accept", ["application/sparql-results+json", "text/csv"])
def test_millions_of_rows_are_capped_stated_and_memory_bounded(server: Server, accept: str) -> None:
    triples = int(httpx.get(f"{server.base}/version", timeout=10).json()["triples"])
    assert triples**2 > 1_000_000  # the query really has millions of answers
    before = group_rss_kb(server.proc.pid)
    with httpx.Client(base_url=server.base, timeout=30) as c:
        start = time.monotonic()
        r = c.get("/sparql", params={"query": MILLIONS}, headers={"Accept": accept})
        elapsed = time.monotonic() - start
    assert r.status_code == 200, r.text
    assert r.headers["x-truncated"] == "true" and "truncated" in r.headers["warning"].lower()
    if accept == "text/csv":
        assert len(list(csv.reader(io.StringIO(r.text)))) == 1 + 1000
    else:
        assert len(r.json()["results"]["bindings"]) == 1000
    assert elapsed < 5 and len(r.content) < 2_000_000
    after = group_rss_kb(server.proc.pid)
    assert after - before < 200_000, (before, after)  # KB: the answer is never materialised


# ------------------------------------------------------------------ 13: language-tag case
LANG_FILTERS = [
    'lang(?o) = "en"',
    'lang(?o) = "EN"',
    'langMatches(lang(?o), "en")',
    'langMatches(lang(?o), "EN-gb")',
    'STRENDS(lang(?o), "GB")',
]


def test_language_tags_are_lower_case_and_both_engines_answer_alike(
    built: BuildResult, server: Server
) -> None:
    nt = built.out / "kg.nt"
    tags = set(re.findall(r'"@([A-Za-z0-9-]+) \.$', nt.read_text(encoding="utf-8"), re.M))
    assert tags and all(t == t.lower() for t in tags), tags  # normalised at build time
    g = rdflib.Graph().parse(nt, format="nt")
    store = pyoxigraph.Store()
    store.bulk_load(path=str(nt), format=pyoxigraph.RdfFormat.N_TRIPLES)
    asserted = list(verify_release(built.out)["graphs"])
    answers = []
    for f in LANG_FILTERS:
        q = f"SELECT (COUNT(*) AS ?n) {{ SELECT DISTINCT ?s ?p ?o {{ ?s ?p ?o FILTER({f}) }} }}"
        by_rdflib = int(str(next(iter(g.query(q)))[0]))  # type: ignore[index]
        solutions = store.query(q)
        assert isinstance(solutions, pyoxigraph.QuerySolutions)
        by_oxigraph = int(next(iter(solutions))["n"].value)
        r = httpx.get(
            f"{server.base}/sparql",
            timeout=30,
            params=[("query", q), *(("default-graph-uri", x) for x in asserted)],
        )
        by_endpoint = int(r.json()["results"]["bindings"][0]["n"]["value"])
        assert by_rdflib == by_oxigraph == by_endpoint, (f, by_rdflib, by_oxigraph, by_endpoint)
        answers.append(by_rdflib)
    assert answers[0] > 0 and answers[2] == answers[0]


# ------------------------------------------------------------------ 14: big bodies
def _raw(server: Server, head: bytes, timeout: float = 10) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", server.port), timeout=timeout)
    s.sendall(head)
    return s


def _status(s: socket.socket) -> int:
    data = s.recv(4096)
    assert data.startswith(b"HTTP/1.1 "), data[:200]
    return int(data.split()[1])


def test_false_content_length_of_1gb_is_413_at_once(server: Server) -> None:
    head = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 1000000000\r\n\r\nSELECT"
    )
    start = time.monotonic()
    with _raw(server, head) as s:
        assert _status(s) == 413
    assert time.monotonic() - start < 3


def test_chunked_1gb_body_is_cut_at_the_limit_without_buffering(server: Server) -> None:
    head = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded"
        b"\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"%x\r\n" % 65_536 + b"a" * 65_536 + b"\r\n"
    sent = 0
    with _raw(server, head) as s:
        s.settimeout(10)
        while sent < 1_000_000_000:
            ready, _, _ = select.select([s], [], [], 0)
            if ready:
                break
            try:
                s.sendall(chunk)
            except OSError:  # the server closed its side after answering
                break
            sent += len(chunk)
        assert _status(s) == 413
    assert sent < 20_000_000  # judged while streaming: far less than 1 GB was taken in
    assert httpx.get(f"{server.base}/health", timeout=5).status_code == 200


def test_200kb_body_under_the_body_limit_is_413_as_a_query(server: Server) -> None:
    body = b"SELECT * { ?s ?p ?o } #" + b"x" * 200_000
    head = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body)
    ) + body
    with _raw(server, head) as s:
        assert _status(s) == 413


def test_content_length_shorter_than_the_body_is_a_client_error(server: Server) -> None:
    body = b"SELECT * { ?s ?p ?o }" + b"garbage" * 30_000
    head = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 25\r\n\r\n"
    ) + body
    with _raw(server, head) as s:
        status = _status(s)
    assert 400 <= status < 500
    assert httpx.get(f"{server.base}/health", timeout=5).status_code == 200


# ------------------------------------------------------------------ 15: slow clients
def _closed_by_server(sock: socket.socket, wait: float = 8) -> bool:
    """Read until the server closes the connection (True) or ``wait`` seconds pass (False)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            if sock.recv(4096) == b"":
                return True
        except TimeoutError:
            return False
        except OSError:  # reset by the server: closed too
            return True
    return False


def test_idle_and_dribbling_clients_are_dropped_while_others_are_served(
    built: BuildResult, hardening_cache: Path
) -> None:
    with serve(built.out, hardening_cache, body_timeout=1, keep_alive=1) as srv:
        idle = [socket.create_connection(("127.0.0.1", srv.port), timeout=5) for _ in range(20)]
        stop = threading.Event()

        def dribble(sock: socket.socket) -> None:
            with contextlib.suppress(OSError):
                sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
                while not stop.is_set():
                    sock.send(b"X")
                    time.sleep(0.2)

        slow = [socket.create_connection(("127.0.0.1", srv.port), timeout=5) for _ in range(5)]
        threads = [threading.Thread(target=dribble, args=(s,), daemon=True) for s in slow]
        for t in threads:
            t.start()
        try:
            with httpx.Client(base_url=srv.base, timeout=5) as c:
                for _ in range(10):  # others are served meanwhile, quickly
                    start = time.monotonic()
                    assert c.get("/sparql", params={"query": QUICK}).status_code == 200
                    assert time.monotonic() - start < 1.5
            start = time.monotonic()
            assert all(_closed_by_server(s) for s in idle)  # an answer (408) at most, then EOF
            assert time.monotonic() - start < 6
            assert all(_closed_by_server(s) for s in slow)
            assert time.monotonic() - start < 10
            assert httpx.get(f"{srv.base}/health", timeout=5).status_code == 200
        finally:
            stop.set()
            for s in idle + slow:
                s.close()
            for t in threads:
                t.join(2)


# ------------------------------------------------------------------ 16: CORS
@pytest.mark.parametrize(
    "path", ["/sparql", "/health", "/queries", "/id/drug/anakinra", "/dump/kg.nt", "/void"]
)
def test_cors_is_star_never_the_origin_never_credentials(server: Server, path: str) -> None:
    origin = "https://attacker.example"
    with httpx.Client(base_url=server.base, timeout=10) as c:
        r = c.get(path, headers={"Origin": origin, "Cookie": "session=1"})
        assert r.headers.get("access-control-allow-origin") == "*", path
        assert "access-control-allow-credentials" not in r.headers
        assert origin not in str(r.headers)
        pre = c.options(path, headers={"Origin": origin, "Access-Control-Request-Method": "GET"})
        assert pre.headers.get("access-control-allow-origin") == "*"
        assert "access-control-allow-credentials" not in pre.headers


# ------------------------------------------------------------------ 17: default bind
def test_default_bind_is_loopback_and_nothing_privileged_exists(
    built: BuildResult, hardening_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in [k for k in os.environ if k.startswith("DMKG_")]:
        monkeypatch.delenv(key)
    assert Settings().host == "127.0.0.1"
    with serve(built.out, hardening_cache, host=None) as srv:  # no --host given
        listening = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with contextlib.suppress(OSError):
                for line in Path(table).read_text().splitlines()[1:]:
                    local, state = line.split()[1], line.split()[3]
                    if state == "0A" and int(local.rsplit(":", 1)[1], 16) == srv.port:
                        listening.add(local.rsplit(":", 1)[0])
        assert listening == {"0100007F"}, listening  # 127.0.0.1 only
        with httpx.Client(base_url=srv.base, timeout=10) as c:
            spec = c.get("/openapi.json").json()
            for path, ops in spec["paths"].items():  # read-only: no write method anywhere
                assert not {"put", "delete", "patch"} & set(ops), path
            for method in ("PUT", "DELETE", "PATCH"):
                assert c.request(method, "/sparql", content=b"x").status_code == 405


# ------------------------------------------------------------------ 25: rebuild while serving
def _copy_data(root: Path) -> Paths:
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(ROOT / "ontology", root / "ontology")
    return Paths(data=root / "data", ontology=root / "ontology")


OLD_DEF = "A synthetic glucocorticoid (corticosteroid) medicine."
NEW_DEF = "A synthetic glucocorticoid medicine (rebuilt)."


def test_rebuild_while_serving_never_mixes_releases(tmp_path: Path) -> None:
    """The service opens one release at start and keeps serving it, consistently, until it is
    restarted: SPARQL, pages, /version and dumps (files pinned open at start) all answer from
    the old release while the folder is rebuilt under it; a restart serves the new one."""
    paths = _copy_data(tmp_path)
    out = tmp_path / "dist"
    build(paths, out)
    old = verify_release(out)
    q = (
        "SELECT ?d WHERE { ?x <http://www.w3.org/2004/02/skos/core#definition> ?d "
        'FILTER(CONTAINS(?d, "glucocorticoid")) }'
    )
    drugs = paths.data / "entities" / "drugs.yaml"
    with (
        serve(out, tmp_path / "cache", cache_entries=0) as srv,
        httpx.Client(base_url=srv.base, timeout=30) as c,
    ):
        seen: list[tuple[str, str, str]] = []
        errors: list[BaseException] = []
        stop = threading.Event()

        def readers() -> None:
            try:
                for _ in range(400):  # bounded
                    if stop.is_set():
                        break
                    release = c.get("/version").json()["release"]
                    rows = c.get("/sparql", params={"query": q}).json()["results"]["bindings"]
                    dump = c.get("/dump/manifest.json")
                    page = c.get("/id/drug/prednisone", headers={"Accept": "text/html"}).text
                    rest = c.get("/drugs/prednisone").json()["definition"]
                    seen.append(
                        (
                            release,
                            "|".join(sorted(b["d"]["value"] for b in rows)) + page + rest,
                            dump.json()["release"] if dump.status_code == 200 else "503",
                        )
                    )
            except BaseException as exc:  # reported below
                errors.append(exc)

        t = threading.Thread(target=readers)
        t.start()
        time.sleep(0.5)
        drugs.write_text(drugs.read_text(encoding="utf-8").replace(OLD_DEF, NEW_DEF), "utf-8")
        build(paths, out)
        time.sleep(0.5)
        stop.set()
        t.join(60)
        assert not errors, errors
        new = verify_release(out)
        assert new["release"] != old["release"]
        assert seen
        for release, defs, dumped in seen:  # the running service keeps the old release
            assert release == old["release"]
            assert OLD_DEF in defs and NEW_DEF not in defs
            assert dumped == old["release"], dumped  # the files opened at start, never the new ones
        r = c.get("/dump/kg.nt")
        assert r.status_code == 200
        assert r.headers["etag"].strip('"') == old["files"]["kg.nt"]["sha256"]
        assert OLD_DEF in r.text and NEW_DEF not in r.text
        assert hashlib.sha256(r.content).hexdigest() == old["files"]["kg.nt"]["sha256"]
    with serve(out, tmp_path / "cache") as srv:  # a restart picks up the new release
        v = httpx.get(f"{srv.base}/version", timeout=10).json()["release"]
        rows = httpx.get(f"{srv.base}/sparql", params={"query": q}, timeout=30).json()
        assert v == new["release"]
        assert NEW_DEF in {b["d"]["value"] for b in rows["results"]["bindings"]}


# ------------------------------------------------------------------ 26: crash mid-build
def _kill_build_after(out: Path, delay: float) -> int | None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "build", "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(delay)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    return proc.wait(timeout=30)


def test_kill_9_mid_build_leaves_the_last_good_release_served(
    built: BuildResult, tmp_path: Path
) -> None:
    out = tmp_path / "dist"
    shutil.copytree(built.out, out)
    before = tree_hash(out)
    for delay in (0.2, 0.5, 1.0, 2.0, 3.5, 4.5, 4.8):  # a full build takes about 5 s
        code = _kill_build_after(out, delay)
        assert tree_hash(out) == before, f"release changed by a build killed after {delay} s"
        assert code == -signal.SIGKILL or code == 0
    verify_release(out)
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name != "dist")
    # staging folders of killed builds (".dist-new-*") may stay beside the release: they are
    # never read, and are harmless; the release folder itself is untouched.
    assert all(name.startswith(".dist-new-") for name in leftovers), leftovers
    with serve(out, tmp_path / "cache") as srv:
        r = httpx.get(f"{srv.base}/sparql", params={"query": QUICK}, timeout=30)
        assert r.status_code == 200 and r.json()["results"]["bindings"]
        assert (
            httpx.get(f"{srv.base}/version", timeout=10).json()["release"]
            == (verify_release(out)["release"])
        )


# ------------------------------------------------------------------ 22: DOCTYPE, remote contexts
def test_doctype_and_remote_context_files_beside_the_data_are_never_fetched(
    tmp_path: Path,
) -> None:
    """The build reads Turtle and YAML only; RDF/XML with an external entity and JSON-LD with a
    remote context dropped into data/ and ontology/ are never parsed, nothing is fetched."""
    listener = LoopbackListener()
    try:
        paths = _copy_data(tmp_path)
        doctype = (
            f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e SYSTEM "{listener.url}e">]>\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&e;</rdf:RDF>\n'
        )
        (paths.ontology / "extra.rdf").write_text(doctype, encoding="utf-8")
        (paths.data / "extra.jsonld").write_text(
            '{"@context": "' + listener.url + 'ctx", "@id": "urn:x", "p": 1}', encoding="utf-8"
        )
        with contextlib.suppress(Exception):  # refusing them would be fine too
            build(paths, tmp_path / "dist")
        time.sleep(0.3)
        assert listener.connections == 0
        with contextlib.suppress(OSError):  # control: a real fetch is seen (then reset)
            urllib.request.urlopen(listener.url, timeout=5).read()
        time.sleep(0.3)
        assert listener.connections == 1
    finally:
        listener.close()


# ------------------------------------------------------------------ 26: full disk
@contextlib.contextmanager
def _small_tmpfs(path: Path, size: int) -> Iterator[Path]:
    path.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True, check=False)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace')}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_full_disk_mid_build_leaves_the_last_good_release_served(
    built: BuildResult, tmp_path: Path
) -> None:
    size = sum(p.stat().st_size for p in built.out.iterdir())
    with _small_tmpfs(tmp_path / "disk", size + 512 * 1024) as disk:
        out = disk / "dist"
        shutil.copytree(built.out, out)
        before = tree_hash(out)
        with pytest.raises(OSError) as info:  # the second copy (staging) cannot fit
            build(PATHS_ROOT, out)
        assert info.value.errno == errno.ENOSPC
        assert tree_hash(out) == before
        assert sorted(p.name for p in disk.iterdir()) == ["dist"]  # staging removed
        with serve(out, tmp_path / "cache") as srv:
            r = httpx.get(f"{srv.base}/sparql", params={"query": QUICK}, timeout=30)
            assert r.status_code == 200 and r.json()["results"]["bindings"]
