"""A parsed query (:mod:`search.engine.syntax`) as Whoosh queries: the words over
their fields with their boosts, phrases literal and stemmed, places with their other
word forms, and filters as the restriction every hit meets.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from whoosh import query as wq

from search.dutch.analysis import analyze
from search.dutch.parliament import known_ministry_key, party_key, session_range
from search.dutch.places import RELATED_WEIGHT, related_stems
from search.engine.live import LiveFuzzyTerm, LivePrefix
from search.engine.syntax import Clause, ParsedQuery
from search.models import Filters
from search.schema import NAME_FIELDS, STEMMED_FIELDS

__all__ = [
    "EXACT_PHRASE_BOOST",
    "FIELD_BOOSTS",
    "clause_query",
    "filter_query",
    "highlight_terms",
    "name_marks",
    "to_whoosh",
]

#: about and the question is what was asked; answers are long and wander.
FIELD_BOOSTS: dict[str, float] = {
    "subject": 1.6,
    "question": 1.2,
    "answer": 0.7,
    "members": 2.0,
    "parties": 1.0,
    "addressees": 0.5,
}

#: How much the literal form of a phrase adds over its stemmed match.
EXACT_PHRASE_BOOST = 1.5


def _word_query(text: str, fields: tuple[str, ...], *, places: bool = True) -> Any:
    """Any field may match each word of ``text``; more words matched ranks higher."""
    stems = analyze(text)
    folded = analyze(text, stemmed=False)
    per_word = []
    for stemmed, plain in zip(stems, folded, strict=True):
        alternatives = [
            wq.Term(f, plain if f in NAME_FIELDS else stemmed, boost=FIELD_BOOSTS[f])
            for f in fields
        ]
        alternatives += [  # China: also Chinese, Chinezen (search/dutch/places.py)
            wq.Term(f, other, boost=FIELD_BOOSTS[f] * RELATED_WEIGHT)
            for other in sorted(related_stems(stemmed) if places else ())
            for f in fields
            if f in STEMMED_FIELDS
        ]
        per_word.append(alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives))
    return per_word[0] if len(per_word) == 1 else wq.And(per_word)


def _phrase_query(text: str, fields: tuple[str, ...]) -> Any:
    """The words in this order, literal form first, then inflected forms."""
    stems = analyze(text)
    folded = analyze(text, stemmed=False)
    alternatives = []
    if set(fields) >= set(STEMMED_FIELDS):
        alternatives.append(wq.Phrase("exact", folded, boost=EXACT_PHRASE_BOOST))
    for f in fields:
        words = stems if f in STEMMED_FIELDS else folded
        alternatives.append(wq.Phrase(f, words, boost=FIELD_BOOSTS[f]))
    return alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives)


def clause_query(clause: Clause, *, places: bool = True) -> Any:
    """The Whoosh query of one clause; ``places`` adds a place's other forms."""
    if clause.field == "parties":
        return wq.Term("party_key", party_key(clause.text))
    if clause.prefix or clause.fuzzy:
        # On the literal words (and compound parts): a stem is no prefix of anything.
        # The word itself, in every form, matches too: ``stikstof~`` finds at least
        # what ``stikstof`` finds.
        # Only words of live entries (search/engine/live.py): as a fresh build after an update.
        (word,) = analyze(clause.text, stemmed=False)
        plain = clause_query(Clause(clause.text), places=places)
        if clause.prefix:
            return wq.Or([plain, LivePrefix("exact", word)])
        return wq.Or([plain, LiveFuzzyTerm("exact", word, maxdist=clause.fuzzy, prefixlength=1)])
    if clause.field == "addressees" and known_ministry_key(clause.text):
        return _ministry_query(clause.text, boost=FIELD_BOOSTS["addressees"])
    fields: tuple[str, ...]
    if clause.field:
        fields = (clause.field,)
    else:
        fields = STEMMED_FIELDS + NAME_FIELDS
    if clause.phrase or (len(analyze(clause.text, stemmed=False)) > 1 and " " not in clause.text):
        # F-35, COVID-19, Noord-Holland: one word written with several tokens is searched
        # as those tokens in a row (unless quoted, not required). Words with a space
        # between them (an unseen compound's parts) are searched each on its own.
        return _phrase_query(clause.text, fields)
    return _word_query(clause.text, fields, places=places)


def _day_range(start: date | None, end: date | None) -> Any:
    return wq.DateRange(
        "submitted",
        datetime.combine(start, time.min) if start else None,
        datetime.combine(end, time.max) if end else None,
    )


def filter_query(*filters: Filters) -> Any:
    """The Whoosh query every hit must match: every condition of every ``filters``
    (the flags' and each of the query's own), or None when there is none."""
    parts = [p for f in filters for p in _filter_parts(f)]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _filter_parts(filters: Filters) -> list[Any]:
    parts: list[Any] = []
    if filters.member:
        parts.append(_phrase_or_term("members", filters.member))
    if filters.party:
        parts.append(wq.Term("party_key", party_key(filters.party)))
    if filters.ministry:
        parts.append(_ministry_query(filters.ministry))
    if filters.date_from or filters.date_to:
        parts.append(_day_range(filters.date_from, filters.date_to))
    if filters.year is not None:
        parts.append(_day_range(date(filters.year, 1, 1), date(filters.year, 12, 31)))
    if filters.session:
        # Submitted in the parliamentary year, as year and date filters count.
        span = session_range(filters.session)
        if span:
            parts.append(_day_range(*span))
    if filters.status:
        parts.append(wq.Term("status", filters.status))
    if filters.answered_since:
        since = datetime.combine(filters.answered_since, time.min)
        parts.append(wq.DateRange("answered", since, None))
    return parts


def _ministry_query(text: str, boost: float = 1.0) -> Any:
    """A ministry named in full: its key; anything else (a name, one word): the
    addressees' words in a row."""
    key = known_ministry_key(text)
    if key is not None:
        return wq.Term("ministries", key, boost=boost)
    query = _phrase_or_term("addressees", text)
    if boost != 1.0 and query is not wq.NullQuery:
        query.boost = boost
    return query


def _phrase_or_term(fieldname: str, text: str) -> Any:
    words = analyze(text, stemmed=False)
    if len(words) == 1:
        return wq.Term(fieldname, words[0])
    return wq.Phrase(fieldname, words) if words else wq.NullQuery


def to_whoosh(parsed: ParsedQuery) -> Any:
    """The Whoosh query of a parsed query (``Every`` when it only excludes)."""
    should = [clause_query(c) for c in parsed.clauses if not (c.required or c.negated)]
    must = [clause_query(c) for c in parsed.clauses if c.required and not c.negated]
    # An excluded word excludes itself and its forms, not the place's other words.
    nots = [clause_query(c, places=False) for c in parsed.clauses if c.negated]
    ranking: Any = wq.Or(should) if len(should) > 1 else should[0] if should else None
    if must:
        required = must[0] if len(must) == 1 else wq.And(must)
        q = wq.AndMaybe(required, ranking) if ranking is not None else required
    else:
        q = ranking if ranking is not None else wq.Every()
    if nots:
        q = wq.AndNot(q, nots[0] if len(nots) == 1 else wq.Or(nots))
    return q


def highlight_terms(
    parsed: ParsedQuery,
) -> tuple[frozenset[str], frozenset[str], tuple[tuple[str, int], ...]]:
    """What a snippet marks: stems, folded prefixes and (folded word, distance) pairs."""
    terms: set[str] = set()
    prefixes: set[str] = set()
    fuzzy: list[tuple[str, int]] = []
    for clause in parsed.positive:
        if clause.field not in (None, *STEMMED_FIELDS):
            continue
        if clause.prefix:
            prefixes.update(analyze(clause.text, stemmed=False))
            terms.update(analyze(clause.text))
        elif clause.fuzzy:
            fuzzy.extend((w, clause.fuzzy) for w in analyze(clause.text, stemmed=False))
            terms.update(analyze(clause.text))
        elif clause.phrase:
            terms.update(analyze(clause.text))
        else:
            for stem in analyze(clause.text):
                terms.add(stem)
                terms.update(related_stems(stem))
    return frozenset(terms), frozenset(prefixes), tuple(fuzzy)


def name_marks(parsed: ParsedQuery, *filters: Filters) -> tuple[frozenset[str], frozenset[str]]:
    """What the member, party and addressee lines of a hit mark: folded words (of the
    query's unfielded words, which search those fields too, and of the member and
    ministry filters) and party keys (of the party filters)."""
    words: set[str] = set()
    for clause in parsed.positive:
        if clause.field is None and not clause.prefix:
            words.update(analyze(clause.text, stemmed=False))
    parties: set[str] = set()
    for f in (*filters, *parsed.filters):
        for name in (f.member, f.ministry):
            if name:
                words.update(analyze(name, stemmed=False))
        if f.party:
            parties.add(party_key(f.party))
    return frozenset(words), frozenset(parties)
