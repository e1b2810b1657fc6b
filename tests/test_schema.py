"""The conversion of entries to Whoosh fields."""

from __future__ import annotations

from search.ingest import find_seed_files, parse_file
from search.schema import NAME_FIELDS, analysed_texts, fields_for
from tests.conftest import CORPUS, DATA, SEEDS


def test_analysed_texts_are_the_text_fields() -> None:
    # The parsing processes analyse these texts ahead for fields_for's text fields.
    roots = [SEEDS, DATA / "variants", *([CORPUS] if CORPUS.is_dir() else [])]
    entries = [
        e for f in find_seed_files(roots) for d in parse_file(f).documents for e in d.entries
    ]
    assert len(entries) > 20
    for entry in entries:
        fields = fields_for(entry)
        texts = [fields[n] for n in ("subject", "question", "answer", *NAME_FIELDS) if fields[n]]
        assert analysed_texts(entry) == texts
