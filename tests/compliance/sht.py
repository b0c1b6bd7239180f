"""Reader of the W3C SHACL test manifests (``sht:`` / ``mf:`` vocabulary), as pySHACL reads them.

A manifest is an ``mf:Manifest`` with ``mf:include`` (other manifests) and ``mf:entries`` (a
list of tests). Only ``sht:Validate`` tests exist in the suite: ``mf:action [ sht:dataGraph ..;
sht:shapesGraph .. ]``, ``mf:result`` an ``sh:ValidationReport`` (or ``sht:Failure``: the
processor must refuse) and ``mf:status``. Test files are Turtle read with their own file IRI
as base, so ``sht:dataGraph <>`` is the test file itself, manifest and expected report included.

Files are parsed by pyoxigraph, not rdflib: the N-Triples handed to the engines are then
pyoxigraph's own (what the SPARQL engine is built for), literals are kept as written (rdflib
would rewrite ``"01"^^xsd:integer`` to ``"1"``), and the expected report is read from the very
same terms. Blank-node labels are renamed per file, so two files' ``_:b1`` never meet.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox

__all__ = ["MF", "SH", "SHT", "Doc", "Expected", "Row", "Test", "load", "path_text", "tests"]

MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT = "http://www.w3.org/ns/shacl-test#"
SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Row = tuple[str, str, str, str, str, str]
"""A result as compared: severity, source shape, focus node, path, value, source constraint
component; terms in N-Triples, the path as SPARQL property-path text, ``""`` where none."""


def _iri(local: str, ns: str = SH) -> ox.NamedNode:
    return ox.NamedNode(ns + local)


class Doc:
    """One parsed Turtle file: its triples and an index by subject."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.iri = path.as_uri()
        fresh: dict[str, ox.BlankNode] = {}

        def own(t: Term) -> Term:
            return fresh.setdefault(t.value, ox.BlankNode()) if isinstance(t, ox.BlankNode) else t

        def own_subject(t: ox.NamedNode | ox.BlankNode) -> ox.NamedNode | ox.BlankNode:
            return fresh.setdefault(t.value, ox.BlankNode()) if isinstance(t, ox.BlankNode) else t

        self.triples: list[ox.Triple] = []
        self._out: dict[Term, dict[ox.NamedNode, list[Term]]] = {}
        for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=self.iri):
            assert not isinstance(q.subject, ox.Triple) and not isinstance(q.object, ox.Triple)
            s, o = own_subject(q.subject), own(q.object)
            self.triples.append(ox.Triple(s, q.predicate, o))
            self._out.setdefault(s, {}).setdefault(q.predicate, []).append(o)

    def objects(self, s: Term, p: ox.NamedNode) -> list[Term]:
        return self._out.get(s, {}).get(p, [])

    def value(self, s: Term, p: ox.NamedNode) -> Term | None:
        values = self.objects(s, p)
        if len(values) > 1:
            raise ValueError(f"{self.path}: {s} has {len(values)} values of {p}, expected one")
        return values[0] if values else None

    def subjects(self) -> set[Term]:
        return set(self._out)

    def outgoing(self, s: Term) -> Iterator[tuple[ox.NamedNode, Term]]:
        for p, objects in self._out.get(s, {}).items():
            for o in objects:
                yield p, o

    def items(self, head: Term) -> list[Term]:
        """The members of the RDF list starting at ``head``."""
        out: list[Term] = []
        nil = _iri("nil", RDF)
        while head != nil:
            first = self.value(head, _iri("first", RDF))
            rest = self.value(head, _iri("rest", RDF))
            if first is None or rest is None or len(out) > 10_000:
                raise ValueError(f"{self.path}: malformed RDF list at {head}")
            out.append(first)
            head = rest
        return out

    def ntriples(self) -> bytes:
        text = ox.serialize(self.triples, format=ox.RdfFormat.N_TRIPLES)
        assert text is not None
        return text


@cache
def load(path: Path) -> Doc:
    """A file parsed once per session (the core suite shares data and shapes files)."""
    return Doc(path)


def path_text(doc: Doc, path: Term) -> str:
    """A SHACL path as kg's ``Result.path`` text: ``<p>``, ``^<p>``, ``<p>*``, ``<p>+``,
    ``<p>/<q>``; alternatives and ``?`` (which kg cannot express) as ``(<p>|<q>)``, ``<p>?``."""
    if isinstance(path, ox.NamedNode):
        return str(path)
    if doc.value(path, _iri("first", RDF)) is not None:
        return "/".join(path_text(doc, step) for step in doc.items(path))
    alternatives = doc.value(path, _iri("alternativePath"))
    if alternatives is not None:
        return "(" + "|".join(path_text(doc, a) for a in doc.items(alternatives)) + ")"
    for local, fmt in (
        ("inversePath", "^{}"),
        ("zeroOrMorePath", "{}*"),
        ("oneOrMorePath", "{}+"),
        ("zeroOrOnePath", "{}?"),
    ):
        inner = doc.value(path, _iri(local))
        if inner is not None:
            return fmt.format(path_text(doc, inner))
    raise ValueError(f"{doc.path}: not a SHACL path: {path}")


@dataclass(frozen=True)
class Expected:
    """The expected ``sh:ValidationReport``: ``sh:conforms`` and the set of result rows."""

    conforms: bool
    results: frozenset[Row]


@dataclass(frozen=True)
class Test:
    """One ``sht:Validate`` entry."""

    id: str  # the entry IRI relative to the suite root, e.g. core/node/datatype-001
    label: str
    status: str  # local name of mf:status: approved, proposed
    data: Doc
    shapes: Doc
    doc: Doc  # the file of the entry, which holds the expected report
    result: Term

    @property
    def failure(self) -> bool:
        """``mf:result sht:Failure``: the processor must refuse, not report."""
        return self.result == _iri("Failure", SHT)

    def expected(self) -> Expected:
        """The expected report, blank nodes mapped onto the data and shapes graphs."""
        doc, report = self.doc, self.result
        if _iri("ValidationReport") not in doc.objects(report, _iri("type", RDF)):
            raise ValueError(f"{self.id}: mf:result is not an sh:ValidationReport")
        conforms = doc.value(report, _iri("conforms"))
        if not isinstance(conforms, ox.Literal) or conforms.value not in ("true", "false"):
            raise ValueError(f"{self.id}: sh:conforms is {conforms}")
        rows = set()
        for r in doc.objects(report, _iri("result")):

            def term(local: str, r: Term = r) -> str:
                t = doc.value(r, _iri(local))
                return "" if t is None else str(self.graph_node(t))

            severity = doc.value(r, _iri("resultSeverity"))
            path = doc.value(r, _iri("resultPath"))
            rows.add(
                (
                    _severity(severity),
                    term("sourceShape"),
                    term("focusNode"),
                    path_text(doc, path) if path is not None else "",
                    term("value"),
                    term("sourceConstraintComponent"),
                )
            )
        return Expected(conforms.value == "true", frozenset(rows))

    def graph_node(self, t: Term) -> Term:
        """A term of the expected report as a node of the data or shapes graph.

        In the same file a blank node is the same node. A blank node of a report whose data
        or shapes are another file is found there by its description (its outgoing triples,
        recursively), as pySHACL's ``compare_blank_node`` matches them; it must be unique."""
        if not isinstance(t, ox.BlankNode) or self.doc in (self.data, self.shapes):
            return t
        want = _description(self.doc, t, frozenset())
        found = {
            n
            for g in {self.data, self.shapes}
            for n in g.subjects()
            if isinstance(n, ox.BlankNode) and _description(g, n, frozenset()) == want
        }
        if len(found) != 1:
            raise ValueError(f"{self.id}: {len(found)} nodes match the report's blank node {t}")
        return found.pop()


def _severity(t: Term | None) -> str:
    """kg's ``Result.severity``: the local name of an ``sh:`` severity; another IRI as is."""
    if isinstance(t, ox.NamedNode) and t.value.startswith(SH):
        return t.value[len(SH) :]
    return str(t)


def _description(doc: Doc, node: Term, seen: frozenset[Term]) -> object:
    if not isinstance(node, ox.BlankNode):
        return str(node)
    if node in seen:
        return "_:cycle"
    inner = seen | {node}
    return frozenset((str(p), _description(doc, o, inner)) for p, o in doc.outgoing(node))


def _graph_file(doc: Doc, iri: Term | None, what: str) -> Doc:
    if not isinstance(iri, ox.NamedNode):
        raise ValueError(f"{doc.path}: {what} is {iri}, not a file IRI")
    url = urllib.parse.urlsplit(iri.value)
    if url.scheme != "file":
        raise ValueError(f"{doc.path}: {what} {iri} is not a file: IRI")
    return load(Path(urllib.parse.unquote(url.path)))


def _entries(doc: Doc) -> Iterator[Test]:
    for manifest in sorted(doc.subjects(), key=str):
        if _iri("Manifest", MF) not in doc.objects(manifest, _iri("type", RDF)):
            continue
        heads = doc.objects(manifest, _iri("entries", MF))
        for entry in [e for head in heads for e in doc.items(head)]:
            if _iri("Validate", SHT) not in doc.objects(entry, _iri("type", RDF)):
                continue
            action = doc.value(entry, _iri("action", MF))
            result = doc.value(entry, _iri("result", MF))
            status = doc.value(entry, _iri("status", MF))
            label = doc.value(entry, _iri("label", RDFS))
            if action is None or result is None or status is None:
                raise ValueError(f"{doc.path}: {entry} lacks mf:action, mf:result or mf:status")
            data = doc.value(action, _iri("dataGraph", SHT))
            shapes = doc.value(action, _iri("shapesGraph", SHT))
            yield Test(
                id=str(entry.value),
                label=label.value if label is not None else "",
                status=status.value.rsplit("#", 1)[-1],
                data=_graph_file(doc, data, "sht:dataGraph"),
                shapes=_graph_file(doc, shapes, "sht:shapesGraph"),
                doc=doc,
                result=result,
            )


def _walk(path: Path, depth: int = 0) -> Iterator[Test]:
    if depth > 10:
        raise ValueError(f"{path}: mf:include chain deeper than 10")
    doc = load(path)
    yield from _entries(doc)
    for manifest in sorted(doc.subjects(), key=str):
        if _iri("Manifest", MF) in doc.objects(manifest, _iri("type", RDF)):
            for inc in sorted(doc.objects(manifest, _iri("include", MF)), key=str):
                yield from _walk(_graph_file(doc, inc, "mf:include").path, depth + 1)


def tests(root: Path) -> list[Test]:
    """Every ``sht:Validate`` test reachable from ``root/manifest.ttl``, ids relative to
    ``root``, in id order (each once, even when included twice)."""
    base = root.resolve().as_uri() + "/"
    found: dict[str, Test] = {}
    for t in _walk(root.resolve() / "manifest.ttl"):
        if not t.id.startswith(base):
            raise ValueError(f"test {t.id} lies outside {root}")
        rel = t.id[len(base) :]
        found.setdefault(rel, Test(rel, t.label, t.status, t.data, t.shapes, t.doc, t.result))
    return [found[k] for k in sorted(found)]
