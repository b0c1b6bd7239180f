"""Quality-control checks: ``queries/qc/<name>-violation.rq``, any row is a finding.

Checks are discovered by file name (the ODK convention) and each declares its level in its
header (``# level: ERROR|WARN|INFO``). They select ``?entity ?label ?value``. A legitimate
exception is recorded in ``data/qc-exceptions.yaml`` (check, entity, reason) and suppresses
that one finding; an exception that suppresses nothing is reported itself, so the file
cannot silently go stale.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from kg.curation.yamlio import line_of, load_yaml
from kg.errors import BuildError, CurationError, CurationErrors
from kg.rdf import prefixes
from kg.rdf.queryfile import parse_named_query
from kg.rdf.vocab import GRAPH, PREFIXES, SH_NAMESPACE
from kg.tables import text_table

__all__ = [
    "LEVELS",
    "NAMESPACE_GRAPH",
    "QcCheck",
    "QcException",
    "QcFinding",
    "QcReport",
    "load_checks",
    "load_exceptions",
    "qc_report",
    "run_checks",
]

LEVELS = ("ERROR", "WARN", "INFO")
"""Finding levels, most severe first."""

NAMESPACE_GRAPH = GRAPH + "qc/namespaces"
"""Named graph in which the runner lists the known namespaces (``sh:namespace``) for checks."""

UNUSED_EXCEPTION = "unused-exception"
_SUFFIX = "-violation"


@dataclass(frozen=True)
class QcCheck:
    name: str
    level: str
    summary: str
    path: Path
    text: str


@dataclass(frozen=True, order=True)
class QcFinding:
    level: str
    check: str
    entity: str
    label: str
    value: str


class QcException(BaseModel):
    """One recorded exception: which check, for which entity (IRI or CURIE), and why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    check: Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
    entity: Annotated[str, StringConstraints(min_length=3, max_length=2000)]
    reason: Annotated[str, StringConstraints(min_length=10, max_length=2000)]


class _ExceptionsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    exceptions: list[QcException] = Field(default_factory=list)


@dataclass(frozen=True)
class LoadedException:
    check: str
    entity: str
    reason: str
    line: int


def load_checks(folder: Path) -> list[QcCheck]:
    """Every ``*-violation.rq`` in ``folder``, sorted by name; a bad header is an error."""
    checks = []
    for path in sorted(folder.glob(f"*{_SUFFIX}.rq")):
        query = parse_named_query(path)
        if query.level not in LEVELS:
            raise BuildError(f"{path}:1: the header needs '# level: ' one of {', '.join(LEVELS)}")
        if query.form != "SELECT":
            raise BuildError(f"{path}: a QC check is a SELECT of ?entity ?label ?value")
        checks.append(
            QcCheck(path.stem.removesuffix(_SUFFIX), query.level, query.summary, path, query.text)
        )
    return checks


def _entity_iri(value: str) -> str | None:
    if value.startswith(("http://", "https://")):
        return value
    prefix, _, local = value.partition(":")
    if prefix in PREFIXES:
        return PREFIXES[prefix] + local
    try:
        return prefixes.expand(value)
    except prefixes.CurieError:
        return None


def load_exceptions(path: Path, check_names: Iterable[str]) -> list[LoadedException]:
    """Read ``qc-exceptions.yaml`` strictly; every problem is reported with its line."""
    if not path.exists():
        return []
    raw, errors = load_yaml(path)
    if errors:
        raise CurationErrors(errors)
    try:
        parsed = _ExceptionsFile.model_validate(raw if raw is not None else {})
    except ValidationError as exc:
        out = []
        for err in exc.errors():
            line, fld = line_of(raw, tuple(err["loc"]))
            out.append(CurationError(path, line, fld or None, err["msg"]))
        raise CurationErrors(out) from None
    known = set(check_names)
    loaded, errs = [], []
    seen: dict[tuple[str, str], int] = {}
    for i, exc_ in enumerate(parsed.exceptions):
        line, _ = line_of(raw, ("exceptions", i))
        line = line or 0
        iri = _entity_iri(exc_.entity)
        if exc_.check not in known:
            errs.append(CurationError(path, line, f"exceptions[{i}].check",
                                      f"unknown check {exc_.check!r} (known: {', '.join(sorted(known))})"))  # fmt: skip
        if iri is None:
            errs.append(CurationError(path, line, f"exceptions[{i}].entity",
                                      f"{exc_.entity!r} is neither an http(s) IRI nor a CURIE with a known prefix"))  # fmt: skip
            continue
        key = (exc_.check, iri)
        if key in seen:
            errs.append(CurationError(path, line, f"exceptions[{i}]",
                                      f"duplicate exception (first at line {seen[key]})"))  # fmt: skip
        seen[key] = line
        loaded.append(LoadedException(exc_.check, iri, exc_.reason, line))
    if errs:
        raise CurationErrors(errs)
    return loaded


def _namespaces() -> list[str]:
    found = set(PREFIXES.values())
    for record in prefixes.records():
        found.add(record.uri_prefix)
        found.update(record.uri_prefix_synonyms)
    return sorted(found)


def _term_text(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode):
        return term.value
    return str(term)


def run_checks(data: bytes, checks: Iterable[QcCheck]) -> list[QcFinding]:
    """Run every check over ``data`` (N-Triples) in pyoxigraph; sorted findings."""
    store = ox.Store()
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    graph = ox.NamedNode(NAMESPACE_GRAPH)
    for i, ns in enumerate(_namespaces()):
        store.add(
            ox.Quad(ox.NamedNode(f"{NAMESPACE_GRAPH}#{i}"), SH_NAMESPACE, ox.Literal(ns), graph)
        )
    findings = set()
    for check in checks:
        try:
            solutions = store.query(check.text)
        except (SyntaxError, ValueError, OSError) as exc:
            raise BuildError(f"{check.path}: {exc}") from exc
        assert isinstance(solutions, ox.QuerySolutions)
        for row in solutions:
            findings.add(
                QcFinding(
                    check.level,
                    check.name,
                    _term_text(row["entity"]),
                    _term_text(row["label"]),
                    _term_text(row["value"]),
                )
            )
    return sorted(findings, key=lambda f: (LEVELS.index(f.level), f.check, f.entity, f.value))


@dataclass(frozen=True)
class QcReport:
    findings: tuple[QcFinding, ...]
    suppressed: int

    def at_or_above(self, level: str) -> list[QcFinding]:
        rank = LEVELS.index(level)
        return [f for f in self.findings if LEVELS.index(f.level) <= rank]

    def render(self, fmt: str = "table") -> str:
        rows = [asdict(f) for f in self.findings]
        if fmt == "json":
            return json.dumps(
                {"findings": rows, "suppressed": self.suppressed}, indent=1, ensure_ascii=False
            )
        cols = ("level", "check", "entity", "label", "value")
        if fmt == "tsv":

            def cell(text: str) -> str:
                return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")

            return "\n".join(
                ["\t".join(cols)] + ["\t".join(cell(r[c]) for c in cols) for r in rows]
            )
        shown = [
            [r["level"], r["check"], prefixes.shorten(r["entity"]), r["label"],
             prefixes.shorten(r["value"])]
            for r in rows
        ]  # fmt: skip
        lines = [text_table(cols, shown, width=70)]
        counts = ", ".join(f"{sum(f.level == lv for f in self.findings)} {lv}" for lv in LEVELS)
        lines.append(
            f"{len(self.findings)} finding(s): {counts}; {self.suppressed} suppressed by exceptions"
        )
        return "\n".join(lines)


def qc_report(data: bytes, checks_dir: Path, exceptions_file: Path) -> QcReport:
    """Run the checks, apply the exceptions, report stale exceptions."""
    checks = load_checks(checks_dir)
    exceptions = load_exceptions(exceptions_file, [c.name for c in checks])
    findings = run_checks(data, checks)
    excused = {(e.check, e.entity) for e in exceptions}
    kept = [f for f in findings if (f.check, f.entity) not in excused]
    used = {(f.check, f.entity) for f in findings} & excused
    stale = [
        QcFinding("WARN", UNUSED_EXCEPTION, e.entity, "",
                  f"{exceptions_file}:{e.line}: exception for {e.check} suppresses nothing")
        for e in exceptions
        if (e.check, e.entity) not in used
    ]  # fmt: skip
    out = sorted([*kept, *stale], key=lambda f: (LEVELS.index(f.level), f.check, f.entity, f.value))
    return QcReport(tuple(out), len(findings) - len(kept))
