"""``python -m kg.suggest train`` | ``python -m kg.suggest tac IN.json --out OUT.json``.

Usable before ``kg suggest`` is wired into the main CLI.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.suggest.tac import TacFormatError

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.suggest", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    tr = sub.add_parser("train", help="rebuild kg/suggest/model/ from the TAC training file")
    tr.add_argument(
        "--data", type=Path, default=None, help="training JSON (default: the shipped one)"
    )
    tr.add_argument(
        "--out", type=Path, default=None, help="model folder (default: kg/suggest/model)"
    )
    tr.add_argument("--no-hpo", action="store_true", help="leave HPO names out of the lexicon")
    tac = sub.add_parser("tac", help="suggest adverse events for TAC records")
    tac.add_argument("input", type=Path)
    tac.add_argument("--out", type=Path, required=True)
    tac.add_argument(
        "--threshold", type=float, default=None, help="confidence cut (default: model's)"
    )
    tac.add_argument("--model", type=Path, default=None, help="model folder (default: shipped)")
    args = parser.parse_args(argv)

    if args.command == "train":
        from kg.suggest.model import DEFAULT_MODEL_DIR, TrainingConfig
        from kg.suggest.train import DEFAULT_TRAIN_PATH, build_artefact

        prov = build_artefact(
            args.data or DEFAULT_TRAIN_PATH,
            args.out or DEFAULT_MODEL_DIR,
            TrainingConfig(hpo=not args.no_hpo),
        )
        print(f"trained on {prov['records']} records of {prov['labels']} labels; "
              f"model {prov['model_file']['sha256'][:12]}")  # fmt: skip
        return 0

    from kg.suggest.extract import suggest_tac
    from kg.suggest.model import Model
    from kg.suggest.tac import load_records, write_records

    try:
        records = load_records(args.input, events=False)
    except (TacFormatError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    model = Model.load(args.model) if args.model else None
    out = suggest_tac(records, model, args.threshold)
    write_records(out, args.out)
    print(f"{sum(len(r.adverse_events) for r in out)} suggestion(s) in {len(out)} record(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
