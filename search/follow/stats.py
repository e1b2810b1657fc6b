"""Statistics of answering: how many Kamervragen, how many answered, late, and how fast.

Counted over the entries a search matches itself (``Index.stats``), per group: a
ministry, party, member, year or month. A Kamervraag (document) counts in a group when
one of its matching questions does; its status is that of its matching questions
together, as the build summary counts it: *answered* when one of them is, else
*delayed* when a notice (Mededeling) said the answer comes later, else *open*. An open
Kamervraag is *overdue* when it was submitted more than :data:`DEADLINE_DAYS` days
before ``today`` (the official term is three weeks). Days to answer run from the
earliest submission date of its questions to the latest answer date.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from search.dutch.parliament import ministries_in, ministry_of, party_display
from search.errors import FilterError
from search.models import Filters, Question
from search.models.filters import filters_to_json

__all__ = ["BY", "DEADLINE_DAYS", "Stats", "StatsRow", "compute", "group_keys", "percentile"]

#: The term for answering written questions: three weeks (Reglement van Orde, art. 12.3).
DEADLINE_DAYS = 21

#: Groupings, by their English and Dutch names.
BY: dict[str, str] = {
    "ministry": "ministry",
    "ministerie": "ministry",
    "party": "party",
    "partij": "party",
    "member": "member",
    "lid": "member",
    "year": "year",
    "jaar": "year",
    "month": "month",
    "maand": "month",
}


@dataclass(frozen=True)
class StatsRow:
    """The figures of one group (or of all, :attr:`Stats.total`).

    Attributes:
        group: The ministry, party, member, year (``2024``) or month (``2024-11``);
            None for the entries that have none (no party known, no date).
        documents: Kamervragen.
        questions: Questions (entries).
        answered: Kamervragen answered.
        open: Kamervragen not answered, without a notice of delay.
        delayed: Kamervragen whose answer a notice (Mededeling) said comes later.
        overdue: Open Kamervragen submitted more than :data:`DEADLINE_DAYS` days ago.
        median_days: The median of the days to answer, over the answered Kamervragen
            with both dates; None when there are none.
        p90_days: The 90th percentile of the same (nearest rank); None likewise.
    """

    group: str | None
    documents: int = 0
    questions: int = 0
    answered: int = 0
    open: int = 0
    delayed: int = 0
    overdue: int = 0
    median_days: float | None = None
    p90_days: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "group": self.group,
            "documents": self.documents,
            "questions": self.questions,
            "answered": self.answered,
            "open": self.open,
            "delayed": self.delayed,
            "overdue": self.overdue,
            "median_days": self.median_days,
            "p90_days": self.p90_days,
        }


@dataclass(frozen=True)
class Stats:
    """Statistics of a search (``Index.stats``).

    Attributes:
        query: The query.
        filters: Its filters.
        by: The grouping (``ministry``, ``party``, ``member``, ``year``, ``month``), or
            None for the total alone.
        today: The day overdue is counted against.
        rows: One per group: years and months in order (every month between the first
            and the last, also empty ones), else the most Kamervragen first; the group
            None last.
        total: All matching entries together (each Kamervraag once).
    """

    query: str
    filters: Filters
    by: str | None
    today: date
    rows: tuple[StatsRow, ...] = ()
    total: StatsRow = field(default_factory=lambda: StatsRow(None))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""

        return {
            "query": self.query,
            "filters": filters_to_json(self.filters),
            "by": self.by,
            "today": self.today.isoformat(),
            "deadline_days": DEADLINE_DAYS,
            "groups": [r.to_dict() for r in self.rows],
            "total": self.total.to_dict(),
        }


def check_by(by: str | None) -> str | None:
    """The grouping's English name; raises :class:`FilterError` for an unknown one."""
    if by is None:
        return None
    name = BY.get(str(by).strip().lower())
    if name is None:
        raise FilterError("by", by, "by", "use ministry, party, member, year or month")
    return name


def group_keys(entry: Question, by: str) -> tuple[str | None, ...]:
    """The groups an entry counts in (``(None,)`` when it has none)."""
    keys: list[str] = []
    if by == "party":
        keys = [party_display(p) for p in entry.parties]
    elif by == "member":
        keys = [m.name for m in entry.members]
    elif by == "ministry":
        keys = _ministries(entry.addressees) or _ministries((entry.answered_by or "",))
    elif by == "year" and entry.submitted:
        keys = [str(entry.submitted.year)]
    elif by == "month" and entry.submitted:
        keys = [f"{entry.submitted:%Y-%m}"]
    unique: tuple[str | None, ...] = tuple(dict.fromkeys(keys))
    return unique or (None,)


def _ministries(addressees: Iterable[str]) -> list[str]:
    """The ministries of addressees: the known ones they name, else the portfolio of a
    minister without a ministry (``Natuur en Stikstof``)."""
    found = []
    for addressee in addressees:
        found += ministries_in(addressee) or [m for m in (ministry_of(addressee),) if m]
    return found


def _median(values: list[int]) -> float | None:
    """The median (the mean of the middle two of an even number), None for none."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: list[int], share: float) -> int:
    """The nearest-rank percentile: the smallest value with at least ``share`` of the
    values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _row(group: str | None, entries: list[Question], today: date) -> StatsRow:
    by_doc: dict[str, list[Question]] = {}
    for entry in entries:
        by_doc.setdefault(entry.document_id, []).append(entry)
    answered = open_ = delayed = overdue = 0
    days: list[int] = []
    for doc_entries in by_doc.values():
        statuses = {e.status for e in doc_entries}
        submitted = min((e.submitted for e in doc_entries if e.submitted), default=None)
        if "answered" in statuses:
            answered += 1
            when = max((e.answered for e in doc_entries if e.answered), default=None)
            if submitted and when and when >= submitted:
                days.append((when - submitted).days)
        elif "delayed" in statuses:
            delayed += 1
        else:
            open_ += 1
            if submitted and (today - submitted).days > DEADLINE_DAYS:
                overdue += 1
    return StatsRow(
        group,
        documents=len(by_doc),
        questions=len(entries),
        answered=answered,
        open=open_,
        delayed=delayed,
        overdue=overdue,
        median_days=_median(days),
        p90_days=percentile(days, 0.9) if days else None,
    )


def compute(
    entries: Iterable[Question],
    *,
    query: str = "*",
    filters: Filters | None = None,
    by: str | None = None,
    today: date | None = None,
) -> Stats:
    """The statistics of ``entries`` (the matches of ``query`` and ``filters``).

    Raises:
        FilterError: ``by`` is no grouping.
    """
    by = check_by(by)
    today = today or date.today()
    everything = list(entries)
    rows: list[StatsRow] = []
    if by is not None:
        groups: dict[str | None, list[Question]] = {}
        for entry in everything:
            for key in group_keys(entry, by):
                groups.setdefault(key, []).append(entry)
        if by == "month" and any(k is not None for k in groups):
            for month in _months(min(k for k in groups if k), max(k for k in groups if k)):
                groups.setdefault(month, [])
        rows = [_row(key, members, today) for key, members in groups.items()]
        if by in ("year", "month"):
            rows.sort(key=lambda r: (r.group is None, r.group or ""))
        else:
            rows.sort(key=lambda r: (r.group is None, -r.documents, -r.questions, r.group or ""))
    return Stats(query, filters or Filters(), by, today, tuple(rows), _row(None, everything, today))


def _months(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (``2024-01``)."""
    year, month = map(int, first.split("-"))
    end = tuple(map(int, last.split("-")))
    out = []
    while (year, month) <= end:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out
