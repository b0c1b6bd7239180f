"""The package's layers point one way: a module imports only from its own layer or below.

``LAYERS`` is the one table of which package sits where (``kg/README.md`` explains each);
every ``import`` of ``kg/`` (also inside functions) is read with ``ast`` and checked against it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from tests.support import ROOT

LAYERS: dict[str, int] = {
    "kg.rdf": 0, "kg.errors": 0, "kg.progress": 0, "kg.tables": 0,
    "kg.curation": 1, "kg.mappings": 1, "kg.ontology": 1, "kg.importers": 1, "kg.suggest": 1,
    "kg.graph": 2,
    "kg.shacl": 3, "kg.reasoning": 3, "kg.qc": 3, "kg.gates": 3,
    "kg.release": 4,
    "kg.build": 5,
    "kg.store": 6,
    "kg.query": 7, "kg.views": 7,
    "kg.api": 8, "kg.cli": 8, "kg.__main__": 8,
}  # fmt: skip
"""Layer of every package and top-level module of ``kg``: 0 the shared RDF toolkit, 1 inputs
to typed records, 2 the graph, 3 checks, 4 the release, 5 the build, 6 stores, 7 queries and
read models, 8 HTTP and the command line."""


@dataclass(frozen=True)
class Violation:
    module: str
    line: int
    imported: str

    def __str__(self) -> str:
        return (
            f"{self.module}:{self.line} (layer {layer_of(self.module)}) imports "
            f"{self.imported} (layer {layer_of(self.imported)})"
        )


def layer_of(module: str) -> int | None:
    """The layer of ``kg.x.y`` by its longest listed prefix; None outside ``kg`` (or ``kg``
    itself, which imports nothing of its own)."""
    parts = module.split(".")
    for n in range(len(parts), 1, -1):
        found = LAYERS.get(".".join(parts[:n]))
        if found is not None:
            return found
    return None


def module_name(path: Path, root: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """``(line, imported module)`` for every import of ``kg`` in ``source`` (relative imports
    resolved against ``module``)."""
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "kg"]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".")
                if not is_package:
                    package.pop()
                package = package[: len(package) - node.level + 1]
                base = ".".join([*package, base] if base else package)
            if base.split(".")[0] != "kg":
                continue
            # "from kg.rdf import vocab" imports the module kg.rdf.vocab
            out += [(node.lineno, f"{base}.{a.name}" if base == "kg" else base) for a in node.names]
    return out


def violations(source: str, module: str, is_package: bool = False) -> list[Violation]:
    """Imports of ``source`` (the module ``module``) that point to a higher layer."""
    own = layer_of(module)
    if own is None:
        return []
    return [
        Violation(module, line, imported)
        for line, imported in imports(source, module, is_package)
        if (theirs := layer_of(imported)) is not None and theirs > own
    ]


def test_every_package_of_kg_has_a_layer() -> None:
    for path in sorted((ROOT / "kg").rglob("*.py")):
        module = module_name(path, ROOT)
        assert module == "kg" or layer_of(module) is not None, f"{module}: add it to LAYERS"


def test_no_module_imports_from_a_higher_layer() -> None:
    found: list[Violation] = []
    for path in sorted((ROOT / "kg").rglob("*.py")):
        module = module_name(path, ROOT)
        found += violations(path.read_text(encoding="utf-8"), module, path.name == "__init__.py")
    assert not found, "\n".join(map(str, found))


def test_an_upward_import_is_caught() -> None:
    """The checker fails a module of the RDF toolkit that reaches up into the API, at the top
    of the module or hidden in a function, absolute or relative."""
    upward = "from kg.api.app import create_app\n"
    assert [str(v) for v in violations(upward, "kg.rdf.vocab")] == [
        "kg.rdf.vocab:1 (layer 0) imports kg.api.app (layer 8)"
    ]
    hidden = "def f():\n    import kg.store.embedded\n"
    assert [v.imported for v in violations(hidden, "kg.graph.claims")] == ["kg.store.embedded"]
    relative = "from ..query import job\n"
    assert [v.imported for v in violations(relative, "kg.views.reader")] == []
    assert [v.imported for v in violations(relative, "kg.store.remote")] == ["kg.query"]
    assert violations("from kg.rdf import vocab\n", "kg.cli.build") == []
