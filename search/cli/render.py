"""Text for people: results, entries and facets as the Dutch CLI shows them.

Plain strings only (no click here): ``color`` adds ANSI bold and highlight codes, and
without it matches are marked ``**like this**``.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from search.models import (
    Changes,
    DocumentChange,
    Filters,
    Group,
    Hit,
    Question,
    SearchResults,
    Segment,
    Snippet,
)

if TYPE_CHECKING:  # imported when used: a search needs neither
    from search.follow.stats import Stats, StatsRow
    from search.follow.watch import WatchNews

__all__ = [
    "changes_lines",
    "dutch_date",
    "entry_view",
    "export_row",
    "filter_words",
    "news_lines",
    "plural",
    "results_text",
    "shown_path",
    "similar_text",
    "stats_rows",
    "stats_text",
]

MONTHS = (
    "januari februari maart april mei juni juli augustus september oktober november december"
).split()

STATUS_NL = {"answered": "beantwoord", "unanswered": "onbeantwoord", "delayed": "uitgesteld"}
FACET_NL = {
    "party": "partij",
    "member": "lid",
    "ministry": "ministerie",
    "year": "jaar",
    "status": "status",
}

_BOLD, _RESET = "\x1b[1m", "\x1b[0m"

#: How many entries of a document a grouped result shows.
GROUP_SHOWN = 3


def _bold(text: str, color: bool) -> str:
    return f"{_BOLD}{text}{_RESET}" if color else text


def plural(n: int, one: str, many: str) -> str:
    """``1 vraag``, ``1.160 vragen`` (Dutch thousands separator)."""
    return f"{n:,} {one if n == 1 else many}".replace(",", ".")


def dutch_date(value: date | None) -> str:
    """``20 juni 2019``; ``zonder datum`` for None."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}" if value else "zonder datum"


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rsplit(" ", 1)[0] + "…"


def status_text(e: Question) -> str:
    """``beantwoord na 21 dagen``, ``onbeantwoord``, ``uitgesteld``."""
    if e.status == "answered":
        days = e.days_to_answer
        if days is not None:
            return f"beantwoord na {plural(days, 'dag', 'dagen')}"
        return f"beantwoord op {dutch_date(e.answered)}" if e.answered else "beantwoord"
    return "uitgesteld" if e.status == "delayed" else "onbeantwoord"


def _members(e: Question) -> str:
    return ", ".join(str(m) for m in e.members) or "onbekend lid"


def _hit_lines(hit: Hit, color: bool, indent: str = "") -> list[str]:
    e = hit.entry
    head = _bold(f"{hit.rank:>3}. {e.entry_id}", color)
    marked = {m.field: m for m in hit.marked}
    members = _short_snippet(marked["members"], 200, color) if "members" in marked else None
    lines = [
        f"{indent}{head}  {members or _members(e)} · {dutch_date(e.submitted)} · {status_text(e)}"
    ]
    if "subject" in marked:
        lines.append(f"{indent}     {_short_snippet(marked['subject'], 100, color)}")
    elif e.subject:
        lines.append(f"{indent}     {_shorten(e.subject, 100)}")
    if "addressees" in marked:  # found (also) through whom it was addressed to
        lines.append(f"{indent}     aan: {_short_snippet(marked['addressees'], 160, color)}")
    snippet = hit.snippet.ansi() if color else hit.snippet.marked()
    label = "antwoord: " if hit.snippet.field == "answer" else ""
    if e.is_notice:
        label = "mededeling: "
    if hit.related:  # no query word of its own: found through its Kamervraag
        label = "(zelfde Kamervraag) " + label
    lines.append(f"{indent}     {label}{snippet}")
    return lines


def _facet_lines(results: SearchResults) -> list[str]:
    lines = []
    for name, pairs in (results.facets or {}).items():
        shown = " · ".join(f"{STATUS_NL.get(v, v)} {n}" for v, n in pairs[:8])
        more = f" · (+{len(pairs) - 8})" if len(pairs) > 8 else ""
        lines.append(f"{FACET_NL.get(name, name)}: {shown}{more}")
    return lines


def _group_lines(group: Group, color: bool) -> list[str]:
    first = group.hits[0].entry
    head = _bold(f"{group.rank:>3}. {group.document_id}", color)
    lines = [
        f"{head}  {_members(first)} · {dutch_date(first.submitted)} · "
        f"{plural(len(group.hits), 'vraag', 'vragen')}"
    ]
    if first.subject:
        lines.append(f"     {_shorten(first.subject, 100)}")
    for hit in group.hits[:GROUP_SHOWN]:
        lines.append(f"     #{hit.entry.numbers[0]}: {_short_snippet(hit.snippet, 160, color)}")
    if len(group.hits) > GROUP_SHOWN:
        more = len(group.hits) - GROUP_SHOWN
        lines.append(f"     … en {plural(more, 'andere vraag', 'andere vragen')}")
    return lines


def _short_snippet(snippet: Snippet, width: int, color: bool) -> str:
    """A snippet cut to about ``width`` characters between segments: marks stay whole."""
    kept: list[Segment] = []
    used = 0
    for seg in snippet.segments:
        if used + len(seg.text) > width and kept:
            text = seg.text[: max(0, width - used)].rsplit(" ", 1)[0] if not seg.match else ""
            if text:
                kept.append(Segment(text))
            kept.append(Segment(" …"))
            break
        kept.append(seg)
        used += len(seg.text)
    short = Snippet(snippet.field, tuple(kept))
    return short.ansi() if color else short.marked()


def results_text(results: SearchResults, color: bool) -> str:
    """The search results page: a count line, optional facets, then each hit."""
    lines: list[str] = []
    if results.suggestion:
        lines += [f"Bedoelde u: {results.suggestion}? (daar is ook op gezocht)", ""]
    lines += _notice_lines(results)
    if not results.hits and not results.total and results.ignored and not results.normalized:
        lines.append(
            f"Alleen veelvoorkomende woorden ({', '.join(results.ignored)}): daarop wordt niet "
            "gezocht. Geef een woord dat de vragen onderscheidt, of zet een zin tussen "
            'aanhalingstekens ("het is").'
        )
        return "\n".join(lines)
    if not results.hits and results.total:
        lines.append(
            f"Pagina {results.page} is leeg: {results.total} resultaten voor {results.query!r}."
        )
        return "\n".join(lines)
    if not results.hits:
        lines.append(f"Geen resultaten voor {results.query!r}.")
        return "\n".join(lines)
    first, last = results.hits[0].rank, results.hits[-1].rank
    unit = " documenten" if results.groups is not None else ""
    related = f" (waarvan {results.related} via hun Kamervraag)" if results.related else ""
    lines += [f"{first}–{last} van {results.total}{unit} voor {results.query!r}{related}", ""]
    if results.facets is not None:
        lines += [*_facet_lines(results), ""]
    if results.groups is not None:
        for group in results.groups:
            lines += [*_group_lines(group, color), ""]
    else:
        for hit in results.hits:
            lines += [*_hit_lines(hit, color), ""]
    return "\n".join(lines)


#: What a recognised word was taken as, in Dutch.
PREFERENCE_NL = {
    "member": "lid",
    "party": "partij",
    "minister": "minister",
    "year": "jaar",
    "status": "status",
}


def interpretation_text(results: SearchResults) -> str | None:
    """``Gezocht als: ontwikkelingshulp (voorkeur: lid Boswijk)``, or None."""
    if not results.interpreted:
        return None
    wanted = "; ".join(
        f"{PREFERENCE_NL.get(p.kind, p.kind)} {STATUS_NL.get(p.value, p.value)}"
        for p in results.interpreted
    )
    return f"Gezocht als: {results.normalized} (voorkeur: {wanted}; letterlijk: --exact)"


def _notice_lines(results: SearchResults) -> list[str]:
    """What the search did with the words it could not use as typed."""
    lines = []
    interpreted = interpretation_text(results)
    if interpreted:
        lines.append(interpreted)
    corrected = dict(results.corrections)
    for word in results.unknown_words:
        instead = corrected.get(word)
        if instead is None:
            lines.append(f"Niet gevonden: {word}")
        elif " " in instead:  # an unseen compound, searched by its parts
            lines.append(f"Niet gevonden: {word}; gezocht op de delen: {instead}")
    if results.ignored and results.normalized:
        lines.append(f"Niet gezocht (te algemeen): {', '.join(results.ignored)}")
    return [*lines, ""] if lines else []


def similar_text(results: SearchResults, color: bool) -> str:
    """Similar entries, each with the first line of its answer."""
    if not results.hits:
        return "Geen vergelijkbare vragen gevonden."
    lines = [f"Vergelijkbare vragen ({len(results.hits)}):", ""]
    for hit in results.hits:
        e = hit.entry
        head = _bold(f"{hit.rank:>3}. {e.entry_id}", color)
        lines.append(f"{head}  {_members(e)} · {dutch_date(e.submitted)} · {status_text(e)}")
        if e.subject:
            lines.append(f"     {_shorten(e.subject, 100)}")
        lines.append(f"     vraag: {_shorten(e.question, 200)}")
        if e.answer:
            lines.append(f"     antwoord: {_shorten(e.answer.splitlines()[0], 200)}")
        lines.append("")
    return "\n".join(lines)


def shown_path(path: str) -> str:
    """A path the user can use from where they stand (the index records seed files
    absolutely): relative to the current folder or absolute, whichever is shorter."""
    if not os.path.isabs(path):
        return path
    try:
        rel = os.path.relpath(path)
    except (ValueError, OSError):  # another drive (Windows), no current folder
        return path
    return rel if len(rel) < len(path) else path


def entry_view(entries: tuple[Question, ...], color: bool, width: int = 88) -> str:
    """A document or entry in full: heading, metadata, each question with its answer."""
    first = entries[0]
    wrap = textwrap.TextWrapper(width=max(40, width), break_long_words=False)
    whole = len(entries) > 1 or first.is_notice  # a notice-only document's one entry
    title = first.document_id if whole else first.entry_id
    lines = [_bold(title, color)]
    if first.subject:
        lines += wrap.wrap(f"Onderwerp: {first.subject}")
    lines.append(f"Gesteld door: {_members(first)}")
    if first.addressees:
        lines += wrap.wrap(f"Aan: {'; '.join(first.addressees)}")
    lines.append(f"Ingezonden: {dutch_date(first.submitted)}")
    answered = next((e for e in entries if e.answered), None)
    if answered:
        who = f" door {answered.answered_by}" if answered.answered_by else ""
        lines += wrap.wrap(f"Beantwoord: {dutch_date(answered.answered)}{who}")
    lines.append(f"Status: {status_text(answered or first)}")
    if first.url:
        lines.append(f"Officiële tekst: {first.url}")
    lines.append(f"Bron: {'; '.join(shown_path(x) for x in first.all_sources)}")
    if first.notice:
        lines += ["", _bold(f"Mededeling (ontvangen {dutch_date(first.notice_received)})", color)]
        for para in first.notice.splitlines():
            lines += wrap.wrap(para) or [""]
    for e in entries:
        if e.is_notice:
            continue
        numbers = " en ".join(str(n) for n in e.numbers)
        label = "Vragen" if len(e.numbers) > 1 else "Vraag"
        lines += ["", _bold(f"{label} {numbers}", color)]
        for para in e.question.splitlines() or ["(tekst ontbreekt)"]:
            lines += wrap.wrap(para) or [""]
        if e.answer:
            lines += ["", _bold("Antwoord", color)]
            for para in e.answer.splitlines():
                lines += wrap.wrap(para) or [""]
        for note in e.footnotes:
            lines += wrap.wrap(f"[{note.number}] {note.text}")
    return "\n".join(lines)


def export_row(hit: Hit) -> dict[str, Any]:
    """A hit as one flat row (CSV)."""
    e = hit.entry
    return {
        "rank": hit.rank,
        "entry_id": e.entry_id,
        "document_id": e.document_id,
        "numbers": " ".join(str(n) for n in e.numbers),
        "score": round(hit.score, 4),
        "members": "; ".join(m.name for m in e.members),
        "parties": "; ".join(e.parties),
        "addressees": "; ".join(e.addressees),
        "subject": e.subject or "",
        "submitted": e.submitted.isoformat() if e.submitted else "",
        "answered": e.answered.isoformat() if e.answered else "",
        "status": e.status,
        "snippet": hit.snippet.plain(),
        "related": "ja" if hit.related else "",
        "question": e.question,
        "answer": e.answer,
        "url": e.url or "",
        "source": f"{e.source}:{e.line}",
    }


#: How many Kamervragen a change line names before it only counts.
CHANGES_NAMED = 10


def _named(changes: tuple[DocumentChange, ...], with_date: bool = False) -> str:
    parts = []
    for c in changes[:CHANGES_NAMED]:
        subject = f" ({_shorten(c.subject, 60)})" if c.subject else ""
        when = f", {dutch_date(c.answered)}" if with_date and c.answered else ""
        parts.append(f"{c.document_id}{subject}{when}")
    if len(changes) > CHANGES_NAMED:
        parts.append(f"en {len(changes) - CHANGES_NAMED} meer")
    return "; ".join(parts)


def changes_lines(changes: Changes) -> list[str]:
    """What an update changed, for the user: new, newly answered, delayed, removed."""
    lines = []
    if len(changes.new) > CHANGES_NAMED:  # a first build: a count says enough
        lines.append(f"Nieuw: {plural(len(changes.new), 'Kamervraag', 'Kamervragen')}")
    elif changes.new:
        lines.append(f"Nieuw ({len(changes.new)}): {_named(changes.new)}")
    if changes.answered:
        lines.append(f"Nu beantwoord ({len(changes.answered)}): {_named(changes.answered, True)}")
    if changes.delayed:
        lines.append(f"Uitgesteld ({len(changes.delayed)}): {_named(changes.delayed)}")
    if changes.removed:
        lines.append(f"Verwijderd ({len(changes.removed)}): {', '.join(changes.removed)}")
    return lines


def _runs(numbers: list[int]) -> str:
    """``1, 2, 4`` and ``1–14``: three or more numbers in a row as a range."""
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        run = [str(start)] if start == prev else [str(start), str(prev)]
        parts.append(f"{start}–{prev}" if prev - start >= 2 else ", ".join(run))
        if n is not None:
            start = prev = n
    return ", ".join(parts)


def news_lines(news: WatchNews, *, limit: int | None = None, urls: bool = False) -> list[str]:
    """What is new for a saved search: ``Volg 'jeugdzorg': 3 nieuw, 1 nu beantwoord``
    (counting questions), then a line per Kamervraag with its questions (at most
    ``limit`` Kamervragen), and its official URL when ``urls``."""
    name = news.watch.name
    counts = [f"{len(news.new)} nieuw"] if news.new else []
    if news.answered:
        counts.append(f"{len(news.answered)} nu beantwoord")
    lines = [f"Volg '{name}': {', '.join(counts) or 'niets nieuw'}"]
    groups: dict[tuple[str, str], list[Question]] = {}
    for label, hits in (("nieuw", news.new), ("nu beantwoord", news.answered)):
        for hit in hits:
            groups.setdefault((label, hit.document_id), []).append(hit.entry)
    for (label, document_id), entries in list(groups.items())[:limit]:
        e = entries[0]
        numbers = sorted(n for entry in entries for n in entry.numbers[:1])
        which = ("vraag " if len(numbers) == 1 else "vragen ") + _runs(numbers)
        lines.append(
            f"  {label}: {document_id} {which}  {_members(e)} · {dutch_date(e.submitted)} · "
            f"{status_text(e)}"
        )
        if e.subject:
            lines.append(f"      {_shorten(e.subject, 100)}")
        if urls and e.url:
            lines.append(f"      {e.url}")
    if limit is not None and len(groups) > limit:
        lines.append(f"  … en {len(groups) - limit} meer: kvsearch watch check '{name}'")
    return lines


#: The groupings in Dutch (``kvsearch stats --by``).
BY_NL = {"ministry": "ministerie", "party": "partij", "member": "lid", "year": "jaar",
         "month": "maand"}  # fmt: skip
_EIGHTHS = " ▏▎▍▌▋▊▉"
#: The width of the longest bar, in characters.
BAR_WIDTH = 16
#: A run of at least this many months without questions is one line of the table.
EMPTY_MONTHS = 3


def bar(value: int, largest: int, width: int = BAR_WIDTH) -> str:
    """A horizontal bar of Unicode blocks, ``value`` of ``largest`` over ``width``
    characters, in eighths of a character; a value above 0 shows at least ▏."""
    if value <= 0 or largest <= 0:
        return ""
    eighths = max(1, round(value / largest * width * 8))
    return "█" * (eighths // 8) + (_EIGHTHS[eighths % 8] if eighths % 8 else "")


def _days(value: float | None) -> str:
    if value is None:
        return "–"
    text = f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text} d"


def _group_name(row: StatsRow, by: str | None) -> str:
    if row.group is not None:
        return row.group
    return "zonder datum" if by in ("year", "month") else "onbekend"


#: The columns of the statistics table: heading and value.
_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("Kamervragen", lambda r: plural(r.documents, "", "").strip()),
    ("vragen", lambda r: plural(r.questions, "", "").strip()),
    ("beantwoord", lambda r: str(r.answered)),
    ("open", lambda r: str(r.open)),
    ("uitgesteld", lambda r: str(r.delayed)),
    ("te laat", lambda r: str(r.overdue)),
    ("mediaan", lambda r: _days(r.median_days)),
    ("p90", lambda r: _days(r.p90_days)),
)


def stats_text(stats: Stats, width: int = 41) -> str:
    """The statistics as an aligned table, a bar per row for its questions."""
    from search.follow.stats import DEADLINE_DAYS
    from search.follow.stats import StatsRow as StatsRowType

    query = stats.query.strip()
    what = "alle vragen" if query in ("", "*") else f"'{query}'"
    flags = filter_words(stats.filters)
    if flags:
        what += f" met {' '.join(flags)}"
    per = f", per {BY_NL[stats.by]}" if stats.by else ""
    lines = [
        f"{plural(stats.total.questions, 'vraag', 'vragen')} in "
        f"{plural(stats.total.documents, 'Kamervraag', 'Kamervragen')} voor {what}{per}",
        f"te laat: onbeantwoord, zonder mededeling, meer dan {DEADLINE_DAYS} dagen na indienen "
        f"(op {dutch_date(stats.today)}); mediaan en p90: dagen tot het antwoord",
        "",
    ]
    label = BY_NL[stats.by] if stats.by else ""
    shown = _collapse_months(stats.rows) if stats.by == "month" else list(stats.rows)
    names = [
        _shorten(_group_name(r, stats.by), width) if isinstance(r, StatsRowType) else r
        for r in shown
    ]
    labels = [n for n, r in zip(names, shown, strict=True) if isinstance(r, StatsRowType)]
    first = max([len(label), len("totaal"), *map(len, labels)])
    cells = [[f(r) for _, f in _COLUMNS] for r in (*stats.rows, stats.total)]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, (h, _) in enumerate(_COLUMNS)]
    head = "  ".join(h.rjust(w) for (h, _), w in zip(_COLUMNS, widths, strict=True))
    lines.append(f"{label:<{first}}  {head}")
    largest = max((r.questions for r in stats.rows), default=0)
    by_row = dict(zip((id(r) for r in stats.rows), cells, strict=False))
    for name, row in zip(names, shown, strict=True):
        if not isinstance(row, StatsRowType):  # a run of empty months
            lines.append(name)
            continue
        values = "  ".join(c.rjust(w) for c, w in zip(by_row[id(row)], widths, strict=True))
        lines.append(f"{name:<{first}}  {values}  {bar(row.questions, largest)}".rstrip())
    total = "  ".join(c.rjust(w) for c, w in zip(cells[-1], widths, strict=True))
    lines.append(f"{'totaal':<{first}}  {total}")
    return "\n".join(lines)


def _collapse_months(rows: tuple[StatsRow, ...]) -> list[StatsRow | str]:
    """The month rows, with each run of :data:`EMPTY_MONTHS` or more empty months as
    one line (``2015-01 – 2019-05: geen vragen (53 maanden)``)."""
    out: list[StatsRow | str] = []
    run: list[StatsRow] = []

    def flush() -> None:
        if len(run) >= EMPTY_MONTHS:
            out.append(f"{run[0].group} – {run[-1].group}: geen vragen ({len(run)} maanden)")
        else:
            out.extend(run)
        run.clear()

    for row in rows:
        if row.questions == 0 and row.group is not None:
            run.append(row)
            continue
        flush()
        out.append(row)
    flush()
    return out


def stats_rows(stats: Stats) -> list[dict[str, Any]]:
    """The statistics as flat rows (CSV): one per group, then ``totaal``."""
    rows = []
    for row in (*stats.rows, stats.total):
        data = row.to_dict()
        data["group"] = "totaal" if row is stats.total else _group_name(row, stats.by)
        rows.append(data)
    return rows


#: A filter as the flag that sets it (``--partij D66``), to show a saved search.
_FLAG_OF = {
    "member": "--lid",
    "party": "--partij",
    "ministry": "--ministerie",
    "date_from": "--from",
    "date_to": "--to",
    "year": "--jaar",
    "session": "--vergaderjaar",
    "answered_since": "--answered-since",
}
_STATUS_FLAG = {"answered": "--answered", "unanswered": "--unanswered", "delayed": "--delayed"}


def filter_words(filters: Filters | Iterable[tuple[str, Any]]) -> list[str]:
    """Filters as the flags that set them: ``--partij D66``, ``--answered``."""
    from search.follow.watch import filters_to_json  # imported here: a search does not use it

    pairs = filters_to_json(filters).items() if isinstance(filters, Filters) else filters
    words = []
    for name, value in pairs:
        if name == "status":
            words.append(_STATUS_FLAG.get(str(value), f"status:{value}"))
            continue
        text = str(value)
        words.append(f"{_FLAG_OF.get(name, name)} {repr(text) if ' ' in text else text}")
    return words
