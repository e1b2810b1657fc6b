"""The commands that read the index: ``search``, ``show`` and ``similar``."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path

import click
from click.core import ParameterSource

from search.cli.app import help_option, main
from search.cli.building import print_report
from search.cli.options import (
    DEFAULT_SEEDS,
    SearchCommand,
    filter_options,
    index_dir_option,
    query_of,
    trust,
)
from search.cli.render import entry_view, export_row, plural, results_text, similar_text
from search.cli.render_follow import filter_words
from search.errors import EntryNotFoundError, IndexNotFoundError
from search.index import Index
from search.models import Filters, Hit


def open_for_search(ctx: click.Context, index_dir: Path) -> Index:
    """Open the index; build the default one from seeds/ when it does not exist yet."""
    try:
        return Index.open(index_dir, trust=trust())
    except IndexNotFoundError:
        explicit = ctx.get_parameter_source("index_dir") == ParameterSource.COMMANDLINE
        if explicit or not Path(DEFAULT_SEEDS).is_dir():
            raise
    click.echo(
        f"Nog geen index in {index_dir}/: die wordt eerst gemaakt uit {DEFAULT_SEEDS}/.",
        err=True,
    )
    index = Index.build(index_dir, [Path(DEFAULT_SEEDS)], trust=trust())
    assert index.last_build is not None
    print_report(index.last_build, quiet=True)
    return index


def _use_color(ctx: click.Context) -> bool:
    """Colour on a terminal (click's own test), never with ``NO_COLOR`` set."""
    if os.environ.get("NO_COLOR"):
        return False
    if ctx.color is not None:
        return ctx.color
    return not click.utils.should_strip_ansi(sys.stdout)  # type: ignore[attr-defined]


@main.command("search", cls=SearchCommand, short_help="Zoek vragen, de beste eerst.")
@click.argument("words", nargs=-1, metavar="ZOEKWOORDEN...")
@index_dir_option
@click.option(
    "-n", "--limit", type=click.IntRange(min=1), default=10, show_default=True,
    help="Aantal resultaten per pagina.",
)  # fmt: skip
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True, help="Pagina.")
@click.option(
    "--sort", type=click.Choice(["relevance", "date", "-date"]), default="relevance",
    show_default=True, help="Volgorde: relevantie, datum (oudste eerst), -date (nieuwste eerst).",
)  # fmt: skip
@filter_options
@click.option("--facets", is_flag=True, help="Toon aantallen per partij, lid, ministerie en jaar.")
@click.option("--group", is_flag=True, help="Eén resultaat per document, met zijn vragen.")
@click.option(
    "--only-matches", is_flag=True,
    help="Alleen vragen die de woorden zelf bevatten, zonder de vragen eromheen uit "
    "dezelfde Kamervraag.",
)  # fmt: skip
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "jsonl", "csv", "atom"]),
    default="table", show_default=True,
    help="Uitvoer; jsonl en csv geven álle treffers (tenzij --limit), voor scripts; atom "
    "een Atom-feed van de pagina.",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Kort voor --format json (met facetten).")
@click.option(
    "--exact", is_flag=True,
    help="Zoek de woorden zoals getypt: geen verbetering van onbekende woorden.",
)  # fmt: skip
@help_option
@click.pass_context
def search_command(
    ctx: click.Context,
    words: tuple[str, ...],
    index_dir: Path,
    limit: int,
    page: int,
    sort: str,
    filters: Filters,
    facets: bool,
    group: bool,
    only_matches: bool,
    fmt: str,
    as_json: bool,
    exact: bool,
) -> None:
    """Zoek vragen; de beste eerst, met de gevonden woorden gemarkeerd.

    Woorden hoeven niet allemaal voor te komen: vragen met meer ervan staan hoger.
    Een vraag telt mee met de Kamervraag waar ze bij hoort: de vragen van een goed
    passende Kamervraag staan samen hoger, en de vragen vlak ernaast volgen na de
    treffers ("(zelfde Kamervraag)"; --only-matches laat ze weg).
    '*' vindt alle vragen (met filters: alle vragen die eraan voldoen, nieuwste eerst).

    \b
    Zoektaal:
      woord woord          meer gevonden woorden = hoger
      "exacte zin"         deze woorden in deze volgorde (verplicht)
      +woord  -woord       verplicht / uitgesloten (ook: NOT woord)
      lid:Ploumen  partij:PvdA  minister:"Buitenlandse Zaken"
      onderwerp:…  vraag:…  antwoord:…
      datum:2024-01-01..2024-06-30  jaar:2024  vergaderjaar:2023-2024
      status:beantwoord|onbeantwoord|uitgesteld

    \b
    Voorbeelden:
      kvsearch search gezichtsherkenning
      kvsearch search mensenrechten china
      kvsearch search '"social credit"' --json
      kvsearch search mensenrechten partij:PvdA -Rusland --limit 20
      kvsearch search '*' --party SP --from 2024-01-01 --facets
      kvsearch search stikstof --group --sort -date
      kvsearch search klimaat* --format csv > klimaat.csv
    """
    query = query_of(words)
    if not query:
        raise click.UsageError("geef een zoekvraag, bijvoorbeeld `kvsearch search stikstof`.")
    fmt = "json" if as_json else fmt
    if fmt in ("jsonl", "csv") and (group or facets):
        named = [f for f, on in (("--group", group), ("--facets", facets)) if on]
        verb = "gelden" if len(named) > 1 else "geldt"
        raise click.UsageError(
            f"{' en '.join(named)} {verb} niet voor --format {fmt}, dat elke treffer als eigen "
            "regel geeft; gebruik --format json."
        )
    limit_given = ctx.get_parameter_source("limit") == ParameterSource.COMMANDLINE
    with open_for_search(ctx, index_dir) as index:
        if fmt in ("jsonl", "csv"):
            hits = index.iter_hits(
                query, filters=filters, sort=sort, related=not only_matches, exact=exact
            )
            if limit_given:
                hits = (h for h in hits if h.rank > (page - 1) * limit and h.rank <= page * limit)
            _export(hits, fmt)
            return
        results = index.search(
            query,
            filters=filters,
            limit=limit,
            page=page,
            sort=sort,
            facets=facets or fmt == "json",
            group=group,
            related=not only_matches,
            exact=exact,
        )
    if fmt == "json":
        click.echo(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
    elif fmt == "atom":
        from search.follow.feed import atom_feed, feed_tag

        described = " ".join([query, *filter_words(filters)])
        feed = atom_feed(
            results.hits,
            title=f"kvsearch: {described}",
            feed_id=feed_tag("search", described),
            subtitle=f"{plural(results.total, 'treffer', 'treffers')} voor {described}",
        )
        click.echo(feed, nl=False)
    else:
        click.echo(results_text(results, _use_color(ctx)), color=_use_color(ctx))


def _export(hits: Iterable[Hit], fmt: str) -> None:
    """Stream hits as JSON lines or CSV rows."""
    out = sys.stdout
    writer: csv.DictWriter[str] | None = None
    for hit in hits:
        if fmt == "jsonl":
            out.write(json.dumps(hit.to_dict(), ensure_ascii=False) + "\n")
            continue
        row = export_row(hit)
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(row), lineterminator="\n")
            writer.writeheader()
        writer.writerow(row)
    out.flush()


@main.command("show", short_help="Toon een vraag of document in zijn geheel.")
@click.argument("ident", metavar="ID")
@index_dir_option
@click.option("--json", "as_json", is_flag=True, help="Als JSON.")
@help_option
@click.pass_context
def show_command(ctx: click.Context, ident: str, index_dir: Path, as_json: bool) -> None:
    """Toon een vraag (2019Z12806#4) of een heel document (2019Z12806): vragen,
    antwoorden, leden, geadresseerden, data, status en voetnoten.

    \b
    Voorbeelden:
      kvsearch show 2019Z12806#4
      kvsearch show 2019Z12806 --json
    """
    with open_for_search(ctx, index_dir) as index:
        entries = index.lookup(ident)
    if not entries:
        raise EntryNotFoundError(index_dir, ident)
    if as_json:
        data = {"id": ident, "entries": [e.to_dict() for e in entries]}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    color = _use_color(ctx)
    width = shutil.get_terminal_size((88, 24)).columns if color else 88
    click.echo(entry_view(entries, color, min(width, 100)), color=color)


@main.command("similar", short_help="Vind vragen die op een vraag of tekst lijken.")
@click.argument("entry_id", required=False)
@index_dir_option
@click.option("--text", help="Tekst van een (nieuwe) vraag; '-' of geen ENTRY_ID: lees stdin.")
@click.option("-n", "--limit", type=click.IntRange(min=1), default=10, show_default=True,
              help="Aantal vragen.")  # fmt: skip
@click.option("--include-own", is_flag=True, help="Ook vragen uit hetzelfde document.")
@click.option("--json", "as_json", is_flag=True, help="Als één JSON-object.")
@help_option
@click.pass_context
def similar_command(
    ctx: click.Context,
    entry_id: str | None,
    index_dir: Path,
    text: str | None,
    limit: int,
    include_own: bool,
    as_json: bool,
) -> None:
    """Vind eerdere vragen over hetzelfde onderwerp, met het begin van hun antwoord.

    Geef een vraagnummer, of plak de tekst van een nieuwe vraag (--text of via stdin).

    \b
    Voorbeelden:
      kvsearch similar 2019Z12806#4
      kvsearch similar --text "Wat doet u tegen de wachtlijsten in de jeugdzorg?"
      pbpaste | kvsearch similar
    """
    if entry_id is not None and text is not None:
        raise click.UsageError("geef een vraagnummer óf --text, niet allebei.")
    if entry_id is None and (text is None or text == "-"):
        text = sys.stdin.read()
    if entry_id is None and not (text or "").strip():
        raise click.UsageError("geef een vraagnummer, --text of tekst via stdin.")
    with open_for_search(ctx, index_dir) as index:
        if entry_id is not None and text is None:
            results = index.similar(entry_id, limit=limit, include_own=include_own)
        else:
            results = index.similar(text=text, limit=limit)
    if as_json:
        click.echo(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(similar_text(results, _use_color(ctx)), color=_use_color(ctx))
