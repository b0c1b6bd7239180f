"""Named queries timed in-process on the persisted store, each query in a fresh process.

What a query costs without HTTP: ``cold`` is the first run after opening the store (what the
first request after a start pays), then warm runs. Parameter values come from the release
itself (``representative``), so that a bound query has answers to produce at any size.
"""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.http.stats import summary_ms
from benchmarks.procs import ROOT

__all__ = ["child_query", "named_queries", "representative"]


def child_query(spec: dict[str, Any]) -> dict[str, Any]:
    """One named query's process: open the store, then per variant a cold run and warm runs
    (``python -m benchmarks.http --child-query`` reads the spec on stdin)."""
    from kg.query.named import bind, run_pyoxigraph
    from kg.rdf.queryfile import parse_named_query
    from kg.store.embedded import open_store

    path = Path(spec["file"])
    text = spec.get("text")
    query = parse_named_query(path, None if text is None else f"# summary: {path.stem}\n{text}")
    t = time.perf_counter()
    store = open_store(Path(spec["store"]))
    opened = time.perf_counter() - t
    out: dict[str, Any] = {"open_s": round(opened, 3)}
    for variant, values in spec["variants"].items():
        terms = bind(query, values)
        runs: list[float] = []
        rows = 0
        budget = time.perf_counter() + spec["budget_s"]
        while len(runs) < spec["repeats"] + 1 and (len(runs) < 3 or time.perf_counter() < budget):
            t = time.perf_counter()
            result = run_pyoxigraph(store, query, terms)
            rows = sum(1 for _ in result)  # type: ignore[union-attr]
            runs.append(time.perf_counter() - t)
        out[variant] = {
            "rows": rows,
            "cold_ms": round(runs[0] * 1000, 2),
            **summary_ms(runs[1:]),
        }
    return out


def representative(
    store: Any, queries: dict[str, Any], drug: str
) -> dict[str, dict[str, dict[str, str]]]:
    """Per named query, the variants to time: ``bound`` and, when every parameter is optional,
    ``all`` (no parameters: the whole graph). Bound values come from the release: the header's
    example when it has answers here, else the first answer of the query run without its
    parameters, else (for ``drug``) the first drug, else the example."""
    import pyoxigraph

    from kg.query.named import ParamError, bind, run_pyoxigraph
    from kg.rdf import prefixes
    from kg.rdf.queryfile import ParamType

    def answers(q: Any, values: dict[str, str]) -> int:
        try:
            return sum(1 for _ in run_pyoxigraph(store, q, bind(q, values)))
        except (ParamError, ValueError, OSError):
            return -1

    plan: dict[str, dict[str, dict[str, str]]] = {}
    for name, q in sorted(queries.items()):
        variants: dict[str, dict[str, str]] = {}
        if q.params and q.example and answers(q, dict(q.example)) > 0:
            variants["bound"] = dict(q.example)
        elif q.params:
            text = q.text if re.search(r"\bLIMIT\b", q.text, re.I) else q.text + "\nLIMIT 1"
            first: Any = None
            with contextlib.suppress(Exception):
                first = next(iter(store.query(text, use_default_graph_as_union=True)), None)
            values: dict[str, str] = {}
            for p in q.params:
                term = first[p.name] if first is not None else None
                value: str | None = None
                if isinstance(term, pyoxigraph.NamedNode):
                    value = (
                        prefixes.compress(term.value) if p.type is ParamType.CURIE else term.value
                    )
                elif isinstance(term, pyoxigraph.Literal):
                    value = term.value
                elif p.name == "drug":
                    value = drug
                values[p.name] = value or q.example.get(p.name, "")
            values = {k: v for k, v in values.items() if v}
            if answers(q, values) < 0:
                values = dict(q.example)
            variants["bound"] = values
        if not any(p.required for p in q.params):
            variants["all"] = {}
        plan[name] = variants
    return plan


def named_queries(
    store_path: Path,
    plan: dict[str, dict[str, dict[str, str]]],
    queries_dir: Path,
    *,
    repeats: int = 20,
    budget_s: float = 5.0,
    timeout: float = 600.0,
    texts: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Each named query in a fresh process: cold (first run) then up to ``repeats`` warm runs
    (at least 2, else as many as ``budget_s`` allows). ``texts``: query text of names that are
    not files of ``queries_dir`` (the HTTP scenarios' lookup and aggregate)."""
    out: dict[str, Any] = {}
    for name, variants in plan.items():
        spec = {
            "file": str(queries_dir / f"{name}.rq"), "store": str(store_path),
            "variants": variants, "repeats": repeats, "budget_s": budget_s,
            "text": (texts or {}).get(name),
        }  # fmt: skip
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "benchmarks.http", "--child-query"],
                input=json.dumps(spec), capture_output=True, text=True, timeout=timeout, cwd=ROOT,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            out[name] = {"error": f"timed out after {timeout:g} s"}
            continue
        if proc.returncode != 0:
            out[name] = {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
            continue
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        result["params"] = variants.get("bound", {})
        out[name] = result
    return out
