"""Knowledge of the Dutch parliament: parties, ministries, parliamentary years.

``party_key("GL-PvdA") == party_key("GroenLinks-PvdA") == "groenlinks-pvda"``; the
display name of a key is the party's usual short name. Ministries are named by what
follows ``Minister van`` / ``Staatssecretaris voor`` in an addressee. A parliamentary
year (vergaderjaar) runs from Prinsjesdag, the third Tuesday of September.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from search.dutch.folding import strip_diacritics

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "known_ministry",
    "ministries_in",
    "ministry_of",
    "official_url",
    "party_display",
    "party_key",
    "session_of",
    "session_range",
]

#: The years a date filter may name (``jaar:``, ``--year``, ``vergaderjaar:``).
FIRST_YEAR, LAST_YEAR = 1900, 2100

#: Canonical key -> (display name, other spellings). Keys and spellings are compared
#: after :func:`_norm` (lowercase, no diacritics, no spaces, dots or hyphens).
PARTIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "groenlinks-pvda": (
        "GroenLinks-PvdA",
        ("gl-pvda", "glpvda", "groenlinks/pvda", "pvda-groenlinks", "pvda-gl", "gl/pvda"),
    ),
    "groenlinks": ("GroenLinks", ("gl",)),
    "pvda": ("PvdA", ("partij van de arbeid",)),
    "vvd": ("VVD", ("volkspartij voor vrijheid en democratie",)),
    "pvv": ("PVV", ("partij voor de vrijheid",)),
    "nsc": ("NSC", ("nieuw sociaal contract",)),
    "bbb": ("BBB", ("boerburgerbeweging", "boer burger beweging")),
    "d66": ("D66", ("democraten 66",)),
    "cda": ("CDA", ("christen democratisch appel", "christen-democratisch appel")),
    "sp": ("SP", ("socialistische partij",)),
    "christenunie": ("ChristenUnie", ("cu",)),
    "pvdd": ("PvdD", ("partij voor de dieren",)),
    "fvd": ("FVD", ("forum voor democratie",)),
    "sgp": ("SGP", ("staatkundig gereformeerde partij",)),
    "denk": ("DENK", ()),
    "volt": ("Volt", ()),
    "ja21": ("JA21", ()),
    "50plus": ("50PLUS", ()),
    "bij1": ("BIJ1", ()),
    "groep-van-haga": ("Groep Van Haga", ("groep van haga", "bvnl")),
}


def _norm(text: str) -> str:
    return re.sub(r"[\s.\-_/]+", "", strip_diacritics(text.lower()))


_LOOKUP: dict[str, str] = {}
for _key, (_display, _aliases) in PARTIES.items():
    for _name in (_key, _display, *_aliases):
        _LOOKUP[_norm(_name)] = _key


def party_key(name: str) -> str:
    """The canonical key of a party name; an unknown party keys to its normalised name."""
    normalised = _norm(name)
    return _LOOKUP.get(normalised, normalised)


def party_display(name: str) -> str:
    """The usual short name of a party (``Nieuw Sociaal Contract`` -> ``NSC``)."""
    key = _LOOKUP.get(_norm(name))
    return PARTIES[key][0] if key else name.strip()


#: Ministries (and portfolios of ministers without one) as they are usually written;
#: an addressee's ministry is matched to these ignoring case, accents and punctuation.
MINISTRIES: tuple[str, ...] = (
    "Algemene Zaken",
    "Asiel en Migratie",
    "Binnenlandse Zaken en Koninkrijksrelaties",
    "Buitenlandse Handel en Ontwikkelingshulp",
    "Buitenlandse Handel en Ontwikkelingssamenwerking",
    "Buitenlandse Zaken",
    "Defensie",
    "Economische Zaken",
    "Economische Zaken en Klimaat",
    "Financiën",
    "Infrastructuur en Waterstaat",
    "Justitie en Veiligheid",
    "Klimaat en Energie",
    "Klimaat en Groene Groei",
    "Landbouw, Natuur en Voedselkwaliteit",
    "Landbouw, Visserij, Voedselzekerheid en Natuur",
    "Onderwijs, Cultuur en Wetenschap",
    "Sociale Zaken en Werkgelegenheid",
    "Volksgezondheid, Welzijn en Sport",
    "Volkshuisvesting en Ruimtelijke Ordening",
    "Wonen en Ruimtelijke Ordening",
)


def _ministry_key(name: str) -> str:
    return re.sub(r"[^a-z]", "", _norm(name))


_MINISTRY_LOOKUP = {_ministry_key(m): m for m in MINISTRIES}


def ministry_keys(addressee: str) -> list[str]:
    """The keys of the ministries whose name occurs in ``addressee`` (as a phrase would
    match it: ignoring case, accents and punctuation), e.g. ``economischezaken`` and
    ``economischezakenenklimaat`` for the Minister van Economische Zaken en Klimaat."""
    text = _ministry_key(addressee)
    return [key for key in _MINISTRY_LOOKUP if key in text]


def ministries_in(addressee: str) -> list[str]:
    """The known ministries an addressee names, by their usual names, longest match
    only (``Minister van Economische Zaken en Klimaat`` names *Economische Zaken en
    Klimaat*, not also *Economische Zaken*); also for addressees the PDF glued
    together. Empty when it names none of :data:`MINISTRIES`."""
    keys = ministry_keys(addressee)
    return [_MINISTRY_LOOKUP[k] for k in keys if not any(k != o and k in o for o in keys)]


def known_ministry(name: str) -> str | None:
    """A ministry written out in full, spelt as usual (``buitenlandse  zaken`` ->
    ``Buitenlandse Zaken``), None for anything else."""
    return _MINISTRY_LOOKUP.get(_ministry_key(name))


def known_ministry_key(name: str) -> str | None:
    """The key of a ministry written out in full (``volksgezondheid, welzijn en sport``),
    None for anything else."""
    key = _ministry_key(name)
    return key if key in _MINISTRY_LOOKUP else None


_TITLE_RE = re.compile(
    r"^(?:de\s+)?(?:minister-president|minister|staatssecretaris|ministers|"
    r"staatssecretarissen)\s+(?:van|voor)\s+",
    re.I,
)


def ministry_of(addressee: str) -> str | None:
    """The ministry of an addressee or answering minister, None when it names none.

    ``Minister van Buitenlandse Zaken`` and ``minister Van Weel (Buitenlandse Zaken)``
    both give ``Buitenlandse Zaken``.
    """
    bracket = re.search(r"\(([^()]+)\)\s*$", addressee)
    if bracket:
        rest = bracket.group(1).strip()
    else:
        m = _TITLE_RE.match(addressee.strip())
        if not m:
            return None
        rest = addressee.strip()[m.end() :].strip(" .,")
    if not rest:
        return None
    return _MINISTRY_LOOKUP.get(_ministry_key(rest), rest[:1].upper() + rest[1:])


def _prinsjesdag(year: int) -> date:
    first = date(year, 9, 1)
    first_tuesday = first + timedelta(days=(1 - first.weekday()) % 7)
    return first_tuesday + timedelta(weeks=2)


def session_of(day: date) -> str:
    """The parliamentary year of a day: ``2019-06-20`` -> ``2018-2019``."""
    start = day.year if day >= _prinsjesdag(day.year) else day.year - 1
    return f"{start}-{start + 1}"


_SESSION_RE = re.compile(r"^\s*(\d{4})\s*[-/–]?\s*(\d{4}|\d{2})?\s*$")


def session_range(session: str) -> tuple[date, date] | None:
    """First and last day of a parliamentary year written ``2023-2024`` (or ``2023``)."""
    m = _SESSION_RE.match(session)
    if not m:
        return None
    start = int(m.group(1))
    if not FIRST_YEAR <= start < LAST_YEAR:
        return None
    end = m.group(2)
    if end is not None and int(end) != (start + 1) % (100 if len(end) == 2 else 10_000):
        return None  # 2023-2025 is no parliamentary year
    return _prinsjesdag(start), _prinsjesdag(start + 1) - timedelta(days=1)


#: Where the official publications are: the Aanhangsel der Handelingen (answered
#: questions, ``ah-tk-20242025-594``) and the Kamervragen themselves by their
#: Tweede Kamer number (``2019Z12806``).
OFFICIAL_SITE = "https://zoek.officielebekendmakingen.nl"

_AH_RE = re.compile(r"^ah-tk-(\d{8})-(\d+)$", re.I)
_Z_RE = re.compile(r"^(\d{4})Z(\d{5})$", re.I)


def official_url(document_id: str) -> str | None:
    """The URL of a document's official text, derived from its id; None for an id of
    no known form.

    ``ah-tk-20242025-594`` -> ``…/ah-tk-20242025-594.html``, ``2019Z12806`` ->
    ``…/kv-tk-2019Z12806.html``. A second document kept under the same id
    (``2019Z12806~2``, see :mod:`search.ingest`) names the same publication.
    """
    base = re.sub(r"~\d+$", "", document_id.strip())
    ah = _AH_RE.match(base)
    if ah:
        return f"{OFFICIAL_SITE}/ah-tk-{ah.group(1)}-{ah.group(2)}.html"
    z = _Z_RE.match(base)
    if z:
        return f"{OFFICIAL_SITE}/kv-tk-{z.group(1)}Z{z.group(2)}.html"
    return None
