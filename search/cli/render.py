"""Text for people: results, entries and facets as the Dutch CLI shows them.

Plain strings only (no click here): ``color`` adds ANSI bold and highlight codes, and
without it matches are marked ``**like this**``.
"""

from __future__ import annotations

import os
import textwrap
from datetime import date
from typing import Any

from search.models import (
    Group,
    Hit,
    Question,
    SearchResults,
    Segment,
    Snippet,
)

__all__ = [
    "askers",
    "dutch_date",
    "entry_view",
    "export_row",
    "plural",
    "results_text",
    "shorten",
    "shown_path",
    "similar_text",
    "status_text",
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


def shorten(text: str, width: int) -> str:
    """``text`` on one line, at most ``width`` characters: cut at a word, ended by ``…``."""
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


def askers(e: Question) -> str:
    """The members who asked, or ``onbekend lid``."""
    return ", ".join(str(m) for m in e.members) or "onbekend lid"


def _hit_lines(hit: Hit, color: bool, indent: str = "") -> list[str]:
    e = hit.entry
    head = _bold(f"{hit.rank:>3}. {e.entry_id}", color)
    marked = {m.field: m for m in hit.marked}
    members = _short_snippet(marked["members"], 200, color) if "members" in marked else None
    lines = [
        f"{indent}{head}  {members or askers(e)} · {dutch_date(e.submitted)} · {status_text(e)}"
    ]
    if "subject" in marked:
        lines.append(f"{indent}     {_short_snippet(marked['subject'], 100, color)}")
    elif e.subject:
        lines.append(f"{indent}     {shorten(e.subject, 100)}")
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
        f"{head}  {askers(first)} · {dutch_date(first.submitted)} · "
        f"{plural(len(group.hits), 'vraag', 'vragen')}"
    ]
    if first.subject:
        lines.append(f"     {shorten(first.subject, 100)}")
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
        lines.append(f"{head}  {askers(e)} · {dutch_date(e.submitted)} · {status_text(e)}")
        if e.subject:
            lines.append(f"     {shorten(e.subject, 100)}")
        lines.append(f"     vraag: {shorten(e.question, 200)}")
        if e.answer:
            lines.append(f"     antwoord: {shorten(e.answer.splitlines()[0], 200)}")
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
    lines.append(f"Gesteld door: {askers(first)}")
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
