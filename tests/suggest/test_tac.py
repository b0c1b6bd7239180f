"""TAC record I/O on the real training file: round trip, and every kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kg.suggest.tac import TacFormatError, dump_records, load_records, parse_records, write_records
from tests.support import ROOT

TRAIN = ROOT / "data" / "external" / "tac2017" / "train.json"


@pytest.fixture(scope="module")
def raw() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(TRAIN.read_text(encoding="utf-8"))
    return data


def test_real_file_loads_with_the_sets_facts() -> None:
    records = load_records(TRAIN)
    assert len(records) == 239
    assert len({r.label_id for r in records}) == 101
    events = [e for r in records for e in r.adverse_events]
    assert len(events) == 7652
    assert sum(e.start is None for e in events) == 639
    # every located offset is the mention's first case-insensitive occurrence in its section
    for r in records:
        low = r.section_text.lower()
        for e in r.adverse_events:
            if e.start is not None:
                assert low.find(e.mention) == e.start


def test_round_trip_keeps_every_field(tmp_path: Path, raw: list[dict[str, Any]]) -> None:
    records = load_records(TRAIN)
    out = tmp_path / "copy.json"
    write_records(records, out)
    again = load_records(out)
    assert again == records
    assert json.loads(out.read_text(encoding="utf-8")) == raw  # the set's own shape and types
    assert dump_records(again) == out.read_text(encoding="utf-8")


def test_input_events_can_be_ignored(raw: list[dict[str, Any]]) -> None:
    bare = [{k: v for k, v in r.items() if k != "adverse_events"} for r in raw[:3]]
    records = parse_records(bare, "in.json", events=False)
    assert [r.adverse_events for r in records] == [(), (), ()]
    with pytest.raises(
        TacFormatError, match=r"in\.json: record 0: missing field\(s\) adverse_events"
    ):
        parse_records(bare, "in.json")


def _bad(raw: list[dict[str, Any]], tmp_path: Path, change: Any) -> str:
    data = json.loads(json.dumps(raw[:2]))
    change(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(TacFormatError) as info:
        load_records(path)
    message = str(info.value)
    assert str(path) in message
    return message


def test_malformed_json_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[{"label_id": "X",', encoding="utf-8")
    with pytest.raises(TacFormatError, match=r"broken\.json: malformed JSON"):
        load_records(path)


def test_not_a_list_and_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "obj.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(TacFormatError, match="expected a JSON list"):
        load_records(path)
    path.write_text("[1]", encoding="utf-8")
    with pytest.raises(TacFormatError, match="record 0: a record must be an object"):
        load_records(path)


def test_missing_field(raw: list[dict[str, Any]], tmp_path: Path) -> None:
    msg = _bad(raw, tmp_path, lambda d: d[1].pop("section_text"))
    assert "record 1: missing field(s) section_text" in msg


def test_offsets_outside_the_text(raw: list[dict[str, Any]], tmp_path: Path) -> None:
    def change(d: Any) -> None:
        d[1]["adverse_events"][0][5] = str(len(d[1]["section_text"]) - 2)

    msg = _bad(raw, tmp_path, change)
    assert "record 1, adverse event 0: offsets" in msg and "outside the section text" in msg


def test_mention_not_at_its_offsets(raw: list[dict[str, Any]], tmp_path: Path) -> None:
    def change(d: Any) -> None:
        d[0]["adverse_events"][2][5] = str(int(d[0]["adverse_events"][2][5]) + 1)

    msg = _bad(raw, tmp_path, change)
    assert "record 0, adverse event 2: text[" in msg and "not the mention" in msg


def test_length_disagrees_with_mention(raw: list[dict[str, Any]], tmp_path: Path) -> None:
    def change(d: Any) -> None:
        d[0]["adverse_events"][0][6] = "99"

    assert "record 0, adverse event 0: length 99" in _bad(raw, tmp_path, change)


def test_offset_not_a_number_and_short_event(raw: list[dict[str, Any]], tmp_path: Path) -> None:
    def nan(d: Any) -> None:
        d[0]["adverse_events"][0][5] = "12a"

    assert "start must be a whole number" in _bad(raw, tmp_path, nan)

    def short(d: Any) -> None:
        d[0]["adverse_events"][3] = d[0]["adverse_events"][3][:5]

    assert "record 0, adverse event 3: an adverse event must be a list of 8" in _bad(
        raw, tmp_path, short
    )
