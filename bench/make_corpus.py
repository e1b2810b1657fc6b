"""Make a deterministic, scaled corpus of Kamervragen seed files for benchmarks.

Run from the repository root::

    python bench/make_corpus.py 100000 --seed 1 --out /tmp/kv-100k

The output is about ``N`` question entries (exactly ``N`` for the kvsearch parser) as
seed files in the real format, one document per file, plus ``manifest.json``. It is made
from the real corpus in ``../shared/corpus/docs``, which is read, never copied:

- **Text**: real question and answer sentences recombined. Each new question takes the
  sentence count of a random real question and fills it with random real question
  sentences; answers likewise, paragraph by paragraph. Footnotes come from the real
  footnote texts, cited at the real rate.
- **Metadata**: each new document copies the shape of a random real document (intro line
  or none, number of members, addressees, who answered, number of questions, share of
  questions answered, time to answer); the members themselves are drawn with their real
  frequencies, the submission date is the template's date moved by up to
  :data:`DATE_JITTER_DAYS`, the subject is a real subject.
- **Vocabulary**: recombining real sentences alone would stop at the real vocabulary
  (about 13,000 words). Real text keeps finding new words (Heaps' law), so
  :data:`INJECT_RATE` of the words are added from a Zipf distribution (exponent 1) over
  :data:`VOCAB_RANKS` ranks: the words of ``/usr/share/dict/dutch`` in a seeded order,
  then two-word compounds of them; without that word list, deterministic pseudo-words.
  ``manifest.json`` says which was used and counts tokens and distinct words.

The same ``N``, seed, source corpus and word list give byte-identical output.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # the working tree's parser, not an installed copy
    sys.path.insert(0, str(REPO_ROOT))

from search.ingest import parse_file  # noqa: E402

#: Bump when the output for a given N and seed changes.
GENERATOR_VERSION = 1
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "corpus" / "docs"
DEFAULT_WORDLIST = Path("/usr/share/dict/dutch")
MANIFEST = "manifest.json"

#: Share of words added from the Zipf vocabulary (calibrated: see ``bench/README.md``).
INJECT_RATE = 0.05
#: Ranks of the Zipf vocabulary; word-list words first, then compounds of two of them.
VOCAB_RANKS = 2_000_000
#: How far a submission date may move from its real template's date.
DATE_JITTER_DAYS = 180
#: First year of the new document ids (``2031Z00001``), far from real ones.
FIRST_YEAR = 2031

MONTHS = (
    "januari februari maart april mei juni juli augustus september oktober november december"
).split()

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[\"'«(\w])")
#: Sentences that would change the markdown structure or start a block of their own.
_UNSAFE_START = re.compile(
    r"^(?:#|>|[-*+]\s|\d+[.)]\s|Vra(?:ag|gen)\b|Antwoord|Mededeling|<sup>|\[\d+\]|[=-]+$)",
    re.I,
)
_UNSAFE_CHARS = re.compile(r"[*_`<>\[\]\\|]")
_WORD_LIST_WORD = re.compile(r"^[^\W\d_]{3,24}$")
_TOKEN = re.compile(r"\w+")


# --- the source corpus ---------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    """The shape of one real document, copied by new documents."""

    has_intro: bool
    members: int
    addressees: tuple[str, ...]
    answered_by: str | None
    questions: int
    answered_share: float
    submitted: date | None
    answered: date | None


@dataclass(frozen=True)
class Source:
    """What is taken from the real corpus: sentences, shapes and metadata."""

    question_sentences: tuple[str, ...]
    answer_sentences: tuple[str, ...]
    question_shapes: tuple[int, ...]  # sentences per real question
    answer_shapes: tuple[tuple[int, ...], ...]  # sentences per paragraph per real answer
    footnotes: tuple[str, ...]
    footnote_rate: float
    members: tuple[tuple[str, str | None], ...]  # one per mention: drawn by frequency
    addressees: tuple[tuple[str, ...], ...]
    subjects: tuple[str, ...]
    delays: tuple[int, ...]  # days from submission to answer
    templates: tuple[Template, ...]
    sha256: str  # of the source files, names and bytes


def _safe(text: str) -> bool:
    return bool(text) and not _UNSAFE_START.match(text) and not _UNSAFE_CHARS.search(text)


def _sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]


def load_source(corpus: Path) -> Source:
    """Read the real corpus (``*.txt`` seed files) with kvsearch's own parser.

    Raises:
        FileNotFoundError: ``corpus`` holds no seed files.
    """
    files = sorted(corpus.glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"no *.txt seed files in {corpus}")
    digest = hashlib.sha256()
    qs: list[str] = []
    ans: list[str] = []
    q_shapes: list[int] = []
    a_shapes: list[tuple[int, ...]] = []
    footnotes: dict[str, None] = {}
    cited = 0
    members: list[tuple[str, str | None]] = []
    addressees: list[tuple[str, ...]] = []
    subjects: dict[str, None] = {}
    delays: list[int] = []
    templates: list[Template] = []
    entries = 0
    for file in files:
        digest.update(file.name.encode() + b"\0" + file.read_bytes())
        for doc in parse_file(file).documents:
            if not doc.entries:
                continue
            answered = 0
            for entry in doc.entries:
                entries += 1
                sentences = [s for p in entry.question.split("\n") for s in _sentences(p)]
                qs.extend(s for s in sentences if _safe(s))
                q_shapes.append(max(1, len(sentences)))
                if entry.answer:
                    answered += 1
                    shape = []
                    for para in entry.answer.split("\n"):
                        sentences = _sentences(para)
                        ans.extend(s for s in sentences if _safe(s))
                        if sentences:
                            shape.append(len(sentences))
                    a_shapes.append(tuple(shape) or (1,))
                if entry.footnotes:
                    cited += 1
                for note in entry.footnotes:
                    text = " ".join(note.text.split())
                    if _safe(text):
                        footnotes[text] = None
            members.extend((m.name, m.party) for m in doc.members if _safe(m.name))
            if doc.addressees:
                addressees.append(doc.addressees)
            if doc.subject and _safe(doc.subject):
                subjects[doc.subject] = None
            if doc.submitted and doc.answered and doc.answered >= doc.submitted:
                delays.append((doc.answered - doc.submitted).days)
            answered_by = doc.answered_by if doc.answered_by and _safe(doc.answered_by) else None
            templates.append(
                Template(
                    has_intro=bool(doc.members or doc.subject),
                    members=len(doc.members),
                    addressees=doc.addressees,
                    answered_by=answered_by,
                    questions=len(doc.entries),
                    answered_share=answered / len(doc.entries),
                    submitted=doc.submitted,
                    answered=doc.answered,
                )
            )
    return Source(
        question_sentences=tuple(qs),
        answer_sentences=tuple(ans),
        question_shapes=tuple(q_shapes),
        answer_shapes=tuple(a_shapes),
        footnotes=tuple(footnotes),
        footnote_rate=cited / max(1, entries),
        members=tuple(members),
        addressees=tuple(addressees),
        subjects=tuple(subjects),
        delays=tuple(delays) or (21,),
        templates=tuple(templates),
        sha256=digest.hexdigest(),
    )


# --- the growing vocabulary ----------------------------------------------------------

_ONSETS = (
    "", "b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
    "st", "sch", "pr", "kr", "gr", "br", "tr", "bl", "kl", "sl", "sp", "str",
)  # fmt: skip
_VOWELS = ("a", "e", "i", "o", "u", "aa", "ee", "oo", "ie", "oe", "ui", "ij", "ou", "eu", "ei")
_CODAS = ("", "n", "r", "l", "s", "t", "k", "m", "nd", "rt", "ng", "ld", "st", "ch")
_SYLLABLES = tuple(o + v + c for o in _ONSETS for v in _VOWELS for c in _CODAS)
#: A prime that shares no factor with ``len(_SYLLABLES) ** 2``: rank -> syllables is 1:1.
_SCRAMBLE = 1_000_003


class Vocabulary:
    """Words by Zipf rank: a seeded order of a word list, or pseudo-words.

    Rank ``r`` (1-based) is drawn with probability proportional to ``1 / r`` up to
    :data:`VOCAB_RANKS`. With a word list, ranks past its length are two-word compounds
    of it (Dutch writes compounds as one word); without one, every rank is a pseudo-word
    of two syllables, the same on every machine.
    """

    def __init__(self, words: Sequence[str], source: str, seed: int) -> None:
        """Use ``words`` (already in their seeded order); ``source`` describes them."""
        self.words = tuple(words)
        self.source = source
        self._offset = seed * 7919
        self._log_ranks = math.log(VOCAB_RANKS)

    @classmethod
    def load(cls, wordlist: Path | None, seed: int) -> Vocabulary:
        """The word list at ``wordlist`` shuffled by ``seed``, else pseudo-words."""
        if wordlist is not None and wordlist.is_file():
            raw = wordlist.read_text(encoding="utf-8", errors="replace").split("\n")
            words = sorted({w for w in raw if _WORD_LIST_WORD.match(w) and w == w.lower()})
            random.Random(f"vocabulary-{seed}").shuffle(words)
            return cls(words, f"word list {wordlist} ({len(words)} words)", seed)
        missing = f"no word list at {wordlist}" if wordlist else "no word list asked for"
        return cls((), f"synthesised pseudo-words ({missing})", seed)

    def word(self, rank: int) -> str:
        """The word of a 1-based rank."""
        n = len(self.words)
        if rank <= n:
            return self.words[rank - 1]
        if n:
            first = self.words[(rank * 2_654_435_761) % n]
            second = self.words[(rank * 40_503 + 17) % n]
            link = "s" if rank % 5 == 0 and not first.endswith("s") else ""
            return first + link + second
        size = len(_SYLLABLES)
        code = (rank * _SCRAMBLE + self._offset) % (size * size)
        return _SYLLABLES[code // size] + _SYLLABLES[code % size]

    def draw(self, rng: random.Random) -> str:
        """A word with Zipf probability (inverse of the continuous 1/r distribution)."""
        rank = int(math.exp(rng.random() * self._log_ranks))
        return self.word(max(1, min(rank, VOCAB_RANKS)))


# --- generating ----------------------------------------------------------------------


def dutch_date(day: date) -> str:
    """``20 juni 2019``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def document_id(index: int, first_year: int = FIRST_YEAR) -> str:
    """The id of the ``index``-th new document: ``2031Z00001``, ``2031Z00002``..."""
    return f"{first_year + index // 99_999}Z{index % 99_999 + 1:05d}"


def _members_text(members: Sequence[tuple[str, str | None]]) -> str:
    parts = [f"**{name}**" + (f" ({party})" if party else "") for name, party in members]
    if len(parts) == 1:
        return f"het lid {parts[0]}"
    return "de leden " + ", ".join(parts[:-1]) + " en " + parts[-1]


def _addressees_text(addressees: Sequence[str]) -> str:
    parts = [f"de {a}" for a in addressees]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " en " + parts[-1]


class _Generator:
    """Documents from a :class:`Source` and a :class:`Vocabulary`, one seeded stream."""

    def __init__(self, source: Source, vocabulary: Vocabulary, seed: int) -> None:
        self.src = source
        self.vocab = vocabulary
        self.rng = random.Random(seed)

    def _inject(self, text: str) -> str:
        """Add about :data:`INJECT_RATE` of its length in Zipf words at random places."""
        words = text.split(" ")
        extra = int(len(words) * INJECT_RATE + self.rng.random())
        for _ in range(extra):
            words.insert(self.rng.randrange(len(words) + 1), self.vocab.draw(self.rng))
        return " ".join(words)

    def _paragraph(self, pool: Sequence[str], sentences: int) -> str:
        return self._inject(" ".join(self.rng.choice(pool) for _ in range(sentences)))

    def render(self, doc_id: str, limit: int) -> tuple[str, int]:
        """The text of one document with at most ``limit`` questions, and its count."""
        rng, src = self.rng, self.src
        tpl = rng.choice(src.templates)
        questions = max(1, min(tpl.questions, limit))
        lines = [f"## {doc_id}", ""]
        submitted = None
        if tpl.submitted is not None:
            submitted = tpl.submitted + timedelta(
                days=rng.randint(-DATE_JITTER_DAYS, DATE_JITTER_DAYS)
            )
        if tpl.has_intro:
            count = max(1, tpl.members)
            chosen: dict[tuple[str, str | None], None] = {}
            for _ in range(count * 4):
                if len(chosen) == count:
                    break
                chosen[rng.choice(src.members)] = None
            addressees = tpl.addressees or rng.choice(src.addressees)
            subject = self._inject(rng.choice(src.subjects))
            when = f" (ingezonden {dutch_date(submitted)})" if submitted else ""
            lines += [
                f"Vragen van {_members_text(list(chosen))} aan {_addressees_text(addressees)}"
                f" over *{subject}*{when}.",
                "",
            ]
        answered_any = tpl.answered_by is not None and tpl.answered_share > 0
        if answered_any:
            if submitted is not None:
                answered = submitted + timedelta(days=rng.choice(src.delays))
            elif tpl.answered is not None:
                answered = tpl.answered + timedelta(
                    days=rng.randint(-DATE_JITTER_DAYS, DATE_JITTER_DAYS)
                )
            else:
                answered = None
            when = f" (ontvangen {dutch_date(answered)})" if answered else ""
            lines += [f"Antwoord van {tpl.answered_by}{when}.", ""]
        footnote = 0
        for number in range(1, questions + 1):
            lines += [f"### Vraag {number}", ""]
            shape = rng.choice(src.question_shapes)
            text = self._paragraph(src.question_sentences, shape)
            cite = rng.random() < src.footnote_rate
            if cite:
                footnote += 1
                text += f"<sup>{footnote}</sup>"
            lines += [text, ""]
            if cite:
                lines += [f"<sup>{footnote}</sup> {rng.choice(src.footnotes)}", ""]
            if answered_any and rng.random() < tpl.answered_share:
                lines += [f"### Antwoord {number}", ""]
                for sentences in rng.choice(src.answer_shapes):
                    lines += [self._paragraph(src.answer_sentences, sentences), ""]
        return "\n".join(lines), questions


def generate(
    source: Source,
    vocabulary: Vocabulary,
    entries: int,
    seed: int,
    *,
    first_year: int = FIRST_YEAR,
    max_documents: int | None = None,
) -> Iterator[tuple[str, str, int]]:
    """Yield ``(file name, text, questions)`` of new documents until ``entries`` questions.

    Args:
        source: What the real corpus gives (:func:`load_source`).
        vocabulary: The Zipf words (:meth:`Vocabulary.load`).
        entries: How many question entries in all.
        seed: Seeds every random choice: same arguments, same output.
        first_year: The year of the first document id (another one gives other ids).
        max_documents: Stop after this many documents even if ``entries`` is not reached.
    """
    gen = _Generator(source, vocabulary, seed)
    made = 0
    index = 0
    while made < entries and (max_documents is None or index < max_documents):
        doc_id = document_id(index, first_year)
        text, questions = gen.render(doc_id, entries - made)
        made += questions
        yield f"{index:06d}_{doc_id}.txt", text + "\n", questions
        index += 1


def write_corpus(
    out: Path,
    entries: int,
    seed: int,
    *,
    source_dir: Path = DEFAULT_SOURCE,
    wordlist: Path | None = DEFAULT_WORDLIST,
    count_vocabulary: bool = True,
) -> dict[str, Any]:
    """Write the corpus into ``out`` (which must not exist) and return its manifest.

    The files are written into a temporary folder beside ``out`` and renamed at the
    end, so ``out`` is either complete or absent.
    """
    if out.exists():
        raise FileExistsError(f"{out} exists; remove it or choose another --out")
    source = load_source(source_dir)
    vocabulary = Vocabulary.load(wordlist, seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        documents = questions = size = tokens = 0
        distinct: set[str] = set()
        for name, text, count in generate(source, vocabulary, entries, seed):
            data = text.encode("utf-8")
            (tmp / name).write_bytes(data)
            documents += 1
            questions += count
            size += len(data)
            if count_vocabulary:
                words = _TOKEN.findall(text.lower())
                tokens += len(words)
                distinct.update(words)
        manifest: dict[str, Any] = {
            "generator_version": GENERATOR_VERSION,
            "entries_requested": entries,
            "seed": seed,
            "entries": questions,
            "documents": documents,
            "files": documents,
            "bytes": size,
            "source": str(source_dir),
            "source_sha256": source.sha256,
            "vocabulary_source": vocabulary.source,
            "inject_rate": INJECT_RATE,
            "vocab_ranks": VOCAB_RANKS,
        }
        if count_vocabulary:
            manifest["tokens"] = tokens
            manifest["distinct_words"] = len(distinct)
        (tmp / MANIFEST).write_text(
            json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of a corpus folder, or None when there is none (or it is unreadable)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="bench/make_corpus.py",
        description="Write a deterministic scaled corpus of Kamervragen seed files.",
    )
    parser.add_argument("entries", type=int, help="how many question entries (about)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    parser.add_argument("--out", type=Path, required=True, help="folder to create")
    parser.add_argument(
        "--source",
        type=Path,
        default=DEFAULT_SOURCE,
        help="the real corpus to recombine (default: %(default)s)",
    )
    parser.add_argument(
        "--wordlist",
        type=Path,
        default=DEFAULT_WORDLIST,
        help="Dutch word list for the growing vocabulary (default: %(default)s)",
    )
    parser.add_argument(
        "--no-wordlist", action="store_true", help="use synthesised pseudo-words only"
    )
    args = parser.parse_args(argv)
    if args.entries < 1:
        parser.error("entries must be at least 1")
    started = time.perf_counter()
    try:
        manifest = write_corpus(
            args.out,
            args.entries,
            args.seed,
            source_dir=args.source,
            wordlist=None if args.no_wordlist else args.wordlist,
        )
    except (FileExistsError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"{args.out}: {manifest['entries']} entries in {manifest['documents']} documents, "
        f"{manifest['bytes'] / 1e6:.1f} MB, {manifest['tokens']} tokens, "
        f"{manifest['distinct_words']} distinct words ({time.perf_counter() - started:.1f} s)"
    )
    print(f"vocabulary: {manifest['vocabulary_source']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
