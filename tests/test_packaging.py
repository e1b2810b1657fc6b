"""What the installed distribution provides."""

from __future__ import annotations

from importlib.metadata import packages_distributions
from importlib.resources import files


def test_exactly_one_distribution_provides_whoosh() -> None:
    # Whoosh forks install into the same whoosh/ folder and overwrite each other.
    assert packages_distributions()["whoosh"] == ["Whoosh-Reloaded"]


def test_compound_lexicon_ships_with_the_package() -> None:
    lexicon = files("search.dutch") / "data" / "lexicon_nl.tsv"
    assert lexicon.is_file()
    assert "wordfreq" in lexicon.read_text(encoding="utf-8")[:2000]
