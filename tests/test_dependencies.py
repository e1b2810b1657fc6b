"""Whoosh and Snowball imported without what kvsearch does not use, and working as before."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from search import dependencies
from search.dutch.analysis import stem
from search.dutch.compounds import lexicon
from tests.conftest import ROOT

#: Imported by Whoosh, snowballstemmer or importlib.metadata, never used to search.
UNUSED = ("urllib.request", "http.client", "email", "ssl", "asyncio", "cached_property",
          "whoosh.lang.morph_en", "snowballstemmer")  # fmt: skip


def _modules_after(code: str) -> dict[str, bool]:
    """Which of :data:`UNUSED` a new process has imported after running ``code``."""
    report = f"print(json.dumps({{m: m in sys.modules for m in {UNUSED!r}}}))"
    script = f"{code}\nimport json, sys\n{report}"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    result: dict[str, bool] = json.loads(out.splitlines()[-1])
    return result


def test_the_command_leaves_out_what_it_does_not_use() -> None:
    assert _modules_after("import search.cli") == dict.fromkeys(UNUSED, False)


def test_an_application_gets_whoosh_as_it_is() -> None:
    # import search imports no Whoosh; Index imports it unchanged (no stand-in ever
    # enters the application's sys.modules), and snowballstemmer stays untouched.
    assert not _modules_after("import search")["urllib.request"]
    script = (
        "import sys, search\n"
        "assert 'whoosh' not in sys.modules\n"
        "from search import Index\n"
        "import urllib.request, whoosh.compat\n"
        "import whoosh.query.terms, whoosh.reading, whoosh.lang.morph_en\n"
        "assert whoosh.compat.urlretrieve is urllib.request.urlretrieve\n"
        "assert whoosh.query.terms.variations is whoosh.lang.morph_en.variations\n"
        "for name in ('urllib.request', 'cached_property', 'whoosh.lang.morph_en'):\n"
        "    assert 'stand-in' not in (getattr(sys.modules.get(name), '__doc__', '') or '')\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT)


def test_whoosh_imported_first_is_left_as_it_is() -> None:
    imported = _modules_after("import whoosh.query, search.cli")
    assert imported["urllib.request"] and imported["cached_property"]


def test_a_module_imported_before_is_not_replaced() -> None:
    script = (
        "import urllib.request; real = urllib.request.urlretrieve\n"
        "import search.cli, whoosh.compat\n"
        "assert whoosh.compat.urlretrieve is real"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT)


def test_the_stand_ins_forward_to_the_real_modules() -> None:
    script = (
        "import sys, search.cli, whoosh.compat, whoosh.query.terms\n"
        "from whoosh.lang.morph_en import variations\n"
        "assert whoosh.query.terms.variations('render') == variations('render')\n"
        "assert 'urllib.request' not in sys.modules\n"
        "assert callable(whoosh.compat.urlretrieve)\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT)


def test_the_cached_property_stand_in_computes_once() -> None:
    calls: list[int] = []

    class Reader:
        @dependencies._CachedProperty
        def deleted(self) -> frozenset[int]:
            """Doc."""
            calls.append(1)
            return frozenset({3})

    reader = Reader()
    assert reader.deleted == reader.deleted == frozenset({3})
    assert calls == [1] and reader.__dict__["deleted"] == frozenset({3})
    assert Reader.deleted.__doc__ == "Doc."


def test_segment_readers_report_deleted_documents(seed_index_path: Path) -> None:
    from search import Index

    with Index.open(seed_index_path) as index:
        reader = index._get_searcher().reader()
        for segment_reader, _ in reader.leaf_readers():
            everyone = range(segment_reader.doc_count_all())
            deleted = frozenset(d for d in everyone if segment_reader.is_deleted(d))
            assert segment_reader.deleted_docs_set == deleted
            assert segment_reader.__dict__["deleted_docs_set"] == deleted  # computed once


@pytest.mark.slow  # 13,600 words through both stemmers (issue #15)
def test_the_stemmer_is_snowballs_dutch_porter() -> None:
    snowballstemmer = pytest.importorskip("snowballstemmer")
    theirs = snowballstemmer.stemmer(dependencies.DUTCH_PORTER)
    ours = dependencies.dutch_porter_stemmer()
    words = sorted(lexicon())[::4]
    assert type(ours).__name__ == type(theirs).__name__
    assert [ours.stemWord(w) for w in words] == [theirs.stemWord(w) for w in words]
    assert stem("woningen") == theirs.stemWord("woningen")
