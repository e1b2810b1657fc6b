"""Atom feeds: valid XML, read back by real XML parsers, with hostile text."""

from __future__ import annotations

import re
import shutil
import xml.dom.minidom
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from search import Hit, Member, Question, Segment, Snippet
from search.cli import main
from search.follow.feed import atom_feed, entry_tag, xml_text
from tests.conftest import SEED_FILE, examples

A = "{http://www.w3.org/2005/Atom}"

#: Text a feed must carry as text: markup, an ampersand, the end of a CDATA section,
#: and control characters that XML 1.0 does not allow (\x01, \x02, \x0b, \x0c, \x1b).
HOSTILE = (
    "## 2024Z00042\n\n"
    "Vragen van het lid **Dijk** (SP) aan de Minister van Volksgezondheid, Welzijn en Sport "
    "over *het bericht &lt;script&gt;alert(1)&lt;/script&gt; & ]]> in \x01de zorg* "
    "(ingezonden 3 oktober 2024).\n\n"
    "Antwoord van minister Agema (Volksgezondheid, Welzijn en Sport) "
    "(ontvangen 1 november 2024).\n\n"
    "### Vraag 1\n\nWat vindt u van `<script>x</script>` & ]]> en\x02 de zorg\x0b\x1b[31m?\n\n"
    "### Antwoord 1\n\nNiets &lt;/feed&gt; & ]]>\x0c einde.\n"
)


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    seeds = root / "seeds"
    seeds.mkdir()
    (seeds / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    shutil.copy(SEED_FILE, seeds)
    index = root / "index"
    result = CliRunner().invoke(main, ["index", str(seeds), "-q", "--index-dir", str(index)])
    assert result.exit_code == 0, result.output
    return index


def _atom(*args: str) -> tuple[ET.Element, str]:
    result = CliRunner().invoke(main, [*args, "--format", "atom"])
    assert result.exit_code in (0, 1), result.output
    xml.dom.minidom.parseString(result.stdout.encode("utf-8"))  # a second parser agrees
    return ET.fromstring(result.stdout.encode("utf-8")), result.stdout


def test_search_feed_is_valid_atom_with_hostile_text(hostile_index: Path) -> None:
    feed, text = _atom("search", "zorg", "--index-dir", str(hostile_index))
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns=')
    assert feed.tag == f"{A}feed"
    for tag in ("id", "title", "updated", "author"):
        assert feed.find(f"{A}{tag}") is not None, tag
    assert feed.findtext(f"{A}id") == "tag:kvsearch,2026:search/zorg"
    entries = feed.findall(f"{A}entry")
    (hostile,) = [e for e in entries if e.findtext(f"{A}id") == entry_tag("2024Z00042#1")]
    assert hostile.findtext(f"{A}id") == "tag:kvsearch,2026:entry/2024Z00042%231"
    title = hostile.findtext(f"{A}title")
    assert title == "het bericht <script>alert(1)</script> & ]]> in de zorg (2024Z00042, vraag 1)"
    content = hostile.findtext(f"{A}content") or ""
    assert "<script>x</script> & ]]> en de zorg[31m?" in content
    assert content.endswith("Antwoord:\nNiets </feed> & ]]> einde.")
    assert "<script>" not in text and "]]>" not in text  # escaped, never raw in the XML
    assert not any(c in text for c in "\x01\x02\x0b\x0c\x1b")
    summary = hostile.findtext(f"{A}summary") or ""
    assert "<script>x</script>" in summary
    assert hostile.findtext(f"{A}updated") == "2024-11-01T00:00:00Z"  # answered
    assert hostile.findtext(f"{A}published") == "2024-10-03T00:00:00Z"  # submitted
    assert [a.findtext(f"{A}name") for a in hostile.findall(f"{A}author")] == ["Dijk (SP)"]
    link = hostile.find(f"{A}link")
    assert link is not None and link.get("rel") == "alternate"
    assert link.get("href") == "https://zoek.officielebekendmakingen.nl/kv-tk-2024Z00042.html"
    category = hostile.find(f"{A}category")
    assert category is not None and category.get("term") == "answered"
    # The feed's updated is its latest entry's; ids are the same on the next run.
    assert feed.findtext(f"{A}updated") == max(e.findtext(f"{A}updated") or "" for e in entries)
    again, _ = _atom("search", "zorg", "--index-dir", str(hostile_index))
    assert [e.findtext(f"{A}id") for e in again.findall(f"{A}entry")] == [
        e.findtext(f"{A}id") for e in entries
    ]


def test_unanswered_entry_is_dated_by_submission_and_limit_applies(hostile_index: Path) -> None:
    feed, _ = _atom("search", "gezichtsherkenning", "-n", "2", "--index-dir", str(hostile_index))
    entries = feed.findall(f"{A}entry")
    assert [e.findtext(f"{A}id") for e in entries] == [
        entry_tag("2019Z12806#4"),
        entry_tag("2019Z12806#7"),
    ]
    assert {e.findtext(f"{A}updated") for e in entries} == {"2019-06-20T00:00:00Z"}
    assert entries[0].findtext(f"{A}title", "").endswith("(2019Z12806, vraag 4)")
    empty, _ = _atom("search", "xyzzyplugh", "--index-dir", str(hostile_index))
    assert empty.findall(f"{A}entry") == [] and empty.findtext(f"{A}updated")


def test_watch_check_feed(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED_FILE, seeds)
    index = str(tmp_path / "index")
    runner = CliRunner()
    assert runner.invoke(main, ["index", str(seeds), "-q", "--index-dir", index]).exit_code == 0
    added = runner.invoke(main, ["watch", "add", "zorg", "zorg", "--index-dir", index])
    assert added.exit_code == 0, added.output
    (seeds / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    assert runner.invoke(main, ["index", str(seeds), "-q", "--index-dir", index]).exit_code == 0
    feed, _ = _atom("watch", "check", "zorg", "--index-dir", index)
    assert feed.findtext(f"{A}id") == "tag:kvsearch,2026:watch/zorg"
    assert feed.findtext(f"{A}title") == "kvsearch: zorg"
    assert [e.findtext(f"{A}id") for e in feed.findall(f"{A}entry")] == [entry_tag("2024Z00042#1")]
    empty, _ = _atom("watch", "check", "zorg", "--index-dir", index)  # seen now: none
    assert empty.findall(f"{A}entry") == []


def test_xml_text_removes_only_what_xml_forbids() -> None:
    assert xml_text("a\x00b\x08c\x0bd\x1fe\ufffe") == "abcde"
    assert xml_text("tab\tnl\ncr\r é € 😀 \x7f") == "tab\tnl\ncr\r é € 😀 \x7f"


@settings(max_examples=examples(200), deadline=None)
@given(st.text(), st.text(), st.text(), st.text(min_size=1))
def test_any_text_makes_a_feed_that_parses_back(
    subject: str, question: str, name: str, entry_id: str
) -> None:
    entry = Question(
        entry_id, "doc", (1,), question, answer=question, subject=subject or None,
        members=(Member(name, name),),
    )  # fmt: skip
    hit = Hit(1, 0.0, entry, Snippet("question", (Segment(question, True),)))
    feed = ET.fromstring(atom_feed([hit], title=name, feed_id=entry_tag(name)).encode("utf-8"))
    (item,) = feed.findall(f"{A}entry")
    assert item.findtext(f"{A}id") == entry_tag(entry_id)
    # XML reads every line end as \n.
    expected = re.sub("\r\n?", "\n", xml_text(question))
    assert (item.findtext(f"{A}summary") or "") == expected
