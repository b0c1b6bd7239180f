"""Pictures of the graph, as data for the browser to lay out (Cytoscape.js, vendored): the claim
model, and an entity's neighbourhood (:mod:`kg.views.keyfacts` builds that one)."""

from __future__ import annotations

from pydantic import BaseModel

__all__ = ["ModelEdge", "ModelNode", "Picture", "claim_model"]


class ModelNode(BaseModel):
    id: str
    label: str
    kind: str
    href: str | None = None
    x: float | None = None
    y: float | None = None
    """a fixed position (the ``preset`` layout), else the layout places the node"""


class ModelEdge(BaseModel):
    source: str
    target: str
    label: str
    status: str | None = None
    """colours the edge: a claim's status or recommendation, or ``generated``"""


class Picture(BaseModel):
    """A small graph for the browser to lay out (Cytoscape.js): nodes and labelled edges."""

    layout: str
    """``preset`` (positions given), ``concentric`` (the first node in the middle)"""
    nodes: list[ModelNode]
    edges: list[ModelEdge]


def claim_model() -> Picture:
    """The claim model as a diagram: claim -> subject/object -> qualifiers -> evidence ->
    selectors -> source, the curator note on a passage and the generated shortcut triple."""
    n = [
        ("claim", "dmkg:Claim\n(one per statement)", "claim", "/vocab/Claim", 330, 170),
        ("subject", "subject: dmkg:Drug, dmkg:ClinicalStudy ...", "entity", "/vocab/Drug", 40, 40),
        ("object", "object: dmkg:Condition, dmkg:AdverseEvent, a class ...", "entity", "/vocab/Condition", 40, 300),
        ("qualifier", "qualifiers: dmkg:status, dmkg:dose,\ndmkg:population, dmkg:frequency ...", "qualifier", None, 330, 360),
        ("evidence", "dmkg:Evidence\n(oa:SpecificResource)", "evidence", "/vocab/Evidence", 640, 170),
        ("quote", "oa:TextQuoteSelector\noa:exact, oa:prefix, oa:suffix", "selector", None, 900, 70),
        ("position", "oa:TextPositionSelector\noa:start, oa:end", "selector", None, 900, 270),
        ("source", "dmkg:SourceDocument\n(its text, sha256)", "source", "/vocab/SourceDocument", 640, 380),
        ("note", "dmkg:CuratorNote\n(oa:bodyValue)", "note", "/vocab/CuratorNote", 640, 0),
    ]  # fmt: skip
    e = [
        ("claim", "subject", "dmkg:hasSubject", None), ("claim", "object", "dmkg:hasObject", None),
        ("subject", "object", "shortcut: dmkg:indicatedFor ...", "generated"),
        ("claim", "qualifier", "qualifier properties", None),
        ("claim", "evidence", "dmkg:hasEvidence", None), ("evidence", "quote", "oa:hasSelector", None),
        ("evidence", "position", "oa:hasSelector", None), ("evidence", "source", "oa:hasSource", None),
        ("claim", "source", "prov:wasDerivedFrom", None), ("note", "evidence", "oa:hasTarget", None),
    ]  # fmt: skip
    return Picture(
        layout="preset",
        nodes=[ModelNode(id=i, label=lab, kind=k, href=h, x=x, y=y) for i, lab, k, h, x, y in n],
        edges=[ModelEdge(source=s, target=t, label=lab, status=st) for s, t, lab, st in e],
    )
