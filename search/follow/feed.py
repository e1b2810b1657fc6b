"""Atom 1.0 feeds of hits (RFC 4287), for feed readers.

One entry per hit: a stable ``tag:`` id made from the entry id, the subject and
question number as title, the answer date (or else the submission date) as
``updated``, the snippet as summary, the question and answer as content, the members
as authors and a link to the official text where the id has a known form. The XML is
written by :mod:`xml.etree.ElementTree`, which escapes every text; characters that XML
1.0 does not allow (control characters from a damaged PDF) are removed first.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import UTC, date, datetime
from urllib.parse import quote

from search.models import Hit, Question

__all__ = ["ATOM_NS", "atom_feed", "entry_tag", "feed_tag", "xml_text"]

ATOM_NS = "http://www.w3.org/2005/Atom"
#: The tagging authority and date of every id (RFC 4151); fixed, so that ids stay.
TAG_PREFIX = "tag:kvsearch,2026:"
#: ``updated`` of a feed without any dated entry.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 does not allow."""
    return _NOT_XML.sub("", text)


def entry_tag(entry_id: str) -> str:
    """The stable Atom id of an entry: ``tag:kvsearch,2026:entry/2019Z12806%234``."""
    return f"{TAG_PREFIX}entry/{quote(entry_id, safe='')}"


def feed_tag(kind: str, key: str) -> str:
    """The Atom id of a feed, e.g. of a saved search: ``tag:kvsearch,2026:watch/jeugdzorg``."""
    return f"{TAG_PREFIX}{kind}/{quote(key, safe='')}"


def _stamp(day: date | datetime) -> str:
    if isinstance(day, datetime):
        return day.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{day.isoformat()}T00:00:00Z"


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def entry_title(entry: Question) -> str:
    """``<subject> (2019Z12806, vraag 4)``; ``vragen 2 en 3`` for a block of two."""
    numbers = " en ".join(str(n) for n in entry.numbers)
    label = f"{entry.document_id}, {'vragen' if len(entry.numbers) > 1 else 'vraag'} {numbers}"
    return f"{entry.subject} ({label})" if entry.subject else label


_STATUS_LABEL = {"answered": "beantwoord", "unanswered": "onbeantwoord", "delayed": "uitgesteld"}


def atom_feed(
    hits: Iterable[Hit],
    *,
    title: str,
    feed_id: str,
    subtitle: str | None = None,
    updated: datetime | None = None,
) -> str:
    """An Atom 1.0 document of ``hits``, in their order.

    Args:
        hits: The hits, one entry each.
        title: The feed's title.
        feed_id: Its stable id (:func:`feed_tag`).
        subtitle: A line under the title (the query and filters).
        updated: The feed's ``updated`` when no entry has a date (default 1970-01-01);
            otherwise it is the latest entry's.
    """
    feed = ET.Element("feed", {"xmlns": ATOM_NS})
    _add(feed, "id", feed_id)
    _add(feed, "title", title, type="text")
    if subtitle:
        _add(feed, "subtitle", subtitle, type="text")
    stamp = _add(feed, "updated")
    author = _add(feed, "author")
    _add(author, "name", "kvsearch")
    _add(feed, "generator", "kvsearch")
    fallback = updated or EPOCH
    latest: date | None = None
    for hit in hits:
        e = hit.entry
        when = e.answered or e.submitted
        if when is not None and (latest is None or when > latest):
            latest = when
        item = _add(feed, "entry")
        _add(item, "id", entry_tag(e.entry_id))
        _add(item, "title", entry_title(e), type="text")
        _add(item, "updated", _stamp(when or fallback))
        if e.submitted:
            _add(item, "published", _stamp(e.submitted))
        for member in e.members:
            _add(_add(item, "author"), "name", str(member))
        if e.url:
            _add(item, "link", rel="alternate", type="text/html", href=e.url)
        _add(item, "category", term=e.status, label=_STATUS_LABEL.get(e.status, e.status))
        _add(item, "summary", hit.snippet.plain() or e.question[:300], type="text")
        content = e.question + (f"\n\nAntwoord:\n{e.answer}" if e.answer else "")
        _add(item, "content", content, type="text")
    stamp.text = _stamp(latest if latest is not None else fallback)
    ET.indent(feed)  # whitespace between elements only: texts stay as they are
    body = ET.tostring(feed, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'
