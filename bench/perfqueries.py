"""The query mix of the speed benchmark: distinct queries drawn from the corpus.

:func:`make_queries` draws a deterministic mix (:data:`QUERY_PATTERN`) of distinct
queries from the parsed entries, so words come by their frequency in the text. The
warm-up queries of a run are drawn the same way and are distinct from the measured ones
(:func:`split_warmup`): no query is measured twice, and none was run unmeasured first.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: Words a query generator should not pick: Dutch function words (users type content).
STOP = frozenset(
    """
    aan aangezien achter alle alleen alles als also andere anders bent beter bij binnen
    daar daarbij daarin daarmee daarnaast daarom daarvan dan dat deze die dit door dus
    echter een eens eerder elke en enige er geen gaan gaat geen had heb hebben heeft hem
    het hier hierbij hierin hiervan hoe hoeveel hun iets ieder in is kan komen komt kunnen
    kunt maar meer moet moeten na naar niet nog nu of om omdat ons ook op over per reeds
    sinds tegen ten ter toe tot tussen uit uw van vanuit veel voor vooral waar waarbij
    waardoor waarin waarom waarop wanneer want was wat welke werd werden wie wij wil wilt
    worden wordt zal zich zijn zo zoals zou zouden zullen zijn zelf zeer zij zonder
    """.split()
)
#: Words of common-word phrases: the function words above and the shortest ones.
COMMON = STOP | frozenset("de u te we ze je het een op in".split())
#: Common-word phrases every mix starts its ``common`` kind with: the slowest phrases of
#: earlier runs (`"van de"` matched 58 % of the entries at 500k).
COMMON_PHRASES = ('"van de"', '"Bent u"', '"u dat"')

_WORD = re.compile(r"[^\W\d_]{4,}")


@dataclass(frozen=True)
class Query:
    """One query of the mix and what kind it is."""

    kind: str
    text: str


#: The mix, in a repeating pattern of 21: 52 % plain words, 14 % phrases, 5 % phrases of
#: common words only, 14 % field prefixes (alone or with words), 14 % misspellings (alone
#: or with a word).
QUERY_PATTERN = (
    ("words1",) * 4
    + ("words2",) * 4
    + ("words3",) * 3
    + ("phrase",) * 3
    + ("common",)
    + ("field",) * 2
    + ("field+words",)
    + ("typo",) * 2
    + ("typo+word",)
)


class _QueryMaker:
    """Draws query parts from random entries (so words come by their frequency)."""

    def __init__(self, entries: Sequence[Any], seed: str) -> None:
        self.entries = entries
        self.rng = random.Random(seed)
        self.fixed_common = list(COMMON_PHRASES)

    def _text(self) -> str:
        entry = self.rng.choice(self.entries)
        return entry.answer if entry.answer and self.rng.random() < 0.4 else entry.question

    def words(self, count: int) -> list[str]:
        out: list[str] = []
        for _ in range(100):
            candidates = [
                w for w in (m.lower() for m in _WORD.findall(self._text())) if w not in STOP
            ]
            if candidates:
                out.append(self.rng.choice(candidates))
            if len(out) == count:
                break
        return out or ["minister"]

    def _tokens(self) -> list[str]:
        return [re.sub(r"[^\w'’-]", "", t) for t in self._text().split()]

    def phrase(self) -> str:
        for _ in range(100):
            tokens = self._tokens()
            size = self.rng.choice((2, 2, 3))
            if len(tokens) < size:
                continue
            start = self.rng.randrange(len(tokens) - size + 1)
            words = tokens[start : start + size]
            if all(words) and any(w.lower() not in COMMON for w in words):
                return '"' + " ".join(words) + '"'
        return '"' + " ".join(self.words(2)) + '"'

    def common(self) -> str:
        """A phrase of common words only: the fixed ones first, then from the text."""
        if self.fixed_common:
            return self.fixed_common.pop(0)
        for _ in range(200):
            tokens = self._tokens()
            size = self.rng.choice((2, 2, 3))
            starts = [
                i
                for i in range(len(tokens) - size + 1)
                if all(t and t.lower() in COMMON for t in tokens[i : i + size])
            ]
            if starts:
                start = self.rng.choice(starts)
                return '"' + " ".join(tokens[start : start + size]) + '"'
        return self.phrase()

    def field(self) -> str:
        for _ in range(100):
            entry = self.rng.choice(self.entries)
            kind = self.rng.choice(("partij", "partij", "lid", "minister"))
            if kind in ("partij", "lid") and entry.members:
                member = self.rng.choice(entry.members)
                value = member.party if kind == "partij" else member.name
            elif kind == "minister" and entry.addressees:
                value = re.sub(r"^\w+ (?:van|voor) ", "", self.rng.choice(entry.addressees))
            else:
                continue
            if value and '"' not in value:
                return f'{kind}:"{value}"' if " " in value else f"{kind}:{value}"
        return "partij:VVD"

    def typo(self) -> str:
        long_words = [w for w in self.words(6) if len(w) >= 6] or ["ziekenhuizen"]
        word = self.rng.choice(long_words)
        i = self.rng.randrange(1, len(word) - 1)
        edit = self.rng.choice(("delete", "swap", "replace", "double"))
        if edit == "delete":
            return word[:i] + word[i + 1 :]
        if edit == "swap":
            return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
        if edit == "double":
            return word[:i] + word[i] + word[i:]
        letters = "aeiourstnlkd"
        return word[:i] + self.rng.choice([c for c in letters if c != word[i]]) + word[i + 1 :]

    def make(self, kind: str) -> str:
        """One query of ``kind``."""
        if kind.startswith("words"):
            return " ".join(self.words(int(kind[-1])))
        if kind == "phrase":
            return self.phrase()
        if kind == "common":
            return self.common()
        if kind == "field":
            return self.field()
        if kind == "field+words":
            return " ".join([*self.words(self.rng.choice((1, 2))), self.field()])
        if kind == "typo":
            return self.typo()
        return f"{self.typo()} {self.words(1)[0]}"


def make_queries(
    entries: Sequence[Any],
    count: int,
    seed: int,
    *,
    salt: str = "queries",
    exclude: set[str] | None = None,
) -> list[Query]:
    """A deterministic mix of ``count`` distinct queries drawn from ``entries``.

    Kinds, in the proportions of :data:`QUERY_PATTERN`: ``words1``-``words3`` (1-3
    content words, picked from random entries, so by their frequency), ``phrase`` (2-3
    consecutive words, quoted), ``common`` (a phrase of common words only: ``"van de"``,
    ``"Bent u"``, ``"u dat"``, then drawn from the text), ``field`` (``partij:VVD``,
    ``lid:"Van Nispen"``, ``minister:"Buitenlandse Zaken"``), ``field+words``, ``typo``
    (a word of 6+ letters with one letter deleted, swapped, doubled or replaced) and
    ``typo+word``. A query drawn again, or in ``exclude``, is drawn anew (up to 50
    tries for its slot). ``salt`` and ``seed`` seed the draws.

    Raises:
        ValueError: The entries are too few to give ``count`` distinct queries.
    """
    maker = _QueryMaker(entries, f"{salt}-{seed}")
    queries: list[Query] = []
    seen: set[str] = set(exclude or ())
    for i in range(count):
        kind = QUERY_PATTERN[i % len(QUERY_PATTERN)]
        for _ in range(50):
            text = maker.make(kind)
            if text not in seen:
                break
        else:
            raise ValueError(f"cannot draw {count} distinct queries from {len(entries)} entries")
        seen.add(text)
        queries.append(Query(kind, text))
    return queries


def warmup_queries(
    entries: Sequence[Any], count: int, seed: int, measured: Sequence[Query]
) -> list[Query]:
    """``count`` queries of the same mix to run unmeasured first, none of them measured.

    Drawn with another seed than the measured ones and distinct from them, so nothing
    measured has run before (a warm-up warms the caches of code and index, not of the
    measured queries' own postings).
    """
    return make_queries(entries, count, seed, salt="warmup", exclude={q.text for q in measured})


def spread(queries: Sequence[Query], count: int) -> list[Query]:
    """``count`` queries spread evenly over the mix."""
    if count <= 0 or not queries:
        return []
    step = max(1, len(queries) // count)
    return list(queries[::step][:count])
