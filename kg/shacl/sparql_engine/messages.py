"""pyshacl's generic result messages, for constraints of shapes that state no ``sh:message``.

pyshacl words such a message itself (``Less than 1 values on <focus>-><path>``), rendering
terms with rdflib's namespace bindings. Rather than copy those formats, this asks pyshacl's own
constraint components for them, so the SPARQL engine's messages stay identical by
construction. Only the shapes graph is needed: focus and value nodes are IRIs or literals
here (a blank node would be rendered from its triples, which the engine does not hold in
rdflib, and is refused with ``BuildError``).
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from kg.errors import BuildError
from kg.rdf.terms import nt, to_rdflib

__all__ = ["GenericMessages"]

_PARAMETER = {
    "QualifiedMinCount": SH.qualifiedValueShape,
    "QualifiedMaxCount": SH.qualifiedValueShape,
    "LessThanOrEquals": SH.lessThanOrEquals,
}


def _rdflib(
    term: ox.NamedNode | ox.BlankNode | ox.Literal | None, shape: rdflib.term.Node, component: str
) -> rdflib.term.Node | None:
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        raise BuildError(
            f"SHACL shape {nt(shape)}: unsupported construct {component} on blank node {term} "
            "without sh:message: pyshacl's generic message for blank node is not reproduced "
            "(give the shape an sh:message)"
        )
    return to_rdflib(term)


class GenericMessages:
    """Messages of one shapes graph, per (shape, component, focus, value)."""

    def __init__(self, shapes: rdflib.Graph) -> None:
        from pyshacl.shapes_graph import ShapesGraph

        self.sg = ShapesGraph(shapes)
        self.sg.shapes  # noqa: B018 - builds pyshacl's shape cache
        self.data = rdflib.Graph()  # rdflib's default bindings, as pyshacl's data graph has
        self.components: dict[tuple[rdflib.term.Node, str], Any] = {}

    def _component(self, shape: rdflib.term.Node, component: str) -> Any:
        from pyshacl.constraints import CONSTRAINT_PARAMETERS_MAP

        key = (shape, component)
        if key not in self.components:
            name = component.rsplit("#", 1)[-1].removesuffix("ConstraintComponent>")
            param = _PARAMETER.get(name, SH[name[0].lower() + name[1:]])
            self.components[key] = CONSTRAINT_PARAMETERS_MAP[param](
                self.sg.lookup_shape_from_node(shape)
            )
        return self.components[key]

    def message(
        self, shape: rdflib.term.Node, component: str, focus: Any, value: Any = None
    ) -> str:
        literals = self._component(shape, component).make_generic_messages(
            self.data, _rdflib(focus, shape, component), _rdflib(value, shape, component)
        )
        return " ".join(sorted(str(m) for m in set(literals)))
