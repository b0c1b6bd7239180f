"""``kg query``: a file, a named query or query text, with the server's guards and time limit."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kg.build import BuildResult
from kg.cli import main
from tests.support import ROOT


@pytest.fixture(scope="module")
def base_args(built: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return ["--release", str(built.out), "--cache-dir", str(tmp_path_factory.mktemp("cli-cache"))]


def kg_query(
    args: list[str], base: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    code = main(["query", *args, *base])
    out, err = capsys.readouterr()
    return code, out, err


def test_query_text_as_a_table(base_args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    q = "SELECT ?d ?l WHERE { ?d a <https://w3id.org/dmkg/vocab/Drug> ; <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?l"
    code, out, _ = kg_query([q], base_args, capsys)
    assert code == 0
    assert out.splitlines()[0].split() == ["d", "l"] and "dmkgid:drug/anakinra" in out
    assert out.rstrip().endswith("rows)")


def test_named_query_with_params_as_csv(
    base_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    drug = "https://w3id.org/dmkg/id/drug/anakinra"
    code, out, _ = kg_query(
        ["adverse-events", "--param", f"drug={drug}", "--format", "csv"], base_args, capsys
    )
    assert code == 0
    lines = out.splitlines()
    assert (
        lines[0].startswith("drug,event")
        and all(line.startswith(drug) for line in lines[1:])
        and len(lines) > 1
    )


def test_rq_file_as_json(base_args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = kg_query(
        [str(ROOT / "queries" / "drugs-targeting-il1.rq"), "--format", "json"], base_args, capsys
    )
    assert code == 0 and json.loads(out)["results"]["bindings"]


def test_construct_as_turtle(
    base_args: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "labels.rq"
    path.write_text(
        "CONSTRUCT WHERE { ?d a <https://w3id.org/dmkg/vocab/Drug> }\n", encoding="utf-8"
    )
    code, out, _ = kg_query([str(path), "--format", "ttl"], base_args, capsys)
    assert code == 0 and "dmkg:Drug" in out


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"], 1, "Federated query refused"),
        (["INSERT DATA { <a:a> <a:b> <a:c> }"], 1, "Update refused"),
        (["SELECT * WHERE { ?s ?p }"], 1, "line 1"),
        (["adverse-events", "--param", "drug=not-an-iri"], 1, "drug"),
        (["SELECT * " + "{" * 3000 + "}" * 3000], 1, "nested"),
        (
            ["SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "--query-timeout", "1"],
            3,
            "timed out",
        ),
    ],
)
def test_refusals_and_time_limit(
    base_args: list[str], capsys: pytest.CaptureFixture[str], args: list[str], code: int, text: str
) -> None:
    got, _, err = kg_query(args, base_args, capsys)
    assert got == code and text in err


@pytest.mark.parametrize(
    "value",
    ["https://w3id.org/dmkg/id/drug/anakinra\n", "https://w3id.org/dmkg/id/drug/ana kinra"],
)
def test_param_runs_the_same_typed_value_checks_as_the_rest_route(
    base_args: list[str], capsys: pytest.CaptureFixture[str], value: str
) -> None:
    """A typed value with white space (a trailing newline passes a ``$``-anchored pattern) is
    refused by ``bind``, which ``/queries/{name}`` and ``kg query --param`` both call."""
    from kg.query.named import ParamError, bind
    from kg.query.named import load_queries as queries

    with pytest.raises(ParamError, match="white space or control characters"):
        bind(queries(ROOT / "queries")["adverse-events"], {"drug": value})
    code, out, err = kg_query(["adverse-events", "--param", f"drug={value}"], base_args, capsys)
    assert code == 1 and out == ""
    assert "parameter 'drug': white space or control characters in a typed value" in err


def test_list_shows_every_named_query_with_parameters_and_an_example(
    base_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from kg.query.named import load_queries

    code, out, _ = kg_query(["--list"], base_args, capsys)
    assert code == 0
    for name, q in load_queries(ROOT / "queries").items():
        assert f"{name}  [" in out and q.summary in out
        for p in q.params:
            assert f"--param {p.name}=<{p.type.value}>" in out
    assert "e.g. kg query dosing-for-weight --param weight_kg=30" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["adverse-event"], "no named query 'adverse-event'; did you mean adverse-events"),
        (["no-such-query"], "no named query 'no-such-query' (kg query --list shows them all)"),
        (["missing.rq"], "no query file missing.rq"),
        (["adverse-events", "--param", "drug=anakinr"], "did you mean dmkgid:drug/anakinra?"),
        (["adverse-events", "--param", "durg=anakinra"], "did you mean 'drug'?"),
        (["SELECT * { ?s ?p ?o }", "--param", "x=1"], "--param needs a named query"),
    ],
)
def test_mistakes_are_named_with_what_was_meant(
    base_args: list[str], capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = kg_query(args, base_args, capsys)
    assert code == 1 and out == "" and message in err


@pytest.mark.parametrize(
    ("param", "iri"),
    [
        ("age_group=Child", "https://w3id.org/dmkg/vocab/Child"),
        ("age_group=dmkg:Child", "https://w3id.org/dmkg/vocab/Child"),
        ("age_group=https://w3id.org/dmkg/vocab/Child", "https://w3id.org/dmkg/vocab/Child"),
    ],
)
def test_short_forms_of_parameters(
    base_args: list[str], capsys: pytest.CaptureFixture[str], param: str, iri: str
) -> None:
    code, out, _ = kg_query(
        ["dosing-for-age-group", "--param", param, "--format", "csv"], base_args, capsys
    )
    lines = out.splitlines()
    assert code == 0 and len(lines) > 1 and all(line.startswith(iri) for line in lines[1:])
    code, out, _ = kg_query(["adverse-events", "--param", "drug=anakinra"], base_args, capsys)
    assert code == 0 and "dmkgid:drug/anakinra" in out and "dmkgid:drug/canakinumab" not in out


def test_messages_carry_no_http_status(
    base_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    refusals = [
        ["SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"],
        ["INSERT DATA { <a:a> <a:b> <a:c> }"],
        ["SELECT * WHERE { ?s ?p }"],
        ["adverse-events", "--param", "drug=not an iri"],
        ["SELECT * " + "{" * 3000 + "}" * 3000],
        ["x" * 200_000],
        ["SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "--query-timeout", "1"],
    ]
    for args in refusals:
        code, _, err = kg_query(args, base_args, capsys)
        assert code in (1, 3) and err.startswith("error: "), (args, err)
        assert not re.search(r"\b(400|403|408|413|415|422|500|503)\b", err), err


def test_one_query_starts_no_worker_pool(built: BuildResult, tmp_path: Path) -> None:
    """The query runs in a plain fork of the command: no forkserver (a fresh interpreter
    importing the package, ~3 s) is started."""
    probe = (
        "import sys; from multiprocessing import forkserver; from kg.cli import main; "
        "code = main(sys.argv[1:]); print('forkserver', forkserver._forkserver._forkserver_pid); "
        "sys.exit(code)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe, "query", "ASK { ?s ?p ?o }", "--release", str(built.out),
         "--cache-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["true", "forkserver None"]
