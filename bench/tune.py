"""Split-half tuning of kvsearch's query-time ranking parameters (issue #4).

Run from the repository root::

    python bench/tune.py                          # 3 splits x 2 directions, ~2.5 min
    python bench/tune.py --splits parity --json /tmp/tune.json
    python bench/tune.py --params B,K1,answer --grid K1=0.8,1.2,2 --passes 1

The 40 judged queries of ``../shared/eval`` are split in two halves; the parameters are
tuned on one half and reported on the other, in both directions:

- ``parity``: odd query numbers (D01, D03, ...) against even ones. The test set lists
  its queries kind by kind, so this split is stratified by kind already;
- ``kind:SEED``: stratified by query kind too, the queries of a kind shuffled by a hash
  of SEED and their id before they are dealt alternately to the halves A and B.

The tuning is a coordinate search: one parameter at a time over its grid, the others
held, keeping the value with the best mean nDCG@10 on the tuning half, for ``--passes``
passes over all parameters. A value replaces the current one only when it gains more
than ``--min-gain`` (default: any gain); among equally good values the one nearest the
default wins (the search stays at the defaults unless the data say otherwise).

The parameters are all query-time, so the index is built once (as ``bench/relevance.py``
builds it) and every evaluation reuses it:

- ``B``, ``K1`` and per-field ``<field>_B``: Whoosh's ``BM25F`` weighting, given to a
  searcher that replaces the index's own (field lengths are stored per document, so B
  needs no rebuild);
- ``subject``, ``question``, ``answer``, ``members``, ``parties``, ``addressees``:
  :data:`search.engine.query.FIELD_BOOSTS`, patched in place (the query is built from it at
  every search);
- ``exact_phrase``: :data:`search.engine.query.EXACT_PHRASE_BOOST`;
- ``document``: :data:`search.engine.ranking.DOCUMENT_WEIGHT` (how much of its document's best
  score an entry gets);
- ``places``: :data:`search.engine.query.RELATED_WEIGHT` (a place's other word forms).

Nothing under ``search/`` is changed; the defaults are restored after every evaluation.
Index-time choices (analyzers, the compound lexicon) would
need a rebuild per value and are not tuned here.

Besides default against tuned on the tuning half, the held-out half and all queries, each
direction reports the held-out queries that got better or worse, and the held-out effect
of each chosen change on its own (the defaults plus that one change). A final table puts
the parameters the directions chose side by side: a change the directions disagree on,
or one that does not help its held-out half, does not generalize.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shlex
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # tune the working tree, not an installed copy
    sys.path.insert(0, str(REPO_ROOT))
if str(REPO_ROOT / "bench") not in sys.path:
    sys.path.insert(0, str(REPO_ROOT / "bench"))

from relevance import (  # noqa: E402
    METRICS,
    KvsearchSystem,
    Query,
    add_shared_option,
    corpus_files,
    evaluate,
    mean,
    read_qrels,
    read_queries,
)
from whoosh.scoring import BM25F  # type: ignore[import-untyped, unused-ignore]  # noqa: E402

from search import Index  # noqa: E402
from search.engine import query as search_query  # noqa: E402
from search.engine import ranking as search_ranking  # noqa: E402
from search.engine import scoring as search_scoring  # noqa: E402

#: Parameter values, by name (see the module docstring).
Settings = dict[str, float]
#: Per-query metrics, by query id.
Scores = dict[str, dict[str, float]]

#: kvsearch's BM25F parameters (``search.engine.scoring.weighting()``).
BM25_DEFAULTS: dict[str, float] = {"B": search_scoring.BM25_B, "K1": search_scoring.BM25_K1}
#: The fields a per-field ``<field>_B`` may name (the scored text fields of a plain word).
FIELD_B_FIELDS = ("subject", "question", "answer")
#: Multiples of a boost's default that its grid tries.
BOOST_FACTORS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)
B_GRID = (0.0, 0.25, 0.5, 0.6, 0.75, 0.9, 1.0)
K1_GRID = (0.5, 0.8, 1.0, 1.2, 1.6, 2.0, 3.0)
#: Tuned unless ``--params`` says otherwise (per-field B only on request: 4 more
#: parameters for 20 queries is asking for noise).
DEFAULT_PARAMS = ("B", "K1", *search_query.FIELD_BOOSTS, "exact_phrase", "document", "places")
SPLITS = ("parity", "kind:1", "kind:2")
#: Smaller differences of a mean are ties (float noise).
EPSILON = 1e-9


# --- parameters ----------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """One tunable parameter: its name, its default and the values tried."""

    name: str
    default: float
    grid: tuple[float, ...]


def default_settings() -> Settings:
    """The parameters always in force, at their defaults (read from ``search.engine.query``)."""
    settings: Settings = dict(BM25_DEFAULTS)
    settings.update(search_query.FIELD_BOOSTS)
    settings["exact_phrase"] = search_query.EXACT_PHRASE_BOOST
    settings["document"] = search_ranking.DOCUMENT_WEIGHT
    settings["places"] = search_query.RELATED_WEIGHT
    return settings


def known_defaults() -> Settings:
    """Every parameter that can be tuned, at its default.

    A per-field ``<field>_B`` starts at the default B; it is in force only while it is
    given (tuned), and then independent of ``B``. Otherwise the field follows ``B``.
    """
    settings = default_settings()
    for name in FIELD_B_FIELDS:
        settings[f"{name}_B"] = BM25_DEFAULTS["B"]
    return settings


def default_grid(name: str, default: float) -> tuple[float, ...]:
    """The values tried for ``name``: fixed for B and K1, multiples of the default else."""
    if name == "B" or name.endswith("_B"):
        values: Sequence[float] = B_GRID
    elif name == "K1":
        values = K1_GRID
    else:
        values = [round(default * f, 4) for f in BOOST_FACTORS]
    return tuple(sorted({*values, default}))


def make_params(
    names: Sequence[str], grids: Mapping[str, Sequence[float]] | None = None
) -> list[Param]:
    """The parameters ``names``, in that order, with ``grids`` overriding default grids.

    Raises:
        ValueError: An unknown name, or a grid for a parameter not in ``names``.
    """
    defaults = known_defaults()
    grids = grids or {}
    unknown = sorted({*names, *grids} - set(defaults))
    if unknown:
        raise ValueError(f"unknown parameter {', '.join(unknown)}; known: {', '.join(defaults)}")
    extra = sorted(set(grids) - set(names))
    if extra:
        raise ValueError(f"--grid for a parameter not tuned: {', '.join(extra)}")
    params: list[Param] = []
    for name in dict.fromkeys(names):
        default = defaults[name]
        grid = grids.get(name)
        values = tuple(sorted({*grid, default})) if grid else default_grid(name, default)
        params.append(Param(name, default, values))
    return params


def changes(settings: Mapping[str, float], defaults: Mapping[str, float]) -> dict[str, float]:
    """The settings that differ from ``defaults``."""
    return {k: v for k, v in settings.items() if abs(v - defaults[k]) > EPSILON}


# --- splits --------------------------------------------------------------------------


@dataclass(frozen=True)
class Split:
    """Two halves of the queries, by name."""

    name: str
    halves: tuple[tuple[str, tuple[str, ...]], tuple[str, tuple[str, ...]]]


def _number(qid: str) -> int:
    digits = "".join(c for c in qid if c.isdigit())
    return int(digits) if digits else 0


def _shuffle_key(seed: int, qid: str) -> str:
    return hashlib.sha256(f"{seed}/{qid}".encode()).hexdigest()


def make_split(name: str, queries: Sequence[Query]) -> Split:
    """The split ``name`` of ``queries``: ``parity`` or ``kind:SEED``; deterministic.

    ``kind:SEED`` orders the queries by kind (in order of first appearance) and, within a
    kind, by a hash of the seed and the query id, then deals them alternately to the
    halves: each half gets half of every kind (the odd one out alternating), and each
    seed is another split. (Sorting by number instead would give the parity split again:
    the test set lists the queries kind by kind.)

    Raises:
        ValueError: ``name`` is not a known split.
    """
    if name == "parity":
        odd = tuple(q.qid for q in queries if _number(q.qid) % 2 == 1)
        even = tuple(q.qid for q in queries if _number(q.qid) % 2 == 0)
        return Split(name, (("odd", odd), ("even", even)))
    kind, _, seed_text = name.partition(":")
    if kind == "kind" and (seed_text or "1").isdigit():
        seed = int(seed_text or "1")
        kinds = list(dict.fromkeys(q.kind for q in queries))
        ordered = sorted(queries, key=lambda q: (kinds.index(q.kind), _shuffle_key(seed, q.qid)))
        a = tuple(sorted((q.qid for q in ordered[0::2]), key=_number))
        b = tuple(sorted((q.qid for q in ordered[1::2]), key=_number))
        return Split(f"kind:{seed}", ((f"k{seed}-A", a), (f"k{seed}-B", b)))
    raise ValueError(f"unknown split {name!r}; use parity or kind:SEED")


# --- evaluating one setting ----------------------------------------------------------


class Evaluator:
    """Scores queries under given settings on one index; caches by settings and query.

    The index's searcher is replaced by one with the settings' BM25F weighting and the
    boosts of ``search.engine.query`` are patched, for the duration of one evaluation only.
    """

    def __init__(
        self, index: Index, queries: Sequence[Query], qrels: Mapping[str, Mapping[str, int]]
    ) -> None:
        """Evaluate ``queries`` against ``qrels`` on the open ``index``."""
        self._index = index
        self._system = KvsearchSystem(index)
        self._queries = {q.qid: q for q in queries}
        self._qrels = qrels
        self._cache: dict[tuple[tuple[str, float], ...], Scores] = {}
        self._rankings: dict[tuple[tuple[str, float], ...], dict[str, list[str]]] = {}
        self.defaults = default_settings()
        self.searches = 0
        self.seconds = 0.0

    def _key(self, settings: Mapping[str, float]) -> tuple[tuple[str, float], ...]:
        full = {**self.defaults, **settings}
        return tuple(sorted((k, round(v, 9)) for k, v in full.items()))

    @contextmanager
    def applied(self, settings: Mapping[str, float]) -> Iterator[None]:
        """Search with ``settings`` (unset ones at their defaults) inside the block."""
        full = {**self.defaults, **settings}
        unknown = sorted(set(full) - set(known_defaults()))
        if unknown:
            raise ValueError(f"unknown parameter {', '.join(unknown)}")
        boosts = search_query.FIELD_BOOSTS
        saved_boosts = dict(boosts)
        saved_exact = search_query.EXACT_PHRASE_BOOST
        saved_document = search_ranking.DOCUMENT_WEIGHT
        saved_places = search_query.RELATED_WEIGHT
        field_b = {f"{name}_B": full[f"{name}_B"] for name in FIELD_B_FIELDS if f"{name}_B" in full}
        weighting = BM25F(B=full["B"], K1=full["K1"], **field_b)
        # Index keeps one searcher and uses it until it is closed or another
        # generation goes live (neither happens here): swap in one with our weighting.
        index: Any = self._index
        original = index._get_searcher()
        searcher = index._ix.searcher(weighting=weighting)
        index._searcher = searcher
        try:
            for name in boosts:
                boosts[name] = full[name]
            search_query.EXACT_PHRASE_BOOST = full["exact_phrase"]
            search_ranking.DOCUMENT_WEIGHT = full["document"]
            search_query.RELATED_WEIGHT = full["places"]
            yield
            if index._searcher is not searcher:  # pragma: no cover - a guard, not a path
                raise RuntimeError("the index replaced the tuning searcher mid-evaluation")
        finally:
            boosts.clear()
            boosts.update(saved_boosts)
            search_query.EXACT_PHRASE_BOOST = saved_exact
            search_ranking.DOCUMENT_WEIGHT = saved_document
            search_query.RELATED_WEIGHT = saved_places
            index._searcher = original
            searcher.close()

    def scores(self, settings: Mapping[str, float], qids: Sequence[str]) -> Scores:
        """Per-query metrics of ``qids`` under ``settings`` (searched once, then cached)."""
        key = self._key(settings)
        cached = self._cache.setdefault(key, {})
        rankings = self._rankings.setdefault(key, {})
        missing = [qid for qid in qids if qid not in cached]
        if missing:
            start = time.perf_counter()
            with self.applied(settings):
                for qid in missing:
                    ranked = self._system.search(self._queries[qid].text)
                    rankings[qid] = ranked
                    cached[qid] = evaluate(ranked, self._qrels.get(qid, {}))
            self.seconds += time.perf_counter() - start
            self.searches += len(missing)
        return {qid: cached[qid] for qid in qids}

    def rankings(self, settings: Mapping[str, float], qids: Sequence[str]) -> dict[str, list[str]]:
        """The ranked entry ids of ``qids`` under ``settings``."""
        self.scores(settings, qids)
        table = self._rankings[self._key(settings)]
        return {qid: table[qid] for qid in qids}

    def untouched_rankings(self, qids: Sequence[str]) -> dict[str, list[str]]:
        """Rankings from the index as it is, without :meth:`applied` (for a check)."""
        return {qid: self._system.search(self._queries[qid].text) for qid in qids}

    def summary(self, settings: Mapping[str, float], qids: Sequence[str]) -> dict[str, float]:
        """Mean of each metric over ``qids``."""
        per_query = self.scores(settings, qids)
        return {m: mean([per_query[qid][m] for qid in qids]) for m in METRICS}

    def objective(self, settings: Mapping[str, float], qids: Sequence[str]) -> float:
        """Mean nDCG@10 over ``qids``: what the tuning maximizes."""
        return self.summary(settings, qids)["ndcg@10"]


# --- the coordinate search -----------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One parameter's sweep in one pass: every value's objective and the choice."""

    pass_number: int
    param: str
    before: float
    after: float
    objective: float
    tried: tuple[tuple[float, float], ...]


def _nearest(values: Sequence[float], target: float) -> float:
    return min(values, key=lambda v: (abs(v - target), v))


def coordinate_search(
    evaluator: Evaluator,
    params: Sequence[Param],
    qids: Sequence[str],
    passes: int,
    min_gain: float = 0.0,
) -> tuple[Settings, list[Step]]:
    """Maximize mean nDCG@10 over ``qids``, one parameter at a time.

    A parameter moves only when the best of its values gains more than ``min_gain``.

    Returns:
        The chosen values of ``params`` and every sweep made. A pass that changes
        nothing ends the search early.
    """
    current: Settings = {p.name: p.default for p in params}
    best = evaluator.objective(current, qids)
    steps: list[Step] = []
    for number in range(1, passes + 1):
        moved = False
        for param in params:
            before = current[param.name]
            tried = tuple(
                (value, evaluator.objective({**current, param.name: value}, qids))
                for value in sorted({*param.grid, before})
            )
            top = max(score for _, score in tried)
            after = before
            if top > best + max(min_gain, EPSILON):
                winners = [value for value, score in tried if score >= top - EPSILON]
                after = _nearest(winners, param.default)
                best = top
                moved = moved or after != before
            current[param.name] = after
            steps.append(Step(number, param.name, before, after, best, tried))
        if not moved:
            break
    return current, steps


# --- directions and the report -------------------------------------------------------


@dataclass
class Direction:
    """Tuned on one half, reported on the other."""

    split: str
    tune_name: str
    tune: tuple[str, ...]
    held_name: str
    held: tuple[str, ...]
    chosen: Settings = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    #: ``default``/``tuned`` -> ``tune``/``held``/``all`` -> metric -> mean.
    metrics: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    #: Held-out queries whose nDCG@10 went up, down, or stayed.
    held_better: list[str] = field(default_factory=list)
    held_worse: list[str] = field(default_factory=list)
    #: Each chosen change alone (defaults + that change): nDCG@10 gain on each half.
    single: dict[str, dict[str, float]] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def label(self) -> str:
        return f"tune {self.tune_name} -> held out {self.held_name}"


def run_direction(
    evaluator: Evaluator,
    params: Sequence[Param],
    split: str,
    tune: tuple[str, tuple[str, ...]],
    held: tuple[str, tuple[str, ...]],
    all_qids: Sequence[str],
    passes: int,
    min_gain: float = 0.0,
) -> Direction:
    """Tune on ``tune``, then score default and tuned settings everywhere."""
    start = time.perf_counter()
    direction = Direction(split, tune[0], tune[1], held[0], held[1])
    direction.chosen, direction.steps = coordinate_search(
        evaluator, params, tune[1], passes, min_gain
    )
    defaults = {p.name: p.default for p in params}
    sets = {"tune": direction.tune, "held": direction.held, "all": tuple(all_qids)}
    for label, settings in (("default", defaults), ("tuned", direction.chosen)):
        direction.metrics[label] = {
            name: evaluator.summary(settings, qids) for name, qids in sets.items()
        }
    before = evaluator.scores(defaults, direction.held)
    after = evaluator.scores(direction.chosen, direction.held)
    for qid in direction.held:
        delta = after[qid]["ndcg@10"] - before[qid]["ndcg@10"]
        if delta > EPSILON:
            direction.held_better.append(qid)
        elif delta < -EPSILON:
            direction.held_worse.append(qid)
    for name, value in changes(direction.chosen, defaults).items():
        alone = {**defaults, name: value}
        direction.single[name] = {
            half: evaluator.objective(alone, qids) - evaluator.objective(defaults, qids)
            for half, qids in (("tune", direction.tune), ("held", direction.held))
        }
    direction.seconds = time.perf_counter() - start
    return direction


def agreed_changes(directions: Sequence[Direction], params: Sequence[Param]) -> Settings:
    """The changes every direction made the same way (all up or all down from the default).

    The value is the one nearest the default among the directions' choices. Chosen with
    every query, so its figures are no held-out evidence.
    """
    agreed: Settings = {}
    for param in params:
        values = [d.chosen[param.name] for d in directions]
        if all(v > param.default + EPSILON for v in values) or all(
            v < param.default - EPSILON for v in values
        ):
            agreed[param.name] = _nearest(values, param.default)
    return agreed


def _fmt(value: float) -> str:
    return f"{value:g}"


def _metric_row(
    label: str, n: int, default: Mapping[str, float], tuned: Mapping[str, float]
) -> str:
    cells = "".join(
        f" | {m['ndcg@10']:>7.3f} {m['recall@100']:>7.3f} {m['mrr']:>6.3f}"
        for m in (default, tuned)
    )
    return f"{label:<18}{n:>3}{cells} | {tuned['ndcg@10'] - default['ndcg@10']:>+7.3f}"


def format_direction(direction: Direction, defaults: Mapping[str, float]) -> str:
    """One direction: the metric table, the chosen changes and their held-out effects."""
    head1 = f"{'':<18}{'n':>3} | {'default':^23} | {'tuned':^23} |"
    head2 = f"{'queries':<18}{'':>3}" + " | nDCG@10   R@100    MRR" * 2 + " | ΔnDCG"
    lines = [f"== {direction.split}: {direction.label}", head1, head2, "-" * len(head2)]
    names = {
        "tune": f"tune ({direction.tune_name})",
        "held": f"held out ({direction.held_name})",
        "all": "all",
    }
    sizes = {
        "tune": len(direction.tune),
        "held": len(direction.held),
        "all": len(direction.tune) + len(direction.held),
    }
    for key, label in names.items():
        default, tuned = direction.metrics["default"][key], direction.metrics["tuned"][key]
        lines.append(_metric_row(label, sizes[key], default, tuned))
    chosen = changes(direction.chosen, defaults)
    if chosen:
        text = ", ".join(f"{k} {_fmt(defaults[k])}->{_fmt(v)}" for k, v in chosen.items())
    else:
        text = "(none: the defaults are best on the tuning half)"
    lines.append(f"changes: {text}")
    lines.append(
        f"held-out queries: {len(direction.held_better)} better "
        f"({' '.join(direction.held_better) or '-'}), {len(direction.held_worse)} worse "
        f"({' '.join(direction.held_worse) or '-'}), "
        f"{len(direction.held) - len(direction.held_better) - len(direction.held_worse)} same"
    )
    if direction.single:
        lines.append("each change alone, ΔnDCG@10 tune / held out:")
        for name, gain in direction.single.items():
            lines.append(
                f"  {name:<14} {_fmt(defaults[name]):>6} -> {_fmt(direction.chosen[name]):<6}"
                f" {gain['tune']:>+7.3f} / {gain['held']:>+7.3f}"
            )
    return "\n".join(lines)


def format_choices(directions: Sequence[Direction], params: Sequence[Param]) -> str:
    """The parameters side by side: the default and each direction's choice."""
    labels = [f"{d.tune_name}" for d in directions]
    width = max(8, *(len(label) for label in labels))
    head = f"{'parameter':<14} {'default':>8}" + "".join(f" {lb:>{width}}" for lb in labels)
    lines = ["chosen values (column: the half tuned on)", head, "-" * len(head)]
    for param in params:
        cells = ""
        for d in directions:
            value = d.chosen[param.name]
            mark = "*" if abs(value - param.default) > EPSILON else " "
            cells += f" {_fmt(value) + mark:>{width}}"
        lines.append(f"{param.name:<14} {_fmt(param.default):>8}{cells}")
    lines.append("(* differs from the default)")
    return "\n".join(lines)


def direction_json(direction: Direction, defaults: Mapping[str, float]) -> dict[str, Any]:
    """A direction as JSON-ready data."""
    return {
        "split": direction.split,
        "tune": {"name": direction.tune_name, "queries": list(direction.tune)},
        "held_out": {"name": direction.held_name, "queries": list(direction.held)},
        "metrics": direction.metrics,
        "chosen": direction.chosen,
        "changes": changes(direction.chosen, defaults),
        "held_out_better": direction.held_better,
        "held_out_worse": direction.held_worse,
        "single_change_ndcg_gain": direction.single,
        "steps": [
            {
                "pass": s.pass_number,
                "param": s.param,
                "before": s.before,
                "after": s.after,
                "objective": s.objective,
                "tried": [[v, score] for v, score in s.tried],
            }
            for s in direction.steps
        ],
        "seconds": round(direction.seconds, 2),
    }


# --- command line --------------------------------------------------------------------


def _parse_grid(text: str) -> tuple[str, list[float]]:
    name, sep, values = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=V1,V2,..., not {text!r}")
    try:
        grid = [float(v) for v in values.split(",") if v.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: {exc}") from exc
    if not grid or any(v < 0 for v in grid):
        raise argparse.ArgumentTypeError(f"{text!r}: give one or more values >= 0")
    return name.strip(), grid


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="bench/tune.py",
        description="Tune query-time ranking parameters on half the judged queries; "
        "report on the other half.",
    )
    add_shared_option(parser)
    parser.add_argument(
        "--splits",
        default=",".join(SPLITS),
        help="comma-separated splits: parity (odd/even query number), kind:SEED "
        "(stratified by query kind, shuffled within a kind by SEED) (default: %(default)s)",
    )
    parser.add_argument(
        "--params",
        default=",".join(DEFAULT_PARAMS),
        help="comma-separated parameters to tune, in sweep order; besides the default "
        f"ones: {', '.join(f'{f}_B' for f in FIELD_B_FIELDS)} (default: %(default)s)",
    )
    parser.add_argument(
        "--grid",
        type=_parse_grid,
        action="append",
        default=[],
        metavar="NAME=V1,V2,...",
        help="the values tried for one parameter (repeatable; the default is always tried)",
    )
    parser.add_argument(
        "--passes", type=int, default=2, help="passes over the parameters (default: 2)"
    )
    parser.add_argument(
        "--min-gain",
        type=float,
        default=0.0,
        help="the mean nDCG@10 gain on the tuning half a change must exceed (default: 0)",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="write every number as JSON")
    args = parser.parse_args(argv)
    if args.passes < 1:
        parser.error("--passes must be at least 1")
    if args.min_gain < 0:
        parser.error("--min-gain must be >= 0")
    args.split_names = [s.strip() for s in str(args.splits).split(",") if s.strip()]
    if not args.split_names:
        parser.error("--splits: none given")
    for name in args.split_names:
        try:
            make_split(name, [])
        except ValueError as exc:
            parser.error(f"--splits: {exc}")
    names = [p.strip() for p in str(args.params).split(",") if p.strip()]
    try:
        args.param_list = make_params(names, dict(args.grid))
    except ValueError as exc:
        parser.error(str(exc))
    if not args.param_list:
        parser.error("--params: none given")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the tuning; return the exit status."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(arguments)
    params: list[Param] = args.param_list
    shared: Path = args.shared.resolve()
    eval_dir = shared / "eval"
    corpus = [shared / "seeds", shared / "corpus" / "docs"]
    for path in [eval_dir / "queries.tsv", eval_dir / "qrels.tsv"]:
        if not path.is_file():
            print(f"error: {path} not found; point --shared at the shared folder", file=sys.stderr)
            return 2
    queries = read_queries(eval_dir / "queries.tsv")
    qrels = read_qrels(eval_dir / "qrels.tsv")
    qids = [q.qid for q in queries]
    command = shlex.join(["python", "bench/tune.py", *arguments])
    print(f"command: {command}", flush=True)
    print(f"queries: {len(queries)}, {sum(len(j) for j in qrels.values())} judgments")
    print(f"corpus:  {len(corpus_files(corpus))} documents")
    grids = "; ".join(f"{p.name} {'/'.join(_fmt(v) for v in p.grid)}" for p in params)
    print(f"grids:   {grids}")

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kvsearch-tune-") as tmp:
        build_start = time.perf_counter()
        with Index.build(Path(tmp) / "index", seeds=corpus) as index:
            build_seconds = time.perf_counter() - build_start
            evaluator = Evaluator(index, queries, qrels)
            defaults = {p.name: p.default for p in params}
            # The patched path at its defaults must be the index as it is.
            if evaluator.rankings(defaults, qids) != evaluator.untouched_rankings(qids):
                print("error: the default settings do not reproduce the index's rankings")
                return 1
            baseline = evaluator.summary(defaults, qids)
            print(
                f"index:   built in {build_seconds:.1f}s; defaults on all {len(qids)}: "
                f"nDCG@10 {baseline['ndcg@10']:.3f}, R@100 {baseline['recall@100']:.3f}, "
                f"MRR {baseline['mrr']:.3f}",
                flush=True,
            )
            directions: list[Direction] = []
            for split_name in args.split_names:
                split = make_split(split_name, queries)
                first, second = split.halves
                for tune, held in ((first, second), (second, first)):
                    direction = run_direction(
                        evaluator, params, split.name, tune, held, qids, args.passes, args.min_gain
                    )
                    print(
                        f"  {split.name}: {direction.label}: {direction.seconds:.1f}s",
                        file=sys.stderr,
                    )
                    directions.append(direction)
            agreed = agreed_changes(directions, params)
            agreed_metrics = {
                "all": evaluator.summary({**defaults, **agreed}, qids),
                **{
                    d.held_name: evaluator.summary({**defaults, **agreed}, d.held)
                    for d in directions
                },
            }
    elapsed = time.perf_counter() - started

    for direction in directions:
        print()
        print(format_direction(direction, defaults))
    print()
    print(format_choices(directions, params))
    print()
    if agreed:
        text = ", ".join(f"{k} {_fmt(defaults[k])}->{_fmt(v)}" for k, v in agreed.items())
        print(f"changes every direction made the same way: {text}")
        print(
            f"  with them, all {len(qids)}: nDCG@10 {baseline['ndcg@10']:.3f} -> "
            f"{agreed_metrics['all']['ndcg@10']:.3f} (chosen with every query: not held out)"
        )
    else:
        print("no change was made the same way by every direction")
    print(
        f"\n{evaluator.searches} searches in {evaluator.seconds:.1f}s "
        f"({len(directions)} directions, {elapsed:.1f}s in all)"
    )

    if args.json is not None:
        report = {
            "command": command,
            "shared": str(shared),
            "queries": len(queries),
            "passes": args.passes,
            "min_gain": args.min_gain,
            "params": [
                {"name": p.name, "default": p.default, "grid": list(p.grid)} for p in params
            ],
            "defaults_all": baseline,
            "directions": [direction_json(d, defaults) for d in directions],
            "agreed_changes": agreed,
            "agreed_metrics": agreed_metrics,
            "searches": evaluator.searches,
            "seconds": round(elapsed, 1),
        }
        args.json.write_text(
            json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
