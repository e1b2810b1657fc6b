"""Dutch compound splitting for the index-time analysis chain.

Dutch writes compounds as one word (``gezichtsherkenningssoftware``), so a query for
``software`` or ``gezichtsherkenning`` finds nothing without help. At index time the
analyzer emits, at the compound's own position, its parts and the runs of adjacent
parts (:func:`compound_terms`); queries are not split. The input is one token as the
analyzer has it: lowercased, diacritics folded, no hyphens (the tokenizer splits there).

Method (designed and measured in ``shared/research/dutch-analysis.md``, section 4): a
left-to-right dynamic programme over the split points of the word.

* A part is a word of the shipped lexicon (``search/dutch/data/lexicon_nl.tsv``: wordfreq's
  Dutch words with a Zipf frequency of at least 2.2 that are also in the OpenTaal word
  list, plus a few combining forms such as ``kinder`` and ``cyber``) of at least 4
  letters, or one of :data:`THREE_LETTER_PARTS`. Parts of 4 letters need a Zipf
  frequency of 3.0. Suffix-like fragments, verb particles and prepositions
  (:data:`BLOCKED_PARTS`) are never parts, so ``overheid``, ``voorstel`` and
  ``wetenschap`` stay whole.
* Between two parts there may be a linking morpheme: nothing, ``s``, ``e``, ``en`` or
  ``-`` (``gezicht|s|herkenning``, ``paard|en|paspoort``).
* A split's score is the mean Zipf frequency of its parts weighted by their length,
  minus :data:`PART_PENALTY` for every part after the first; the best split is taken
  when it scores at least :data:`MIN_SCORE`. Frequent, long parts win over strings of
  short ones. As in Koehn & Knight, the unsplit word competes too: a word that is in
  the lexicon is split only when the split scores more than its own frequency
  (:data:`WHOLE_WORD_MARGIN`), which keeps ``verschillende`` and ``betekent`` whole.
* Words shorter than :data:`MIN_WORD_LENGTH`, words with digits or other non-letters,
  and the lexicalised words of :data:`NO_SPLIT` are never split; a run of adjacent
  parts that spells a :data:`NO_SPLIT` word is joined again (``corona|maat|regelen``
  becomes ``corona|maatregelen``), and a part followed by a linking ``en`` takes it
  when that spells a word (``mensen|rechten``, not ``mens|en|rechten``).

Measured on the golden set of ``tests/test_compounds.py`` and on the vocabulary of the
development corpus: see that file. About 6 % of running tokens in Kamervragen are split.

The lexicon is part of the index format: :func:`lexicon_hash` (also available as
``LEXICON_SHA256``) and :data:`search.formats.COMPOUNDS_VERSION` are recorded by the index, so a new
lexicon or algorithm forces a rebuild.

Credits: word frequencies from wordfreq 3.1.1 by Robyn Speer / Luminoso (data CC BY-SA
4.0), word list from OpenTaal via Debian's ``wdutch`` (BSD or CC BY 3.0); see
``search/dutch/data/README.md``. The scoring follows Koehn & Knight, "Empirical Methods for
Compound Splitting" (EACL 2003), with a length-weighted mean of Zipf values (logs of
frequencies) instead of the geometric mean of frequencies. Standard library only.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from functools import cache, lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING

__all__ = [
    "BLOCKED_PARTS",
    "GLUE_WORDS",
    "LEXICON_SHA256",
    "MIN_SCORE",
    "NO_SPLIT",
    "THREE_LETTER_PARTS",
    "compound_terms",
    "in_lexicon",
    "lexicon",
    "lexicon_hash",
    "package_data",
    "split_compound",
]


#: Package resource of the lexicon, built by ``tools/build_lexicon.py``.
LEXICON_RESOURCE = ("data", "lexicon_nl.tsv")

#: Words shorter than this are never split.
MIN_WORD_LENGTH = 7
#: A split is taken when its score reaches this (a Zipf value).
MIN_SCORE = 2.5
#: Subtracted from the score for every part after the first.
PART_PENALTY = 0.2
#: Shortest part, except for :data:`THREE_LETTER_PARTS`.
MIN_PART_LENGTH = 4
#: Parts of up to :data:`SHORT_PART_LENGTH` letters need this Zipf frequency: rare short
#: words are what wrong splits are made of (bete|kent, verg|ader|jaar, dein|formatie).
SHORT_PART_LENGTH = 4
MIN_SHORT_PART_ZIPF = 3.0
#: A word that is itself in the lexicon is split only when the split scores more than
#: the word's own Zipf frequency plus this, as in Koehn & Knight, where the unsplit word
#: competes with its splits (verschillende 5.7 beats verschil|lende 3.8). Negative: a
#: frequent compound still splits when its parts are nearly as frequent (werkgever 4.3,
#: werk|gever 4.0). Measured: 0 also lost werkgever and opdrachtgever; -0.75 and -1.0
#: split amen|dement, soft|ware, trans|port and alle|maal.
WHOLE_WORD_MARGIN = -0.5

#: Linking morphemes allowed between two parts (``''`` is tried separately).
LINKS: tuple[str, ...] = ("s", "e", "en", "-")

#: The only 3-letter parts: nouns that often form compounds in parliamentary text
#: (aardgas, grondwet, werkdag, noordzee, snelweg, netcongestie, datalek, kamerlid).
THREE_LETTER_PARTS: frozenset[str] = frozenset(
    """
    gas wet dag zee weg net lek lid bos dak dam eis hof ijs oog pad tol vee vis
    app web bus cel zak olie
    """.split()
)

#: Never parts: suffix-like fragments that are also words (wetenschap is not
#: weten|schap, regelmatig not regel|matig), prepositions and verb particles, whose
#: compounds are lexicalised (onderwijs, voorzitter, overleg, samenleving), and the
#: pronominal adverbs er+preposition (kinderopvang is not kind|erop|vang).
BLOCKED_PARTS: frozenset[str] = frozenset(
    """
    heid heden ling lingen schap schappen baar bare lijk lijke lijken loos loze lozen
    matig matige achtig achtige waardig waardige zaam zame isch ische erij erijen nis
    dom ster sters eren ering ingen atie aties teit iteit iteiten ties tjes etje etjes
    rijen ende enden aars nissen erken miss ring ringen vaardig vaardige
    aan af bij door mee na om onder op over toe uit voor tegen achter tussen boven
    beneden binnen buiten samen mede rond terug neer heen langs omver voorbij weder
    overs tegens voorst erop eraan erin eruit erover ervan ermee erbij erdoor ervoor ertoe
    erna erom eronder ertegen erachter
    """.split()
)

#: Lexicalised words that must never be split, in the inflections the text uses. The
#: first group comes from the research notes, the second from wrong splits found in the
#: vocabulary of real Kamervragen (verstrekken is not vers|trekken, misstanden not
#: miss|tanden, huisvesting not huis|vesting). A run of parts that spells one of them
#: inside a longer compound is joined again (coronamaatregelen).
NO_SPLIT: frozenset[str] = frozenset(
    """
    stikstof maatregel maatregelen nederland nederlands nederlandse nederlander
    nederlanders overheid overheden onderzoek onderzoeken voorstel voorstellen
    beleid antwoord antwoorden landerijen merendeels tijdspanne koppelt modelleren
    belangrijk belangrijke belangrijker belangrijkste besteding bestedingen
    brandstof brandstoffen brandweer buitenland buitenlandse burgemeester
    burgemeesters daadwerkelijk daadwerkelijke daarnaast europees formulering
    handvatten hoogleraar hoogleraren huisvesting internet meelopen minderjarig
    minderjarige minderjarigen misstand misstanden netwerk netwerken noodzakelijk
    noodzakelijke paragraaf paragrafen richtlijn richtlijnen standaard standaarden
    tegenstelling tegenstellingen televisie vastgoed verstrekken verstrekking
    verstrekt verstrekte verzending voornemens vrijstelling vrijstellingen waarborg
    waarborgen waterstof wetenschappers
    """.split()
)

#: Short words that PDF extraction glues to their neighbour (``deasielopvang``,
#: ``verzoekentot``, ``kabinetinzake``): an unknown word that is one of them plus a known
#: word is also indexed as that word (see :func:`compound_terms`).
GLUE_WORDS: tuple[str, ...] = tuple(
    sorted(
        """
        de het een en van in op te met voor aan om is dat die dit deze tot bij uit als
        ook of naar door over zijn niet wel er u uw we wij zij hij ze dan nog al kan
        moet wordt worden werd heeft hebben had zal zullen hun haar ons onze
        """.split(),
        key=lambda w: (-len(w), w),
    )
)
#: The known word of a glued pair has at least this many letters...
MIN_GLUED_LENGTH = 4
#: ...and at least this Zipf frequency (or is a compound the lexicon can split).
MIN_GLUED_ZIPF = 1.5

if TYPE_CHECKING:
    #: First 12 hex digits of the lexicon file's sha256 (computed on first access).
    LEXICON_SHA256: str


def package_data(*parts: str) -> bytes:
    """The bytes of a data file shipped in the ``search`` package (``"data", "x.tsv"``).

    Read from the package's folder; through ``importlib.resources`` only when the
    package is not a folder (imported from a zip file): that module imports
    ``zipfile`` and ``tempfile``, which a search does not need otherwise.
    """
    try:
        with open(os.path.join(os.path.dirname(__file__), *parts), "rb") as file:
            return file.read()
    except OSError:
        from importlib.resources import files

        return files("search.dutch").joinpath(*parts).read_bytes()


@cache
def _lexicon_bytes() -> bytes:
    return package_data(*LEXICON_RESOURCE)


@cache
def lexicon() -> Mapping[str, float]:
    """The shipped lexicon, read once: folded word -> Zipf frequency.

    Returns:
        A read-only mapping of about 55,000 words.
    """
    words: dict[str, float] = {}
    for line in _lexicon_bytes().decode("utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        word, zipf = line.split("\t")
        words[word] = float(zipf)
    return MappingProxyType(words)


def in_lexicon(word: str) -> bool:
    """Whether ``word`` (folded) is a word of the shipped lexicon: ``word in
    lexicon()``, answered from the file's bytes (one search in about 1 MB, well under
    a millisecond) without building the mapping (140 ms), for a search in a new process
    that needs to know only this (:mod:`search.engine.interpret`)."""
    if "\n" in word or "\t" in word or "\r" in word or not word or word.startswith("#"):
        return False
    return b"\n" + word.encode("utf-8") + b"\t" in _lines()


@cache
def _lines() -> bytes:
    return b"\n" + _lexicon_bytes()


def lexicon_hash() -> str:
    """The first 12 hex digits of the sha256 of the lexicon file's bytes.

    Returns:
        A stable identifier of the lexicon, recorded by the index.
    """
    return hashlib.sha256(_lexicon_bytes()).hexdigest()[:12]


@cache
def _parts() -> tuple[dict[str, float], int]:
    """The lexicon words allowed as parts, and the length of the longest."""
    parts = {
        word: zipf
        for word, zipf in lexicon().items()
        if (len(word) >= MIN_PART_LENGTH or word in THREE_LETTER_PARTS)
        and (len(word) > SHORT_PART_LENGTH or zipf >= MIN_SHORT_PART_ZIPF)
        and word not in BLOCKED_PARTS
    }
    return parts, max(map(len, parts), default=0)


# A split in progress, by (number of parts, letters in parts): the best sum of
# length * zipf and the parts' (start, end) spans. Keeping one entry per part count and
# letter count (the letters differ by the linking morphemes) makes the DP exact for a
# score that is a mean.
_States = dict[tuple[int, int], tuple[float, tuple[tuple[int, int], ...]]]


def _best_spans(word: str) -> tuple[tuple[int, int], ...]:
    """The (start, end) spans of the best-scoring split of ``word``, or ``()``."""
    parts, longest = _parts()
    n = len(word)
    ends: dict[int, _States] = {}  # splits whose last part ends at a position
    for start in range(n - 2):
        if start == 0:
            states: _States = {(0, 0): (0.0, ())}
        else:  # a part may start here after a part that ended here or before a link
            here = ends.get(start)
            if here is None and start - 1 not in ends and start - 2 not in ends:
                continue  # no part ended here or one or two letters (a link) before
            states = dict(here) if here else {}
            for link in LINKS:
                size = len(link)
                if start > size and word.startswith(link, start - size):
                    for key, value in ends.get(start - size, {}).items():
                        best = states.get(key)
                        if best is None or value[0] > best[0]:
                            states[key] = value
            if not states:
                continue
        # the whole word is not a split: a first part leaves room for a second one
        last = min(n - 3 if start == 0 else n, start + longest)
        for end in range(start + 3, last + 1):
            zipf = parts.get(word[start:end])
            if zipf is None:
                continue
            size = end - start
            into = ends.setdefault(end, {})
            for (count, letters), (weight, spans) in states.items():
                key = (count + 1, letters + size)
                value = (weight + size * zipf, (*spans, (start, end)))
                best = into.get(key)
                if best is None or value[0] > best[0]:
                    into[key] = value
    whole = lexicon().get(word)
    best_rank = (MIN_SCORE, 0)
    best_spans: tuple[tuple[int, int], ...] = ()
    for (count, letters), (weight, spans) in ends.get(n, {}).items():
        score = weight / letters - PART_PENALTY * (count - 1)
        if whole is not None and score <= whole + WHOLE_WORD_MARGIN:
            continue
        rank = (round(score, 6), -count)  # fewer parts on a tie
        if score >= MIN_SCORE and (not best_spans or rank > best_rank):
            best_rank, best_spans = rank, spans
    return best_spans


def _take_plural_links(
    word: str, spans: tuple[tuple[int, int], ...]
) -> tuple[tuple[int, int], ...]:
    """Let a part keep a linking ``en`` when that spells a lexicon word.

    ``mens|en|rechten`` and ``mensen|rechten`` score differently but mean the same; the
    part is given the plural form (``mensen``), so that runs end where the words end
    (``mensenrechten``, not ``mensenrecht``, in ``mensenrechtenschendingen``).
    """
    parts = _parts()[0]
    result = list(spans)
    for i in range(len(result) - 1):
        start, end = result[i]
        if word.startswith("en", end) and result[i + 1][0] == end + 2:
            if word[start : end + 2] in parts:
                result[i] = (start, end + 2)
    return tuple(result)


def _join_no_split(word: str, spans: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    """Join runs of adjacent parts that spell a :data:`NO_SPLIT` word, longest first."""
    result = list(spans)
    i = 0
    while i < len(result) - 1:
        for j in range(len(result) - 1, i, -1):
            if word[result[i][0] : result[j][1]] in NO_SPLIT:
                result[i : j + 1] = [(result[i][0], result[j][1])]
                break
        i += 1
    return tuple(result)


def _spans(word: str) -> tuple[tuple[int, int], ...]:
    """The parts of ``word`` as (start, end) spans; ``()`` when it is not split."""
    if (
        len(word) < MIN_WORD_LENGTH
        or word in NO_SPLIT
        or not word.replace("-", "").isalpha()  # no digits, no other symbols
    ):
        return ()
    spans = _best_spans(word)
    if spans:
        spans = _join_no_split(word, _take_plural_links(word, spans))
    return spans if len(spans) > 1 else ()


@lru_cache(maxsize=100_000)
def split_compound(word: str) -> tuple[str, ...]:
    """Split a compound into its parts.

    Args:
        word: One token, lowercased and folded (no diacritics).

    Returns:
        The parts as substrings of ``word``, in order; with the linking morphemes
        between them (``s``, ``e``, ``en``, ``-``) they make up the whole word. ``()``
        when the word is not split. ``gezichtsherkenningssoftware`` gives
        ``("gezicht", "herkenning", "software")``; ``overheid`` gives ``()``.
    """
    return tuple(word[start:end] for start, end in _spans(word))


@lru_cache(maxsize=100_000)
def compound_terms(word: str) -> tuple[str, ...]:
    """The terms the analyzer adds at a compound's position, besides the word itself.

    Args:
        word: One token, lowercased and folded (no diacritics, no hyphens).

    Returns:
        The parts, then every run of two or more adjacent parts (shorter runs first,
        left to right) except the whole word, without repeats. A run is the surface
        text from the start of its first part to the end of its last, linking
        morphemes included: ``gezichtsherkenningsoftware`` gives ``gezicht``,
        ``herkenning``, ``software``, ``gezichtsherkenning``, ``herkenningsoftware``.
        ``()`` when the word is not split.
    """
    spans = _spans(word)
    if not spans:
        return _unglued_terms(word)
    terms = [word[start:end] for start, end in spans]
    for size in range(2, len(spans)):
        for first in range(len(spans) - size + 1):
            terms.append(word[spans[first][0] : spans[first + size - 1][1]])
    return tuple(dict.fromkeys(term for term in terms if term != word))


def _known(word: str) -> bool:
    return lexicon().get(word, 0.0) >= MIN_GLUED_ZIPF or bool(_spans(word))


def _unglued_terms(word: str) -> tuple[str, ...]:
    """The known word in a word glued to a :data:`GLUE_WORDS` word, with its parts.

    ``deasielopvang`` gives ``asielopvang``, ``asiel``, ``opvang``; ``verzoekentot``
    gives ``verzoeken``. Only for words the lexicon does not know (``uitvoering`` is no
    ``uit`` + ``voering``); the short word itself is not added (a stop word).
    """
    if len(word) < MIN_GLUED_LENGTH + 1 or not word.isalpha() or word in lexicon():
        return ()
    max_glue = len(word) - MIN_GLUED_LENGTH
    for glue in GLUE_WORDS:
        size = len(glue)
        if size > max_glue:
            continue
        # The glue word before the known one, then after it.
        if word.startswith(glue) and _known(rest := word[size:]):
            return (rest, *compound_terms(rest))
        if word.endswith(glue) and _known(rest := word[:-size]):
            return (rest, *compound_terms(rest))
    return ()


if not TYPE_CHECKING:

    def __getattr__(name: str) -> str:
        """Compute ``LEXICON_SHA256`` on first access (PEP 562)."""
        if name == "LEXICON_SHA256":
            value = lexicon_hash()
            globals()[name] = value
            return value
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
