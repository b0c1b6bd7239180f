"""SPARQLWrapper, a widely used client, against the live endpoint."""

from __future__ import annotations

import csv
import io
from xml.dom.minidom import Document

import pyoxigraph
import pytest
from SPARQLWrapper import CSV, JSON, POST, TSV, TURTLE, XML, SPARQLWrapper

from kg.rdf.vocab import DMKG, RDFS

PRE = f"PREFIX dmkg: <{DMKG}>\nPREFIX rdfs: <{RDFS}>\n"
SELECT = PRE + "SELECT ?drug ?label WHERE { ?drug a dmkg:Drug ; rdfs:label ?label } ORDER BY ?label"
CONSTRUCT = (
    PRE + "CONSTRUCT { ?drug rdfs:label ?label } WHERE { ?drug a dmkg:Drug ; rdfs:label ?label }"
)


def wrapper(base: str, query: str, fmt: str, method: str | None = None) -> SPARQLWrapper:
    sw = SPARQLWrapper(f"{base}/sparql")
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    sw.setTimeout(30)
    if method:
        sw.setMethod(method)
    return sw


@pytest.mark.parametrize("method", [None, POST])
def test_select_json(live_server: str, method: str | None) -> None:
    result = wrapper(live_server, SELECT, JSON, method).query().convert()
    assert isinstance(result, dict)
    labels = [b["label"]["value"] for b in result["results"]["bindings"]]
    assert "anakinra" in labels and result["head"]["vars"] == ["drug", "label"]


def test_select_xml(live_server: str) -> None:
    doc = wrapper(live_server, SELECT, XML).query().convert()
    assert isinstance(doc, Document)
    literals = [n.firstChild.nodeValue for n in doc.getElementsByTagName("literal") if n.firstChild]
    assert "anakinra" in literals


@pytest.mark.parametrize(("fmt", "delimiter"), [(CSV, ","), (TSV, "\t")])
def test_select_csv_tsv(live_server: str, fmt: str, delimiter: str) -> None:
    raw = wrapper(live_server, SELECT, fmt).query().convert()
    assert isinstance(raw, bytes)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8")), delimiter=delimiter))
    assert rows[0] == (["drug", "label"] if fmt == CSV else ["?drug", "?label"])
    assert any("anakinra" in cell for row in rows[1:] for cell in row)


def test_ask_json(live_server: str) -> None:
    result = wrapper(live_server, PRE + "ASK { ?d a dmkg:Drug }", JSON).query().convert()
    assert isinstance(result, dict) and result["boolean"] is True


def test_construct_turtle(live_server: str) -> None:
    raw = wrapper(live_server, CONSTRUCT, TURTLE).query().convert()
    assert isinstance(raw, bytes)
    triples = list(pyoxigraph.parse(raw, format=pyoxigraph.RdfFormat.TURTLE))
    assert pyoxigraph.Literal("anakinra", language="en") in {t.object for t in triples}
