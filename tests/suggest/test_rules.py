"""Rule-based suggestions (indications, contraindications, interactions, dosing) on the seed
texts, checked against what the curators recorded from the same sentences."""

from __future__ import annotations

import pytest

from kg.curation.corpus import Corpus
from kg.curation.load import load_corpus
from kg.ontology import Ontology
from kg.suggest.rules import Name, RuleSuggestion, Vocabulary, suggest_by_rules
from tests.support import PATHS


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(PATHS.data, Ontology.read(PATHS.ontology_file))


@pytest.fixture(scope="module")
def vocab(corpus: Corpus) -> Vocabulary:
    names = {}
    for ident, e in corpus.entities.items():
        for n in (e.entity.label, *e.entity.synonyms):
            names[n] = Name(ident, e.kind.value)
    for curie, label in Ontology.read(PATHS.ontology_file).class_labels.items():
        names[label] = Name(curie.removeprefix("dmkg:"), "class")
    return Vocabulary(names)


def _suggest(corpus: Corpus, vocab: Vocabulary, source: str, drug: str) -> list[RuleSuggestion]:
    text = corpus.sources[source].text
    found = suggest_by_rules(text, vocab, drug)
    for s in found:  # every quote is the text's own characters
        assert text[s.start : s.end].strip() == text[s.start : s.end]
        assert 0 < s.confidence <= 1
    return found


def test_the_adult_dose_of_the_kineret_sheet(corpus: Corpus, vocab: Vocabulary) -> None:
    found = _suggest(corpus, vocab, "kineret-patient-sheet", "anakinra")
    dosing = [s for s in found if s.type == "dosing"]
    assert [dict(s.fields) for s in dosing] == [{
        "unit": "mg", "dose": 100.0, "dosing_frequency": "once a day", "interval_min_days": 1,
        "interval_max_days": 1, "population": "adults",
    }]  # fmt: skip
    curated = [
        c
        for c in corpus.claims
        if c.source == "kineret-patient-sheet" and c.claim.type.value == "dosing"
    ]
    assert any(c.claim.dose == 100 and c.claim.population == "adults" for c in curated)


def test_what_ilaris_must_not_be_combined_with_or_used_in(
    corpus: Corpus, vocab: Vocabulary
) -> None:
    found = _suggest(corpus, vocab, "ilaris-patient-page", "canakinumab")
    text = corpus.sources["ilaris-patient-page"].text
    interactions = [s for s in found if s.type == "interaction"]
    assert [(s.fields["object"], s.fields["recommendation"]) for s in interactions] == [
        ("TNFInhibitor", "must-not")
    ]
    assert "risk of infection" in str(interactions[0].fields["reason"])
    assert (
        "should not be combined with TNF inhibitors"
        in text[interactions[0].start : interactions[0].end]
    )
    contra = {s.fields["object"] for s in found if s.type == "contraindication"}
    assert "severe-infection" in contra


def test_no_suggestion_names_the_drug_itself(corpus: Corpus, vocab: Vocabulary) -> None:
    for source, drug in (
        ("kineret-patient-sheet", "anakinra"),
        ("ilaris-patient-page", "canakinumab"),
    ):
        assert all(s.fields.get("object") != drug for s in _suggest(corpus, vocab, source, drug))
