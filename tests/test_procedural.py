"""Procedural questions (*Kunt u deze vragen afzonderlijk beantwoorden?*) are recognised
by their form and weighed down in the ranking, never dropped (issue #16)."""

from __future__ import annotations

import pytest

from search import Index
from search.dutch.procedural import is_procedural
from search.engine import ranking


@pytest.mark.parametrize(
    "question",
    [
        # Real closing questions of the corpus, as the parser gives them.
        "Kunt u deze vragen afzonderlijk van elkaar beantwoorden?",
        "Kunt u deze vragen beantwoorden voor aanvang van het vervolg van de "
        "begrotingsbehandeling Buitenlandse Handel en Ontwikkelingshulp van woensdag 20 "
        "november 2024?",
        "Bent u bereid deze vragen binnen één week, voorafgaand aan de "
        "begrotingsbehandeling Justitie en Veiligheid, te beantwoorden?",
        "Zou u ieder van deze vragen afzonderlijk kunnen beantwoorden voor hetnotaoverleg "
        "MIRT op 25 november 2024?",
        "Kunt u deze vragen voor het Wetgevingsoverleg Water van 18 november as.beantwoorden?",
        "Bent u bereid om alle vragen apart te beantwoorden?",
        "Kunt u alle bovenstaande vragen stuk voor stuk beantwoorden?",
        "Wilt u deze vragen, in verband met het commissiedebat over de Herstelope-ratie "
        "kinderopvangtoeslag, vóór donderdag 7 november 2024 beantwoorden?",
        "KUNT U DEZE VRAGEN ÉÉN VOOR ÉÉN BEANTWOORDEN?",
    ],
)
def test_a_request_to_answer_the_questions_is_procedural(question: str) -> None:
    assert is_procedural(question)


@pytest.mark.parametrize(
    "question",
    [
        # A second sentence that asks something of substance.
        "Wilt u deze vragen uiterlijk 19 maart 2024 beantwoorden? Wilt u tot die tijd geen "
        "onomkeerbare stappen nemen?",
        "Kunt u deze vragen één voor één beantwoorden en kunt u de vragenbeantwoorden vóór "
        "december 2024? Toelichting: Deze vragen dienen ter aanvulling op eerdere vragen.",
        # Asks for something in the answer.
        "Kunt u in de beantwoording van deze vragen ook ingaan op de voortgang die wordt "
        "geleverd naar aanleiding van de motie van de leden Bikker en Omtzigt?",
        # About other questions than these, or not a request to the addressee.
        "Kunt u aangeven hoeveel Kamervragen het ministerie dit jaar te laat heeft beantwoord?",
        "Waarom zijn de vragen van de gemeente niet beantwoord?",
        "Heeft u kennisgenomen van het bericht «Kabinet laat vragen onbeantwoord»?",
        "",
    ],
)
def test_a_question_of_substance_is_not_procedural(question: str) -> None:
    assert not is_procedural(question)


def test_a_procedural_question_ranks_below_its_kamervraags_questions(
    fixture_index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Boswijk's fifth question asks only that the questions be answered before the
    debate on *Buitenlandse Handel en Ontwikkelingshulp*; short, it ranked first for
    `Boswijk ontwikkelingshulp`, above the four questions about development aid."""
    query = "Boswijk ontwikkelingshulp"
    procedural = "2024Z18792#5"

    def ranking_of(weight: float) -> tuple[list[str], int]:
        monkeypatch.setattr(ranking, "PROCEDURAL_WEIGHT", weight)
        results = fixture_index.search(query, limit=100)
        return [h.entry.entry_id for h in results.hits], results.total

    shipped = ranking.PROCEDURAL_WEIGHT
    assert shipped < 1.0
    plain, plain_total = ranking_of(1.0)
    weighed, weighed_total = ranking_of(shipped)
    assert plain[0] == procedural  # the fault, with the weight off
    assert weighed[0] != procedural
    # Below every question of its Kamervraag that is about development aid ...
    about = [e for e in weighed if e.startswith("2024Z18792#") and e != procedural]
    assert {"2024Z18792#1", "2024Z18792#2", "2024Z18792#3"} <= set(about)
    assert all(weighed.index(e) < weighed.index(procedural) for e in about[:3])
    # ... and still found and counted: a weight, not a filter.
    assert procedural in weighed
    assert weighed_total == plain_total
    assert sorted(weighed) == sorted(plain)
