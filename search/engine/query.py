"""From what the user typed to a Whoosh query.

Syntax (Dutch users, Dutch field names):

- ``word word``: entries matching more of the words rank higher; none is required,
  so one word that occurs nowhere does not empty the results.
- ``"exact phrase"``: required; the literal (folded) phrase ranks above inflected forms.
- ``+word``: required. ``-word`` or ``NOT word``: excluded. ``OR`` between words is
  accepted (words are alternatives already).
- ``onderwerp:``, ``vraag:``, ``antwoord:``: the word or phrase must occur in that text.
- ``lid:Ploumen``, ``partij:PvdA``, ``minister:"Buitenlandse Zaken"``, ``datum:``,
  ``jaar:``, ``vergaderjaar:``, ``status:``: filters. They restrict the results exactly
  as the same :class:`~search.models.Filters` (the CLI's flags) do and never add to
  them: with words, an entry must meet every filter and match at least one word.

The text is normalised as a whole first (Unicode NFC, so a query pasted in decomposed
form finds what the composed one does; zero-width and control characters dropped;
typographic quotes read as ``"``). An unbalanced quote is dropped and the rest searched
as words. Stop words are dropped from unquoted words only, never negations (see
:data:`search.dutch.analysis.QUERY_STOP_WORDS`), and reported (:attr:`ParsedQuery.ignored`).
A part that cannot mean anything searchable raises :class:`~search.errors.QuerySyntaxError`
(``stikstof~5``, ``a*``) or :class:`~search.errors.FilterError` (``jaar:0000``,
``datum:2024-13-01``); anything else parses.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from whoosh import query as wq

from search.dutch.analysis import QUERY_STOP_WORDS, analyze
from search.dutch.parliament import known_ministry_key, party_key, session_range
from search.dutch.places import RELATED_WEIGHT, related_stems
from search.engine.live import LiveFuzzyTerm, LivePrefix
from search.errors import FilterError, QuerySyntaxError
from search.models import STATUS_NAMES, Filters
from search.schema import NAME_FIELDS, STEMMED_FIELDS

__all__ = [
    "FIELD_ALIASES",
    "FILTER_ALIASES",
    "MAX_CLAUSES",
    "Clause",
    "ParsedQuery",
    "filter_query",
    "name_marks",
    "normalize",
    "parse",
    "parse_date_range",
    "to_whoosh",
]

#: Field prefixes a user may type, to schema fields.
FIELD_ALIASES: dict[str, str] = {
    "lid": "members",
    "leden": "members",
    "partij": "parties",
    "minister": "addressees",
    "ministerie": "addressees",
    "aan": "addressees",
    "onderwerp": "subject",
    "vraag": "question",
    "antwoord": "answer",
}

#: Prefixes that are filters, to the :class:`Filters` attribute they set. ``lid:``,
#: ``partij:`` and ``minister:`` are filters too (unless negated: ``-partij:PVV``
#: excludes), the same as ``--lid``, ``--partij`` and ``--ministerie``.
FILTER_ALIASES: dict[str, str] = {
    "datum": "date",
    "jaar": "year",
    "vergaderjaar": "session",
    "zitting": "session",
    "status": "status",
    "lid": "member",
    "leden": "member",
    "partij": "party",
    "minister": "ministry",
    "ministerie": "ministry",
    "aan": "ministry",
}

#: Status words a user may type, to stored statuses.
STATUS_WORDS: dict[str, str] = STATUS_NAMES

#: At most this many distinct parts in one query (a pasted question has far fewer
#: content words; ``kvsearch similar --text`` searches with a whole text).
MAX_CLAUSES = 200
#: A prefix (``klimaat*``) needs this many letters, a fuzzy word (``stikstof~``) two
#: letters per edit and one more: shorter ones match a large part of the vocabulary.
MIN_PREFIX = 3


#: Per-field weights of a plain word. The subject says what the whole Kamervraag is
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

_TOKEN_RE = re.compile(
    r"""(?P<op>[+-])?(?:(?P<field>[^\W\d_]+):)?(?:"(?P<phrase>[^"]*)"|(?P<word>[^\s"]+))"""
)


#: ``klimaat*`` (words starting so) and ``gezichtsherkening~`` / ``~2`` (within 1 or 2
#: edits); any number after ``~`` is read, so that ``~5`` is refused, not searched.
_WILDCARD_RE = re.compile(r"^(?P<word>\w[\w'’]*)(?P<op>\*|~)(?P<dist>\d+)?$")

#: Characters that are no text: zero-width ones, the byte order mark, soft hyphens.
_INVISIBLE_RE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")
#: Typographic double quotes (Dutch „…”, English “…”), read as ``"``.
_QUOTES = str.maketrans({c: '"' for c in "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"})


@dataclass(frozen=True)
class Clause:
    """One element of a parsed query.

    ``quoted`` is set for text the user put in quotes: it is searched as written
    (never corrected, no stop word dropped).
    """

    text: str
    phrase: bool = False
    field: str | None = None
    required: bool = False
    negated: bool = False
    prefix: bool = False
    fuzzy: int = 0
    quoted: bool = False

    def __str__(self) -> str:
        body = f'"{self.text}"' if self.phrase or self.quoted else self.text
        if self.prefix:
            body += "*"
        elif self.fuzzy:
            body += "~" if self.fuzzy == 1 else f"~{self.fuzzy}"
        if self.field:
            alias = next(a for a, f in FIELD_ALIASES.items() if f == self.field)
            body = f"{alias}:{body}"
        implied = self.phrase or self.quoted or self.field is not None
        return ("-" if self.negated else "+" if self.required and not implied else "") + body


@dataclass(frozen=True)
class ParsedQuery:
    """A query as understood: its clauses (stop words dropped) and its filters.

    ``match_all`` is set by a query of ``*``: every entry, before filters.
    ``filters`` holds one :class:`Filters` per filter in the query (``jaar:2024``,
    ``partij:SP``); every one must hold. ``ignored`` are the stop words dropped.
    """

    clauses: tuple[Clause, ...]
    filters: tuple[Filters, ...] = ()
    match_all: bool = False
    #: Each filter as typed, after how many of ``clauses`` it stood.
    _filter_text: tuple[tuple[int, str], ...] = ()
    ignored: tuple[str, ...] = ()

    def __str__(self) -> str:
        parts = [str(c) for c in self.clauses]
        for position, text in reversed(self._filter_text):
            parts.insert(position, text)
        return " ".join(parts) or ("*" if self.match_all else "")

    @property
    def positive(self) -> tuple[Clause, ...]:
        """The clauses that select or rank (not the excluded ones)."""
        return tuple(c for c in self.clauses if not c.negated)


def normalize(text: str) -> str:
    """The query text as parsed: NFC, no invisible or control characters, plain quotes,
    white space folded."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE_RE.sub("", text).translate(_QUOTES)
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf") else c for c in text)
    return " ".join(text.split())


def parse(text: str) -> ParsedQuery:
    """Parse a user's query.

    Raises:
        QuerySyntaxError: A part that cannot be searched as written (``stikstof~5``,
            ``a*``, more than :data:`MAX_CLAUSES` parts).
        FilterError: A filter with a bad value (``jaar:0000``, ``datum:2024-13-01``,
            ``status:klaar``).
    """
    query = text
    text = normalize(text)
    if text.count('"') % 2:
        # An unbalanced quote: drop the last one and search the rest as words.
        i = text.rfind('"')
        text = text[:i] + " " + text[i + 1 :]
    clauses: list[Clause] = []
    filters: list[Filters] = []
    filter_text: list[tuple[int, str]] = []  # (clauses before it, as typed)
    match_all = False
    negate_next = False
    for m in _TOKEN_RE.finditer(text):
        op, field, phrase, word = m.group("op", "field", "phrase", "word")
        if word in ("NOT", "NIET") and not op and not field:
            negate_next = True
            continue
        if word in ("OR", "OF", "AND", "EN") and not op and not field:
            continue
        if word == "*" and not op and not field:
            match_all = True
            continue
        negated = op == "-" or negate_next
        alias = field.lower() if field else None
        if alias in FILTER_ALIASES and not negated:
            value = (phrase if phrase is not None else word or "").strip()
            if value:
                filters.append(_filter_of(FILTER_ALIASES[alias], value))
                filter_text.append((len(clauses), m.group(0).lstrip("+")))
                negate_next = False
                continue
        target = FIELD_ALIASES.get(alias) if alias else None
        if field and target is None:
            # Not one of ours (a URL, "12:30"): search the whole thing as words.
            word = f"{field}:{word}" if word is not None else None
            phrase = phrase if word is None else None
        value = phrase if phrase is not None else word or ""
        prefix, fuzzy = False, 0
        if phrase is None and target is None:
            wild = _WILDCARD_RE.match(value)
            if wild and len(analyze(wild.group("word"), stemmed=False)) == 1:
                value = wild.group("word")
                prefix = wild.group("op") == "*"
                fuzzy = 0 if prefix else int(wild.group("dist") or 1)
                _check_wildcard(query, m.group(0), value, prefix, fuzzy)
        words = analyze(value, stemmed=False)
        if not words:
            negate_next = False
            continue
        clauses.append(
            Clause(
                text=value.strip(),
                phrase=phrase is not None and len(words) > 1,
                field=target,
                required=op == "+" or phrase is not None or target is not None,
                negated=negated,
                prefix=prefix,
                fuzzy=fuzzy,
                quoted=phrase is not None,
            )
        )
        negate_next = False
    # A repeated part counts once; stop words are left out (and said).
    seen: set[Clause] = set()
    kept_before = [0]  # how many clauses are kept of the first i
    kept: list[Clause] = []
    ignored: list[str] = []
    for clause in clauses:
        if _is_stop(clause):
            ignored.append(clause.text)
        elif clause not in seen:
            seen.add(clause)
            kept.append(clause)
        kept_before.append(len(kept))
    if len(kept) + len(filters) > MAX_CLAUSES:
        raise QuerySyntaxError(
            query,
            f"the query has {len(kept) + len(filters)} parts, at most {MAX_CLAUSES}",
            code="too-long",
            detail=MAX_CLAUSES,
        )
    return ParsedQuery(
        tuple(kept),
        tuple(filters),
        match_all,
        tuple((kept_before[i], text) for i, text in filter_text),
        tuple(dict.fromkeys(ignored)),
    )


def _check_wildcard(query: str, part: str, word: str, prefix: bool, fuzzy: int) -> None:
    """Refuse a prefix or fuzzy word that would match much of the vocabulary."""
    letters = len(analyze(word, stemmed=False)[0])
    if prefix and letters < MIN_PREFIX:
        raise QuerySyntaxError(
            query,
            f"too many words start so; give at least {MIN_PREFIX} letters before the *",
            part=part,
            code="prefix-short",
            detail=MIN_PREFIX,
        )
    if not prefix and fuzzy not in (1, 2):
        raise QuerySyntaxError(
            query, "after ~ give 1 or 2 (edits)", part=part, code="fuzzy-distance"
        )
    if not prefix and letters < 2 * fuzzy + 1:
        raise QuerySyntaxError(
            query,
            f"too short for {fuzzy} edit(s); give at least {2 * fuzzy + 1} letters",
            part=part,
            code="fuzzy-short",
            detail=2 * fuzzy + 1,
        )


def parse_date_range(text: str) -> tuple[date | None, date | None] | None:
    """``2024-01-01..2024-06-30``, ``2024-01-01..``, ``..2024-06-30`` or one day."""
    try:
        if ".." in text:
            start, _, end = text.partition("..")
            return (
                date.fromisoformat(start) if start else None,
                date.fromisoformat(end) if end else None,
            )
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day, day


def _filter_of(name: str, value: str) -> Filters:
    """The :class:`Filters` of one filter part of a query (raises FilterError)."""
    if name == "date":
        span = parse_date_range(value)
        if span is None or span == (None, None):
            raise FilterError(
                "date",
                value,
                "date",
                "write datum:YYYY-MM-DD, datum:YYYY-MM-DD..YYYY-MM-DD, or leave one side open",
            )
        return Filters(date_from=span[0], date_to=span[1])
    given: dict[str, Any] = {name: value}  # checked and normalised by Filters
    return Filters(**given)


def _is_stop(clause: Clause) -> bool:
    if clause.quoted or clause.field or clause.negated or clause.required or clause.prefix:
        return False
    words = analyze(clause.text, stemmed=False)
    return all(w in QUERY_STOP_WORDS for w in words)


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
