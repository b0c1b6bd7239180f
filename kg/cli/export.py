"""``kg export``: copy one export format out of a verified release."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import Any

from kg.release.layout import EXPORT_FORMATS
from kg.release.manifest import verify_release

__all__ = ["add_commands"]


def _cmd_export(args: argparse.Namespace) -> int:
    release = Path(args.release)
    verify_release(release)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name in EXPORT_FORMATS[args.format]:
        shutil.copyfile(release / name, out / name)
        print(out / name)
    return 0


def add_commands(sub: Any) -> None:
    ex = sub.add_parser("export", help="copy one export format out of a verified release")
    ex.add_argument("--format", required=True, choices=sorted(EXPORT_FORMATS))
    ex.add_argument("--release", default="dist")
    ex.add_argument("--out", required=True, help="folder to write into")
    ex.set_defaults(func=_cmd_export)
