"""The query syntax: what the user typed -> :class:`ParsedQuery` (clauses and filters).

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
from datetime import date
from typing import Any

from search.dutch.analysis import QUERY_STOP_WORDS, analyze
from search.errors import FilterError, QuerySyntaxError
from search.models import STATUS_NAMES, Filters

__all__ = [
    "FIELD_ALIASES",
    "FILTER_ALIASES",
    "MAX_CLAUSES",
    "Clause",
    "ParsedQuery",
    "normalize",
    "parse",
    "parse_date_range",
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
