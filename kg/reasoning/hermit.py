"""HermiT in a Java process we start, with a heap cap and a time limit.

owlready2's ``sync_reasoner`` has neither: here the whole process group is killed past the
limit, and an ``OutOfMemoryError`` is reported as such. The graph is loaded into an owlready2
``World`` from a local file and saved back as the N-Triples HermiT reads, as owlready2's own
``sync_reasoner`` does; nothing is ever fetched (``owl:imports`` are refused before).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InconsistentOntologyError, ReasonerError

__all__ = ["Limits", "hermit_input", "run_hermit"]


@dataclass(frozen=True)
class Limits:
    """Resource caps for the reasoner process (time in seconds, Java heap in MiB)."""

    timeout_s: float = 120.0
    memory_mb: int = 1024


def hermit_input(data: bytes, folder: Path) -> Path:
    """Load the graph into a fresh owlready2 World from a local file; save what HermiT reads."""
    import owlready2

    src = folder / "asserted.nt"
    src.write_bytes(data)
    world = owlready2.World()
    try:
        with open(src, "rb") as fh:
            world.get_ontology(src.as_uri()).load(fileobj=fh, format="ntriples")
        out = folder / "hermit-input.nt"
        with open(out, "wb") as fh:
            world.save(fh, format="ntriples")
    except Exception as exc:  # owlready2 raises bare Exceptions for unreadable OWL
        raise ReasonerError(f"owlready2 could not load the graph: {exc}") from exc
    finally:
        world.close()
    return out


def run_hermit(ontology: Path, limits: Limits) -> str:
    import owlready2

    java = shutil.which(owlready2.JAVA_EXE) or shutil.which("java")
    if java is None:
        raise ReasonerError("java not found: the reasoner (HermiT) needs a Java runtime on PATH")
    hermit = Path(owlready2.__file__).parent / "hermit"
    command = [
        java, f"-Xmx{limits.memory_mb}m", "-XX:+UseSerialGC", "-XX:MaxMetaspaceSize=256m",
        "-cp", f"{hermit}{os.pathsep}{hermit / 'HermiT.jar'}",
        "org.semanticweb.HermiT.cli.CommandLine", "-c", "-I", ontology.as_uri(),
    ]  # fmt: skip
    proc = subprocess.Popen(  # fixed command, no shell
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        out, err = proc.communicate(timeout=limits.timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise ReasonerError(
            f"the reasoner exceeded its time limit of {limits.timeout_s:g} s and was stopped"
        ) from None
    text = (out + err).decode("utf-8", "replace")
    if proc.returncode != 0:
        if "InconsistentOntologyException" in text or "Inconsistent ontology" in text:
            raise InconsistentOntologyError(
                "the ontology plus data is inconsistent: nothing was published. `kg validate` "
                "names the offending nodes (usually a DeclaredDatatype or DeclaredObjectRange "
                "violation, or an individual in two disjoint classes such as Drug and Vaccine)"
            )
        if "OutOfMemoryError" in text:
            raise ReasonerError(f"the reasoner ran out of its {limits.memory_mb} MiB heap")
        raise ReasonerError(f"HermiT failed (exit {proc.returncode}): {text.strip()[-2000:]}")
    return out.decode("utf-8", "replace")
