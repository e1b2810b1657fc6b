"""The SQLite FTS5 baseline of both benchmarks (``perf.py`` and ``relevance.py``).

One table, one row per entry, the same columns in both benchmarks (:data:`COLUMNS`):

- ``subject``: the Kamervraag's subject (the ``over *...*`` part of the intro line);
- ``question`` and ``answer``: the entry's text;
- ``names``: who asked (member and party), to whom (addressees) and who answered.

kvsearch indexes the same facts with every entry, so FTS5 gets them too (before, the
relevance benchmark gave FTS5 question and answer only, and the speed benchmark subject,
question and answer). The tokenizer is ``unicode61 remove_diacritics 2``: no stemming,
no compounds, no typo correction.

A query is translated once for both (:func:`fts5_expression`): its words and phrases
double-quoted and ORed (no word is required, as in kvsearch); a ``partij:``, ``lid:`` or
``minister:`` prefix becomes a filter on the ``names`` column (ANDed, as kvsearch's
filters restrict); ``-word`` becomes ``NOT``; other prefixes (``jaar:``, ``status:``...)
have no column and are dropped. A search counts every match (``count(*)``, exact, as
kvsearch's ``total``) and can return its top rows with FTS5's ``snippet()``.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The indexed columns, in table order (``entry_id`` is stored, not indexed).
COLUMNS = ("subject", "question", "answer", "names")
TOKENIZE = "unicode61 remove_diacritics 2"
#: Query prefixes that filter on the ``names`` column.
NAME_FIELDS = frozenset({"partij", "lid", "minister"})
#: ``snippet()``'s marks, ellipsis and size (tokens): about kvsearch's snippet length.
SNIPPET = ("[", "]", "…", 24)

_CLAUSE = re.compile(r'(?<!\S)(-?)(?:([^\W\d_]+):)?(?:"([^"]*)"|(\S+))')
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Row:
    """One entry as FTS5 indexes it."""

    entry_id: str
    subject: str
    question: str
    answer: str
    names: str


def names_text(members: Iterable[Any], addressees: Iterable[str], answered_by: str | None) -> str:
    """The ``names`` column: members with their parties, addressees, who answered."""
    parts: list[str] = []
    for member in members:
        parts.append(str(member.name))
        if member.party:
            parts.append(str(member.party))
    parts.extend(addressees)
    if answered_by:
        parts.append(answered_by)
    return "\n".join(parts)


def row_of(entry: Any) -> Row:
    """The row of a parsed entry (``search.models.Question``)."""
    return Row(
        entry.entry_id,
        entry.subject or "",
        entry.question,
        entry.answer,
        names_text(entry.members, entry.addressees, entry.answered_by),
    )


def _quoted(text: str) -> str:
    words = _WORD.findall(text)
    return '"' + " ".join(words) + '"' if words else ""


def fts5_expression(query: str) -> str:
    """The FTS5 MATCH expression of a kvsearch query ('' when nothing is searchable).

    ``stikstof "social credit"`` -> ``"stikstof" OR "social credit"``;
    ``zorg partij:VVD -rusland`` -> ``("zorg") AND (names : "VVD") NOT "rusland"``.
    """
    optional: list[str] = []
    filters: list[str] = []
    excluded: list[str] = []
    for match in _CLAUSE.finditer(query):
        minus, prefix, phrase, bare = match.groups()
        if prefix is not None and prefix.lower() not in NAME_FIELDS:
            continue  # jaar:, status:, datum:...: no such column
        if phrase is not None:
            clauses = [_quoted(phrase)]
        elif prefix is not None:
            clauses = [_quoted(bare)]
        else:
            clauses = [f'"{w}"' for w in _WORD.findall(bare)]
        clauses = [c for c in clauses if c]
        if not clauses:
            continue
        if prefix is not None:
            target = excluded if minus else filters
            target.extend(f"names : {c}" for c in clauses)
        elif minus:
            excluded.extend(clauses)
        else:
            optional.extend(clauses)
    if not optional and not filters:
        return ""
    parts = [f"({f})" for f in filters]
    if optional:
        either = " OR ".join(optional)
        parts.insert(0, f"({either})" if filters else either)
    expression = " AND ".join(parts)
    if excluded:
        expression = f"({expression})" + "".join(f" NOT {c}" for c in excluded)
    return expression


class Fts5:
    """An FTS5 table of entries in a database file (or ``:memory:``)."""

    def __init__(self, path: Path | str, *, create: bool = True) -> None:
        """Open the database at ``path``; ``create`` starts a new one (any old file goes)."""
        if create and str(path) != ":memory:":
            for stale in (Path(path), Path(f"{path}-journal")):
                stale.unlink(missing_ok=True)
        self.path = path
        self.db = sqlite3.connect(str(path))

    def build(self, rows: Iterable[Row]) -> None:
        """Index ``rows`` in one transaction."""
        self.db.execute(
            f"CREATE VIRTUAL TABLE entries USING fts5(entry_id UNINDEXED, {', '.join(COLUMNS)}, "
            f"tokenize='{TOKENIZE}')"
        )
        self.db.executemany(
            f"INSERT INTO entries (entry_id, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?)",
            ((r.entry_id, r.subject, r.question, r.answer, r.names) for r in rows),
        )
        self.db.commit()

    def ranked(self, query: str, limit: int) -> list[str]:
        """The entry ids of the top ``limit`` matches by ``bm25()`` (ties: row order)."""
        expression = fts5_expression(query)
        if not expression:
            return []
        rows = self.db.execute(
            "SELECT entry_id FROM entries WHERE entries MATCH ? "
            "ORDER BY bm25(entries), rowid LIMIT ?",
            (expression, limit),
        ).fetchall()
        return [str(row[0]) for row in rows]

    def search(self, query: str, limit: int, *, snippets: bool = True) -> int:
        """What a results page needs: the exact count of matches, and the top ``limit``
        rows (id, subject, a ``snippet()`` of the best column, or the texts without
        ``snippets``). Returns the count."""
        expression = fts5_expression(query)
        if not expression:
            return 0
        (total,) = self.db.execute(
            "SELECT count(*) FROM entries WHERE entries MATCH ?", (expression,)
        ).fetchone()
        if snippets:
            sql = (
                "SELECT entry_id, subject, snippet(entries, -1, ?, ?, ?, ?) FROM entries "
                "WHERE entries MATCH ? ORDER BY bm25(entries), rowid LIMIT ?"
            )
            self.db.execute(sql, (*SNIPPET, expression, limit)).fetchall()
        else:
            self.db.execute(
                "SELECT entry_id, subject, question, answer FROM entries WHERE entries MATCH ? "
                "ORDER BY bm25(entries), rowid LIMIT ?",
                (expression, limit),
            ).fetchall()
        return int(total)

    def close(self) -> None:
        """Close the database."""
        self.db.close()


def build_file(path: Path, rows: Sequence[Row]) -> None:
    """A new database at ``path`` holding ``rows``."""
    fts = Fts5(path)
    try:
        fts.build(rows)
    finally:
        fts.close()
