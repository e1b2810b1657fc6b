"""Build ``tests/data/porter_groups.txt.gz``: the words Snowball's ``dutch_porter`` conflates.

Run by developers only, never by the tests (the repository ships the built file)::

    python tools/porter_groups.py VOCABULARY [--source TEXT] [--output FILE] [--check]

``VOCABULARY`` is Snowball's test vocabulary for the stemmer, in either of the forms it
is published in (see ``tests/data/README.md``): ``dutch/diffs.txt`` of the
snowball-data repository (a word, spaces, its stem; a word too long for its column has
its stem on the next, indented line) or ``dutch/voc.txt`` (a word a line) of the older
releases, as Debian's ``snowball-data`` package ships it. Where the file gives stems,
each must be the stem snowballstemmer's ``dutch_porter`` gives, or the build fails.

The output holds every group of two or more vocabulary words with one ``dutch_porter``
stem: each line is ``stem<TAB>word word ...`` (words as the vocabulary spells them,
diacritics included), sorted, after ``#`` lines naming the source and the counts. A word
in no such group forms no pair, so the file holds every pair Porter conflates, in a
third of the vocabulary's words; gzip (without a time stamp, so that the same input
gives the same bytes) makes it small enough to ship. ``--check`` verifies that the
committed file is what the vocabulary gives.

``tests/test_porter_pairs.py`` reads it: every pair must meet in kvsearch's analysis
too, but for the deliberate splits listed there.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import sys
from collections import defaultdict
from importlib.metadata import version
from pathlib import Path

from snowballstemmer.dutch_porter_stemmer import DutchPorterStemmer

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "porter_groups.txt.gz"


def read_vocabulary(path: Path) -> list[tuple[str, str | None]]:
    """The (word, stem given or None) pairs of a ``diffs.txt`` or ``voc.txt`` file."""
    entries: list[tuple[str, str | None]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        fields = line.split()
        if not fields:
            continue
        if line[0].isspace():  # diffs.txt: the stem of the long word on the line before
            if len(fields) != 1 or not entries or entries[-1][1] is not None:
                raise SystemExit(f"{path}:{number}: a stem without its word")
            entries[-1] = (entries[-1][0], fields[0])
        elif len(fields) <= 2:
            entries.append((fields[0], fields[1] if len(fields) == 2 else None))
        else:
            raise SystemExit(f"{path}:{number}: expected a word and at most its stem")
    return entries


def build(path: Path, source: str = "") -> str:
    """The groups file's text; ``source`` says where the vocabulary file came from."""
    entries = read_vocabulary(path)
    stemmer = DutchPorterStemmer()
    groups: dict[str, set[str]] = defaultdict(set)
    wrong = []
    for word, given in entries:
        stem = stemmer.stemWord(word)
        if given is not None and given != stem:
            wrong.append(f"{word}: {given} in the file, {stem} from snowballstemmer")
        groups[stem].add(word)
    if wrong:
        raise SystemExit(f"{len(wrong)} stems differ, e.g. " + "; ".join(wrong[:5]))
    lines = sorted(f"{stem}\t{' '.join(sorted(words))}" for stem, words in groups.items())
    lines = [line for line in lines if " " in line]
    words = sum(line.count(" ") + 1 for line in lines)
    pairs = sum((n := line.count(" ") + 1) * (n - 1) // 2 for line in lines)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    stems_given = "with" if any(given is not None for _, given in entries) else "without"
    header = [
        "Groups of words that Snowball's dutch_porter stemmer gives one stem:",
        "stem<TAB>words, sorted; only stems of two or more words. Generated, do not edit:",
        "  python tools/porter_groups.py VOCABULARY (see tests/data/README.md)",
        f"Vocabulary: {source or path.name} ({stems_given} stems)",
        f"  sha256 {digest}",
        f"Stems: snowballstemmer {version('snowballstemmer')}, dutch_porter",
        f"Vocabulary words: {len(entries)}",
        f"Groups: {len(lines)}",
        f"Words: {words}",
        f"Pairs: {pairs}",
    ]
    return "".join(f"# {line}\n" for line in header) + "".join(f"{line}\n" for line in lines)


def compress(text: str) -> bytes:
    """gzip of ``text`` without a time stamp or file name: the same text, the same bytes."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as out:
        out.write(text.encode("utf-8"))
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` verify) the groups file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("vocabulary", type=Path, help="diffs.txt or voc.txt of snowball-data")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--source", default="", help="where VOCABULARY came from, for the header")
    parser.add_argument(
        "--check", action="store_true", help="fail if the output file is not up to date"
    )
    args = parser.parse_args(argv)
    text = build(args.vocabulary, args.source)
    data = compress(text)
    if args.check:
        current = args.output.read_bytes() if args.output.exists() else b""
        if current != data:
            print(f"{args.output} is out of date; run: python tools/porter_groups.py VOCABULARY")
            return 1
        print(f"{args.output} is up to date")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    counts = ", ".join(line[2:] for line in text.splitlines()[6:10])
    print(f"wrote {args.output}: {len(data)} bytes ({len(text.encode())} unpacked); {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
