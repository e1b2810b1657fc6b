"""What a query means, in every form: filters restrict, words are alternatives, what is
not searched is said, and bad input is one clear error (issue #13).

These run on the seed plus the fixture corpus (``tests/data/corpus``): real documents, the
kind of counts a journalist would publish."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import search
from search import Filters, Index
from search.cli import main
from search.engine.syntax import MAX_CLAUSES, parse
from search.errors import FilterError, QuerySyntaxError, SearchError
from search.models import SearchResults

#: (query form, the same query's words, the same filter as Filters, as CLI flags).
FILTER_FORMS = [
    ("partij:D66 jeugdzorg", "jeugdzorg", Filters(party="D66"), ["--party", "D66"]),
    ("lid:Bromet stikstof", "stikstof", Filters(member="Bromet"), ["--lid", "Bromet"]),
    (
        'minister:"Asiel en Migratie" noodopvang',
        "noodopvang",
        Filters(ministry="Asiel en Migratie"),
        ["--ministerie", "Asiel en Migratie"],
    ),
    (
        "stikstof datum:2022-01-01..2023-12-31",
        "stikstof",
        Filters(date_from="2022-01-01", date_to="2023-12-31"),  # type: ignore[arg-type]
        ["--from", "2022-01-01", "--to", "2023-12-31"],
    ),
    ("jaar:2024 asiel", "asiel", Filters(year=2024), ["--jaar", "2024"]),
    (
        "vergaderjaar:2024-2025 asiel",
        "asiel",
        Filters(session="2024-2025"),
        ["--vergaderjaar", "2024-2025"],
    ),
    ("status:beantwoord asiel", "asiel", Filters(status="answered"), ["--answered"]),
    ("status:uitgesteld *", "*", Filters(status="delayed"), ["--delayed"]),
    # None of the CDA's questions in the fixtures is about asylum: a filter never adds.
    ("partij:CDA asiel", "asiel", Filters(party="CDA"), ["--partij", "CDA"]),
]
#: The pairs whose answer is rightly empty.
EMPTY = {"partij:CDA asiel"}


def _view(results: SearchResults) -> tuple[Any, ...]:
    return (
        results.total,
        results.related,
        [(h.entry_id, h.related, round(h.score, 6)) for h in results.hits],
        results.facets,
    )


def _meets(entry: search.Question, filters: Filters) -> bool:
    """Whether an entry meets a filter, judged from its own data (not the index)."""
    from search.dutch.parliament import party_key, session_range

    if filters.party and party_key(filters.party) not in {party_key(p) for p in entry.parties}:
        return False
    if filters.member and not any(filters.member.lower() in m.name.lower() for m in entry.members):
        return False
    if filters.ministry:
        names = " ".join((*entry.addressees, entry.answered_by or "")).lower()
        if not all(w in names for w in filters.ministry.lower().split() if len(w) > 2):
            return False
    day = entry.submitted  # every date filter counts the submission date
    if filters.date_from and not (day and day >= filters.date_from):
        return False
    if filters.date_to and not (day and day <= filters.date_to):
        return False
    if filters.year and not (day and day.year == filters.year):
        return False
    if filters.session:
        span = session_range(filters.session)
        assert span
        if not (day and span[0] <= day <= span[1]):
            return False
    return not (filters.status and entry.status != filters.status)


@pytest.mark.parametrize(("query", "words", "filters", "flags"), FILTER_FORMS)
def test_query_filter_equals_flag_in_the_library(
    fixture_index: Index, query: str, words: str, filters: Filters, flags: list[str]
) -> None:
    as_query = fixture_index.search(query, limit=500, facets=True)
    as_flag = fixture_index.search(words, filters=filters, limit=500, facets=True)
    assert (as_query.total == 0) == (query in EMPTY)
    assert _view(as_query) == _view(as_flag)
    # A filter restricts: never more than the words alone, and every hit meets it.
    unfiltered = fixture_index.search(words, limit=1)
    assert as_query.total <= unfiltered.total
    for hit in as_query.hits:
        assert _meets(hit.entry, filters), hit.entry_id
        if words != "*" and not hit.related:
            assert hit.matched_in, hit.entry_id  # and matches at least one word
    # Given twice (query and flag), a filter is the same filter.
    both = fixture_index.search(query, filters=filters, limit=500, facets=True)
    assert _view(both) == _view(as_query)


@pytest.mark.parametrize(("query", "words", "filters", "flags"), FILTER_FORMS)
def test_query_filter_equals_flag_in_the_cli(
    fixture_index_path: Path, query: str, words: str, filters: Filters, flags: list[str]
) -> None:
    runner = CliRunner()
    common = ["--index-dir", str(fixture_index_path), "--json", "--limit", "500"]
    as_query = runner.invoke(main, ["search", query, *common])
    as_flag = runner.invoke(main, ["search", words, *flags, *common])
    assert as_query.exit_code == 0 and as_flag.exit_code == 0, as_query.output + as_flag.output
    q, f = json.loads(as_query.stdout), json.loads(as_flag.stdout)
    assert q["total"] == f["total"]
    assert (q["total"] == 0) == (query in EMPTY)
    assert [h["entry_id"] for h in q["hits"]] == [h["entry_id"] for h in f["hits"]]
    assert q["facets"] == f["facets"]


def test_filters_of_one_kind_intersect(fixture_index: Index) -> None:
    # Two parties: entries asked by members of both; a flag and a query filter that
    # disagree: nothing (a filter never widens the results).
    assert fixture_index.search("jaar:2023 jaar:2024 asiel").total == 0
    assert fixture_index.search("partij:SP asiel", filters=Filters(party="PVV")).total == 0
    both = fixture_index.search("* partij:SP partij:D66", limit=200).hits
    assert both and all({"SP", "D66"} <= set(h.entry.parties) for h in both)


def test_filter_alone_lists_newest_first(fixture_index: Index) -> None:
    alone = fixture_index.search("partij:D66", limit=200)
    star = fixture_index.search("*", filters=Filters(party="D66"), limit=200)
    assert _view(alone) == _view(star)
    days = [h.entry.submitted for h in alone.hits if h.entry.submitted]
    assert days == sorted(days, reverse=True)


# --- words as arguments --------------------------------------------------------------


def _cli_json(runner: CliRunner, index: Path, *args: str) -> dict[str, Any]:
    result = runner.invoke(main, ["search", *args, "--index-dir", str(index), "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_several_words_are_one_query(fixture_index_path: Path) -> None:
    runner = CliRunner()
    separate = _cli_json(runner, fixture_index_path, "mensenrechten", "china")
    together = _cli_json(runner, fixture_index_path, "mensenrechten china")
    assert separate["total"] == together["total"] > 0
    assert separate["hits"] == together["hits"]
    # A field argument whose quotes the shell removed keeps its words together.
    unquoted = _cli_json(runner, fixture_index_path, "minister:Asiel en Migratie", "noodopvang")
    quoted = _cli_json(runner, fixture_index_path, 'minister:"Asiel en Migratie" noodopvang')
    assert unquoted["total"] == quoted["total"] > 0


def test_a_first_word_with_a_minus_is_an_exclusion(fixture_index_path: Path) -> None:
    runner = CliRunner()
    expected = _cli_json(runner, fixture_index_path, "-stikstof landbouw")
    assert 0 < expected["total"] < _cli_json(runner, fixture_index_path, "landbouw")["total"]
    assert _cli_json(runner, fixture_index_path, "-stikstof", "landbouw") == expected
    after_dashes = runner.invoke(
        main,
        ["search", "--index-dir", str(fixture_index_path), "--json", "--", "-stikstof", "landbouw"],
    )
    assert json.loads(after_dashes.stdout) == expected
    # A short option with its number attached is still the option.
    limited = _cli_json(runner, fixture_index_path, "-stikstof", "landbouw", "-n3")
    assert len(limited["hits"]) == 3


def test_words_as_arguments_through_a_subprocess(fixture_index_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "search", "search", "-stikstof", "landbouw", "--json"],
        capture_output=True,
        text=True,
        env={"KVSEARCH_INDEX": str(fixture_index_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["normalized"] == "-stikstof landbouw" and data["total"] > 0
    empty = subprocess.run(
        [sys.executable, "-m", "search", "search"],
        capture_output=True,
        text=True,
        env={"KVSEARCH_INDEX": str(fixture_index_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert empty.returncode == 2
    assert empty.stderr.startswith("Fout: geef een zoekvraag") and empty.stderr.count("\n") == 1


# --- normalisation ---------------------------------------------------------------------


def test_decomposed_and_invisible_characters_find_what_the_plain_query_finds(
    fixture_index: Index,
) -> None:
    composed = fixture_index.search("Oekraïne", limit=100)
    assert composed.total > 0
    decomposed = unicodedata.normalize("NFD", "Oekraïne")
    assert decomposed != "Oekraïne"
    assert _view(fixture_index.search(decomposed, limit=100)) == _view(composed)
    plain = fixture_index.search("stikstof", limit=100)
    for noisy in ("stik\u200bstof", "\ufeffstikstof", "stikstof\x07", "stik\u00adstof"):
        assert _view(fixture_index.search(noisy, limit=100)) == _view(plain), repr(noisy)
    # Typographic quotes are quotes.
    assert _view(fixture_index.search("„social credit”")) == _view(
        fixture_index.search('"social credit"')
    )


# --- fuzzy and prefix ------------------------------------------------------------------


@pytest.mark.parametrize("word", ["stikstof", "klimaat", "gezichtsherkenning", "asiel"])
def test_fuzzy_and_prefix_never_find_less_than_the_word(fixture_index: Index, word: str) -> None:
    def ids(q: str) -> set[str]:
        return {h.entry_id for h in fixture_index.iter_hits(q, related=False)}

    plain = ids(word)
    assert plain
    assert plain <= ids(f"{word}~")
    assert plain <= ids(f"{word}~2")
    assert plain <= ids(f"{word}*")


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("stikstof~5", "fuzzy-distance"),
        ("stikstof~0", "fuzzy-distance"),
        ("a*", "prefix-short"),
        ("de~2", "fuzzy-short"),
        (" ".join(f"woord{i}" for i in range(MAX_CLAUSES + 1)), "too-long"),
    ],
)
def test_unsearchable_parts_are_refused_clearly(
    fixture_index_path: Path, query: str, code: str
) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse(query)
    assert caught.value.code == code
    result = CliRunner().invoke(main, ["search", query, "--index-dir", str(fixture_index_path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("Fout: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_repeated_parts_count_once() -> None:
    parsed = parse('"van de" ' * 30 + "klimaat* " * 100)
    assert [str(c) for c in parsed.clauses] == ['"van de"', "klimaat*"]


def test_a_prefix_that_stands_for_too_many_words_is_refused(
    fixture_index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    import search.engine.pipeline as pipeline

    assert fixture_index.search("ver*", limit=1).total > 0
    monkeypatch.setattr(pipeline, "MAX_EXPANSIONS", 10)
    with pytest.raises(QuerySyntaxError) as caught:
        fixture_index.search("ver*")
    assert caught.value.code == "too-broad" and caught.value.part == "ver*"


# --- unknown words and corrections ------------------------------------------------------


def test_unknown_words_are_reported(fixture_index_path: Path, fixture_index: Index) -> None:
    results = fixture_index.search("F-35 onderdelen")
    assert results.unknown_words == ("F-35",)
    assert results.total > 0  # onderdelen still searched
    out = CliRunner().invoke(
        main, ["search", "F-35", "onderdelen", "--index-dir", str(fixture_index_path)]
    )
    assert out.stdout.splitlines()[0] == "Niet gevonden: F-35"
    data = _cli_json(CliRunner(), fixture_index_path, "F-35 onderdelen")
    assert data["unknown_words"] == ["F-35"] and data["corrected"] == {}


def test_a_name_is_a_known_word(fixture_index: Index) -> None:
    # Boswijk occurs only as a member's name: not unknown, not split into bos + wijk.
    results = fixture_index.search("Boswijk ontwikkelingshulp")
    assert results.unknown_words == () and results.corrections == ()
    assert "members" in results.hits[0].matched_in


@pytest.mark.parametrize(
    "query",
    [
        "buffels pfas",  # real words / short words: never "buffers pas"
        "hoe lang duurt",  # duurt is Dutch, not a typo of duur
        "NAVOO-top",  # an acronym
        "kamerbrief2024",  # digits
    ],
)
def test_no_correction_of_words_that_are_no_typos(fixture_index: Index, query: str) -> None:
    results = fixture_index.search(query)
    assert results.suggestion is None
    assert not [c for c in results.corrections if " " not in c[1]]


def test_typos_are_corrected_and_can_be_searched_as_typed(seed_index: Index) -> None:
    corrected = seed_index.search("gezichtsherkening")
    assert corrected.suggestion == "gezichtsherkenning"
    assert corrected.corrections == (("gezichtsherkening", "gezichtsherkenning"),)
    assert corrected.unknown_words == ("gezichtsherkening",) and corrected.total > 0
    for as_typed in (
        seed_index.search("gezichtsherkening", exact=True),
        seed_index.search('"gezichtsherkening"'),
    ):
        assert as_typed.suggestion is None and as_typed.total == 0


def test_a_real_word_is_corrected_only_to_another_form_of_itself(fixture_index: Index) -> None:
    # bezuinigd occurs nowhere, and the stemmer does not join it with bezuinigen.
    results = fixture_index.search("bezuinigd brandweer")
    assert results.corrections == (("bezuinigd", "bezuinigen"),)
    assert results.suggestion == "bezuinigen brandweer"


def test_exact_flag_in_the_cli(seed_index_path: Path) -> None:
    data = _cli_json(CliRunner(), seed_index_path, "gezichtsherkening", "--exact")
    assert data["total"] == 0 and data["suggestion"] is None
    assert data["unknown_words"] == ["gezichtsherkening"]


# --- stop words, empty and invalid input --------------------------------------------------


def test_only_stop_words_search_nothing_and_say_so(
    fixture_index: Index, fixture_index_path: Path
) -> None:
    results = fixture_index.search("de het een van wat waarom")
    assert results.total == 0 and results.hits == ()
    assert results.ignored == ("de", "het", "een", "van", "wat", "waarom")
    out = CliRunner().invoke(
        main, ["search", "de het een van wat waarom", "--index-dir", str(fixture_index_path)]
    )
    assert out.exit_code == 0
    assert out.stdout.startswith("Alleen veelvoorkomende woorden (de, het, een, van, wat, waarom)")
    # In quotes they are searched.
    assert fixture_index.search('"het is"').total > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x", "--answered", "--unanswered"], "--answered en --unanswered sluiten elkaar uit"),
        (["datum:2024-13-01..2024-02-30"], "datum:2024-13-01..2024-02-30 is geen datum"),
        (["x", "--from", "2024-13-45"], "'2024-13-45' is geen datum"),
        (["x", "--from", "2024-06-01", "--to", "2024-01-01"], "de periode eindigt"),
        (["x", "--group", "--format", "csv"], "--group geldt niet voor --format csv"),
        (["x", "--facets", "--format", "jsonl"], "--facets geldt niet voor --format jsonl"),
        (["vergaderjaar:0000"], "'0000' is geen vergaderjaar"),
        (["vergaderjaar:9999"], "'9999' is geen vergaderjaar"),
        (["x", "--session", "0000"], "'0000' is geen vergaderjaar"),
        (["jaar:0000"], "'0000' is geen jaar"),
        (["x", "--jaar", "0"], "'0' is geen jaar"),
        (["status:klaar"], "'klaar' is geen status"),
        (["x", "--sort", "newest"], "newest"),
        ([""], "geef een zoekvraag"),
    ],
)
def test_invalid_input_is_one_dutch_line_and_exit_2(
    seed_index_path: Path, args: list[str], message: str
) -> None:
    result = CliRunner().invoke(main, ["search", *args, "--index-dir", str(seed_index_path)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Fout: ") and message in result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""


# --- every hit says why it is there -------------------------------------------------------


def test_hits_say_where_they_matched_and_mark_their_metadata(
    fixture_index: Index, fixture_index_path: Path
) -> None:
    results = fixture_index.search("asiel", related=False, limit=200)
    assert results.total == len(results.hits) > 20
    only_addressee = [h for h in results.hits if h.matched_in == ("addressees",)]
    assert only_addressee, "the fixtures have entries that match only their addressee"
    for hit in results.hits:
        assert hit.matched_in, hit.entry_id
        marked = {m.field: m for m in hit.marked}
        for field in ("subject", "members", "addressees"):
            assert (field in hit.matched_in) == (field in marked), (hit.entry_id, field)
    marked = {m.field: m for m in only_addressee[0].marked}
    assert "asiel" in [w.lower() for w in marked["addressees"].matches]
    # JSON and the text output show the same.
    data = _cli_json(CliRunner(), fixture_index_path, "asiel", "--only-matches", "-n", "200")
    by_id = {h["entry_id"]: h for h in data["hits"]}
    hit = by_id[only_addressee[0].entry_id]
    assert hit["matched_in"] == ["addressees"] and "**Asiel**" in hit["marked"]["addressees"]
    text = (
        CliRunner()
        .invoke(
            main,
            [
                "search",
                "asiel",
                "--only-matches",
                "-n",
                "200",
                "--index-dir",
                str(fixture_index_path),
            ],
        )
        .stdout
    )
    assert "aan: " in text and "**Asiel**" in text
    # A member or party match is marked in the member line.
    party = fixture_index.search("partij:SP asiel", related=False).hits[0]
    assert "members" in {m.field for m in party.marked}
    assert "**SP**" in next(m for m in party.marked if m.field == "members").marked()


def test_related_hits_match_nothing_themselves(fixture_index: Index) -> None:
    results = fixture_index.search('"social credit"', limit=50)
    related = [h for h in results.hits if h.related]
    assert related and all(h.matched_in == () and h.marked == () for h in related)


# --- the library is as strict as the CLI ------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"year": "twintig"}, "year"),
        ({"year": 0}, "year"),
        ({"date_from": "2024-13-01"}, "date_from"),
        ({"date_from": 20240101}, "date_from"),
        ({"status": "klaar"}, "status"),
        ({"session": "0000"}, "session"),
        ({"session": "2023-2025"}, "session"),
        ({"party": ""}, "party"),
        ({"date_from": "2024-06-01", "date_to": "2024-01-01"}, "date_to"),
    ],
)
def test_bad_filters_raise_filter_error_when_made(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(FilterError) as caught:
        Filters(**kwargs)
    assert isinstance(caught.value, SearchError)
    assert caught.value.field == field
    assert caught.value.value == kwargs[field]


def test_filters_accept_iso_strings_and_both_languages(fixture_index: Index) -> None:
    from datetime import date

    given: dict[str, Any] = {"year": "2024", "date_from": "2024-01-01", "status": "beantwoord"}
    filters = Filters(**given)
    assert filters == Filters(year=2024, date_from=date(2024, 1, 1), status="answered")
    assert fixture_index.search("asiel", filters=filters).total > 0
    assert Filters(status="uitgesteld") == Filters(status="delayed")
    assert Filters(session="2023") == Filters(session="2023-2024") == Filters(session="2023-24")


def test_bad_arguments_are_search_errors(fixture_index: Index) -> None:
    with pytest.raises(FilterError) as caught:
        fixture_index.search("asiel", sort="newest")
    assert caught.value.field == "sort" and caught.value.value == "newest"
    with pytest.raises(FilterError):
        fixture_index.search("vergaderjaar:0000")
    with pytest.raises(FilterError):
        list(fixture_index.iter_hits("jaar:0000"))


def test_every_error_class_is_importable_from_search() -> None:
    import search.errors as errors

    classes = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, SearchError)
    }
    assert classes <= set(search.__all__), classes - set(search.__all__)


def test_snippet_str_and_lookups(seed_index: Index) -> None:
    hit = seed_index.search("gezichtsherkenning").hits[0]
    assert str(hit.snippet) == hit.snippet.marked() and "**" in str(hit.snippet)
    # Look-ups return nothing for an unknown id; an operation on an entry raises.
    assert seed_index.get("2019Z12806#99") is None
    assert seed_index.document("2019Z99999") == ()
    with pytest.raises(search.EntryNotFoundError):
        seed_index.similar("2019Z12806#99")


def test_a_text_match_ranks_above_a_match_in_the_addressee_alone(tmp_path: Path) -> None:
    """Two Kamervragen alike but for where *asiel* stands: in a question, or only in
    the addressee (Minister van Asiel en Migratie)."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    intro = (
        "Vragen van het lid **{member}** (SP) aan de {minister} over *de opvang in Ter Apel* "
        "(ingezonden 2 oktober 2024)."
    )
    for name, member, minister, word in (
        ("a", "Jansen", "Minister van Asiel en Migratie", "hulp"),
        ("b", "Pietersen", "Minister van Justitie en Veiligheid", "asiel"),
    ):
        doc = "2024Z9000" + ("1" if name == "a" else "2")
        (seeds / f"{name}.txt").write_text(
            f"## {doc}\n\n{intro.format(member=member, minister=minister)}\n\n"
            f"### Vraag 1\n\nHoeveel mensen vroegen {word} aan in Ter Apel in september?\n\n"
            "### Vraag 2\n\nHoeveel mensen sliepen buiten in Ter Apel in september?\n",
            encoding="utf-8",
        )
    with Index.build(tmp_path / "index", [seeds]) as index:
        hits = index.search("asiel", related=False).hits
    assert [(h.entry_id, h.matched_in) for h in hits] == [
        ("2024Z90002#1", ("question",)),
        ("2024Z90001#1", ("addressees",)),
        ("2024Z90001#2", ("addressees",)),
    ]
