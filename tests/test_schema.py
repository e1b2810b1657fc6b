"""The conversion of entries to Whoosh fields."""

from __future__ import annotations

from search.ingest import find_seed_files, parse_file
from search.schema import NAME_FIELDS, analysed_texts, fields_for
from tests.conftest import DATA, FIXTURES, SEEDS


def test_analysed_texts_are_the_text_fields() -> None:
    # The parsing processes analyse these texts ahead for fields_for's text fields.
    roots = [SEEDS, DATA / "variants", FIXTURES]
    entries = [
        e for f in find_seed_files(roots) for d in parse_file(f).documents for e in d.entries
    ]
    assert len(entries) > 100
    filled: set[str] = set()
    for entry in entries:
        fields = fields_for(entry)
        names = [n for n in ("subject", "question", "answer", *NAME_FIELDS) if fields[n]]
        assert analysed_texts(entry) == [fields[n] for n in names]
        filled.update(names)
    # Every text field is filled by some entry, so each one was compared.
    assert filled == {"subject", "question", "answer", *NAME_FIELDS}
