"""Conditions on entries: :class:`Filters` (what a search is restricted to) and
:class:`Preference` (what an understood query ranks higher)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any

from search.dutch.parliament import FIRST_YEAR, LAST_YEAR, session_range
from search.errors import FilterError

#: Status names a user or an application may give (Dutch or English), to the stored ones.
STATUS_NAMES: dict[str, str] = {
    "beantwoord": "answered",
    "answered": "answered",
    "onbeantwoord": "unanswered",
    "open": "unanswered",
    "unanswered": "unanswered",
    "uitgesteld": "delayed",
    "delayed": "delayed",
}


@dataclass(frozen=True)
class Filters:
    """Conditions every hit must meet; None means no condition.

    Values are checked (and normalised) when a ``Filters`` is made: a bad one raises
    :class:`~search.errors.FilterError` naming the field and the value.

    Attributes:
        member: A member's name (``Van Nispen``), case- and accent-insensitive.
        party: A party, with its usual variants (``GL-PvdA`` = ``GroenLinks-PvdA``).
        ministry: Words of an addressee or answering minister (``Buitenlandse Zaken``).
        date_from: Submitted on or after (a ``date`` or an ISO string, ``2024-01-31``).
        date_to: Submitted on or before (likewise).
        year: Submitted in this calendar year (an int or a string of four digits).
        session: Submitted in this parliamentary year (vergaderjaar), ``2023-2024``
            (also ``2023``, ``2023-24``); stored as ``2023-2024``.
        status: ``answered``, ``unanswered`` or ``delayed``, or the Dutch
            ``beantwoord``, ``onbeantwoord``, ``uitgesteld``; stored in English.
        answered_since: Answered on or after (a ``date`` or an ISO string).
    """

    member: str | None = None
    party: str | None = None
    ministry: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    year: int | None = None
    session: str | None = None
    status: str | None = None
    answered_since: date | None = None

    def __post_init__(self) -> None:
        for name in ("member", "party", "ministry"):
            value = getattr(self, name)
            if value is None:
                continue
            if not isinstance(value, str):
                raise FilterError(name, value, "type", "give a name as a string")
            if not value.strip():
                raise FilterError(name, value, "empty", "give a name, not an empty string")
            object.__setattr__(self, name, " ".join(value.split()))
        for name in ("date_from", "date_to", "answered_since"):
            object.__setattr__(self, name, _as_date(name, getattr(self, name)))
        if self.year is not None:
            object.__setattr__(self, "year", _as_year(self.year))
        if self.session is not None:
            object.__setattr__(self, "session", _as_session(self.session))
        if self.status is not None:
            status = STATUS_NAMES.get(str(self.status).strip().lower())
            if status is None:
                raise FilterError(
                    "status", self.status, "status", "use answered, unanswered or delayed"
                )
            object.__setattr__(self, "status", status)
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise FilterError(
                "date_to",
                self.date_to.isoformat(),
                "date-order",
                f"the period ends before it starts ({self.date_from.isoformat()})",
            )

    def __bool__(self) -> bool:
        return any(v is not None for v in vars(self).values())


def _as_date(name: str, value: object) -> date | None:
    """A filter's date: a ``date`` (a ``datetime`` loses its time) or an ISO string."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise FilterError(name, value, "date", "write a date as YYYY-MM-DD, for example 2024-01-31")


def _as_year(value: object) -> int:
    year = value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}\s*", value):
        year = int(value)
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        raise FilterError(
            "year", value, "year", f"give a year from {FIRST_YEAR} to {LAST_YEAR}, like 2024"
        )
    return year


def _as_session(value: object) -> str:
    span = session_range(str(value)) if isinstance(value, str | int) else None
    if span is None:
        raise FilterError(
            "session",
            value,
            "session",
            f"give a parliamentary year from {FIRST_YEAR} on, like 2023-2024",
        )
    return f"{span[0].year}-{span[0].year + 1}"


@dataclass(frozen=True)
class Preference:
    """One recognised word: what it was taken as.

    Attributes:
        kind: ``member``, ``party``, ``minister``, ``year`` or ``status``.
        value: The name, party, year or status (``answered``...).
        words: The words of the query it came from.
        filters: The entries it prefers.
    """

    kind: str
    value: str
    words: str
    filters: Filters

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {"kind": self.kind, "value": self.value, "words": self.words}


def filters_to_json(filters: Filters) -> dict[str, Any]:
    """The set fields of ``filters`` as JSON values (dates as ISO strings)."""
    out: dict[str, Any] = {}
    for f in fields(Filters):
        value = getattr(filters, f.name)
        if value is not None:
            out[f.name] = value.isoformat() if isinstance(value, date) else value
    return out


def filters_from_json(values: Mapping[str, Any]) -> Filters:
    """:class:`~search.Filters` from stored values, checked as any filter is.

    Raises:
        FilterError: A value this kvsearch does not accept, or a field it does not know.
    """
    known = {f.name for f in fields(Filters)}
    for name, value in values.items():
        if name not in known:
            raise FilterError(name, value, "unknown", "this kvsearch has no such filter")
    return Filters(**values)
