"""A document's metadata from its intro, reply and notice lines.

The intro line (``Vragen van het lid **X** (P) aan de Minister van … over *…*
(ingezonden 1 mei 2024)``) names the members, addressees, subject and submission
date; an ``Antwoord van …`` line says who answered and when; a ``Mededeling van …``
line when a notice that answering is delayed was received. Conversion debris is
repaired where it would hide them from a search or a filter:

- member names: an accent split off its letter is put back (``Kostic ´`` -> ``Kostić``),
  words glued together are split (``DaniëlleJansen`` -> ``Daniëlle Jansen``), a stray
  ``lid`` before a name is dropped;
- addressees: one per person (``de Ministers van A en van B`` -> two), glued words and
  known ministry names restored (``enVolksgezondheid``), the ``van`` a title lost put
  back (``Minister Justitie en Veiligheid``), ``Staatsecretaris`` spelt right;
- the subject keeps its words as written (``vande`` stays).

Ministry names are those of :func:`search.dutch.parliament.known_ministry`.
"""

from __future__ import annotations

import re
from datetime import date

from search.dutch.parliament import known_ministry
from search.ingest.dates import _RECEIVED_RE, _SUBMITTED_RE, _date_from_match
from search.ingest.markdown import _Inline, _render_inline
from search.ingest.repairs import _fix_accents, _squash, _unglue
from search.models import Member

# How the intro, reply and notice paragraphs start (search.ingest.blocks finds them so).
_INTRO_RE = re.compile(r"^Vra(?:ag|gen)\s+van\s", re.I)
_ANSWERED_BY_RE = re.compile(r"^Antwoord(?:en)?\s+van\s+(?P<who>.*)$", re.S | re.I)
_NOTICE_RE = re.compile(r"^Mededeling\s+van\b", re.I)


_INTRO_PARTS_RE = re.compile(
    r"^Vra(?:ag|gen)\s+van\s+(?:het|de)\s+(?:lid|leden)\s+(?P<members>.+?)\s+aan\s+(?P<rest>.*)$",
    re.I | re.S,
)
# "over" between addressee and subject, also glued on either side ("Sportover zorg",
# "overhet verdwijnen"); no ministry name holds "over".
_OVER_RE = re.compile(r"(?<![^\W\d_])over(?=\s|[^\W\d_])|(?<=[a-zß-ÿ])over(?=\s)")
_SUBMITTED_CUT_RE = re.compile(r"\s*(?:\(\s*ingezonden\b|\bingezonden\s*\d).*$", re.I | re.S)


def _parse_intro(
    inline: _Inline,
) -> tuple[tuple[Member, ...], tuple[str, ...], str | None, date | None]:
    """Members, addressees, subject and submission date from the rendered intro line.

    ``Vragen van het lid **X** (P) aan de Minister van … over *…* (ingezonden 1 mei
    2024)``; the subject is the emphasised part, or without emphasis what follows
    ``over``.
    """
    plain = inline.text
    m = _SUBMITTED_RE.search(plain)
    submitted = _date_from_match(m) if m else None
    parts = _INTRO_PARTS_RE.match(plain)
    if not parts:
        emphasis = max(inline.emphasis, key=len, default="")
        return (), (), _clean_subject(emphasis), submitted
    members = _parse_members(parts.group("members"))
    rest = _SUBMITTED_CUT_RE.sub("", parts.group("rest"))
    emphasised = [e for e in inline.emphasis if e and e in rest]
    subject: str | None = None
    to = rest
    if emphasised:
        subject = max(emphasised, key=len)  # the outer span, not one nested in it
        to = re.sub(r"\s*over\s*$", "", rest[: rest.index(subject)])
    else:
        over = _OVER_RE.search(rest)
        if over:
            to, subject = rest[: over.start()], rest[over.end() :].strip(" .")
    return members, _parse_addressees(to), _clean_subject(subject), submitted


def _clean_subject(subject: str | None) -> str | None:
    """The subject with stray emphasis marks of the conversion (``_spreekkamer``) gone."""
    if not subject:
        return None
    subject = re.sub(r"(?<!\w)_+(?=\w)|(?<=\w)_+(?!\w)|(?<!\w)_+(?!\w)", "", subject)
    return _squash(subject) or None


def _parse_members(text: str) -> tuple[Member, ...]:
    """``Van Nispen (SP) en Lahlah (GroenLinks-PvdA)``, ``X en Y (beiden D66)``."""
    members: list[Member] = []
    pos = 0
    for m in re.finditer(r"\(([^()]*)\)", text):
        names_text = text[pos : m.start()]
        pos = m.end()
        party = re.sub(
            r"^(?:beiden|allen|alle\s+\w+|allebei)\s+", "", _squash(m.group(1)), flags=re.I
        )
        for name in _split_names(names_text):
            members.append(Member(name, _fix_accents(party) or None))
    for name in _split_names(text[pos:]):
        members.append(Member(name, None))
    return tuple(members)


def _split_names(text: str) -> list[str]:
    parts = re.split(r"\s*,\s*|\s+en\s+|^\s*en\s+", " " + text.strip(" ,") + " ")
    names = (re.sub(r"^(?:lid|leden)\s+", "", _squash(p).strip(" ,")) for p in parts)
    return [_unglue(_fix_accents(n)) for n in names if n]


_TITLE_RE = re.compile(
    r"(?<![^\W\d_])(minister-president|staatss?ecretaris(?:sen)?|ministers?)", re.I
)
_GLUED_WORD_RE = re.compile(r"(?<![^\W\d_])(de|en|van|voor)(?=[A-ZÀ-Þ])")
_GLUED_TITLE_RE = re.compile(
    r"(?<![^\W\d_])((?:[Mm]inister|[Ss]taatss?ecretaris)(?:s|sen)?)(?=[A-ZÀ-Þ])"
)
_JOIN_RE = re.compile(r"\s*(?:,|\ben\b)?\s*(?:\b(?:de|het)\b)?\s*")
_TRAILING_JOIN_RE = re.compile(r"\s*(?:,|\ben\b)\s*(?:\b(?:de|het)\b)?\s*$")


def _parse_addressees(text: str) -> tuple[str, ...]:
    """One addressee per person, ``Minister van A``.

    Handles ``de Minister van A en de Staatssecretaris van B``, ``de Ministers van A, van
    B en voor C``, ``de Minister en de Staatssecretaris van A`` (both of A), and the
    conversion's glue (``deStaatssecretaris``, ``vanBinnenlandse``, ``MinisterKlimaat``).
    """
    text = _GLUED_TITLE_RE.sub(r"\1 ", _GLUED_WORD_RE.sub(r"\1 ", _squash(text))).strip(" ,.")
    titles = list(_TITLE_RE.finditer(text))
    lead = re.sub(r"^(?:de|het)\s+", "", text[: titles[0].start()] if titles else text, flags=re.I)
    lead = _TRAILING_JOIN_RE.sub("", lead).strip(" ,")
    result = [lead[0].upper() + lead[1:]] if lead and lead.lower() not in ("de", "het") else []
    group: list[str] = []
    for i, title in enumerate(titles):
        group.append(_title(title.group(1)))
        last = i + 1 == len(titles)
        between = text[title.end() : len(text) if last else titles[i + 1].start()]
        if not last and _JOIN_RE.fullmatch(between):
            continue  # "de Minister en de Staatssecretaris van A": they share A
        ministries = _ministries(between if last else _TRAILING_JOIN_RE.sub("", between))
        result.extend(f"{t} {m}".strip() for t in group for m in ministries)
        group = []
    return tuple(dict.fromkeys(result))


def _title(word: str) -> str:
    word = word.lower().replace("staatsecretaris", "staatssecretaris")
    word = re.sub(r"^(minister|staatssecretaris)(?:s|sen)$", r"\1", word)
    return word[0].upper() + word[1:]


def _ministries(text: str) -> list[str]:
    """``van A en van B`` -> [``van A``, ``van B``]; a known ministry spelt as usual."""
    text = text.strip(" ,.")
    if not text:
        return [""]
    result: list[str] = []
    for segment in re.split(r"\s*(?:,|\ben\b)\s*(?=(?:van|voor)\s)", text):
        m = re.match(r"^(van|voor)\s+(.*)$", segment, re.I | re.S)
        prep, name = (m.group(1).lower(), m.group(2)) if m else ("", segment)
        for ministry in _known_ministries(name.strip(" ,")):
            known = known_ministry(ministry)
            if prep or known:  # a title followed directly by a ministry lost its "van"
                result.append(f"{prep or 'van'} {known or ministry}")
            else:
                result.append(ministry)
    return result


def _known_ministries(name: str) -> list[str]:
    """``Onderwijs, Cultuur en Wetenschap en Volksgezondheid, …`` -> the two ministries.

    A name is split at an ``en`` only when every piece is a known ministry.
    """
    if known_ministry(name):
        return [name]
    for m in re.finditer(r"\s+en\s+", name):
        left, right = name[: m.start()], name[m.end() :]
        if known_ministry(left):
            rest = _known_ministries(right)
            if all(known_ministry(r) for r in rest):
                return [left, *rest]
    return [name]


def _parse_reply(lines: list[str]) -> tuple[date | None, str | None]:
    """The date and the answering minister of an ``Antwoord van …`` paragraph."""
    if not lines:
        return None, None
    plain = _render_inline(" ".join(lines)).text
    received = _RECEIVED_RE.search(plain)
    who_match = _ANSWERED_BY_RE.match(plain)
    who = who_match.group("who") if who_match else plain
    # Up to the date, or in a ministry's letter up to "op Kamervragen van …".
    who = re.split(
        r"\(\s*ontvangen|\s+op\s+(?:de\s+)?(?:kamer)?vragen\b", who, maxsplit=1, flags=re.I
    )[0]
    who = re.sub(
        r"\s+en\s+(?:antwoord\s+)?van\s+(?=(?:minister|staatssecretaris)\b)",
        " en ",
        who,
        flags=re.I,
    )
    who = re.sub(r"^(?:de|het)\s+", "", _fix_accents(_squash(who)).strip(" .,"))
    if who.count("(") > who.count(")"):
        who += ")"
    return (_date_from_match(received) if received else None), who or None


def _received(lines: list[str]) -> date | None:
    m = _RECEIVED_RE.search(_render_inline(" ".join(lines)).text) if lines else None
    return _date_from_match(m) if m else None


def _impossible_date(lines: list[str], pattern: re.Pattern[str]) -> str | None:
    """The date of an intro, reply or notice paragraph (``ingezonden …``, ``ontvangen
    …``) when it does not exist (``31 februari 2024``, ``3 febuari 2024``); else None."""
    m = pattern.search(_render_inline(" ".join(lines)).text) if lines else None
    if m is None or _date_from_match(m) is not None:
        return None
    return f"{m.group('day')} {m.group('month')} {m.group('year')}"
