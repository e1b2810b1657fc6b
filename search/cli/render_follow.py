"""Text for people about change and counts: what a build changed, what is new for a
saved search, the statistics table, and filters as the flags that set them.

Plain strings only (no click here), like :mod:`search.cli.render`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from search.cli.render import askers, dutch_date, plural, shorten, status_text
from search.models import Changes, DocumentChange, Filters, Question
from search.models.filters import filters_to_json

if TYPE_CHECKING:  # imported when used: a search needs neither
    from search.follow.stats import Stats, StatsRow
    from search.follow.watch import WatchNews

#: How many Kamervragen a change line names before it only counts.
CHANGES_NAMED = 10


def _named(changes: tuple[DocumentChange, ...], with_date: bool = False) -> str:
    parts = []
    for c in changes[:CHANGES_NAMED]:
        subject = f" ({shorten(c.subject, 60)})" if c.subject else ""
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
            f"  {label}: {document_id} {which}  {askers(e)} · {dutch_date(e.submitted)} · "
            f"{status_text(e)}"
        )
        if e.subject:
            lines.append(f"      {shorten(e.subject, 100)}")
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
        shorten(_group_name(r, stats.by), width) if isinstance(r, StatsRowType) else r
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

    pairs = filters_to_json(filters).items() if isinstance(filters, Filters) else filters
    words = []
    for name, value in pairs:
        if name == "status":
            words.append(_STATUS_FLAG.get(str(value), f"status:{value}"))
            continue
        text = str(value)
        words.append(f"{_FLAG_OF.get(name, name)} {repr(text) if ' ' in text else text}")
    return words
