"""Pinned Dutch search behaviour: word forms, compounds, diacritics, phrases, typos."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.resources import files

import pytest

from search import Index
from search.dutch.analysis import analyze
from search.dutch.places import related_stems
from tests.conftest import SEEDS, VARIANTS


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    path = tmp_path_factory.mktemp("relevance") / "index"
    with Index.build(path, [SEEDS, *VARIANTS]) as opened:
        yield opened


def _ids(index: Index, query: str, n: int = 10) -> list[str]:
    """The entries that match ``query`` themselves (not their neighbours)."""
    return [h.entry_id for h in index.search(query, limit=n, related=False).hits]


def test_schending_mensenrechten_finds_the_compound_only_questions(index: Index) -> None:
    # Vraag 1, 2 and 6 only say "mensenrechtenschendingen"; 3 says both words apart.
    assert set(_ids(index, "schending mensenrechten", 4)) == {
        f"2019Z12806#{n}" for n in (1, 2, 3, 6)
    }


def test_part_of_a_compound_finds_it(index: Index) -> None:
    # The variant seed has only "stikstofuitstoot".
    assert _ids(index, "stikstof")[0] == "2024Z00001#1"
    assert _ids(index, "uitstoot")[:2] == ["2024Z00001#4", "2024Z00001#1"]  # #4 says "uitstoot"
    assert _ids(index, "gezichtsherkenning")[:2] == ["2019Z12806#4", "2019Z12806#7"]


def test_diacritics_do_not_matter(index: Index) -> None:
    assert _ids(index, "financiele") == _ids(index, "financiële") == ["2024Z00001#2"]
    assert _ids(index, "Oekraine") == _ids(index, "Oekraïne") == ["2024Z00001#4"]


def test_negation_inside_a_phrase_is_kept(index: Index) -> None:
    # #2 asks "Is dat niet wenselijk?"; its answer says "dat dit wenselijk is".
    assert _ids(index, '"niet wenselijk"') == ["2024Z00001#2"]
    results = index.search('"dit wenselijk"', related=False)
    assert [h.snippet.field for h in results.hits] == ["answer"]


def test_typo_is_suggested_and_searched(index: Index) -> None:
    results = index.search("gezichtsherkening")
    assert results.suggestion == "gezichtsherkenning"
    assert [h.entry_id for h in results.hits][:2] == ["2019Z12806#4", "2019Z12806#7"]


def test_question_style_query_keeps_its_meaning(index: Index) -> None:
    results = index.search("wat doet de minister tegen de stikstofuitstoot van datacentra")
    assert results.normalized == "minister tegen stikstofuitstoot datacentra"
    # In a collection this small every word is common: #4 matches all four words
    # (stikstofuitstoot and datacentra through its subject), #1 three of them.
    assert [h.entry_id for h in results.hits[:2]] == ["2024Z00001#4", "2024Z00001#1"]


@pytest.mark.whole_corpus  # commonness applies from 200 entries on: not to the fixtures
def test_words_every_kamervraag_shares_weigh_little(corpus_index: Index) -> None:
    # minister is in nearly every entry (the addressee), so the entries whose subject
    # happens to say "minister" no longer come before the waiting lists.
    hits = corpus_index.search("wat doet de minister tegen wachtlijsten", related=False).hits
    assert "wachtlijst" in (hits[0].entry.question + hits[0].entry.answer).lower()


def test_members_and_parties_are_searchable_words(index: Index) -> None:
    assert _ids(index, "Ploumen sancties")[0] == "2019Z12806#6"
    assert set(_ids(index, "Lahlah")) == {"2024Z00002#1"}


def test_a_country_finds_its_adjective_and_marks_it(seed_index: Index) -> None:
    # Vraag 4 says "uw Chinese collega" and never "China".
    results = seed_index.search("China", related=False, limit=20)
    hit = next(h for h in results.hits if h.entry_id == "2019Z12806#4")
    assert "Chinese" in hit.snippet.matches
    assert "China" not in hit.entry.question
    # ...but below the entries that name the country itself.
    assert results.hits[0].entry_id != "2019Z12806#4"


def test_place_table_joins_the_forms_of_one_place_only() -> None:
    assert related_stems(analyze("Tunesische")[0]) >= {analyze("Tunesië")[0]}
    assert analyze("Libische")[0] not in related_stems(analyze("Tunesië")[0])
    assert related_stems(analyze("kustwacht")[0]) == frozenset()


def test_place_forms_are_stemmed_only_where_a_word_can_be_one() -> None:
    # The table as it was built whole: every stem of a line relates to the others.
    text = files("search.dutch").joinpath("data", "places_nl.tsv").read_text(encoding="utf-8")
    table: dict[str, set[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            stems = {s[0] for s in map(analyze, line.split("\t")) if len(s) == 1}
            for stem in stems:
                table.setdefault(stem, set()).update(stems - {stem})
    others = [analyze(w)[0] for w in ("kustwacht", "chin", "c", "amerikanen", "belg", "e")]
    for stem in [*table, *others]:
        assert related_stems(stem) == frozenset(table.get(stem, ())), stem


FORMS_SEED = """## 2025Z00001

Vragen van het lid **Jansen** (SP) aan de Minister van Klimaat (ingezonden 3 maart 2025).

### Vraag 1

Welke adviezen heeft de Raad gegeven over nieuwe technologieën?

### Antwoord 1

Geen.

### Vraag 2

Hoe groot is het stikstofverlies van melkveebedrijven?

### Antwoord 2

Dat is niet bekend.

### Vraag 3

Volgt u het advies over de technologie van warmtepompen?

### Antwoord 3

Ja.

### Vraag 4

Hoe groot zijn de stikstofverliezen in de akkerbouw?

### Antwoord 4

Dat is onbekend.
"""


@pytest.fixture(scope="module")
def forms_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    seeds = tmp_path_factory.mktemp("forms")
    (seeds / "forms.txt").write_text(FORMS_SEED, encoding="utf-8")
    with Index.build(seeds.parent / "forms-index", [seeds]) as opened:
        yield opened


@pytest.mark.parametrize(
    ("query", "entries"),
    [
        # #16: the forms the -ies rule and the z/s alternation used to keep apart.
        ("advies", {1, 3}),
        ("adviezen", {1, 3}),
        ("stikstofverlies", {2, 4}),
        ("stikstofverliezen", {2, 4}),
        # The plural -ën after -ie, typed with or without its diaeresis.
        ("technologie", {1, 3}),
        ("technologieën", {1, 3}),
        ("technologieen", {1, 3}),
    ],
)
def test_word_forms_find_each_other(forms_index: Index, query: str, entries: set[int]) -> None:
    assert set(_ids(forms_index, query)) == {f"2025Z00001#{n}" for n in entries}
