"""``kg query``: a file, a named query or query text, with the server's guards and time limit."""

from __future__ import annotations

import json
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
