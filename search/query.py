"""From what the user typed to a Whoosh query.

Syntax (Dutch users, Dutch field names):

- ``word word``: entries matching more of the words rank higher; none is required,
  so one word that occurs nowhere does not empty the results.
- ``"exact phrase"``: required; the literal (folded) phrase ranks above inflected forms.
- ``+word``: required. ``-word`` or ``NOT word``: excluded. ``OR`` between words is
  accepted (words are alternatives already).
- ``lid:Ploumen``, ``partij:PvdA``, ``minister:"Buitenlandse Zaken"``, ``onderwerp:``,
  ``vraag:``, ``antwoord:``: the word or phrase must occur in that field.

Parsing never fails: an unbalanced quote is dropped and the rest searched as words.
Stop words are dropped from unquoted words only, never negations (see
:data:`search.analysis.QUERY_STOP_WORDS`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any

from whoosh import query as wq

from search.analysis import QUERY_STOP_WORDS, analyze
from search.live import LiveFuzzyTerm, LivePrefix
from search.models import Filters
from search.parliament import known_ministry_key, party_key, session_range
from search.places import RELATED_WEIGHT, related_stems

__all__ = [
    "FIELD_ALIASES",
    "FILTER_ALIASES",
    "Clause",
    "ParsedQuery",
    "filter_query",
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

#: Prefixes that restrict without searching words: ``datum:2024-01-01..2024-06-30``,
#: ``jaar:2024``, ``vergaderjaar:2023-2024``, ``status:beantwoord``.
FILTER_ALIASES: dict[str, str] = {
    "datum": "date",
    "jaar": "year",
    "vergaderjaar": "session",
    "zitting": "session",
    "status": "status",
}

#: Status words a user may type, to stored statuses.
STATUS_WORDS: dict[str, str] = {
    "beantwoord": "answered",
    "answered": "answered",
    "onbeantwoord": "unanswered",
    "open": "unanswered",
    "unanswered": "unanswered",
    "uitgesteld": "delayed",
    "delayed": "delayed",
}

STEMMED_FIELDS = ("subject", "question", "answer")
NAME_FIELDS = ("members", "parties", "addressees")

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


#: ``klimaat*`` (words starting so) and ``gezichtsherkening~`` / ``~2`` (within 1 or 2 edits).
_WILDCARD_RE = re.compile(r"^(?P<word>\w[\w'’]*)(?P<op>\*|~)(?P<dist>[12])?$")


@dataclass(frozen=True)
class Clause:
    """One element of a parsed query."""

    text: str
    phrase: bool = False
    field: str | None = None
    required: bool = False
    negated: bool = False
    prefix: bool = False
    fuzzy: int = 0

    def __str__(self) -> str:
        body = f'"{self.text}"' if self.phrase else self.text
        if self.prefix:
            body += "*"
        elif self.fuzzy:
            body += "~" if self.fuzzy == 1 else f"~{self.fuzzy}"
        if self.field:
            alias = next(a for a, f in FIELD_ALIASES.items() if f == self.field)
            body = f"{alias}:{body}"
        implied = self.phrase or self.field is not None
        return ("-" if self.negated else "+" if self.required and not implied else "") + body


@dataclass(frozen=True)
class ParsedQuery:
    """A query as understood: its clauses (stop words dropped) and its filters.

    ``match_all`` is set by a query of ``*``: every entry, before filters.
    """

    clauses: tuple[Clause, ...]
    filters: Filters = field(default_factory=Filters)
    match_all: bool = False
    _filter_text: tuple[str, ...] = ()

    def __str__(self) -> str:
        parts = [str(c) for c in self.clauses] + list(self._filter_text)
        return " ".join(parts) or ("*" if self.match_all else "")

    @property
    def positive(self) -> tuple[Clause, ...]:
        """The clauses that select or rank (not the excluded ones)."""
        return tuple(c for c in self.clauses if not c.negated)


def parse(text: str) -> ParsedQuery:
    """Parse a user's query; never raises."""
    text = " ".join(text.split())
    if text.count('"') % 2:
        # An unbalanced quote: drop the last one and search the rest as words.
        i = text.rfind('"')
        text = text[:i] + " " + text[i + 1 :]
    clauses: list[Clause] = []
    filters = Filters()
    filter_text: list[str] = []
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
        if field and field.lower() in FILTER_ALIASES and not op:
            updated = _apply_filter(filters, FILTER_ALIASES[field.lower()], phrase or word or "")
            if updated is not None:
                filters = updated
                filter_text.append(m.group(0))
                continue
        target = FIELD_ALIASES.get(field.lower()) if field else None
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
        if not analyze(value, stemmed=False):
            negate_next = False
            continue
        clauses.append(
            Clause(
                text=value.strip(),
                phrase=phrase is not None and len(analyze(value, stemmed=False)) > 1,
                field=target,
                required=op == "+" or phrase is not None or target is not None,
                negated=op == "-" or negate_next,
                prefix=prefix,
                fuzzy=min(fuzzy, 2),
            )
        )
        negate_next = False
    return ParsedQuery(tuple(_drop_stop_words(clauses)), filters, match_all, tuple(filter_text))


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


def _apply_filter(filters: Filters, name: str, value: str) -> Filters | None:
    """``filters`` with one more condition from the query, or None when ``value`` is bad."""
    value = value.strip()
    if name == "date":
        span = parse_date_range(value)
        return replace(filters, date_from=span[0], date_to=span[1]) if span else None
    if name == "year":
        return replace(filters, year=int(value)) if re.fullmatch(r"\d{4}", value) else None
    if name == "session":
        return replace(filters, session=value) if session_range(value) else None
    status = STATUS_WORDS.get(value.lower())
    return replace(filters, status=status) if status else None


def _is_stop(clause: Clause) -> bool:
    if clause.phrase or clause.field or clause.negated or clause.required or clause.prefix:
        return False
    words = analyze(clause.text, stemmed=False)
    return all(w in QUERY_STOP_WORDS for w in words)


def _drop_stop_words(clauses: list[Clause]) -> list[Clause]:
    kept = [c for c in clauses if not _is_stop(c)]
    if not any(not c.negated for c in kept):
        return clauses  # only stop words: search them rather than nothing
    return kept


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
        alternatives += [  # China: also Chinese, Chinezen (search/places.py)
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
        # Only words of live entries (search/live.py): as a fresh build after an update.
        (word,) = analyze(clause.text, stemmed=False)
        if clause.prefix:
            return LivePrefix("exact", word)
        return LiveFuzzyTerm("exact", word, maxdist=clause.fuzzy, prefixlength=1)
    if clause.field == "addressees" and known_ministry_key(clause.text):
        return _ministry_query(clause.text, boost=FIELD_BOOSTS["addressees"])
    fields: tuple[str, ...]
    if clause.field:
        fields = (clause.field,)
    else:
        fields = STEMMED_FIELDS + NAME_FIELDS
    if clause.phrase:
        return _phrase_query(clause.text, fields)
    return _word_query(clause.text, fields, places=places)


def _day_range(start: date | None, end: date | None) -> Any:
    return wq.DateRange(
        "submitted",
        datetime.combine(start, time.min) if start else None,
        datetime.combine(end, time.max) if end else None,
    )


def filter_query(filters: Filters) -> Any:
    """The Whoosh query every hit must match, or None when ``filters`` is empty."""
    parts: list[Any] = []
    if filters.member:
        parts.append(_phrase_or_term("members", filters.member))
    if filters.party:
        parts.append(wq.Term("party_key", party_key(filters.party)))
    if filters.ministry:
        parts.append(_ministry_query(filters.ministry))
    if filters.date_from or filters.date_to:
        parts.append(_day_range(filters.date_from, filters.date_to))
    if filters.year:
        parts.append(_day_range(date(filters.year, 1, 1), date(filters.year, 12, 31)))
    if filters.session:
        span = session_range(filters.session)
        if span:
            parts.append(wq.Term("session", f"{span[0].year}-{span[0].year + 1}"))
    if filters.status:
        parts.append(wq.Term("status", filters.status))
    if filters.answered_since:
        since = datetime.combine(filters.answered_since, time.min)
        parts.append(wq.DateRange("answered", since, None))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


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
        elif clause.fuzzy:
            fuzzy.extend((w, clause.fuzzy) for w in analyze(clause.text, stemmed=False))
        elif clause.phrase:
            terms.update(analyze(clause.text))
        else:
            for stem in analyze(clause.text):
                terms.add(stem)
                terms.update(related_stems(stem))
    return frozenset(terms), frozenset(prefixes), tuple(fuzzy)
