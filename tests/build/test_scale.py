"""Synthetic corpora through the whole pipeline: the scale paths (fast JSON loading, the
reasoning projection) give the same answers as the slow, exact ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyoxigraph import QuerySolutions

from kg.build import BuildResult, Paths, build, default_gates
from kg.curation.synth import synthesize
from kg.curation.yamlio import Located, LocatedList, load_yaml
from kg.errors import CurationErrors, ValidationFailedError
from kg.reasoning import full_turtle, project, reason
from kg.release.layout import GATE_FILES
from kg.release.manifest import verify_release
from kg.store.embedded import open_release
from tests.support import ROOT


@pytest.fixture(scope="module")
def corpus200(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("scale") / "data"
    synthesize(data, drugs=200, seed=11)
    return data


def test_200_drugs_through_the_whole_pipeline(corpus200: Path, tmp_path: Path) -> None:
    """200 drugs (~7,700 claims, ~180,000 quads) as `kg build` does it: load, graph, SHACL
    gate (SPARQL engine), reasoning gate (HermiT on the projection), write; then the store."""
    paths = Paths(corpus200, ROOT / "ontology")
    result = build(paths, tmp_path / "dist", default_gates(paths))
    manifest = verify_release(result.out)
    assert manifest["claims"] == len(result.corpus.claims) > 7000
    assert manifest["triples"] > 150_000
    assert set(GATE_FILES) <= set(manifest["files"])
    report = json.loads((result.out / "validation.json").read_text(encoding="utf-8"))
    assert report["conforms"] is True
    inferred = (result.out / "kg-inferred.ttl").read_text(encoding="utf-8")
    # a quarter of the synthetic targets are IL-1 family targets: drugs inhibiting one are
    # classified as Interleukin1Inhibitor by HermiT through the projected graph
    assert "Interleukin1Inhibitor" in inferred
    assert set(result.timings) == {"load", "graph", "validate", "reason", "write"}
    release = open_release(result.out, tmp_path / "cache")
    drugs = release.store.query(
        "SELECT (COUNT(DISTINCT ?d) AS ?n) { ?d a <https://w3id.org/dmkg/vocab/Drug> }",
        use_default_graph_as_union=True,
    )
    assert isinstance(drugs, QuerySolutions)
    assert int(next(iter(drugs))["n"].value) == 200  # type: ignore[union-attr]


def test_defects_are_refused_by_the_shacl_gate(tmp_path: Path) -> None:
    """`kg synth --defects K`: K drugs share a label; the gate names each and keeps the last
    good release."""
    data = tmp_path / "data"
    synthesize(data, drugs=40, seed=2, defects=3)
    paths = Paths(data, ROOT / "ontology")
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "manifest.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ValidationFailedError) as caught:
        build(paths, tmp_path / "dist", default_gates(paths))
    message = str(caught.value)
    assert message.count("UniqueLabel") >= 3, message
    assert (tmp_path / "dist" / "manifest.json").read_text(encoding="utf-8") == "{}"


def test_6_drugs_pass_both_gates(tmp_path: Path) -> None:
    """The full `kg build` (SHACL with pyshacl, HermiT) on a small synthetic corpus."""
    data = tmp_path / "data"
    synthesize(data, drugs=6, seed=5)
    paths = Paths(data, ROOT / "ontology")
    result = build(paths, tmp_path / "dist", default_gates(paths))
    manifest = verify_release(result.out)
    assert set(GATE_FILES) <= set(manifest["files"])
    report = json.loads((result.out / "validation.json").read_text(encoding="utf-8"))
    assert report["conforms"] is True and report["counts"]["Violation"] == 0
    # stand-ins and projection: the same inference as HermiT over the whole graph
    data = (result.out / "kg.nt").read_bytes()
    assert reason(data, projected=False).turtle() == (result.out / "kg-inferred.ttl").read_bytes()


def test_projection_gives_the_same_inference_on_a_synthetic_corpus(tmp_path: Path) -> None:
    """40 drugs: HermiT over the projection (links implied by types dropped, stand-ins)
    answers exactly as HermiT over the whole graph, and sees a small part of it."""
    from kg.build import load_inputs
    from kg.rdf.serialize import ntriples

    data = tmp_path / "data"
    synthesize(data, drugs=40, seed=3)
    _, quads, _ = load_inputs(Paths(data, ROOT / "ontology"))
    nt = ntriples(quads)
    projected = reason(nt)
    assert projected.stats["inferred_types"] > 0
    assert reason(nt, projected=False).turtle() == projected.turtle()
    assert len(project(nt)) < len(nt) * 0.1


def test_projection_keeps_what_the_reasoner_needs_and_drops_annotations() -> None:
    data = _tiny_graph()
    kept = project(data).decode("utf-8")
    assert "inhibits" in kept and "rdf-syntax-ns#type" in kept
    drug = "<https://w3id.org/dmkg/id/drug/x>"
    assert f"{drug} <https://w3id.org/dmkg/vocab/inhibits>" in kept
    assert f"{drug} <http://www.w3.org/2000/01/rdf-schema#label>" not in kept, "annotation"
    inference = reason(data)
    assert any(t[2].endswith("Interleukin1Inhibitor") for t in inference.triples)


def test_projection_gives_the_same_inference_as_the_whole_graph_on_the_real_data(
    built: BuildResult,
) -> None:
    """Byte for byte: kg-inferred.ttl and kg-full.ttl from HermiT over the projection equal
    those from HermiT over the whole asserted graph."""
    data = (built.out / "kg.nt").read_bytes()
    whole = reason(data, projected=False)
    assert len(project(data)) < len(data) * 0.7
    assert whole.turtle() == (built.out / "kg-inferred.ttl").read_bytes()
    assert full_turtle(data, whole) == (built.out / "kg-full.ttl").read_bytes()


def _tiny_graph() -> bytes:
    """The ontology plus one drug inhibiting an IL-1 family target, with annotations."""
    from kg.ontology import Ontology

    d, t = "https://w3id.org/dmkg/id/drug/x", "https://w3id.org/dmkg/id/target/y"
    v, rdf = "https://w3id.org/dmkg/vocab/", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    onto = Ontology.read(ROOT / "ontology" / "dmkg.ttl").quads
    lines = {f"{q.subject} {q.predicate} {q.object} .\n" for q in onto}
    lines |= {
        f"<{d}> <{rdf}type> <{v}Drug> .\n",
        f"<{t}> <{rdf}type> <{v}MolecularTarget> .\n",
        f"<{t}> <{rdf}type> <{v}Interleukin1FamilyTarget> .\n",
        f"<{d}> <{v}inhibits> <{t}> .\n",
        f'<{d}> <{label}> "x"@en .\n',
    }
    return "".join(sorted(lines)).encode("utf-8")


# --- the fast JSON path of the loader reads exactly what the YAML loader reads -------------


def _located_equal(fast: object, slow: object) -> None:
    assert fast == slow
    if isinstance(slow, Located):
        assert isinstance(fast, Located) and fast.line == slow.line
        assert fast.key_lines == slow.key_lines
        for k in slow:
            _located_equal(fast[k], slow[k])
    elif isinstance(slow, LocatedList):
        assert isinstance(fast, LocatedList) and fast.item_lines == slow.item_lines
        for i in range(len(slow)):
            item = fast[i]
            if isinstance(slow[i], Located):
                assert isinstance(item, Located) and item.line == slow[i].line
                assert item.key_lines == slow[i].key_lines


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "b": [{"x": 1}, {"y": [1, 2]}], "c": "d"}',
        '{\n "claims": [\n  {\n   "type": "x",\n   "n": 2.5\n  },\n  {"q": null}\n ]\n}\n',
        '\n\n  {"a":[],"b":{},"c":[1,"two",true,false,null,-0.5]}',
        '{"s": "caf\\u00e9 \\/ \\"q\\" \\n", "t": "é"}',
    ],
)
def test_fast_json_path_equals_the_located_yaml_loader(tmp_path: Path, text: str) -> None:
    import yaml

    from kg.curation.fastjson import _fast_json
    from kg.curation.yamlio import StrictLoader

    fast = _fast_json(tmp_path / "f.yaml", text)
    assert fast is not None, "plain JSON takes the fast path"
    _located_equal(fast, yaml.load(text, Loader=StrictLoader))


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": 2}',  # duplicate key: the YAML loader names both lines
        '{"a": 1e5}',  # PyYAML 1.1 reads an exponent without a dot as a string
        '{"a": NaN}',
        '{"a": "\\ud83d\\ude00"}',  # surrogate escapes
        '{"a":\t1}',
        '{"a": 1}\r\n',
        '{"a"\n: 1}',
        '["not", "an", "object"]',
        "a: 1\n",
    ],
)
def test_fast_json_path_leaves_anything_doubtful_to_yaml(tmp_path: Path, text: str) -> None:
    from kg.curation.fastjson import _fast_json

    assert _fast_json(tmp_path / "f.yaml", text) is None


def test_errors_in_json_files_name_the_same_lines_as_yaml(tmp_path: Path) -> None:
    """A defect deep in a JSON-shaped curation file (where the fast path keeps no lines)
    is reported with the line the located loader finds."""
    data = tmp_path / "data"
    synthesize(data, drugs=3, seed=2)
    path, other = sorted((data / "curation").glob("*.yaml"))[:2]
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["claims"][1]["evidence"][0]["quote"] = "words that are not in the source text"
    path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    doc = json.loads(other.read_text(encoding="utf-8"))
    doc["claims"][2]["bogus"] = 1  # an unknown field: pydantic fails, lines come from YAML
    other.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    with pytest.raises(CurationErrors) as info:
        build(Paths(data, ROOT / "ontology"), tmp_path / "dist")
    errors = {e.field: e for e in info.value.errors}
    text = path.read_text(encoding="utf-8").splitlines()
    quote = errors["claims[1].evidence[0].quote"]
    assert quote.line is not None and '"quote": "words that are not' in text[quote.line - 1]
    bogus = errors["claims[2].bogus"]
    lines = other.read_text(encoding="utf-8").splitlines()
    assert bogus.line is not None and '"bogus": 1' in lines[bogus.line - 1]
    raw, problems = load_yaml(path)
    assert not problems and raw["claims"].item_lines[1] < quote.line


def test_progress_is_quiet_unless_stderr_is_a_terminal() -> None:
    import io

    from kg.progress import Progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    quiet, tty = io.StringIO(), Tty()
    for stream in (quiet, tty):
        with Progress("build", 2, stream) as bar:
            bar.step("load")
            bar.step("write")
    assert quiet.getvalue() == ""
    assert "build:" in tty.getvalue() and "2/2 done" in tty.getvalue()
