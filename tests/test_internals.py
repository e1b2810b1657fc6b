"""The one door into Whoosh's private names (search/internals.py): every name it lists
exists in the installed Whoosh, every accessor gives what Whoosh's public API gives,
and another Whoosh release is refused with what to install."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from whoosh import query as wq
from whoosh.util.numeric import byte_to_length

from search import DependencyError, Index
from search.engine.live import LiveFuzzyTerm, LivePrefix
from search.engine.whoosh_types import Reader, Searcher
from search.internals import (
    BUILD_NAMES,
    READ_NAMES,
    WRITTEN_FOR,
    check_version,
    expanded_words,
    field_b,
    length_bytes,
    live_expanding,
    numeric_column,
    posting_file,
    segment_cache,
)


def _resolve(path: str) -> Any:
    """The module, class or nested class that a dotted path names."""
    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for part in parts[i:]:
            found = getattr(found, part)
        return found
    raise AssertionError(f"nothing is named {path}")


def _has(holder: Any, name: str) -> bool:
    """Whether a module or class has ``name``, or a method of the class (or of a Whoosh
    base class) sets ``self.<name>``: an instance attribute."""
    if hasattr(holder, name):
        return True
    if not inspect.isclass(holder):
        return False
    return any(
        f"self.{name} =" in inspect.getsource(klass)
        for klass in holder.__mro__
        if klass.__module__.startswith("whoosh")
    )


@pytest.mark.parametrize(("holder", "name"), READ_NAMES + BUILD_NAMES)
def test_every_private_name_exists_in_the_installed_whoosh(holder: str, name: str) -> None:
    assert _has(_resolve(holder), name), (
        f"Whoosh no longer has {holder}.{name}: search/internals.py and the module that "
        "uses it must follow the new release"
    )


def test_only_the_release_it_was_written_for_is_accepted() -> None:
    check_version()  # the installed one
    check_version(WRITTEN_FOR)
    with pytest.raises(DependencyError) as caught:
        check_version((2, 7, 4))
    assert caught.value.found == "2.7.4"
    assert str(caught.value) == (
        "kvsearch needs Whoosh-Reloaded 2.7.5, but 2.7.4 is installed. "
        "Install the pinned release: pip install 'Whoosh-Reloaded==2.7.5'."
    )


def _segments(index: Index) -> list[Any]:
    reader = index._get_searcher().reader()
    return [leaf for leaf, _ in reader.leaf_readers()] if not reader.is_atomic() else [reader]


def test_the_readers_give_what_whoosh_gives(fixture_index: Index) -> None:
    for segment in _segments(fixture_index):
        assert type(segment).__name__ == "SegmentReader"
        # A cache lives with the segment's reader: the same dict each time.
        cache = segment_cache(segment, "_kvsearch_test")
        assert segment_cache(segment, "_kvsearch_test") is cache
        # One byte per document, the lengths Whoosh reports (as it rounds them).
        lengths = length_bytes(segment, "question")
        assert len(lengths) == segment.doc_count_all()
        for docnum in range(0, segment.doc_count_all(), 7):
            stored = segment.doc_field_length(docnum, "question", 0)
            assert byte_to_length(lengths[docnum]) == stored
        assert length_bytes(segment, "no_such_field") == b""
        # A numeric column in one piece: the values Whoosh reads one document at a time.
        dates = numeric_column(segment, "sortdate")
        assert dates is not None and len(dates) == segment.doc_count_all()
        assert list(dates) == list(segment.column_reader("sortdate", translate=False))
        assert len(set(dates)) > 1
        assert numeric_column(segment, "no_such_field") is None
        # The posting file of a term: where Whoosh's matcher reads the same postings.
        [(_, text)] = segment.most_frequent_terms("question", 1)
        text = text if isinstance(text, bytes) else text.encode("utf-8")
        matcher, postfile, fixedsize, offset = posting_file(segment, "question", text)
        assert type(matcher).__name__ == "W3LeafMatcher"
        assert postfile is matcher._postfile and offset > 0
        assert fixedsize is None  # positions: values of varying size
        assert list(matcher.all_ids()) == list(segment.postings("question", text).all_ids())


def test_expansions_and_the_live_expanding_queries(fixture_index: Index) -> None:
    segment = _segments(fixture_index)[0]
    words = list(expanded_words(wq.Prefix("exact", "vra"), segment))
    assert words and all(w.startswith(b"vra") for w in words)
    public = [t for t in segment.expand_prefix("exact", "vra")]
    assert words == public
    assert issubclass(LivePrefix, wq.Prefix) and issubclass(LiveFuzzyTerm, wq.FuzzyTerm)
    kept: list[bytes] = []

    def keep(reader: Any, fieldname: str, texts: Any) -> Any:
        for text in texts:
            kept.append(text)
            if text.endswith(b"n"):
                yield text

    only_n = live_expanding(wq.Prefix, keep)
    assert list(expanded_words(only_n("exact", "vra"), segment)) == [
        w for w in words if w.endswith(b"n")
    ]
    assert kept == words
    with pytest.raises(TypeError):
        live_expanding(wq.Term, keep)


def test_field_b_is_empty_for_one_b_for_all() -> None:
    from whoosh.scoring import BM25F

    assert field_b(BM25F()) == {}
    assert field_b(BM25F(question_B=0.5)) == {"question": 0.5}


def test_the_command_names_the_release_to_install(tmp_path: Path) -> None:
    """Under another Whoosh the command stops with one Dutch line, no traceback."""
    code = (
        "import whoosh, sys\n"
        "whoosh.__version__ = (2, 7, 4)\n"
        "sys.argv = ['kvsearch', 'search', 'stikstof']\n"
        "from search.cli import main\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert done.returncode == 1
    assert done.stderr == (
        "Fout: kvsearch heeft Whoosh-Reloaded 2.7.5 nodig, maar 2.7.4 is geïnstalleerd. "
        "Installeer die versie: pip install 'Whoosh-Reloaded==2.7.5'.\n"
    )


def test_whoosh_objects_have_what_the_engine_types_them_with(fixture_index: Index) -> None:
    """The engine types Whoosh's searcher and reader with its own protocols (mypy checks
    the calls): Whoosh's real objects have every method they name."""
    searcher = fixture_index._get_searcher()
    assert isinstance(searcher, Searcher) and isinstance(searcher.reader(), Reader)
    for segment in _segments(fixture_index):
        assert isinstance(segment, Reader)
    assert not isinstance(object(), Searcher) and not isinstance(searcher, Reader)
