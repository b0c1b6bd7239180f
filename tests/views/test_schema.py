"""The schema read models on the real release: the class tree by the names one types, and
each claim type's table checked against the claims the release really holds."""

from __future__ import annotations

import pyoxigraph
import pytest

from kg.curation.claimtypes import CLAIM_SPECS
from kg.rdf.prefixes import prefix_map
from kg.rdf.vocab import vocab
from kg.views.claimschema import claim_type
from kg.views.reader import Reader
from kg.views.schema import TreeNode, class_tree, properties, term_info

CLAIM_CLASSES = sorted(spec.rdf_class for spec in CLAIM_SPECS.values())


def find(nodes: list[TreeNode], name: str) -> list[tuple[TreeNode, list[str]]]:
    """Every place of ``name`` in the tree, with the names above it."""
    out = []
    for n in nodes:
        if n.name == name:
            out.append((n, []))
        out += [(m, [n.name, *path]) for m, path in find(n.children, name)]
    return out


def test_the_class_tree_uses_the_names_one_types(reader: Reader) -> None:
    tree = class_tree(reader)
    roots = [n.name for n in tree]
    assert {"dmkg:Claim", "dmkg:Drug", "dmkg:Condition", "oa:SpecificResource"} <= set(roots)
    [(claim, _)] = find(tree, "dmkg:Claim")
    assert claim.label == "claim" and claim.href == "/vocab/Claim"
    assert {f"dmkg:{c}" for c in CLAIM_CLASSES} <= {n.name for n in claim.children} | {
        m.name for n in claim.children for m in n.children
    }
    # defined, never placed by hand: under dmkg:Drug by the reasoner's inference
    [(_, above)] = find(tree, "dmkg:Interleukin1Inhibitor")
    assert above == ["dmkg:Drug"]
    # two direct superclasses: listed under both, expanded once
    places = find(tree, "dmkg:BiologicalDMARD")
    assert sorted(p[-1] for _, p in places) == ["dmkg:BiologicalDrug", "dmkg:DMARD"]
    assert sorted(n.repeated for n, _ in places) == [False, True]
    # direct superclasses only: TNF inhibitors are not also listed under dmkg:Drug itself
    assert [p[-1] for _, p in find(tree, "dmkg:TNFInhibitor")] == ["dmkg:BiologicalDMARD"]


def test_properties_have_their_domain_and_range(reader: Reader) -> None:
    rows = {p.name: p for p in properties(reader)}
    assert rows["dmkg:indicatedFor"].domain == ["dmkg:Drug"]
    assert rows["dmkg:indicatedFor"].range == ["dmkg:Condition"]
    assert rows["dmkg:dose"].kind == "DatatypeProperty" and rows["dmkg:dose"].range == [
        "xsd:decimal"
    ]
    info = term_info(reader, vocab("IndicationClaim"))
    assert [c.name for c in info.superclasses] == ["dmkg:Claim"]
    assert info.claim is not None and info.kinds == ["Class"]


def test_a_claim_types_table_names_ranges_and_cardinalities(reader: Reader) -> None:
    indication = claim_type(reader, vocab("IndicationClaim"))
    assert indication is not None
    rows = {p.name: p for p in indication.properties}
    assert rows["dmkg:hasObject"].range == [("dmkg:Condition", "/vocab/Condition")]
    assert (rows["dmkg:hasObject"].cardinality, rows["dmkg:status"].cardinality) == ("1", "1")
    assert rows["dmkg:status"].range == [("dmkg:IndicationStatus", "/vocab/IndicationStatus")]
    assert rows["dmkg:population"].cardinality == "0..1"
    assert rows["dmkg:hasEvidence"].cardinality == "1..*"
    assert indication.shortcut == "?subject dmkg:indicatedFor ?object"
    dosing = claim_type(reader, vocab("DosingRegimenClaim"))
    assert dosing is not None
    rows = {p.name: p for p in dosing.properties}
    assert "dmkg:hasObject" not in rows  # a dosing claim names no object
    assert rows["dmkg:doseUnit"].cardinality == rows["dmkg:ucumCode"].cardinality == "1"
    assert rows["dmkg:site"].cardinality == "0..*"
    assert rows["dmkg:dose"].note == "at least one of dmkg:dose, dmkg:doseMin"
    assert claim_type(reader, vocab("Drug")) is None


@pytest.mark.parametrize("local", CLAIM_CLASSES)
def test_the_table_is_what_the_release_holds(reader: Reader, local: str) -> None:
    """Every predicate the release's claims of this type use is in the table, no claim has
    more values than the table allows, and the example query runs (with the predeclared
    prefixes) and finds every such claim."""
    table = claim_type(reader, vocab(local))
    assert table is not None
    allowed = {p.iri: p for p in table.properties}
    store = reader.store
    rows = store.query(
        f"SELECT ?c ?p (COUNT(DISTINCT ?o) AS ?n) WHERE {{ ?c a dmkg:{local} ; ?p ?o }} GROUP BY ?c ?p",
        prefixes=prefix_map(), use_default_graph_as_union=True,
    )  # fmt: skip
    assert isinstance(rows, pyoxigraph.QuerySolutions)
    claims = set()
    for row in rows:
        claims.add(row["c"].value)
        prop = allowed.get(row["p"].value)
        assert prop is not None, f"{local} claims use {row['p'].value}, not in the table"
        count = int(row["n"].value)
        assert prop.max is None or count <= prop.max, (local, prop.name, count)
    found = store.query(table.example_query.replace("LIMIT 50", ""), prefixes=prefix_map(),
                        use_default_graph_as_union=True)  # fmt: skip
    assert isinstance(found, pyoxigraph.QuerySolutions)
    assert {s["claim"].value for s in found} == claims
