"""The Dutch analysis chain, used identically at index and at query time.

``text -> tokens (NFKC per token) -> lowercase -> fold diacritics -> stem``

Folding comes *before* stemming so that ``financiële`` and ``financiele`` become the
same term (the stemmer treats ``ë`` as a syllable mark). Nothing is removed at index
time: stop words are dropped from unquoted query words only (:data:`QUERY_STOP_WORDS`),
so that the phrase ``"niet wenselijk"`` never matches "dat dit wenselijk is".

Whoosh pickles the analyzers into the index, so every class and function used in a
chain lives at module level here, and this module's path is part of the index format.
:data:`ANALYSIS` names what the index depends on; the index records it and refuses to
open when it differs from this code.

This is the only module that knows about stemming (:mod:`search.dutch.stemmer` implements
the Snowball algorithm it uses).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis import Analyzer, Filter, LowercaseFilter, Token, Tokenizer

from search.dependencies import DUTCH_PORTER, dutch_porter_stemmer
from search.dutch.compounds import compound_terms, lexicon_hash
from search.dutch.folding import strip_diacritics
from search.dutch.stemmer import stem_word
from search.formats import ANALYZER_NAME, ANALYZER_VERSION, COMPOUNDS_VERSION
from search.version import distribution_version

__all__ = [
    "ANALYSIS",
    "COMMON_WORDS",
    "GRAM_JOINER",
    "QUERY_STOP_WORDS",
    "CommonGramsAnalyzer",
    "common_grams",
    "dutch_grams_analyzer",
    "exact_grams_analyzer",
    "grams_chain",
    "analyze",
    "dutch_analyzer",
    "exact_analyzer",
    "name_analyzer",
    "query_analyzer",
    "fold",
    "folded_words",
    "add_words",
    "analyse_new_words",
    "known_words",
    "index_chain",
    "index_words",
    "stem",
    "stem_prefix",
]

STEMMER_ALGORITHM = DUTCH_PORTER

#: Words, numbers with decimal marks (3.141, 1,5) and a trailing possessive/plural
#: ``'s`` (collega's, risico’s), which the fold step strips again. A period between
#: letters is *not* kept inside a token: PDF debris glues sentences ("veranderen.Zorg").
TOKEN_PATTERN = re.compile(r"\w+(?:[.,]\d+)*(?:['’]s\b)?")

#: Word forms the stemmer gets wrong, decided on parliamentary text: Porter turns
#: overheid into ``over`` and does not know irregular plurals. Keys are folded words.
STEM_OVERRIDES: dict[str, str] = {
    "overheid": "overheid",
    "overheden": "overheid",
    "overheids": "overheid",  # overheids- en bedrijfsleven: Porter makes it over too
    "rijksoverheid": "rijksoverheid",
    "rijksoverheden": "rijksoverheid",
    "rijksoverheids": "rijksoverheid",
    "stad": "stad",
    "steden": "stad",
    "lid": "lid",
    "leden": "lid",
    "kamerlid": "kamerlid",
    "kamerleden": "kamerlid",
    "mens": "mens",
    "mensen": "mens",
    "wet": "wet",
    "wetten": "wet",
    "schip": "schip",
    "schepen": "schip",
}

ANALYSIS: dict[str, str] = {
    "analyzer": f"{ANALYZER_NAME}/{ANALYZER_VERSION}",
    "stemmer": STEMMER_ALGORITHM,
    "snowballstemmer": distribution_version("snowballstemmer"),
    "compounds": f"{COMPOUNDS_VERSION}/lexicon-{lexicon_hash()}",
}

#: Dropped from unquoted query words only. Snowball's Dutch list without the words
#: that carry meaning in parliamentary questions (negations, stance and direction:
#: niet, geen, niets, zonder, tegen, voor, na, over, onder), plus the question words
#: and forms of address that open a typed question ("wat doet de minister tegen ...").
QUERY_STOP_WORDS: frozenset[str] = frozenset(
    """
    aan al alles als altijd andere ben bij daar dan dat de der deze die dit doch doen
    door dus een eens en er ge geweest haar had heb hebben heeft hem het hier hij hoe
    hun iemand iets ik in is ja je kan kon kunnen maar me meer men met mij mijn moet
    naar nog nu of om omdat ons ook op reeds te toch toen tot u uit uw van veel want
    waren was wat werd wezen wie wil worden wordt zal ze zelf zich zij zijn zo zou
    waarom welke welk waar wanneer hoeveel hoelang bent kunt wilt zult gaat doet deed
    """.split()
)


def fold(word: str) -> str:
    """Strip diacritics and a trailing ``'s``: ``financiële`` -> ``financiele``."""
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    if word.isascii():
        return word
    return strip_diacritics(word, compatibility=False)


_STEMMER = dutch_porter_stemmer()  # snowballstemmer's, without its other languages
#: PyStemmer's C stemmer when it is installed; instead of snowballstemmer's pure-Python
#: one (a BaseStemmer, with set_current), our port: the same stems, 20 times faster.
_stem_word = stem_word if hasattr(_STEMMER, "set_current") else _STEMMER.stemWord
_CLOSED_LONG_VOWEL = re.compile(r"(?<![aeou])([aeou])\1([^aeiou])$")
#: Folded endings of the plural -ën after a word ending in -ie or -ee (technologieën,
#: ideeën): without the diaeresis the ending would run into the vowel before it.
_TREMA_PLURALS = ("ieen", "eeen")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Stem a lowercased, folded Dutch word (overrides first, then Snowball)."""
    override = STEM_OVERRIDES.get(word)
    if override is not None:
        return override
    if not word.isalpha() and any(c.isdigit() for c in word):
        return word
    if word.endswith(_TREMA_PLURALS) and len(word) > 4:
        # technologieën, zeeën: folding lost the diaeresis that marks -ën as an ending,
        # and Porter keeps -en after a vowel (technologieen, then jaren's long-vowel rule
        # below would make it technologien): the plural of technologie, zee.
        word = word[:-2]
    elif word.endswith("ies") and len(word) > 5:
        # sancties -> sanctie, as Porter leaves -ies plurals alone. Past five letters
        # only: the -ies of vries, kies is the whole root.
        word = word[:-1]
    result: str = _stem_word(word)
    # Dutch spelling alternations Porter leaves apart (Kraaij-Pohlmann merges them):
    # huizen/huis, brieven/brief (z/s, v/f), financieel/financiële, jaar/jaren
    # (a long vowel is doubled in a closed syllable only).
    if result.endswith("z"):
        result = result[:-1] + "s"
    elif result.endswith("v"):
        result = result[:-1] + "f"
    if result.endswith("ies") and len(result) > 5:
        # The -ies rule again, on the stem, so that the forms meet whichever way they
        # reach -ies: adviezen -> adviez -> advies -> advie as advies -> advie, and
        # preciese -> precies (Porter drops the e) -> precie as precies -> precie.
        result = result[:-1]
    return _CLOSED_LONG_VOWEL.sub(r"\1\2", result)


#: Stemming changes at most this many characters at the end of a stem: every word
#: starts with its stem but for the stem's last ``STEM_TAIL`` characters (see
#: :func:`stem_prefix`). Snowball's ``dutch_porter`` only removes endings, replaces
#: ``heden`` by ``heid`` and undoubles a final consonant or the long vowel before the
#: last consonant; the rules of :func:`stem` change the last letter (z/s, v/f), undouble
#: that vowel again or remove an ending (the s of -ies, the -en of -ieën), and the
#: overrides keep to it too (``leden`` -> ``lid``).
#: Checked on the lexicon and on random words by ``tests/test_analysis.py``.
STEM_TAIL = 2


def stem_prefix(term: str) -> str:
    """What every lowercased, folded word whose :func:`stem` is ``term`` starts with.

    A word that does not contain ``stem_prefix(term)`` has no compound part with that
    stem either (parts are substrings), so it need not be analysed to find ``term``.
    """
    return term[: max(0, len(term) - STEM_TAIL)]


class _Stateless:
    """Equality for chain elements without settings: the same class is the same step
    (Whoosh compares analyzers when it merges schemas)."""

    def __eq__(self, other: object) -> bool:
        return self.__class__ is other.__class__

    def __hash__(self) -> int:
        return hash(self.__class__)


class DutchTokenizer(_Stateless, Tokenizer):  # type: ignore[misc]
    """Words by :data:`TOKEN_PATTERN`, each NFKC-normalised (ĳ -> ij, ﬁ -> fi).

    Normalising per token keeps the character offsets those of the original text,
    which the highlighter relies on.
    """

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        matches: Any = TOKEN_PATTERN.finditer(value) if tokenize else [re.match(r"(?s).*", value)]
        for pos, match in enumerate(matches):
            text = match.group(0)
            if not text.isascii():
                text = unicodedata.normalize("NFKC", text)
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = text
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            yield t


class FoldFilter(_Stateless, Filter):  # type: ignore[misc]
    """Folds diacritics (see :func:`fold`)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            t.text = fold(t.text)
            if t.text:
                yield t


class DecompoundFilter(_Stateless, Filter):  # type: ignore[misc]
    """After each compound, its parts and runs of parts at the same position.

    ``stikstofuitstoot`` also yields ``stikstof`` and ``uitstoot``, so a search for
    either finds it; the phrase ``"stikstof uitstoot"`` does not (the parts share one
    position). Index time only: query words are not split.
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            word = t.text  # saved: later filters change t.text in place
            yield t
            for part in compound_terms(word):
                t.text = part
                yield t


class DutchStemFilter(_Stateless, Filter):  # type: ignore[misc]
    """Stems with :func:`stem`; skipped by Whoosh where it asks for no morphology."""

    is_morph = True

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            if not t.stopped:
                t.text = stem(t.text)
            yield t


def folded_words(
    text: str, contains: Callable[[str], object] | None = None
) -> Iterator[tuple[int, int, str]]:
    """(start, end, word) of every token of ``text`` as :func:`name_analyzer` gives it
    (NFKC, lower case, folded), without Whoosh's token objects: the highlighter runs
    this over every hit's text, where the chain's generators were a tenth of a search.

    With ``contains``, only the words for which it is true (the highlighter's needle
    search); a word of ASCII letters is then folded only when its lower case passes,
    since folding it only drops a final 's and cannot make it pass.
    """
    normalize = unicodedata.normalize
    for match in TOKEN_PATTERN.finditer(text):
        word = match.group(0)
        if word.isascii():
            word = word.lower()
            if contains is not None and not contains(word):
                continue
            word = fold(word)
        else:
            word = fold(normalize("NFKC", word).lower())
        if word and (contains is None or contains(word)):
            yield match.start(), match.end(), word


def name_analyzer() -> Any:
    """Tokenize, lowercase and fold: names, parties, ministries."""
    return DutchTokenizer() | LowercaseFilter() | FoldFilter()


def exact_analyzer() -> Any:
    """The unstemmed text chain: :func:`name_analyzer` + compound parts.

    Its terms are the literal words (for exact phrases) and the spelling vocabulary.
    """
    return name_analyzer() | DecompoundFilter()


def dutch_analyzer() -> Any:
    """The chain of the searchable text fields: :func:`exact_analyzer` + stemming."""
    return exact_analyzer() | DutchStemFilter()


def query_analyzer() -> Any:
    """The query side of :func:`dutch_analyzer`: the same, without splitting compounds."""
    return name_analyzer() | DutchStemFilter()


_QUERY = query_analyzer()
_NAMES = name_analyzer()


def analyze(text: str, *, stemmed: bool = True) -> list[str]:
    """The terms of query text: one per word, stemmed or only folded."""
    return list(_analyze(text, stemmed))


@lru_cache(maxsize=4096)
def _analyze(text: str, stemmed: bool) -> tuple[str, ...]:
    # A query's words are analysed by the parser, the corrector, the query builder and
    # the highlighter: once is enough.
    chain = _QUERY if stemmed else _NAMES
    return tuple(t.text for t in chain(text))


#: The index-time chains :func:`index_words` reproduces, by the index of their terms
#: in a :data:`WordTerms` tuple.
NAMES, EXACT, STEMMED = 0, 1, 2

WordTerms = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
"""What one token becomes in each chain: (:func:`name_analyzer`, :func:`exact_analyzer`,
:func:`dutch_analyzer`); empty tuples for a token that folds to nothing."""

#: Words seen at index time; cleared when it reaches :data:`WORD_CACHE_SIZE`.
_WORD_TERMS: dict[str, WordTerms] = {}
WORD_CACHE_SIZE = 1_000_000
_NOTHING: WordTerms = ((), (), ())
#: Words :func:`analyse_new_words` has handed on from this process.
_SENT: set[str] = set()


def index_chain(analyzer: Any) -> int | None:
    """Which of :data:`NAMES`, :data:`EXACT`, :data:`STEMMED` ``analyzer`` is (by
    equality with the chains built here), or None for any other analyzer."""
    for kind, chain in ((NAMES, name_analyzer), (EXACT, exact_analyzer), (STEMMED, dutch_analyzer)):
        if analyzer == chain():
            return kind
    return None


def index_words(text: str) -> list[WordTerms]:
    """The terms of every token of ``text`` (token ``i`` is at position ``i``) in the
    three index-time chains at once: the same terms, in the same order, as the Whoosh
    analyzers, computed once per distinct word (indexing only; queries and the
    highlighter use the analyzers)."""
    cache = _WORD_TERMS
    get = cache.get
    words = TOKEN_PATTERN.findall(text)
    result = [get(w) for w in words]
    if None in result:
        if len(cache) + len(words) > WORD_CACHE_SIZE:
            cache.clear()
        for i, terms in enumerate(result):
            if terms is None:
                result[i] = cache[words[i]] = _word_terms(words[i])
    return result  # type: ignore[return-value]  # no None left


def _word_terms(word: str) -> WordTerms:
    """One token through the chains, as DutchTokenizer and the filters do it."""
    if not word.isascii():
        word = unicodedata.normalize("NFKC", word)
    folded = fold(word.lower())
    if not folded:
        return _NOTHING
    names = (folded,)
    parts = compound_terms(folded)
    exact = (folded, *parts) if parts else names
    stemmed = tuple(stem(t) for t in exact)
    return names, exact, exact if stemmed == exact else stemmed


def analyse_new_words(texts: Iterable[str]) -> list[tuple[str, WordTerms]]:
    """Analyse the words of ``texts`` that this process has not seen yet (for
    :func:`index_words`) and return them with their terms, for :func:`add_words` in
    another process: seed files are parsed by a pool of processes, which analyses
    their words on the way (compound splitting and stemming are most of the index-time
    analysis).

    The words are remembered, not their terms (a third of the memory): the process
    that called this hands them on rather than using them."""
    cache, sent = _WORD_TERMS, _SENT
    new = [(w, _word_terms(w)) for w in _distinct_words(texts) if w not in sent and w not in cache]
    if len(sent) + len(new) > WORD_CACHE_SIZE:
        sent.clear()
    sent.update(w for w, _ in new)
    return new


def _distinct_words(texts: Iterable[str]) -> set[str]:
    """The distinct tokens of ``texts``, as :data:`TOKEN_PATTERN` finds them.

    A token never holds whitespace, so the tokens are those of the text's distinct
    whitespace-separated chunks, and a chunk of word characters only (``str.isalnum``:
    what ``\\w`` matches, except ``_``) is one token: most chunks need no regex.
    """
    found: set[str] = set()
    for text in texts:
        found.update(text.split())
    odd = [chunk for chunk in found if not chunk.isalnum()]
    found.difference_update(odd)
    findall = TOKEN_PATTERN.findall
    for chunk in odd:
        found.update(findall(chunk))
    return found


def add_words(words: Iterable[tuple[str, WordTerms]]) -> None:
    """Add words analysed by :func:`analyse_new_words` (in another process)."""
    cache = _WORD_TERMS
    if len(cache) < WORD_CACHE_SIZE:
        cache.update(words)


def known_words() -> list[tuple[str, WordTerms]]:
    """The words this process has analysed, for :func:`add_words` in another one."""
    return list(_WORD_TERMS.items())


# Common grams (index-time acceleration of phrases of common words)

#: Words so frequent that a phrase holding one is answered from word pairs first (see
#: :class:`CommonGramsAnalyzer`): the query stop words and the frequent words they leave
#: out. Changing the list needs a rebuild (it is pickled into the index with the
#: analyzer, and queries read it from there).
COMMON_WORDS: frozenset[str] = QUERY_STOP_WORDS | frozenset(
    "niet geen niets voor na over onder tegen zonder".split()
)

#: Joins the two terms of a gram: no token holds whitespace.
GRAM_JOINER = " "


def common_grams(terms: list[tuple[str, ...]], common: frozenset[str]) -> set[str]:
    """The grams of a token sequence (``terms[i]``: the terms at position ``i``, empty
    at a position that holds none): ``"a b"`` for every term ``a`` at a position and
    ``b`` at the next one where ``a`` or ``b`` is in ``common``. The phrase ``"a b"``
    of such words matches a text exactly when the text has its gram."""
    grams: set[str] = set()
    add = grams.add
    previous: tuple[str, ...] = ()
    for current in terms:
        if previous and current:
            if len(previous) == 1 and len(current) == 1:
                a, b = previous[0], current[0]
                if a in common or b in common:
                    add(a + GRAM_JOINER + b)
            else:
                for a in previous:
                    for b in current:
                        if a in common or b in common:
                            add(a + GRAM_JOINER + b)
        previous = current
    return grams


class CommonGramsAnalyzer(Analyzer):  # type: ignore[misc]
    """The grams (:func:`common_grams`) of another chain's tokens, one token per gram.

    Lucene's common grams, as a field of their own: a phrase with a common word is
    first narrowed to the entries that have its pairs (for two words, answered) and
    positions are decoded on those only (:mod:`search.engine.scoring`). ``common`` is
    in the chain's form (stemmed for a stemmed chain).
    """

    def __init__(self, chain: Any, common: frozenset[str]) -> None:
        self.chain = chain
        self.common = common

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.chain!r}, {len(self.common)} common words)"

    def __call__(self, value: str, **kwargs: Any) -> Iterator[Token]:
        kwargs.pop("positions", None)
        kwargs.pop("chars", None)
        at: dict[int, list[str]] = {}
        for t in self.chain(value, positions=True, **kwargs):
            if not t.stopped:
                at.setdefault(t.pos, []).append(t.text)
        terms = [tuple(at.get(p, ())) for p in range(max(at) + 1)] if at else []
        token = Token(removestops=kwargs.get("removestops", True), mode=kwargs.get("mode", ""))
        for pos, gram in enumerate(sorted(common_grams(terms, self.common))):
            token.text = gram
            token.boost = 1.0
            token.stopped = False
            token.pos = pos
            yield token


def exact_grams_analyzer() -> Any:
    """The grams of :func:`exact_analyzer`'s terms."""
    return CommonGramsAnalyzer(exact_analyzer(), COMMON_WORDS)


def dutch_grams_analyzer() -> Any:
    """The grams of :func:`dutch_analyzer`'s terms (the common words stemmed)."""
    return CommonGramsAnalyzer(dutch_analyzer(), frozenset(stem(w) for w in COMMON_WORDS))


def grams_chain(analyzer: Any) -> tuple[int, frozenset[str]] | None:
    """For a :class:`CommonGramsAnalyzer` of one of :data:`NAMES`, :data:`EXACT`,
    :data:`STEMMED`: that chain and its common words (for :func:`index_words`)."""
    if not isinstance(analyzer, CommonGramsAnalyzer):
        return None
    kind = index_chain(analyzer.chain)
    return None if kind is None else (kind, analyzer.common)
