"""Copy the Biolink model's prefix map for the KGX exports: ``python -m kg.mappings.refresh.biolink``.

The KGX tables write every CURIE with Biolink's prefixes (``MESH``, ``UniProtKB``, ``HGNC``),
taken from ``biolink_model/prefixmaps/biolink_model_prefix_map.json`` of the ``biolink-model``
package (a development dependency, of the version :data:`kg.release.exports.BIOLINK_VERSION`
names), copied as it is into ``kg/release/biolink_model_prefix_map.json`` so that a build
needs neither the package nor its dependencies.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path
from typing import Any

__all__ = ["PACKAGE_FILE", "build", "main"]

PACKAGE_FILE = "prefixmaps/biolink_model_prefix_map.json"
"""The prefix map's path inside the ``biolink_model`` package."""


def build() -> dict[str, Any]:
    """The committed document: the package's prefix map, its version and where it came from."""
    text = files("biolink_model").joinpath(PACKAGE_FILE).read_text(encoding="utf-8")
    release = version("biolink-model")
    return {
        "comment": f"biolink_model/{PACKAGE_FILE} of biolink-model {release}, copied by "
        "`python -m kg.mappings.refresh.biolink`; do not edit by hand.",
        "biolink_model_version": release,
        "prefix_map": json.loads(text),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: rewrite the committed copy."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    default = Path(__file__).resolve().parents[2] / "release" / "biolink_model_prefix_map.json"
    ap.add_argument("--out", type=Path, default=default)
    args = ap.parse_args(argv)
    doc = json.dumps(build(), indent=2, ensure_ascii=False) + "\n"
    args.out.write_text(doc, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
