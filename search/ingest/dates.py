"""Dutch dates as the intro, reply and notice lines write them: ``20 juni 2019``,
``(ingezonden 1 mei 2024)``, ``(ontvangen 3 juni 2024)``."""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}  # fmt: skip
_DATE_RE = r"(?P<day>\d{1,2})\s*(?P<month>[a-z]+)\s*(?P<year>\d{4})"
_SUBMITTED_RE = re.compile(r"ingezonden\s*" + _DATE_RE, re.I)
_RECEIVED_RE = re.compile(r"ontvangen[\s(]*(?:ontvangen\s*)?" + _DATE_RE, re.I)


def parse_dutch_date(text: str) -> date | None:
    """Parse the first ``20 juni 2019``-style date in ``text``; None when there is none."""
    m = re.search(_DATE_RE, text, re.I)
    return _date_from_match(m) if m else None


def _date_from_match(m: re.Match[str]) -> date | None:
    month = _MONTHS.get(m.group("month").lower())
    if month is None:
        return None
    try:
        return date(int(m.group("year")), month, int(m.group("day")))
    except ValueError:
        return None
