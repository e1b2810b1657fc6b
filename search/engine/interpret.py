"""Understanding a query typed as people type it: names, parties, years and status.

Users type ``Boswijk ontwikkelingshulp``, ``SP gevangeniswezen``, ``Agema ziekenhuizen``,
``stikstof 2024`` or ``onbeantwoorde vragen over asiel``, not ``lid:Boswijk`` or
``jaar:2024``. :func:`interpret` recognises such words and turns them into
*preferences*: entries that meet one rank higher (their score is multiplied by
1 + :data:`NAME_PREFERENCE` or :data:`DATE_PREFERENCE`), the others are still found. A
preference is never a filter.

- A member, a party or a minister: a word that the index holds as a member's name,
  as a party (``SP``, ``GL-PvdA``), or in the addressees and answering ministers but
  not as a Dutch word of the lexicon (``Agema``; not ``zaken``). Names come from the
  index itself, so new members work without a change of code. The word is still
  searched as a word too (``Dijk`` may be a dike).
- A year (``2024``), ``dit jaar`` / ``vorig jaar`` (from ``today``), and a status word
  (``onbeantwoorde``, ``beantwoord``, ``uitgestelde``): a preference for entries
  submitted in that year, or of that status; the word is then not searched as text (a
  year would otherwise find footnote dates).

``--exact`` (``Index.search(exact=True)``) searches the words as typed, without this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from search.dutch.analysis import analyze
from search.dutch.parliament import FIRST_YEAR, LAST_YEAR, MINISTRIES, party_display, party_key
from search.engine.syntax import Clause, ParsedQuery
from search.engine.whoosh_types import Reader
from search.models import Filters, Preference

__all__ = [
    "DATE_PREFERENCE",
    "NAME_PREFERENCE",
    "Interpretation",
    "Preference",
    "interpret",
    "preference_weight",
]

#: How much an entry that meets a name preference (member, party, minister) gains.
#: Flat from 0 to 2 on the judged queries (their names already match as words, and
#: coordination rewards the name with the topic); 0.5 puts the member's, party's or
#: minister's entries first for Boswijk ontwikkelingshulp, SP gevangeniswezen, Agema
#: ziekenhuizen.
NAME_PREFERENCE = 0.5
#: How much an entry that meets a year or status preference gains. The judged queries
#: have no year or status word to choose it on: twice the score is a clear preference
#: that a much better text match still beats.
DATE_PREFERENCE = 1.0

#: Status words people type (folded), to stored statuses.
STATUS_WORDS = {
    "beantwoord": "answered",
    "beantwoorde": "answered",
    "onbeantwoord": "unanswered",
    "onbeantwoorde": "unanswered",
    "uitgesteld": "delayed",
    "uitgestelde": "delayed",
}

#: Relative years: the word before ``jaar`` and its offset from this year.
RELATIVE_YEARS = {"dit": 0, "deze": 0, "vorig": -1, "vorige": -1, "afgelopen": -1}

_YEAR_RE = re.compile(r"^\d{4}$")

#: The words of an addressee that are no name: titles, the words of the ministries'
#: names, and the words that join them (checked before the lexicon).
_ADDRESSEE_WORDS = frozenset(
    analyze(
        " ".join(MINISTRIES)
        + " minister ministers staatssecretaris staatssecretarissen minister-president"
        + " van voor de het en mede namens",
        stemmed=False,
    )
)


@dataclass(frozen=True)
class Interpretation:
    """A query with its recognised words: the clauses still searched as text and the
    preferences."""

    parsed: ParsedQuery
    preferences: tuple[Preference, ...]


def preference_weight(preference: Preference) -> float:
    """How much an entry that meets ``preference`` gains: its score times 1 + this."""
    return DATE_PREFERENCE if preference.kind in ("year", "status") else NAME_PREFERENCE


def interpret(reader: Reader, parsed: ParsedQuery, today: date | None = None) -> Interpretation:
    """Recognise names, parties, ministers, years and status words among the plain
    (unquoted, unprefixed, not excluded) words of ``parsed``."""
    today = today or date.today()
    kept: list[Clause] = []
    preferences: list[Preference] = []
    clauses = list(parsed.clauses)
    ignored = list(parsed.ignored)
    skip = False
    for i, clause in enumerate(clauses):
        if skip:
            skip = False
            continue
        if not _plain(clause):
            kept.append(clause)
            continue
        folded = analyze(clause.text, stemmed=False)
        word = folded[0] if len(folded) == 1 else ""
        if word == "jaar" or (word in RELATIVE_YEARS and _next_is(clauses, i, "jaar")):
            year = _relative_year(clauses, i, ignored, today)
            if year is not None:
                preferences.append(_year(year, f"{clause.text} jaar"))
                skip = word != "jaar"
                continue
        if _YEAR_RE.match(clause.text) and FIRST_YEAR <= int(clause.text) <= LAST_YEAR:
            preferences.append(_year(int(clause.text), clause.text))
            continue
        status = STATUS_WORDS.get(word)
        if status is not None:
            preferences.append(Preference("status", status, clause.text, Filters(status=status)))
            continue
        kept.append(clause)
        name = _name(reader, clause.text, word)
        if name is not None:
            preferences.append(name)
    if not any(not c.negated for c in kept):
        return Interpretation(parsed, ())  # nothing left to search as text: as typed
    return Interpretation(replace(parsed, clauses=tuple(kept)), tuple(preferences))


def _plain(clause: Clause) -> bool:
    return not (
        clause.quoted
        or clause.field
        or clause.negated
        or clause.required
        or clause.prefix
        or clause.fuzzy
    )


def _next_is(clauses: list[Clause], i: int, word: str) -> bool:
    return i + 1 < len(clauses) and analyze(clauses[i + 1].text, stemmed=False) == [word]


def _relative_year(clauses: list[Clause], i: int, ignored: list[str], today: date) -> int | None:
    """``vorig jaar`` (the clause ``vorig`` and then ``jaar``), or ``jaar`` after a
    stop word that says which (``dit jaar``: *dit* is a stop word, so only ``jaar``
    is a clause)."""
    (word,) = analyze(clauses[i].text, stemmed=False)
    if word in RELATIVE_YEARS:
        return today.year + RELATIVE_YEARS[word]
    before = {analyze(w, stemmed=False)[0] for w in ignored if analyze(w, stemmed=False)}
    offsets = [RELATIVE_YEARS[w] for w in before if w in RELATIVE_YEARS]
    return today.year + offsets[0] if len(offsets) == 1 else None


def _year(year: int, words: str) -> Preference:
    return Preference("year", str(year), words, Filters(year=year))


def _name(reader: Reader, text: str, word: str) -> Preference | None:
    """A member, party or minister that the index knows by this word."""
    if not word or not word.isalpha() or len(word) < 2:
        return None
    key = party_key(text)
    if reader.doc_frequency("party_key", key):
        return Preference("party", party_display(text), text, Filters(party=text))
    as_member = reader.doc_frequency("members", word)
    as_minister = 0
    if len(word) >= 3 and word not in _ADDRESSEE_WORDS:
        as_minister = reader.doc_frequency("addressees", word)
    if as_minister > as_member:  # Faber asked questions as a member, answers more
        from search.dutch.compounds import in_lexicon  # only for a name-like addressee word

        if not in_lexicon(word):
            return Preference("minister", text, text, Filters(ministry=text))
    if as_member:
        return Preference("member", text, text, Filters(member=text))
    return None
