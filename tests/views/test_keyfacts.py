"""Key facts, the neighbourhood and the dosing chart of the real monographs: every fact is a
claim of the release, with the status, dose and frequency its source gives."""

from __future__ import annotations

from kg.rdf.vocab import ID
from kg.views.keyfacts import KeyFacts, key_facts
from kg.views.pictures import dosing_chart, neighbourhood
from kg.views.reader import Reader


def facts_of(reader: Reader, path: str) -> KeyFacts:
    m = reader.monograph(ID + path)
    assert m is not None
    return key_facts(reader, m)


def test_indications_carry_their_status_labelled_first(reader: Reader) -> None:
    facts = facts_of(reader, "drug/anakinra")
    got = [(f.condition.id if f.condition else None, f.status.label if f.status else None)
           for f in facts.indications]  # fmt: skip
    assert ("renal-amyloidosis", "observed") in got  # the poster's 3 patients: not an indication
    assert got[-1] == ("renal-amyloidosis", "observed")  # observed sorts last
    amyloidosis = facts.indications[-1]
    assert amyloidosis.study is not None and amyloidosis.study.id == "pontikaki-2008-anakinra-sojia"
    assert (
        amyloidosis.quote == "In 3 patients Anakinra was efficacious in renal amiloidosis as well."
    )


def test_doses_read_as_people_write_them_by_population_and_weight(reader: Reader) -> None:
    rows = [(f.population.id if f.population else None, f.dose, f.weight.text if f.weight else "")
            for f in facts_of(reader, "drug/anakinra").dosing]  # fmt: skip
    assert ("adults", "100 mg once daily, subcutaneous", "") in rows
    assert ("weight-under-50-kg", "1\u20132 mg/kg daily", "< 50 kg") in rows
    assert ("weight-over-50-kg", "100 mg daily", "> 50 kg") in rows
    single = [f.dose for f in facts_of(reader, "drug/canakinumab").dosing]
    assert "150 mg single dose, injection, route not stated" in single


def test_adverse_events_and_what_to_avoid(reader: Reader) -> None:
    facts = facts_of(reader, "drug/canakinumab")
    events = {f.event.id: f.frequency for f in facts.adverse if f.event}
    assert len(events) == 9 and set(events.values()) == {"common"}
    avoid = {(f.what.id if f.what else None): f for f in facts.avoid}
    live = avoid["LiveVaccine"]
    assert live.recommendation is not None and live.recommendation.label == "avoid"
    assert {r.id for r in live.members} == {
        "yellow-fever-vaccine",
        "rotavirus-vaccine",
        "mmr-vaccine",
    }
    assert avoid["TNFInhibitor"].reason == "the risk of infection increases"
    assert avoid["severe-infection"].kind == "contraindication"
    assert facts.avoid[0].recommendation is not None  # strongest advice first
    assert [f.target.id for f in facts.targets if f.target] == ["interleukin-1"]


def test_an_object_entity_lists_the_drugs_naming_it(reader: Reader) -> None:
    facts = facts_of(reader, "condition/rheumatoid-arthritis")
    assert not facts.about
    [fact] = facts.indications
    assert fact.subject is not None and fact.subject.id == "anakinra"
    assert fact.status is not None and fact.status.label == "not reimbursed"


def test_the_neighbourhood_edges_carry_status_and_advice(reader: Reader) -> None:
    m = reader.monograph(ID + "drug/anakinra")
    assert m is not None
    picture = neighbourhood(m, key_facts(reader, m))
    assert picture is not None and picture.nodes[0].kind == "center"
    edges = {(e.target.rsplit("/", 1)[-1], e.label, e.status) for e in picture.edges}
    assert ("renal-amyloidosis", "indicated: observed", "observed") in edges
    assert ("interleukin-1-receptor", "antagonism", None) in edges
    assert ("BiologicalDMARD", "interaction: avoid generally", "avoid generally") in edges
    assert {n.id for n in picture.nodes} >= {e.target for e in picture.edges}


def test_the_dosing_chart_spans_the_weight_bands(reader: Reader) -> None:
    chart = dosing_chart(facts_of(reader, "drug/anakinra"))
    assert chart is not None
    bars = {b.label: (b.low, b.high, b.open_low, b.open_high) for b in chart.bars}
    assert bars["1\u20132 mg/kg daily (patients weighing under 50 kg)"] == (0.0, 50.0, True, False)
    assert bars["100 mg daily (patients weighing over 50 kg)"] == (
        50.0,
        chart.axis_max,
        False,
        True,
    )
    assert dosing_chart(facts_of(reader, "drug/canakinumab")) is not None  # children over 40 kg
    assert dosing_chart(facts_of(reader, "condition/gout-attack")) is None
