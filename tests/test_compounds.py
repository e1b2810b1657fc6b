"""The compound splitter: a golden table of real parliamentary compounds, words that must
stay whole, the terms the analyzer emits, and the shipped lexicon.

Figures on these tables (COMPOUNDS_VERSION 1, lexicon 3c2e763fd6a5): exact split 56 of 58
(0.966), part precision 0.984, part recall 0.976; all 55 negatives stay whole, 24 of them
through ``NO_SPLIT`` (without that list 9 would split). The tables and the parameters were
tuned together, so these are not held-out figures: on a random sample of 100 split words
from the vocabulary of 117 real Kamervragen, 4 splits were clearly wrong and 3 doubtful.
"""

from __future__ import annotations

import hashlib
import re
import time
from importlib.resources import files

import pytest
from hypothesis import given
from hypothesis import strategies as st

import search.dutch.compounds as compounds
from search.dutch.analysis import fold
from search.dutch.compounds import (
    BLOCKED_PARTS,
    NO_SPLIT,
    THREE_LETTER_PARTS,
    compound_terms,
    in_lexicon,
    lexicon,
    lexicon_hash,
    split_compound,
)
from search.formats import COMPOUNDS_VERSION

#: Compound -> accepted splits. A finer split is accepted only where every part is a
#: word of its own and the coarser unit comes back as a run (afval|water -> afvalwater).
GOLDEN: dict[str, tuple[tuple[str, ...], ...]] = {
    "gezichtsherkenningsoftware": (("gezicht", "herkenning", "software"),),
    "gezichtsherkenningssoftware": (("gezicht", "herkenning", "software"),),
    "mensenrechtenschendingen": (
        ("mensen", "rechten", "schendingen"),
        ("mensenrechten", "schendingen"),
    ),
    "stikstofuitstoot": (("stikstof", "uitstoot"),),
    "stikstofdepositie": (("stikstof", "depositie"),),
    "kinderopvangtoeslag": (("kinderopvang", "toeslag"), ("kinder", "opvang", "toeslag")),
    "zorgverzekeraar": (("zorg", "verzekeraar"),),
    "zorgverzekeraars": (("zorg", "verzekeraars"),),
    "asielzoekerscentrum": (("asielzoekers", "centrum"), ("asielzoeker", "centrum")),
    "woningbouw": (("woning", "bouw"),),
    "netcongestie": (("net", "congestie"),),
    "netbeheerders": (("net", "beheerders"),),
    "jeugdcriminaliteit": (("jeugd", "criminaliteit"),),
    "ontwikkelingshulp": (("ontwikkeling", "hulp"),),
    "paardenpaspoort": (("paarden", "paspoort"), ("paard", "paspoort")),
    "woningruil": (("woning", "ruil"),),
    "afvalwaterinjectie": (("afvalwater", "injectie"), ("afval", "water", "injectie")),
    "gevangenispersoneel": (("gevangenis", "personeel"),),
    "stroomaansluiting": (("stroom", "aansluiting"),),
    "wachttijd": (("wacht", "tijd"),),
    "wachttijden": (("wacht", "tijden"),),
    "cyberveiligheid": (("cyber", "veiligheid"),),
    "cybercriminaliteit": (("cyber", "criminaliteit"),),
    "klimaatverandering": (("klimaat", "verandering"),),
    "belastingdienst": (("belasting", "dienst"),),
    "arbeidsmarkt": (("arbeid", "markt"),),
    "arbeidsmigranten": (("arbeid", "migranten"),),
    "zonnepanelen": (("zonne", "panelen"),),
    "kinderarbeid": (("kinder", "arbeid"),),
    "datalek": (("data", "lek"),),
    "windmolenpark": (("windmolen", "park"), ("wind", "molen", "park")),
    "energietransitie": (("energie", "transitie"),),
    "woningcorporaties": (("woning", "corporaties"),),
    "politieagenten": (("politie", "agenten"),),
    "gezondheidszorg": (("gezondheid", "zorg"),),
    "onderwijsinspectie": (("onderwijs", "inspectie"),),
    "kamerlid": (("kamer", "lid"),),
    "vluchtelingenopvang": (("vluchtelingen", "opvang"),),
    "studiefinanciering": (("studie", "financiering"),),
    "gaswinning": (("gas", "winning"),),
    "luchtkwaliteit": (("lucht", "kwaliteit"),),
    "verkeersveiligheid": (("verkeer", "veiligheid"),),
    "huurtoeslag": (("huur", "toeslag"),),
    "natuurgebieden": (("natuur", "gebieden"),),
    "pensioenfondsen": (("pensioen", "fondsen"),),
    "wetsvoorstel": (("wet", "voorstel"),),
    "begrotingstekort": (("begroting", "tekort"),),
    "drinkwatervoorziening": (
        ("drinkwater", "voorziening"),
        ("drink", "water", "voorziening"),
    ),
    "zeespiegelstijging": (("zeespiegel", "stijging"), ("zee", "spiegel", "stijging")),
    "dierenwelzijn": (("dieren", "welzijn"),),
    "jeugdzorg": (("jeugd", "zorg"),),
    "coronamaatregelen": (("corona", "maatregelen"),),
    "staatssecretaris": (("staat", "secretaris"),),
    "bestemmingsplan": (("bestemming", "plan"),),
    "gemeenteraad": (("gemeente", "raad"),),
    "ziekenhuis": (("zieken", "huis"),),
    "landbouwgrond": (("landbouw", "grond"),),
    "schuldhulpverlening": (("schuld", "hulpverlening"), ("schuld", "hulp", "verlening")),
}

#: Known misses, kept in the table so the figures stay honest. zonnepanelen (4.2) is
#: more frequent than its split scores (3.5), so the whole-word rule keeps it whole;
#: landbouw|grond loses to land|bouw|grond (the run ``landbouw`` is still emitted).
KNOWN_MISSES = frozenset({"zonnepanelen", "landbouwgrond"})

#: Words that must not be split. Some are kept whole by NO_SPLIT (stikstof, maatregel,
#: nederland, merendeels, ...), the others by the rules: blocked particles and suffixes
#: (overheid, voorzitter, wetenschap, regelmatig), the frequency of the whole word
#: (verschillende, betekent, gesprekken, diensten), or the length of the word.
NEGATIVES = """
    stikstof maatregel maatregelen overheid overheden onderzoek onderzoeken voorstel
    voorstellen beleid antwoord antwoorden nederland nederlandse landerijen merendeels
    tijdspanne modelleren koppelt burgemeester wetenschap regelmatig openbaar samenleving
    ondernemers voorzitter overleg tegenstelling verantwoordelijkheid mogelijkheden
    omstandigheden werkzaamheden gelegenheid hoeveelheid beantwoording ministerie
    gemeente regering verzekering herkenning betrokkenheid waarschijnlijk inmiddels
    vervolgens bijvoorbeeld verschillende betekent volgende gesprekken diensten
    maatschappelijk wetenschappelijk verstrekken misstanden huisvesting
""".split()


def _score(table: dict[str, tuple[tuple[str, ...], ...]]) -> tuple[float, float, float]:
    """Exact-split accuracy, part precision and part recall over ``table``."""
    exact = true_parts = false_parts = missed_parts = 0
    for word, accepted in table.items():
        got = split_compound(word)
        exact += got in accepted
        gold = set(max(accepted, key=lambda parts: len(set(parts) & set(got))))
        true_parts += len(gold & set(got))
        false_parts += len(set(got) - gold)
        missed_parts += len(gold - set(got))
    return (
        exact / len(table),
        true_parts / (true_parts + false_parts),
        true_parts / (true_parts + missed_parts),
    )


@pytest.mark.parametrize("word", sorted(GOLDEN))
def test_golden_split(word: str, request: pytest.FixtureRequest) -> None:
    if word in KNOWN_MISSES:
        request.applymarker(pytest.mark.xfail(reason="known miss", strict=True))
    assert split_compound(word) in GOLDEN[word]


def test_golden_figures() -> None:
    exact, precision, recall = _score(GOLDEN)
    assert len(GOLDEN) >= 40
    assert exact >= 0.95, exact
    assert precision >= 0.97, precision
    assert recall >= 0.95, recall


@pytest.mark.parametrize("word", NEGATIVES)
def test_negative_is_not_split(word: str) -> None:
    assert split_compound(word) == ()
    assert compound_terms(word) == ()


def _assert_parts_make_up(word: str) -> None:
    parts = split_compound(word)
    if parts:
        assert len(parts) >= 2
        pattern = "(?:|s|e|en|-)".join(re.escape(part) for part in parts)
        assert re.fullmatch(pattern, word), (word, parts)
        assert all(part in lexicon() for part in parts), parts


def test_parts_with_links_make_up_the_word() -> None:
    for word in [*GOLDEN, *sorted(lexicon())[::7]]:
        _assert_parts_make_up(word)


@given(st.text(alphabet="abdegiklnorstuvwz-", max_size=30))
def test_any_letters_split_consistently(word: str) -> None:
    _assert_parts_make_up(word)
    terms = compound_terms(word)
    assert word not in terms and len(terms) == len(set(terms))
    assert terms[: len(split_compound(word))] == split_compound(word)


def test_compound_terms_typo_without_linking_s() -> None:
    assert compound_terms("gezichtsherkenningsoftware") == (
        "gezicht",
        "herkenning",
        "software",
        "gezichtsherkenning",
        "herkenningsoftware",
    )


def test_compound_terms_keep_linking_morphemes_in_runs() -> None:
    assert compound_terms("gezichtsherkenningssoftware") == (
        "gezicht",
        "herkenning",
        "software",
        "gezichtsherkenning",
        "herkenningssoftware",
    )


def test_compound_terms_mensenrechtenschendingen() -> None:
    terms = compound_terms("mensenrechtenschendingen")
    assert "mensenrechten" in terms and "schendingen" in terms
    assert "mensenrechtenschendingen" not in terms


def test_compound_terms_two_parts() -> None:
    assert compound_terms("stikstofuitstoot") == ("stikstof", "uitstoot")


def test_compound_terms_four_parts_runs_by_length() -> None:
    word = "mensenrechtensanctieregime"
    assert split_compound(word) == ("mensen", "rechten", "sanctie", "regime")
    assert compound_terms(word) == (
        "mensen",
        "rechten",
        "sanctie",
        "regime",
        "mensenrechten",
        "rechtensanctie",
        "sanctieregime",
        "mensenrechtensanctie",
        "rechtensanctieregime",
    )


def test_no_split_words_are_joined_inside_compounds() -> None:
    assert split_compound("coronamaatregelen") == ("corona", "maatregelen")
    assert "maat" not in compound_terms("coronamaatregelen")


def test_words_that_are_never_split() -> None:
    assert split_compound("datalek") == ("data", "lek")  # 7 letters: long enough
    assert split_compound("wetdag") == ()  # under 7 letters
    assert split_compound("covid19maatregelen") == ()  # digits
    assert split_compound("") == ()
    assert compound_terms("") == ()


def test_hyphen_is_a_link() -> None:
    assert split_compound("stikstof-uitstoot") == ("stikstof", "uitstoot")


def test_lists_are_lowercase_folded_words() -> None:
    for word in NO_SPLIT | BLOCKED_PARTS | THREE_LETTER_PARTS:
        assert word.isascii() and word.isalpha() and word.islower(), word
    assert not NO_SPLIT & BLOCKED_PARTS
    parts = compounds._parts()[0]
    assert all(word in parts for word in THREE_LETTER_PARTS)
    assert not BLOCKED_PARTS & set(parts)


def test_lexicon_loads() -> None:
    words = lexicon()
    assert 50_000 < len(words) < 60_000
    assert words["gezicht"] > 4.5 and words["software"] > 4.0
    assert words["congestie"] >= 2.2  # the threshold that lets netcongestie split
    assert "kinder" in words and "cyber" in words  # combining forms
    assert "financiele" in words and "financiële" not in words
    assert lexicon() is words  # read once


def test_lexicon_words_are_folded_as_the_analyzer_folds() -> None:
    for word, zipf in lexicon().items():
        assert len(word) >= 3 and word.isascii() and word.isalpha() and word.islower()
        assert fold(word) == word
        assert 2.2 <= zipf < 8.0


def test_lexicon_file_format() -> None:
    data = files("search.dutch").joinpath("data", "lexicon_nl.tsv").read_bytes()
    assert len(data) < 1_000_000
    lines = data.decode("utf-8").splitlines()
    header = [line for line in lines if line.startswith("#")]
    rows = [line for line in lines if not line.startswith("#")]
    assert lines[: len(header)] == header  # the header comes first
    assert any("CC BY-SA 4.0" in line for line in header)
    assert any("python tools/build_lexicon.py" in line for line in header)
    assert all(re.fullmatch(r"[a-z]{3,}\t\d\.\d", row) for row in rows)
    words = [row.split("\t")[0] for row in rows]
    assert words == sorted(set(words))
    assert f"# Entries: {len(rows)}" in header


def test_lexicon_hash_is_stable() -> None:
    data = files("search.dutch").joinpath("data", "lexicon_nl.tsv").read_bytes()
    expected = hashlib.sha256(data).hexdigest()[:12]
    assert lexicon_hash() == expected == lexicon_hash()
    assert re.fullmatch(r"[0-9a-f]{12}", expected)
    assert compounds.LEXICON_SHA256 == expected
    assert isinstance(COMPOUNDS_VERSION, int)
    with pytest.raises(AttributeError):
        _ = compounds.NO_SUCH_NAME  # type: ignore[attr-defined]


def test_split_speed() -> None:
    """Uncached splitting of unique lexicon words stays in the tens of microseconds.

    Measured on 20,000 lexicon words: about 7 us per word (2-core machine). The bound
    here is loose so that a slow CI machine does not fail it.
    """
    words = sorted(lexicon())[::3][:20_000]
    compounds._parts()  # built once, outside the timing
    started = time.perf_counter()
    for word in words:
        compounds._spans(word)
    per_word = (time.perf_counter() - started) / len(words)
    assert per_word < 200e-6, f"{per_word * 1e6:.1f} us per word"


@pytest.mark.parametrize(
    ("glued", "word"),
    [
        ("deasielopvang", "asielopvang"),  # real PDF glue from the corpus
        ("verzoekentot", "verzoeken"),
        ("eenarbeidsmarktprognose", "arbeidsmarktprognose"),
        ("hetbezettingsbeleid", "bezettingsbeleid"),
    ],
)
def test_glued_short_word_is_taken_off(glued: str, word: str) -> None:
    terms = compound_terms(glued)
    assert terms[0] == word
    assert set(compound_terms(word)) <= set(terms)  # with the word's own parts


@pytest.mark.parametrize("word", ["uitvoering", "delicaat", "tegenover", "deal", "vande"])
def test_known_or_unglueable_words_stay_whole(word: str) -> None:
    assert compound_terms(word) == ()


def test_in_lexicon_is_membership_of_the_lexicon() -> None:
    """The byte search answers as the mapping does: words, their beginnings and
    endings (a line's part is no word), and what cannot be a line."""
    words = sorted(lexicon())[::40]
    probes = [*words, *(w[:-1] for w in words), *(w[1:] for w in words), *(w + "s" for w in words)]
    probes += ["", "#", "\t", "zaken\t", "a\nb", "stikstof", "agema", "minister"]
    assert sum(map(in_lexicon, probes)) > len(words)  # the words are found
    for word in probes:
        assert in_lexicon(word) == (word in lexicon()), word
