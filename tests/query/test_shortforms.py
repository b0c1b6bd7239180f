"""Short forms of named-query parameters resolve against the release's own IRIs, never by
guessing: one IRI, or an error listing the candidates or the closest names."""

from __future__ import annotations

import pytest

from kg.build import BuildResult
from kg.query.named import ParamError, bind, load_queries
from kg.query.shortforms import ShortForms, local_name
from kg.rdf.vocab import DMKG, ID
from kg.store.embedded import open_release
from tests.support import ROOT

QUERIES = load_queries(ROOT / "queries")


@pytest.fixture(scope="module")
def forms(built: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> ShortForms:
    release = open_release(built.out, tmp_path_factory.mktemp("forms-cache"))
    return ShortForms.of_store(release.store)


@pytest.mark.parametrize(
    ("value", "iri"),
    [
        ("Child", f"{DMKG}Child"),
        ("dmkg:Child", f"{DMKG}Child"),
        ("anakinra", f"{ID}drug/anakinra"),
        ("dmkg.drug:anakinra", f"{ID}drug/anakinra"),
        ("dmkgid:drug/anakinra", f"{ID}drug/anakinra"),
        ("kineret-patient-sheet", f"{ID}source/kineret-patient-sheet"),
        ("MONDO:0008383", "http://purl.obolibrary.org/obo/MONDO_0008383"),
    ],
)
def test_short_forms_of_the_real_release(forms: ShortForms, value: str, iri: str) -> None:
    assert forms.resolve(value) == iri


def test_a_name_two_kinds_share_is_ambiguous_and_lists_both() -> None:
    forms = ShortForms.of([f"{ID}drug/x", f"{ID}target/x", f"{ID}drug/y"])
    with pytest.raises(ValueError, match=r"'x' is ambiguous .*: dmkgid:drug/x, dmkgid:target/x"):
        forms.resolve("x")
    assert forms.resolve("dmkg.target:x") == f"{ID}target/x"  # a CURIE says which


def test_unknown_names_suggest_the_closest(forms: ShortForms) -> None:
    with pytest.raises(ValueError, match=r"did you mean dmkg:Child or dmkgid:population/children"):
        forms.resolve("child")  # names are exact: the case variant is a suggestion, not a guess
    with pytest.raises(
        ValueError,
        match=r"no dmkgid:drug/anakinr in this release; did you mean dmkgid:drug/anakinra\?",
    ):
        forms.resolve("dmkg.drug:anakinr")
    with pytest.raises(ValueError, match=r"^no term or entity 'zzz' in this release$"):
        forms.resolve("zzz")


def test_evidence_and_other_namespaces_have_no_bare_name() -> None:
    assert local_name(f"{ID}evidence/0123/quote") is None
    assert local_name("http://purl.obolibrary.org/obo/HP_1") is None
    assert local_name(f"{ID}claim/indication-1") == "indication-1"


def test_bind_takes_short_forms_only_with_a_release(forms: ShortForms) -> None:
    query = QUERIES["dosing-for-age-group"]
    assert bind(query, {"age_group": "Child"}, forms=forms)["age_group"].value == f"{DMKG}Child"
    assert bind(query, {"age_group": "dmkg:Child"})["age_group"].value == f"{DMKG}Child"
    with pytest.raises(ParamError, match="expected an absolute http\\(s\\) IRI or a CURIE"):
        bind(query, {"age_group": "Child"})


def test_a_misspelt_parameter_name_is_named_with_the_right_one() -> None:
    with pytest.raises(
        ParamError,
        match=r"not a parameter of adverse-events \(it takes drug\); did you mean 'drug'\?",
    ):
        bind(QUERIES["adverse-events"], {"durg": "anakinra"})
