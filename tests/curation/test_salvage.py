"""The parts of a curation file that failed validation: what validates, at its index."""

from __future__ import annotations

from kg.curation.records import ClaimType
from kg.curation.salvage import parts

CLAIM = {"type": "indication", "subject": "anakinra", "object": "gout", "status": "studied",
         "evidence": [{"quote": "a quote"}]}  # fmt: skip


def test_valid_parts_keep_their_index_and_broken_claims_their_quotes() -> None:
    raw = {
        "source": "some-source",
        "claims": [CLAIM, {**CLAIM, "colour": "red", "subject": "Not A Ref!"}, "junk"],
        "notes": [{"kind": "typo", "quote": "x"}, {"kind": "typo", "quote": "abc", "note": "n"}],
    }
    found = parts(None, raw)
    assert found.source == "some-source"
    assert [i for i, _ in found.claims] == [0]
    assert [b.index for b in found.broken] == [1, 2]
    broken = found.broken[0]
    assert broken.type is ClaimType("indication") and [j for j, _ in broken.evidence] == [0]
    assert broken.failed == {"colour", "subject"}
    assert broken.ref("subject") is None, "a field that failed is not checked again"
    assert broken.ref("object") == "gout"
    assert [i for i, _ in found.notes] == [1]


def test_no_source_id_when_the_file_names_none_or_a_bad_one() -> None:
    assert parts(None, {"claims": []}).source is None
    assert parts(None, {"source": "Bad Id"}).source is None
    assert parts(None, ["not", "a", "mapping"]).source is None
