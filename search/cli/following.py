"""The commands that follow the index over time: ``stats`` (how many questions, how
fast answered) and ``watch`` (saved searches: what is new, what is answered now).
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from search.cli.app import KvGroup, help_option, main
from search.cli.options import SearchCommand, filter_options, index_dir_option, query_of, trust
from search.cli.render import dutch_date, plural
from search.cli.render_follow import filter_words, news_lines, stats_rows, stats_text
from search.cli.texts import dutch_message
from search.errors import SearchError
from search.index import Index
from search.models import BuildReport, Filters

if TYPE_CHECKING:  # imported when used: a search needs it not
    from search.follow.watch import Watch, WatchNews


def watch_news(index: Index, report: BuildReport) -> tuple[WatchNews, ...]:
    """What the build's changes mean for each saved search; a damaged file of saved
    searches is reported, and the build stands."""
    try:
        return index.watches.changes(report.changes)
    except SearchError as exc:
        click.echo(f"let op: {dutch_message(exc)}", err=True)
        return ()


def watch_errors(news: Iterable[WatchNews]) -> None:
    """A saved search that cannot be run any more: one line on stderr, and it is kept."""
    for item in news:
        if item.error is not None:
            click.echo(
                f"let op: gevolgde zoekvraag '{item.watch.name}' werkt niet meer: "
                f"{dutch_message(item.error)} Pas hem aan met `kvsearch watch remove` en "
                "`kvsearch watch add`; hij blijft bewaard.",
                err=True,
            )


def _iso_day(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is geen datum; schrijf JJJJ-MM-DD.") from None


@main.command("stats", cls=SearchCommand, short_help="Hoeveel vragen, hoe snel beantwoord.")
@click.argument("words", nargs=-1, metavar="[ZOEKWOORDEN]...")
@index_dir_option
@filter_options
@click.option(
    "--by", "by", metavar="GROEP",
    type=click.Choice(["ministerie", "partij", "lid", "jaar", "maand"]),
    help="Per ministerie, partij, lid, jaar of maand.",
)  # fmt: skip
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
    show_default=True, help="Uitvoer: tabel, JSON of CSV.",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Kort voor --format json.")
@click.option(
    "--today", metavar="JJJJ-MM-DD", callback=_iso_day,
    help="Tel 'te laat' op deze dag in plaats van vandaag (voor vaste uitkomsten).",
)  # fmt: skip
@click.option("--exact", is_flag=True, help="Zoek de woorden zoals getypt.")
@help_option
def stats_command(
    words: tuple[str, ...],
    index_dir: Path,
    filters: Filters,
    by: str | None,
    fmt: str,
    as_json: bool,
    today: date | None,
    exact: bool,
) -> None:
    """Tel Kamervragen en vragen (allemaal, of die bij de zoekwoorden en filters
    passen): beantwoord, open, uitgesteld (mededeling) en te laat (onbeantwoord, zonder
    mededeling, meer dan drie weken na indienen), en hoeveel dagen het antwoord duurde
    (mediaan en 90e percentiel); per groep met --by, met een balk voor het aantal vragen.

    \b
    Voorbeelden:
      kvsearch stats --by ministerie
      kvsearch stats jeugdzorg --by maand
      kvsearch stats --partij SP --by jaar --format csv > sp.csv
    """
    with Index.open(index_dir, trust=trust()) as index:
        stats = index.stats(query_of(words), filters=filters, by=by, today=today, exact=exact)
    fmt = "json" if as_json else fmt
    if fmt == "json":
        click.echo(json.dumps(stats.to_dict(), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        rows = stats_rows(stats)
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        click.echo(stats_text(stats))


def watch_text(watch: Watch) -> str:
    """A saved search as one would type it: ``jeugdzorg --partij D66``."""
    parts = [watch.query, *filter_words(watch.filter_values)]
    if watch.exact:
        parts.append("--exact")
    return " ".join(parts)


def _when(value: Any) -> str:
    """A moment of a saved search in local time: ``2 december 2026 21:03``."""
    local = value.astimezone()
    return f"{dutch_date(local.date())} {local:%H:%M}"


@main.group("watch", cls=KvGroup, short_help="Volg een onderwerp: bewaarde zoekvragen.")
@help_option
def watch_group() -> None:
    """Volg een onderwerp: bewaar een zoekvraag en zie wat er nieuw is en wat beantwoord.

    Een gevolgde zoekvraag wordt bij de index bewaard (ook na `kvsearch rebuild`). Na elke
    `kvsearch index` die iets veranderde staat per zoekvraag wat er nieuw of nu beantwoord
    is; `kvsearch watch check` meldt wat er sinds de vorige keer bijkwam en onthoudt dat.

    \b
    Voorbeelden:
      kvsearch watch add jeugdzorg jeugdzorg --partij D66
      kvsearch watch list
      kvsearch watch check
      kvsearch watch check jeugdzorg --format atom > jeugdzorg.xml
      kvsearch watch remove jeugdzorg
    """


@watch_group.command("add", cls=SearchCommand, short_help="Bewaar een zoekvraag om te volgen.")
@click.argument("name", metavar="NAAM")
@click.argument("words", nargs=-1, metavar="[ZOEKWOORDEN]...")
@index_dir_option
@filter_options
@click.option("--exact", is_flag=True, help="Zoek de woorden zoals getypt.")
@help_option
def watch_add_command(
    name: str, words: tuple[str, ...], index_dir: Path, filters: Filters, exact: bool
) -> None:
    """Bewaar een zoekvraag (woorden en filters, zoals bij `kvsearch search`) onder NAAM.

    Wat hij nu vindt geldt als gezien; `kvsearch watch check` meldt wat erbij komt.
    Zonder woorden volgt hij alles wat aan de filters voldoet.

    \b
    Voorbeelden:
      kvsearch watch add jeugdzorg jeugdzorg
      kvsearch watch add d66-zorg zorg --partij D66 --from 2024-01-01
      kvsearch watch add open-asiel --ministerie 'Asiel en Migratie' --unanswered
    """
    query = query_of(words)
    if not query and not filters:
        raise click.UsageError("geef zoekwoorden of een filter, bijvoorbeeld `jeugdzorg`.")
    with Index.open(index_dir, trust=trust()) as index:
        watch = index.watches.add(name, query, filters=filters, exact=exact)
    click.echo(
        f"Volg '{watch.name}' ({watch_text(watch)}): nu "
        f"{plural(watch.seen, 'vraag', 'vragen')}. `kvsearch watch check` meldt wat er "
        "nieuw is of beantwoord wordt."
    )


@watch_group.command("list", short_help="Toon de gevolgde zoekvragen.")
@index_dir_option
@click.option("--json", "as_json", is_flag=True, help="Als JSON.")
@help_option
def watch_list_command(index_dir: Path, as_json: bool) -> None:
    """Toon de gevolgde zoekvragen: naam, zoekvraag, hoeveel vragen gezien, laatst bekeken.

    \b
    Voorbeeld:
      kvsearch watch list
    """
    with Index.open(index_dir, trust=trust()) as index:
        watches = index.watches.all()
    if as_json:
        data = [w.to_dict() for w in watches]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if not watches:
        click.echo("Geen gevolgde zoekvragen. Voeg er een toe met `kvsearch watch add NAAM …`.")
        return
    width = max(len(w.name) for w in watches)
    for w in watches:
        checked = f"bekeken {_when(w.checked)}" if w.checked else "nog niet bekeken"
        click.echo(
            f"{w.name:<{width}}  {watch_text(w)}  · {plural(w.seen, 'vraag', 'vragen')} gezien"
            f" · {checked}"
        )


@watch_group.command("remove", short_help="Volg een zoekvraag niet meer.")
@click.argument("name", metavar="NAAM")
@index_dir_option
@help_option
def watch_remove_command(name: str, index_dir: Path) -> None:
    """Verwijder de gevolgde zoekvraag NAAM.

    \b
    Voorbeeld:
      kvsearch watch remove jeugdzorg
    """
    with Index.open(index_dir, trust=trust()) as index:
        watch = index.watches.remove(name)
    click.echo(f"Niet meer gevolgd: '{watch.name}' ({watch_text(watch)})")


@watch_group.command("check", short_help="Wat is er nieuw sinds de vorige keer?")
@click.argument("name", metavar="[NAAM]", required=False)
@index_dir_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "jsonl", "atom"]), default="text",
    show_default=True,
    help="Uitvoer: tekst, één JSON-object, een JSON-regel per vraag, of een Atom-feed "
    "(met NAAM).",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Kort voor --format json.")
@help_option
def watch_check_command(name: str | None, index_dir: Path, fmt: str, as_json: bool) -> None:
    """Meld per gevolgde zoekvraag (of alleen NAAM) wat er nieuw is sinds de vorige keer
    en wat toen onbeantwoord was en nu beantwoord is; onthoud daarna dat het gezien is.

    Afsluitstatus 0 als er iets nieuw is, 1 als niet (voor cron: mail alleen bij nieuws).

    \b
    Voorbeelden:
      kvsearch watch check
      kvsearch watch check jeugdzorg --json
      kvsearch watch check jeugdzorg --format atom > jeugdzorg.xml
    """
    fmt = "json" if as_json else fmt
    if fmt == "atom" and name is None:
        raise click.UsageError("--format atom geeft de feed van één zoekvraag; geef zijn NAAM.")
    with Index.open(index_dir, trust=trust()) as index:
        news = index.watches.check(name)
    if fmt == "json":
        data = {"news": sum(n.count for n in news), "watches": [n.to_dict() for n in news]}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif fmt == "jsonl":
        for item in news:
            for change, hits in (("new", item.new), ("answered", item.answered)):
                for hit in hits:
                    row = {"watch": item.watch.name, "change": change, **hit.to_dict()}
                    click.echo(json.dumps(row, ensure_ascii=False))
    elif fmt == "atom":
        from search.follow.feed import atom_feed, feed_tag

        (item,) = news
        click.echo(
            atom_feed(
                (*item.new, *item.answered),
                title=f"kvsearch: {item.watch.name}",
                feed_id=feed_tag("watch", item.watch.name),
                subtitle=watch_text(item.watch),
            ),
            nl=False,
        )
    else:
        blocks = ["\n".join(news_lines(n, urls=True)) for n in news if n.error is None]
        if blocks:
            click.echo("\n\n".join(blocks))
        elif not news:
            click.echo("Geen gevolgde zoekvragen. Voeg er een toe met `kvsearch watch add NAAM …`.")
    watch_errors(news)
    sys.exit(0 if any(n.count for n in news) else 1)
