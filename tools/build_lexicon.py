"""Build ``search/dutch/data/lexicon_nl.tsv``, the word list of the compound splitter.

Run by developers only, never at run time (the package ships the built file)::

    pip install wordfreq==3.1.1 && apt-get install -y wdutch
    python tools/build_lexicon.py

The lexicon is the intersection of two open word lists:

* wordfreq 3.1.1's large Dutch list (Robyn Speer / Luminoso; data CC BY-SA 4.0), which
  gives every word a Zipf frequency (log10 of occurrences per billion words);
* Debian's ``wdutch`` package (``/usr/share/dict/dutch``, the OpenTaal word list; BSD or
  CC BY 3.0), which keeps web debris, names and foreign words out.

A word is kept when, after the analyzer's normalisation (NFKC, lowercase, NFD without
combining marks), it is 3 or more ASCII letters, occurs in lowercase in wdutch (or is
one of the :data:`COMBINING_FORMS`), and has a Zipf frequency of at least
:data:`MIN_ZIPF` in wordfreq. Spellings that fold to the same word (``een``/``één``)
have their frequencies summed. Each line is ``word<TAB>zipf`` with the Zipf value to one
decimal, sorted by word, after a header of ``#`` lines naming the sources, their
versions and licences.

The output depends only on the two inputs (no dates, no dictionary order), so running
the script twice gives the same bytes; ``--check`` verifies that the committed file is
up to date.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path

import wordfreq

#: Lowest Zipf frequency kept: about 1.6 occurrences per 10 million words. The research
#: notes (shared/research/dutch-analysis.md, section 4) used 2.5; words that are rare on
#: the web but common in parliamentary text sit just below it (congestie 2.47,
#: depositie 2.27), so netcongestie and stikstofdepositie were not split. 2.2 keeps them;
#: lower, the list fills with rare inflections and the file passes 1 MB (2.0: 950 kB).
MIN_ZIPF = 2.2

#: Combining forms that wdutch lists only inside compounds (kinderarbeid, zonnepanelen,
#: cyberveiligheid), never alone, so the intersection misses them. They are added with
#: wordfreq's frequency; the build checks that each begins many wdutch words.
COMBINING_FORMS = ("agro", "cyber", "hydro", "kinder", "multi", "neuro", "psycho", "zonne")
MIN_COMBINING_USES = 10

WORDFREQ_VERSION = "3.1.1"
DEFAULT_WDUTCH = Path("/usr/share/dict/dutch")
DEFAULT_OUTPUT = (
    Path(__file__).resolve().parent.parent / "search" / "dutch" / "data" / "lexicon_nl.tsv"
)
REBUILD_COMMAND = (
    "pip install wordfreq==3.1.1 && apt-get install -y wdutch && python tools/build_lexicon.py"
)

_WORD = re.compile(r"[a-z]{3,}")


def fold(word: str) -> str:
    """Normalise a word as the analyzer does: NFKC, lowercase, drop combining marks."""
    word = unicodedata.normalize("NFKC", word).lower()
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def read_wdutch(path: Path) -> set[str]:
    """The folded lowercase entries of the wdutch list (capitalised names are left out)."""
    words: set[str] = set()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            entry = line.strip()
            if not entry or entry != entry.lower():
                continue
            folded = fold(entry)
            if _WORD.fullmatch(folded):
                words.add(folded)
    return words


def wordfreq_frequencies(words: Iterable[str]) -> dict[str, float]:
    """Frequencies of wordfreq's words by folded form, summed over spellings."""
    summed: dict[str, float] = {}
    for word in words:
        folded = fold(word)
        if _WORD.fullmatch(folded):
            freq = wordfreq.word_frequency(word, "nl", wordlist="large")
            summed[folded] = summed.get(folded, 0.0) + freq
    return summed


def zipf(frequency: float) -> float:
    """Zipf value of a frequency, rounded to 2 decimals like ``wordfreq.zipf_frequency``."""
    return round(math.log10(frequency) + 9.0, 2)


def wdutch_version() -> str:
    """The installed Debian version of wdutch, or ``unknown`` off Debian."""
    try:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f", "${Version}", "wdutch"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return result.stdout.strip() or "unknown"


def build(wdutch_path: Path, min_zipf: float = MIN_ZIPF) -> str:
    """The lexicon file's full text."""
    installed = version("wordfreq")
    if installed != WORDFREQ_VERSION:
        raise SystemExit(f"wordfreq {WORDFREQ_VERSION} is required, found {installed}")
    allowed = read_wdutch(wdutch_path)
    for form in COMBINING_FORMS:
        uses = sum(1 for word in allowed if word.startswith(form) and len(word) > len(form) + 3)
        if form in allowed or uses < MIN_COMBINING_USES:
            raise SystemExit(f"combining form {form!r}: alone in wdutch or in {uses} words only")
    allowed.update(COMBINING_FORMS)
    frequencies = wordfreq_frequencies(wordfreq.iter_wordlist("nl", wordlist="large"))
    entries = sorted(
        (word, z)
        for word, freq in frequencies.items()
        if word in allowed and (z := zipf(freq)) >= min_zipf
    )
    wdutch_sha = hashlib.sha256(wdutch_path.read_bytes()).hexdigest()
    header = [
        "Dutch lexicon of kvsearch's compound splitter (search/dutch/compounds.py).",
        "Format: word<TAB>zipf, sorted by word. zipf = log10(frequency per billion words),",
        "summed over spellings that fold to the same word, to one decimal.",
        f"Words: lowercase ASCII letters, >= 3, zipf >= {min_zipf}, in both lists below,",
        "after NFKC, lowercasing and removal of diacritics (as the analyzer folds words).",
        "Generated file, do not edit. Rebuild with:",
        f"  {REBUILD_COMMAND}",
        "Sources:",
        f"  wordfreq {WORDFREQ_VERSION}, Dutch 'large' list: Robyn Speer / Luminoso,",
        "    data licensed CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/);",
        "    includes SUBTLEX-NL (Keuleers, Brysbaert & New 2010), OpenSubtitles 2018,",
        "    Wikipedia, OSCAR, ParaCrawl and Google Books Ngrams.",
        f"  wdutch {wdutch_version()} (Debian), /usr/share/dict/dutch, the OpenTaal word list:",
        "    (c) 1996 Nederlandstalige Tex Gebruikersgroep, (c) 2001-2005 Simon Brouwer e.a.,",
        "    (c) 2006-2010, 2020 OpenTaal; licensed BSD (revised) or CC BY 3.0, at the",
        "    user's choice (see /usr/share/doc/wdutch/copyright).",
        f"  wdutch file sha256: {wdutch_sha}",
        f"  Added, as combining forms absent alone from wdutch: {', '.join(COMBINING_FORMS)}.",
        "This file is an adaptation of the wordfreq data: CC BY-SA 4.0. "
        "See search/dutch/data/README.md.",
        f"Entries: {len(entries)}",
    ]
    lines = [f"# {line}".rstrip() for line in header]
    lines.extend(f"{word}\t{z:.1f}" for word, z in entries)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` verify) the lexicon file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--wdutch", type=Path, default=DEFAULT_WDUTCH)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--min-zipf", type=float, default=MIN_ZIPF)
    parser.add_argument(
        "--check", action="store_true", help="fail if the output file is not up to date"
    )
    args = parser.parse_args(argv)
    if not args.wdutch.exists():
        parser.error(f"{args.wdutch} not found: apt-get install -y wdutch")
    text = build(args.wdutch, args.min_zipf)
    data = text.encode("utf-8")
    if args.check:
        current = args.output.read_bytes() if args.output.exists() else b""
        if current != data:
            print(f"{args.output} is out of date; run: python tools/build_lexicon.py")
            return 1
        print(f"{args.output} is up to date")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    count = sum(1 for line in text.splitlines() if not line.startswith("#"))
    digest = hashlib.sha256(data).hexdigest()[:12]
    print(f"wrote {args.output}: {count} words, {len(data)} bytes, sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
