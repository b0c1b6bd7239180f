"""Adverse-reaction suggestions for curators, with exact spans, trained on TAC 2017 (train half).

``suggest_adverse_reactions(text)`` returns verbatim spans with MedDRA PT/LLT (where the training
data knows them), a confidence and any stated frequency; ``suggest_tac(records)`` fills TAC
records. ``python -m kg.suggest train`` rebuilds the shipped model from
``data/external/tac2017/train.json`` only. May import only the standard library, third-party
packages, ``kg.errors`` and ``kg.progress``.
"""

from __future__ import annotations

from kg.suggest.extract import (
    AdverseReactionSuggestion,
    default_model,
    suggest_adverse_reactions,
    suggest_tac,
)
from kg.suggest.model import Model, TrainingConfig, train_model
from kg.suggest.tac import TacFormatError, TacRecord, load_records, write_records

__all__ = [
    "AdverseReactionSuggestion",
    "Model",
    "TacFormatError",
    "TacRecord",
    "TrainingConfig",
    "default_model",
    "load_records",
    "suggest_adverse_reactions",
    "suggest_tac",
    "train_model",
    "write_records",
]
