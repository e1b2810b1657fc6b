"""The HTML of the web page: server-rendered, in Dutch, every text escaped.

A tiny template approach: f-strings over :func:`esc` (``html.escape``) for every value
that comes from a seed, the index or the request, and :meth:`Snippet.html` (escaped,
matches in ``<mark>``) for highlighted passages. No inline script or style: the page
works without JavaScript and its look is ``/static/style.css``.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from urllib.parse import quote

from search.cli.render import STATUS_NL, dutch_date, plural, status_text
from search.models import Hit, Question, SearchResults
from search.web.params import PARAM_OF_FACET, SearchRequest

__all__ = ["document_page", "error_page", "search_page"]

#: Facets in the order the page shows them, with their Dutch heading.
FACET_TITLES = {
    "party": "Partij",
    "member": "Kamerlid",
    "ministry": "Ministerie",
    "year": "Jaar",
    "status": "Status",
}
#: How many values of a facet are shown.
FACET_SHOWN = 8
#: The labels of the active filters (URL parameter -> Dutch label).
FILTER_LABELS = {
    "partij": "partij",
    "lid": "lid",
    "ministerie": "ministerie",
    "jaar": "jaar",
    "vergaderjaar": "vergaderjaar",
    "status": "status",
    "van": "vanaf",
    "tot": "tot en met",
}
SORT_LABELS = (
    ("relevantie", "Relevantie"),
    ("-datum", "Nieuwste eerst"),
    ("datum", "Oudste eerst"),
)

SYNTAX_HELP = (
    ("woord woord", "meer gevonden woorden = hoger"),
    ('"exacte zin"', "deze woorden in deze volgorde"),
    ("+woord -woord", "verplicht / uitgesloten"),
    ("stikstof* stikstof~", "woorden die zo beginnen / met een tikfout"),
    ('lid:Ploumen partij:PvdA minister:"Buitenlandse Zaken"', "wie vroeg, aan wie"),
    ("jaar:2024 datum:2024-01-01..2024-06-30", "wanneer ingezonden"),
    ("status:beantwoord|onbeantwoord|uitgesteld", "met of zonder antwoord"),
)


def esc(value: object) -> str:
    """Any value as HTML text (quotes escaped too: safe in an attribute)."""
    return escape(str(value), quote=True)


def doc_url(ident: str, anchor: str = "") -> str:
    """The page of a document or entry (``#`` of an entry id encoded)."""
    return f"/doc/{quote(ident, safe='')}" + (f"#{anchor}" if anchor else "")


def entry_anchor(entry: Question) -> str:
    """The id of an entry's section on its document page."""
    return f"vraag-{entry.numbers[0]}"


def _layout(title: str, body: str, query: str = "", hidden: Sequence[tuple[str, str]] = ()) -> str:
    inputs = "".join(f'<input type="hidden" name="{esc(k)}" value="{esc(v)}">' for k, v in hidden)
    help_items = "".join(
        f"<li><code>{esc(code)}</code> {esc(text)}</li>" for code, text in SYNTAX_HELP
    )
    return f"""<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<link rel="stylesheet" href="/static/style.css">
</head>
<body>
<a class="skip" href="#inhoud">Naar de inhoud</a>
<header class="top">
<a class="home" href="/">kvsearch <span>Kamervragen</span></a>
<form class="search" role="search" action="/" method="get">
<label for="q" class="visually-hidden">Zoek in Kamervragen</label>
<input id="q" name="q" type="search" value="{esc(query)}"
 placeholder="Zoek in Kamervragen, bijv. stikstof partij:VVD" autocomplete="off">
{inputs}<button type="submit">Zoeken</button>
</form>
<details class="syntax"><summary>Zoektaal</summary><ul>{help_items}</ul></details>
</header>
<main id="inhoud">
{body}
</main>
<footer><p>kvsearch: schriftelijke vragen van Tweede Kamerleden, met antwoorden.
Ook als JSON: <a href="/api/health">/api</a>.</p></footer>
</body>
</html>
"""


def _members(entry: Question) -> str:
    return esc(", ".join(str(m) for m in entry.members) or "onbekend lid")


def _hit(hit: Hit) -> str:
    e = hit.entry
    marked = {m.field: m for m in hit.marked}
    members = marked["members"].html() if "members" in marked else _members(e)
    subject_html = (
        marked["subject"].html() if "subject" in marked else esc(e.subject or e.document_id)
    )
    label = ""
    if e.is_notice:
        label = "mededeling: "
    elif hit.snippet.field == "answer":
        label = "antwoord: "
    related = '<span class="tag">zelfde Kamervraag</span> ' if hit.related else ""
    to = f'<p class="to">aan: {marked["addressees"].html()}</p>' if "addressees" in marked else ""
    number = " en ".join(str(n) for n in e.numbers)
    return f"""<li class="hit" value="{hit.rank}">
<h2><a href="{esc(doc_url(e.document_id, entry_anchor(e)))}">{subject_html}</a></h2>
<p class="meta"><span class="who">{members}</span> · <time datetime="{
        esc(e.submitted.isoformat() if e.submitted else "")
    }">{esc(dutch_date(e.submitted))}</time> · <span class="status status-{esc(e.status)}">{
        esc(status_text(e))
    }</span> · <span class="id">{esc(e.document_id)}, vraag {esc(number)}</span></p>
{to}<p class="snippet">{related}{esc(label)}{hit.snippet.html()}</p>
</li>"""


def _facets(request: SearchRequest, results: SearchResults) -> str:
    blocks = []
    for name, title in FACET_TITLES.items():
        pairs = (results.facets or {}).get(name, ())
        param = PARAM_OF_FACET[name]
        if not pairs:
            continue
        current = request.params.get(param)
        items = []
        for value, count in pairs[:FACET_SHOWN]:
            shown = STATUS_NL.get(value, value) if name == "status" else value
            if current is not None and current.lower() == shown.lower():
                items.append(
                    f'<li class="on"><a href="{esc(request.url(**{param: None}))}" '
                    f'aria-label="{esc(f"Filter {title.lower()} {shown} weghalen")}">'
                    f'{esc(shown)} <span class="count">{count}</span> ×</a></li>'
                )
            else:
                items.append(
                    f'<li><a href="{esc(request.url(**{param: shown}))}">{esc(shown)} '
                    f'<span class="count">{count}</span></a></li>'
                )
        more = (
            f'<li class="more">en {len(pairs) - FACET_SHOWN} meer</li>'
            if len(pairs) > FACET_SHOWN
            else ""
        )
        blocks.append(f"<section><h3>{esc(title)}</h3><ul>{''.join(items)}{more}</ul></section>")
    if not blocks:
        return ""
    return (
        f'<aside class="facets" aria-label="Verfijnen"><h2>Verfijnen</h2>{"".join(blocks)}</aside>'
    )


def _active_filters(request: SearchRequest) -> str:
    chips = []
    for param, label in FILTER_LABELS.items():
        value = request.params.get(param)
        if value is None:
            continue
        chips.append(
            f'<li><a href="{esc(request.url(**{param: None}))}" '
            f'aria-label="{esc(f"Filter {label} {value} weghalen")}">{esc(label)}: '
            f'{esc(value)} <span aria-hidden="true">×</span></a></li>'
        )
    if not chips:
        return ""
    return f'<ul class="filters" aria-label="Actieve filters">{"".join(chips)}</ul>'


def _sort_links(request: SearchRequest) -> str:
    links = []
    for value, label in SORT_LABELS:
        if request.sort_param == value:
            links.append(f'<li><strong aria-current="true">{esc(label)}</strong></li>')
        else:
            sort: str | None = None if value == "relevantie" else value
            links.append(f'<li><a href="{esc(request.url(sorteer=sort))}">{esc(label)}</a></li>')
    inner = "".join(links)
    return f'<nav class="sort" aria-label="Volgorde"><span>Volgorde:</span><ul>{inner}</ul></nav>'


def _paging(request: SearchRequest, results: SearchResults) -> str:
    pages = max(1, -(-results.total // results.limit))
    if pages == 1:
        return ""
    page = results.page
    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    items = []
    if page > 1:
        items.append(
            f'<li><a rel="prev" href="{esc(request.url(pagina=page - 1))}">‹ Vorige</a></li>'
        )
    previous = 0
    for n in shown:
        if n - previous > 1:
            items.append('<li class="gap">…</li>')
        if n == page:
            items.append(f'<li><strong aria-current="page">{n}</strong></li>')
        else:
            items.append(
                f'<li><a href="{esc(request.url(pagina=n))}" aria-label="Pagina {n}">{n}</a></li>'
            )
        previous = n
    if page < pages:
        items.append(
            f'<li><a rel="next" href="{esc(request.url(pagina=page + 1))}">Volgende ›</a></li>'
        )
    return f'<nav class="paging" aria-label="Pagina\'s"><ul>{"".join(items)}</ul></nav>'


def _notices(request: SearchRequest, results: SearchResults) -> str:
    lines = []
    if results.suggestion:
        lines.append(
            f'<p class="suggestion">Bedoelde u: <a href="{esc(request.url(q=results.suggestion))}">'
            f"{esc(results.suggestion)}</a>?</p>"
        )
    corrected = dict(results.corrections)
    for word in results.unknown_words:
        instead = corrected.get(word)
        if instead is None:
            lines.append(f'<p class="notice">Niet gevonden: {esc(word)}</p>')
        elif " " in instead:
            lines.append(
                f'<p class="notice">Niet gevonden: {esc(word)}; gezocht op de delen: '
                f"{esc(instead)}</p>"
            )
    if results.ignored and results.normalized:
        lines.append(
            f'<p class="notice">Niet gezocht (te algemeen): {esc(", ".join(results.ignored))}</p>'
        )
    return "".join(lines)


def search_page(request: SearchRequest, results: SearchResults | None) -> str:
    """The page at ``/``: the search box, and the results when there is a search."""
    hidden = request.hidden_fields()
    if results is None:
        body = """<section class="intro">
<h1>Zoek in Kamervragen</h1>
<p>Schriftelijke vragen van Tweede Kamerleden, met de antwoorden van de ministers.
Typ een paar woorden, bijvoorbeeld <a href="/?q=stikstof">stikstof</a>,
<a href="/?q=gezichtsherkenning">gezichtsherkenning</a> of
<a href="/?q=jeugdzorg&amp;sorteer=-datum">jeugdzorg</a>.</p>
</section>"""
        return _layout("kvsearch: zoek in Kamervragen", body, "", hidden)
    parts = [_notices(request, results), _active_filters(request)]
    described = request.query if request.query != "*" else "alle vragen"
    if results.hits:
        first, last = results.hits[0].rank, results.hits[-1].rank
        related = f" (waarvan {results.related} via hun Kamervraag)" if results.related else ""
        parts.append(
            f'<div class="summary"><p class="total" role="status">{first}–{last} van '
            f"{plural(results.total, 'vraag', 'vragen')} voor <q>{esc(described)}</q>"
            f"{esc(related)}</p>{_sort_links(request)}</div>"
        )
        hits = "".join(_hit(h) for h in results.hits)
        parts.append(
            f'<div class="columns"><ol class="hits" start="{first}">{hits}</ol>'
            f"{_facets(request, results)}</div>"
        )
        parts.append(_paging(request, results))
    elif results.total:
        parts.append(
            f'<p class="total" role="status">Pagina {results.page} is leeg: '
            f"{plural(results.total, 'vraag', 'vragen')} voor <q>{esc(described)}</q>. "
            f'<a href="{esc(request.url(pagina=None))}">Naar pagina 1</a>.</p>'
        )
    elif results.ignored and not results.normalized:
        parts.append(
            f'<p class="total" role="status">Alleen veelvoorkomende woorden '
            f"({esc(', '.join(results.ignored))}): daarop wordt niet gezocht. Geef een woord "
            "dat de vragen onderscheidt, of zet een zin tussen aanhalingstekens.</p>"
        )
    else:
        parts.append(
            f'<p class="total" role="status">Geen resultaten voor <q>{esc(described)}</q>.</p>'
        )
    title = f"{described} – kvsearch"
    return _layout(title, "\n".join(p for p in parts if p), request.shown_query, hidden)


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{esc(line)}</p>" for line in text.splitlines() if line.strip())


def _footnote(number: int, text: str) -> str:
    shown = esc(text)
    if text.startswith(("https://", "http://")) and " " not in text.strip():
        shown = f'<a href="{esc(text.strip())}" rel="noreferrer">{shown}</a>'
    return f'<li value="{number}">{shown}</li>'


def _entry_section(entry: Question, single: bool) -> str:
    numbers = " en ".join(str(n) for n in entry.numbers)
    label = "Vragen" if len(entry.numbers) > 1 else "Vraag"
    answer = ""
    if entry.answer:
        answer = f'<div class="answer"><h3>Antwoord</h3>{_paragraphs(entry.answer)}</div>'
    notes = ""
    if entry.footnotes:
        items = "".join(_footnote(f.number, f.text) for f in entry.footnotes)
        notes = f'<section class="notes"><h4>Voetnoten</h4><ol>{items}</ol></section>'
    more = ""
    if not single:
        more = (
            f'<p class="more"><a href="{esc(doc_url(entry.entry_id, "vergelijkbaar"))}">'
            f"Vergelijkbare vragen bij {esc(label.lower())} {esc(numbers)}</a></p>"
        )
    return f"""<section class="entry" id="{esc(entry_anchor(entry))}">
<h2>{esc(label)} {esc(numbers)}</h2>
<div class="question">{_paragraphs(entry.question) or "<p>(tekst ontbreekt)</p>"}</div>
{answer}{notes}{more}
</section>"""


def _similar(similar: SearchResults | None) -> str:
    if similar is None:
        return ""
    if not similar.hits:
        return (
            '<section class="similar" id="vergelijkbaar"><h2>Vergelijkbare vragen</h2>'
            "<p>Geen vergelijkbare vragen gevonden.</p></section>"
        )
    items = []
    for hit in similar.hits:
        e = hit.entry
        items.append(
            f'<li><a href="{esc(doc_url(e.document_id, entry_anchor(e)))}">'
            f"{esc(e.subject or e.document_id)}</a>"
            f'<p class="meta">{_members(e)} · {esc(dutch_date(e.submitted))} · '
            f"{esc(status_text(e))} · {esc(e.entry_id)}</p>"
            f'<p class="snippet">{hit.snippet.html()}</p></li>'
        )
    return (
        '<section class="similar" id="vergelijkbaar"><h2>Vergelijkbare vragen</h2>'
        f"<ol>{''.join(items)}</ol></section>"
    )


def document_page(
    ident: str, entries: tuple[Question, ...], similar: SearchResults | None = None
) -> str:
    """``/doc/<id>``: a document (every question with its answer and footnotes) or
    one entry of it, with the questions most like it (``similar``)."""
    first = entries[0]
    single = len(entries) == 1 and not first.is_notice and ident == first.entry_id
    answered = next((e for e in entries if e.answered), None)
    rows = [("Gesteld door", _members(first))]
    if first.addressees:
        rows.append(("Aan", esc("; ".join(first.addressees))))
    rows.append(("Ingezonden", esc(dutch_date(first.submitted))))
    if answered:
        who = f" door {answered.answered_by}" if answered.answered_by else ""
        rows.append(("Beantwoord", esc(f"{dutch_date(answered.answered)}{who}")))
    rows.append(("Status", esc(status_text(answered or first))))
    if first.url:
        rows.append(
            (
                "Officiële tekst",
                f'<a href="{esc(first.url)}" rel="noreferrer">{esc(first.url)}</a>',
            )
        )
    meta = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in rows)
    notice = ""
    if first.notice:
        notice = (
            f'<section class="notice-text"><h2>Mededeling (ontvangen '
            f"{esc(dutch_date(first.notice_received))})</h2>{_paragraphs(first.notice)}</section>"
        )
    sections = "".join(_entry_section(e, single) for e in entries if not e.is_notice)
    back = ""
    if single:
        back = (
            f'<p class="more"><a href="{esc(doc_url(first.document_id, entry_anchor(first)))}">'
            f"Hele Kamervraag {esc(first.document_id)}</a></p>"
        )
    title = esc(first.entry_id if single else first.document_id)
    body = f"""<article class="document">
<p class="crumbs"><a href="/">Zoeken</a> › {title}</p>
<h1>{esc(first.subject or first.document_id)}</h1>
<p class="docid">{title}</p>
<dl class="docmeta">{meta}</dl>
{notice}{sections}{back}
</article>
{_similar(similar)}"""
    return _layout(f"{first.subject or first.document_id} – kvsearch", body)


def error_page(status: int, message: str, query: str = "") -> str:
    """A page that says what went wrong (in Dutch) and keeps the search box."""
    heading = {400: "Deze zoekvraag gaat niet", 404: "Niet gevonden"}.get(status, "Fout")
    body = (
        f'<section class="error"><h1>{esc(heading)}</h1><p role="alert">{esc(message)}</p>'
        '<p><a href="/">Opnieuw zoeken</a></p></section>'
    )
    return _layout(f"{heading} – kvsearch", body, query)
