"""Pictures as data for the browser to draw with the vendored libraries: graphs for
Cytoscape.js (the claim model, an entity's neighbourhood) and the dosing-by-weight chart for
Chart.js. Built from the key facts, so every edge and bar is a claim with its quote."""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel

from kg.views.keyfacts import Fact, KeyFacts
from kg.views.models import Monograph, Ref

__all__ = [
    "Bar", "DosingChart", "ModelEdge", "ModelNode", "Picture", "claim_model", "dosing_chart",
    "neighbourhood",
]  # fmt: skip


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


_MAX_NODES: Final = 60
"""A neighbourhood keeps its first 60 neighbours (the page's tables list every fact)."""


def neighbourhood(m: Monograph, facts: KeyFacts) -> Picture | None:
    """An entity and what its key facts link it to: a drug's targets, conditions, adverse
    events, classes and what to avoid (edges named and coloured by status or advice); for
    another entity, the drugs whose claims name it. None when there is nothing to draw."""
    nodes: dict[str, ModelNode] = {
        m.iri: ModelNode(id=m.iri, label=m.label or m.id or m.iri, kind="center", href=None)
    }
    edges: list[ModelEdge] = []

    def link(
        other: Ref | None, label: str, status: str | None = None, kind: str | None = None
    ) -> None:
        if other is None or (other.iri not in nodes and len(nodes) > _MAX_NODES):
            return
        nodes.setdefault(other.iri, ModelNode(
            id=other.iri, label=other.label or other.id or other.iri,
            kind=kind or ("class" if other.kind == "vocab" else other.kind or "entity"),
            href=other.href,
        ))  # fmt: skip
        pair = (m.iri, other.iri) if facts.about else (other.iri, m.iri)
        edges.append(ModelEdge(source=pair[0], target=pair[1], label=label, status=status))

    def far(f: Fact, near: Ref | None) -> Ref | None:
        return near if facts.about else f.subject

    for t in facts.targets:
        link(far(t, t.target), t.action.label if t.action and t.action.label else "target")
    for i in facts.indications:
        status = i.status.label if i.status else None
        link(far(i, i.condition), f"indicated: {status}" if status else "indicated", status)
    for a in facts.adverse:
        link(far(a, a.event), f"adverse event: {a.frequency}" if a.frequency else "adverse event",
             kind="adverse-event" if facts.about else None)  # fmt: skip
    for v in facts.avoid:
        advice = v.recommendation.label if v.recommendation else None
        link(far(v, v.what), f"{v.kind}: {advice}" if advice else v.kind, advice)
    if facts.about:
        for c in m.claims:
            if c.type == "ClassMembershipClaim":
                link(c.object, "is a", kind="class")
    if len(nodes) == 1:
        return None
    return Picture(layout="concentric", nodes=list(nodes.values()), edges=edges)


class Bar(BaseModel):
    label: str
    low: float
    high: float
    open_low: bool
    open_high: bool
    status: str | None
    claim_href: str


class DosingChart(BaseModel):
    """Doses by body weight: one bar per regimen over its population's weight band."""

    bars: list[Bar]
    axis_max: float


def dosing_chart(facts: KeyFacts) -> DosingChart | None:
    """The weight bands of the dosing facts that have one; None when none has."""
    banded = [(f, f.weight) for f in facts.dosing if f.weight is not None]
    if not banded:
        return None
    bounds = [b for _, w in banded for b in (w.low, w.high) if b is not None]
    axis = max(bounds) * 1.5 if bounds else 100.0
    bars = []
    for f, w in banded:
        who = (f.population.label or "") if f.population else ""
        subject = f"{f.subject.label}: " if f.subject is not None and f.subject.label else ""
        bars.append(Bar(
            label=f"{subject}{f.dose} ({who})" if who else f"{subject}{f.dose}",
            low=w.low if w.low is not None else 0.0, high=w.high if w.high is not None else axis,
            open_low=w.low is None, open_high=w.high is None,
            status=f.status.label if f.status else None, claim_href=f.claim_href,
        ))  # fmt: skip
    return DosingChart(bars=bars, axis_max=axis)
