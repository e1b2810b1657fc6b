"""The search pipeline: from what was typed to ranked, marked hits.

One search goes through it in order: a document or entry id is looked up directly;
otherwise the query is parsed (:mod:`search.engine.syntax`), understood
(:mod:`search.engine.interpret`), its unknown words corrected
(:mod:`search.engine.spelling`), every matching entry scored
(:mod:`search.engine.scoring`, weighed by :mod:`search.engine.ranking`), ranked with
its document and its neighbours (:mod:`search.engine.collect`), and the page's hits
copied out with their snippets (:mod:`search.engine.highlight`). :class:`search.Index`
opens the searcher and calls :func:`search`, :func:`iter_hits` or :func:`similar`.

Every function takes the Whoosh searcher of one public call; what it returns holds
no Whoosh object (:class:`~search.engine.collect.Ranked` is kvsearch's own).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from whoosh import query as wq
from whoosh import searching, sorting

from search.dutch.analysis import analyze
from search.dutch.compounds import split_compound
from search.engine.collect import (
    Ranked,
    collect,
    collect_by_date,
    depth,
    prefer,
    query_scores,
    rerank,
)
from search.engine.highlight import make_snippet, mark_all, mark_names, snippet_and_fields
from search.engine.interpret import interpret
from search.engine.live import LiveFuzzyTerm, LivePrefix, cached_column, expansions
from search.engine.query import clause_query, filter_query, highlight_terms, name_marks, to_whoosh
from search.engine.scoring import matching_docs, similar_weighting
from search.engine.spelling import correct_word, is_unknown
from search.engine.stored import count_facets, document, get, looks_like_id, lookup
from search.engine.syntax import ParsedQuery, normalize, parse
from search.engine.whoosh_types import Reader, Searcher
from search.errors import EntryNotFoundError, FilterError, QuerySyntaxError
from search.models import Filters, Group, Hit, Preference, Question, SearchResults, Snippet
from search.schema import entry_from_stored

__all__ = ["SORTS", "document", "get", "iter_hits", "lookup", "search", "similar"]


#: The orders :meth:`search.Index.search` knows.
SORTS = ("relevance", "date", "-date")


def search(
    searcher: Searcher,
    query: str,
    *,
    filters: Filters | None,
    limit: int,
    page: int,
    sort: str,
    facets: bool,
    group: bool,
    related: bool,
    exact: bool,
) -> SearchResults:
    """One page of a search (see :meth:`search.Index.search`)."""
    limit = max(1, limit)
    page = max(1, page)
    ran = run(
        searcher,
        query,
        filters,
        sort,
        None if group else page * limit,
        related=related,
        exact=exact,
    )
    if isinstance(ran, ParsedQuery):  # nothing to search
        return SearchResults(query, "", 0, page, limit, (), ignored=ran.ignored)
    parsed, ranked, marks = ran.parsed, ran.ranked, ran.marks
    first = (page - 1) * limit
    groups: tuple[Group, ...] | None = None
    # Copy everything out while the searcher holds the files.
    if group:
        by_doc: dict[str, list[tuple[Any, int]]] = {}
        column = cached_column(searcher.reader(), "document_id")
        for scored in ranked.top:
            by_doc.setdefault(column[scored[1]], []).append(scored)
        chosen = list(by_doc.items())[first : first + limit]
        groups = tuple(
            Group(
                doc_id,
                rank,
                tuple(make_hit(searcher, ranked, s, r, marks) for r, s in enumerate(hs, 1)),
            )
            for rank, (doc_id, hs) in enumerate(chosen, start=first + 1)
        )
        hits = tuple(replace(g.hits[0], rank=g.rank) for g in groups)
        total = len(by_doc)
    else:
        hits = tuple(
            make_hit(searcher, ranked, scored, rank, marks)
            for rank, scored in enumerate(ranked.top[first : first + limit], start=first + 1)
        )
        total = ranked.total
    counts = count_facets(searcher.reader(), ranked.matched) if facets else None
    n_related = len(ranked.related)
    if group:
        n_related = sum(all(h.related for h in g.hits) for g in groups or ())
    normalized = str(parsed) or query.strip()
    return SearchResults(
        query,
        normalized,
        total,
        page,
        limit,
        hits,
        ran.suggestion,
        counts,
        groups,
        n_related,
        ran.unknown,
        ran.corrections,
        parsed.ignored,
        ran.preferences,
    )


def iter_hits(
    searcher: Searcher,
    query: str,
    *,
    filters: Filters | None,
    sort: str,
    related: bool,
    exact: bool,
    marked: bool,
) -> Iterator[Hit]:
    """Every hit of a query, in order (see :meth:`search.Index.iter_hits`)."""
    ran = run(searcher, query, filters, sort, None, related=related, exact=exact)
    if isinstance(ran, ParsedQuery):
        return
    marks = ran.marks if marked else Marks(frozenset(), frozenset(), (), ran.marks.scored)
    for rank, scored in enumerate(ran.ranked.top, start=1):
        yield make_hit(searcher, ran.ranked, scored, rank, marks)


def run(
    searcher: Searcher,
    query: str,
    filters: Filters | None,
    sort: str,
    limit: int | None,
    *,
    related: bool = True,
    exact: bool = False,
) -> Run | ParsedQuery:
    """Parse, correct and run a query; the parsed query when it asks for nothing."""
    if sort not in SORTS:
        raise FilterError("sort", sort, "sort", f"use one of {', '.join(SORTS)}")
    flags = filters or Filters()
    named = lookup(searcher, query) if looks_like_id(query) else ()
    if named:  # a document or entry id goes straight to it, in question order
        q = wq.Or([wq.Term("entry_id", e.entry_id) for e in named])
        order = [sorting.FieldFacet("order")]
        found = searcher.search(q, filter=filter_query(flags), limit=limit, sortedby=order)
        marks = Marks(frozenset(), frozenset(), (), scored=False)
        return Run(ParsedQuery(()), Ranked.of(found), marks)
    parsed = parse(query)
    allow = filter_query(flags, *parsed.filters)
    suggestion: str | None = None
    corrections: tuple[tuple[str, str], ...] = ()
    unknown: tuple[str, ...] = ()
    preferences: tuple[Preference, ...] = ()
    if parsed.clauses:
        reader = searcher.reader()
        if not exact:
            understood = interpret(reader, parsed)
            parsed, preferences = understood.parsed, understood.preferences
        unknown = unknown_words(searcher, parsed)
        if not exact and unknown:
            parsed, suggestion, corrections = correct(reader, parsed, query, unknown)
        q = to_whoosh(parsed)
    elif parsed.match_all or allow is not None:
        # Every entry that meets the filters: the filter itself is the query, so
        # that only its entries are walked (not every entry against the filter).
        q, allow = (wq.Every(), None) if allow is None else (allow, None)
        if sort == "relevance":
            sort = "-date"
    else:
        return parsed
    check_expansions(searcher, query, parsed)
    scored = sort == "relevance"
    if scored:  # with words (a query of filters only is sorted by date above)
        scores = query_scores(searcher, parsed)
        prefer(searcher, scores, preferences)
        ranked = collect(searcher, q, allow, depth(limit), scores)
        rerank(searcher, ranked, parsed, allow, related=related)
    else:
        ranked = collect_by_date(searcher, q, allow, limit, newest_first=sort == "-date")
    marks = Marks(*highlight_terms(parsed), scored=scored, names=name_marks(parsed, flags))
    return Run(parsed, ranked, marks, suggestion, corrections, unknown, preferences)


def make_hit(
    searcher: Searcher, ranked: Ranked, scored: tuple[Any, int], rank: int, marks: Marks
) -> Hit:
    """The hit of one ranked entry, with its snippet and what matched where."""
    score, docnum = scored
    entry = entry_from_stored(searcher.stored_fields(docnum))
    # Sorted by date, the sort key stands where the score is: no relevance to report.
    score = float(score or 0.0) if marks.scored else 0.0
    if docnum in ranked.related:  # it matches no query word: mark none of its stray ones
        return Hit(rank, score, entry, snippet_of(entry, frozenset()), related=True)
    snippet, texts = snippet_and_fields(
        (("question", entry.question), ("answer", entry.answer)),
        marks.terms,
        prefixes=marks.prefixes,
        fuzzy=marks.fuzzy,
    )
    marked = marked_lines(entry, marks)
    # The texts (question, answer), then the lines (subject, members, addressees).
    matched_in = texts + tuple(m.field for m in marked)
    return Hit(rank, score, entry, snippet, matched_in=matched_in, marked=marked)


def similar(
    searcher: Searcher,
    path: Path,
    entry_id: str | None,
    *,
    text: str | None,
    limit: int,
    include_own: bool,
    filters: Filters | None,
) -> SearchResults:
    """The entries most like an entry, or like a text (see :meth:`search.Index.similar`)."""
    from search.engine.similar import similar_query  # imported here: searching does not use it

    if (entry_id is None) == (text is None):
        raise ValueError("give exactly one of entry_id and text")
    limit = max(1, limit)
    source: Question | None = None
    if entry_id is not None:
        source = get(searcher, entry_id)
        if source is None:
            raise EntryNotFoundError(path, entry_id)
        text = "\n".join(t for t in (source.subject, source.question, source.answer) if t)
    assert text is not None
    exclude = source.document_id if source and not include_own else None
    q, terms = similar_query(searcher, text, exclude_document=exclude)
    label = entry_id or text[:60]
    if q is None:
        return SearchResults(label, "", 0, 1, limit, ())
    if source is not None and include_own:
        q = wq.AndNot(q, wq.Term("entry_id", source.entry_id))
    # A whole question as the query: Whoosh's usual length normalisation (B=0.75)
    # ranks better here (bench/similar.py 4.94 against 4.65 with the search's B).
    similar_searcher = searching.Searcher(
        searcher.reader(), weighting=similar_weighting(), closereader=False
    )
    found = similar_searcher.search(q, filter=filter_query(filters or Filters()), limit=limit)
    ranked = Ranked.of(found)
    hits = tuple(
        Hit(rank, float(score or 0.0), entry, snippet_of(entry, terms))
        for rank, (score, entry) in enumerate(
            ((s, entry_from_stored(searcher.stored_fields(d))) for s, d in ranked.top), start=1
        )
    )
    return SearchResults(label, "", ranked.total, 1, limit, hits)


def correct(
    reader: Reader, parsed: ParsedQuery, query: str, unknown: Sequence[str]
) -> tuple[ParsedQuery, str | None, tuple[tuple[str, str], ...]]:
    """Replace the ``unknown`` words (:func:`unknown_words`) by their likely
    correction (see :func:`search.engine.spelling.correct_word`), or an unseen compound by
    its parts.

    Returns the corrected query, the suggestion (the typed query with the spelling
    corrections) and (word, searched instead) pairs.
    """
    clauses = list(parsed.clauses)
    suggestion = normalize(query)
    corrections: list[tuple[str, str]] = []
    spelled = False
    for i, clause in enumerate(clauses):
        if clause.negated or clause.text not in unknown:  # looked up once, there
            continue
        fixed = correct_word(reader, clause.text)
        if fixed is None:
            # An unseen compound: look for its parts together instead.
            words = analyze(clause.text, stemmed=False)
            parts = split_compound(words[0]) if len(words) == 1 else ()
            if parts:
                clauses[i] = replace(clause, text=" ".join(parts))
                corrections.append((clause.text, " ".join(parts)))
            continue
        clauses[i] = replace(clause, text=fixed)
        corrections.append((clause.text, fixed))
        pattern = r"(?<!\w)" + re.escape(clause.text) + r"(?!\w)"
        suggestion = re.sub(pattern, fixed, suggestion, count=1, flags=re.I)
        spelled = True
    return (
        replace(parsed, clauses=tuple(clauses)),
        suggestion if spelled else None,
        tuple(corrections),
    )


@dataclass(frozen=True)
class Marks:
    """What snippets mark, and whether the hits carry relevance scores.

    ``names`` are the folded words and party keys the member, party and addressee
    lines mark (:func:`search.engine.query.name_marks`).
    """

    terms: frozenset[str]
    prefixes: frozenset[str]
    fuzzy: tuple[tuple[str, int], ...]
    scored: bool
    names: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())


@dataclass
class Run:
    """A query that ran: what was searched, its ranking and what its snippets mark."""

    parsed: ParsedQuery
    ranked: Ranked
    marks: Marks
    suggestion: str | None = None
    corrections: tuple[tuple[str, str], ...] = ()
    unknown: tuple[str, ...] = ()
    preferences: tuple[Preference, ...] = ()


def marked_lines(entry: Question, marks: Marks) -> tuple[Snippet, ...]:
    """The subject, members and addressees lines of a hit that have a match, marked."""
    words, parties = marks.names
    if not (marks.terms or marks.prefixes or marks.fuzzy or words or parties):
        return ()  # nothing can match: skip analysing the names (``*``, stats, watches)
    lines = [
        mark_all("subject", entry.subject or "", marks.terms, marks.prefixes, marks.fuzzy),
        mark_names("members", ((m.name, m.party) for m in entry.members), words, parties),
        mark_names(
            "addressees",
            ((a, None) for a in (*entry.addressees, entry.answered_by or "") if a),
            words,
            separator="; ",
        ),
    ]
    return tuple(line for line in lines if line is not None)


def unknown_words(searcher: Searcher, parsed: ParsedQuery) -> tuple[str, ...]:
    """The unquoted words of the query that occur nowhere in the index: a word none of
    whose forms is indexed, or a word of several tokens (``F-35``) that never occurs."""
    reader = searcher.reader()
    unknown = []
    for clause in parsed.positive:
        if clause.quoted or clause.field or clause.prefix or clause.fuzzy:
            continue
        if len(analyze(clause.text, stemmed=False)) == 1:
            missing = is_unknown(reader, clause.text)
        else:
            missing = not matching_docs(searcher, clause_query(clause))
        if missing:
            unknown.append(clause.text)
    return tuple(unknown)


#: At most this many indexed words may a prefix or fuzzy word stand for.
MAX_EXPANSIONS = 5000


def check_expansions(searcher: Searcher, query: str, parsed: ParsedQuery) -> None:
    """Refuse a prefix or fuzzy word that stands for more than :data:`MAX_EXPANSIONS`
    indexed words: its cost grows with every one of them."""
    reader = searcher.reader()
    for clause in parsed.clauses:
        if not (clause.prefix or clause.fuzzy):
            continue
        (word,) = analyze(clause.text, stemmed=False)
        if clause.prefix:  # counted as a fresh build would: words of live entries
            q: Any = LivePrefix("exact", word)
        else:
            q = LiveFuzzyTerm("exact", word, maxdist=clause.fuzzy, prefixlength=1)
        if len(expansions(reader, q)) > MAX_EXPANSIONS:
            raise QuerySyntaxError(
                query,
                f"it stands for more than {MAX_EXPANSIONS} words; make it longer",
                part=str(clause),
                code="too-broad",
                detail=MAX_EXPANSIONS,
            )


def snippet_of(
    entry: Question,
    terms: frozenset[str],
    prefixes: frozenset[str] = frozenset(),
    fuzzy: tuple[tuple[str, int], ...] = (),
) -> Snippet:
    """The snippet of an entry: its best passage of question or answer."""
    return make_snippet(
        (("question", entry.question), ("answer", entry.answer)),
        terms,
        prefixes=prefixes,
        fuzzy=fuzzy,
    )
