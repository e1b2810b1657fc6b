"""Split-half tables of the query-understanding parameters of issue #16.

Run from the repository root::

    python bench/split_half.py                       # every parameter, its default grid
    python bench/split_half.py --params COORDINATION --grid COORDINATION=0,1,3
    python bench/split_half.py --kinds --json /tmp/split-half.json

The parameters, each read at query time from its module:

- ``COORDINATION``: :data:`search.engine.ranking.COORDINATION`, the exponent of the
  coordination factor (:func:`search.engine.ranking.coordinate`; 0 turns it off);
- ``COMMON_IDF``: :data:`search.engine.ranking.COMMON_IDF`, the idf under which a word
  is weighed down (:func:`search.engine.ranking.commonness_weight`; 0 turns it off);
- ``PROCEDURAL_WEIGHT``: :data:`search.engine.ranking.PROCEDURAL_WEIGHT`, the factor of
  a procedural question's score (:mod:`search.dutch.procedural`; 1 turns it off);
- ``NAME_PREFERENCE``: :data:`search.engine.interpret.NAME_PREFERENCE`, what an entry of
  a member, party or minister typed as a word gains
  (:func:`search.engine.interpret.preference_weight`, used by
  :func:`search.engine.collect.prefer`);
- ``DATE_PREFERENCE``: :data:`search.engine.interpret.DATE_PREFERENCE`, the same for a
  year or status word.

The index is built once (as ``bench/relevance.py`` builds it, from ``seeds/`` and
``corpus/docs/`` of ``--shared``). For each parameter in turn, the others at their
shipped values, every value of its grid is patched into its module, the 40 judged
queries of ``eval/`` are run and the constant is restored. The table gives nDCG@10,
recall@100 and MRR over all queries, over the odd query numbers (D01, D03, ...) and
over the even ones (the test set lists its queries kind by kind, so each half holds
every kind).

Per parameter, as in ``bench/tune.py`` (choose on one half, report on the other): the
value each half chooses (best mean nDCG@10; among equal ones the nearest to the shipped
value), what that choice does on the other half against the shipped value, and the
verdict. The shipped value holds unless some other value raises nDCG@10 on *both*
halves with neither half's recall@100 below :data:`MIN_RECALL`, and not through one
query: with each half's most improved query left out, the gain must stay above 0 on
both halves (never tune to a single query). Such a value is listed either way.

That a patched value takes effect is checked, not assumed: for every value the number
of judged queries whose top-100 ranking differs from the shipped value's is reported
(``changed``), and also that of a few probe queries (:data:`PROBES`) with the words
the judged queries lack (a year, a status word, *minister*). A parameter whose every
value changes nothing anywhere is an error (exit status 1).

Nothing under ``search/`` is changed.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # measure the working tree, not an installed copy
    sys.path.insert(0, str(REPO_ROOT))
if str(REPO_ROOT / "bench") not in sys.path:
    sys.path.insert(0, str(REPO_ROOT / "bench"))

from relevance import (  # noqa: E402
    DEPTH,
    METRICS,
    KvsearchSystem,
    Query,
    Run,
    add_shared_option,
    aggregate,
    groups,
    read_qrels,
    read_queries,
    run_system,
)

from search.engine import interpret as search_interpret  # noqa: E402
from search.engine import ranking as search_ranking  # noqa: E402

#: A value must keep each half's recall@100 at least this to be adopted.
MIN_RECALL = 0.98
#: Smaller differences of a mean are ties (float noise).
EPSILON = 1e-9
#: Queries outside the test set that exercise what the judged ones may not: a year, a
#: status word, "vorig jaar", a party, a minister's name, a word every Kamervraag has.
PROBES = (
    "stikstof 2024",
    "asiel 2023",
    "onbeantwoorde vragen asiel",
    "vorig jaar ziekenhuizen",
    "SP gevangeniswezen",
    "Agema ziekenhuizen",
    "wat doet de minister tegen wachtlijsten",
    "kabinet bericht onderwijs",
)


@dataclass(frozen=True)
class Param:
    """A query-time constant: where it lives, its default grid."""

    name: str
    module: ModuleType
    grid: tuple[float, ...]
    what: str

    @property
    def shipped(self) -> float:
        """The value in the module now (read before any patching)."""
        return float(getattr(self.module, self.name))


PARAMS = (
    Param(
        "COORDINATION",
        search_ranking,
        (0.0, 0.5, 1.0, 1.5, 2.0),
        "coordination exponent (0: off)",
    ),
    Param(
        "COMMON_IDF",
        search_ranking,
        (0.0, 1.5, 3.0, 4.5, 6.0),
        "commonness idf threshold (0: off)",
    ),
    Param(
        "PROCEDURAL_WEIGHT",
        search_ranking,
        (1.0, 0.75, 0.5, 0.25, 0.0),
        "factor of a procedural question (1: off)",
    ),
    Param(
        "NAME_PREFERENCE",
        search_interpret,
        (0.0, 0.25, 0.5, 1.0, 2.0),
        "gain of a typed member/party/minister name",
    ),
    Param(
        "DATE_PREFERENCE",
        search_interpret,
        (0.0, 0.5, 1.0, 2.0),
        "gain of a typed year/status word",
    ),
)


@dataclass
class Result:
    """One value of one parameter: the judged run and the probes' rankings."""

    value: float
    run: Run
    probes: dict[str, list[str]]


def halves(queries: Sequence[Query]) -> list[tuple[str, list[Query]]]:
    """All queries, then the odd and the even query numbers (as ``bench/tune.py``'s
    ``parity`` split)."""
    odd = [q for q in queries if int(q.qid.lstrip("D")) % 2 == 1]
    even = [q for q in queries if int(q.qid.lstrip("D")) % 2 == 0]
    return [("all", list(queries)), ("odd", odd), ("even", even)]


def measure(
    system: KvsearchSystem,
    param: Param,
    value: float,
    queries: Sequence[Query],
    qrels: Any,
) -> Result:
    """Run the judged queries and the probes with ``param`` patched to ``value``."""
    saved = getattr(param.module, param.name)
    setattr(param.module, param.name, type(saved)(value))
    try:
        run = run_system(f"{param.name}={value:g}", system.search, queries, qrels)
        probes = {text: system.search(text)[:DEPTH] for text in PROBES}
    finally:
        setattr(param.module, param.name, saved)
    return Result(value, run, probes)


@dataclass
class Verdict:
    """What the halves say about one parameter."""

    picks: dict[str, float]  # half -> the value it chooses
    held_out: dict[str, float]  # half chosen on -> nDCG@10 gain of its pick on the other
    better_both: list[float]  # values that beat the shipped one on both halves
    one_query: list[float]  # of those, the ones whose gain on a half is one query's
    holds: bool


def base_of(param: Param, results: Sequence[Result]) -> Result:
    """The result of the shipped value."""
    return next(r for r in results if r.value == param.shipped)


def gain_without_best(result: Result, base: Result, members: Sequence[Query]) -> float:
    """The nDCG@10 gain over ``base`` on ``members`` with the most improved query left
    out: what is left when no single query carries it."""
    gains = sorted(
        result.run.per_query[q.qid]["ndcg@10"] - base.run.per_query[q.qid]["ndcg@10"]
        for q in members
    )
    rest = gains[:-1]
    return sum(rest) / len(rest) if rest else 0.0


def choose(results: Sequence[Result], members: Sequence[Query], shipped: float) -> float:
    """The value with the best mean nDCG@10 on ``members``; ties go to the nearest to
    ``shipped`` (so the shipped value stays unless the half says otherwise)."""
    best = max(aggregate(r.run, members)["ndcg@10"] for r in results)
    tied = [r.value for r in results if aggregate(r.run, members)["ndcg@10"] >= best - EPSILON]
    return min(tied, key=lambda v: (abs(v - shipped), v))


def judge(param: Param, results: Sequence[Result], queries: Sequence[Query]) -> Verdict:
    """Each half's pick, its effect on the other half, and whether the shipped value
    holds: no value improves both halves' nDCG@10 with recall@100 kept, or those that
    do gain on some half only through one query (never tune to a single query)."""
    shipped = param.shipped
    by_value = {r.value: r for r in results}
    base = base_of(param, results)
    parts = dict(halves(queries)[1:])
    picks = {name: choose(results, members, shipped) for name, members in parts.items()}
    held_out: dict[str, float] = {}
    for name, other in (("odd", "even"), ("even", "odd")):
        pick = aggregate(by_value[picks[name]].run, parts[other])["ndcg@10"]
        held_out[name] = pick - aggregate(base.run, parts[other])["ndcg@10"]
    better_both = []
    for r in results:
        if r.value == shipped:
            continue
        gains = all(
            aggregate(r.run, m)["ndcg@10"] > aggregate(base.run, m)["ndcg@10"] + EPSILON
            for m in parts.values()
        )
        recall = all(aggregate(r.run, m)["recall@100"] >= MIN_RECALL for m in parts.values())
        if gains and recall:
            better_both.append(r.value)
    one_query = [
        v
        for v in better_both
        if any(gain_without_best(by_value[v], base, m) <= EPSILON for m in parts.values())
    ]
    return Verdict(picks, held_out, better_both, one_query, holds=better_both == one_query)


def no_effect(param: Param, results: Sequence[Result]) -> bool:
    """Whether no value of ``param`` changed any ranking (the patch did not take)."""
    base = base_of(param, results)
    return len(results) > 1 and all(changed(r, base) == (0, 0) for r in results)


def changed(result: Result, base: Result) -> tuple[int, int]:
    """How many judged queries and how many probes rank differently from ``base``."""
    judged = sum(result.run.rankings[q] != base.run.rankings[q] for q in base.run.rankings)
    probes = sum(result.probes[p] != base.probes[p] for p in base.probes)
    return judged, probes


def param_table(param: Param, results: Sequence[Result], queries: Sequence[Query]) -> str:
    """A row per value: all / odd / even (nDCG@10, R@100, MRR) and what changed."""
    parts = halves(queries)
    base = base_of(param, results)
    head = f"{'value':>8} " + "".join(
        f" | {name + ' (' + str(len(members)) + ')':^22}" for name, members in parts
    )
    head += " | changed"
    sub = f"{'':>8} " + " | nDCG@10  R@100   MRR " * len(parts) + " | judged probes"
    lines = [head, sub, "-" * len(sub)]
    for r in results:
        mark = "*" if r.value == param.shipped else " "
        row = f"{r.value:>7g}{mark} "
        for _, members in parts:
            agg = aggregate(r.run, members)
            row += f" | {agg['ndcg@10']:>7.3f} {agg['recall@100']:>6.3f} {agg['mrr']:>6.3f}"
        judged, probes = changed(r, base)
        row += f" | {judged:>6} {probes:>6}"
        lines.append(row)
    return "\n".join(lines)


def verdict_lines(
    param: Param, verdict: Verdict, results: Sequence[Result], queries: Sequence[Query]
) -> list[str]:
    """The picks, their held-out effect and the verdict, in words."""
    by_value = {r.value: r for r in results}
    base = base_of(param, results)
    parts = halves(queries)[1:]
    lines = []
    for name, other in (("odd", "even"), ("even", "odd")):
        lines.append(
            f"  chosen on {name}: {verdict.picks[name]:g}; on {other} against the shipped "
            f"{param.shipped:g}: {verdict.held_out[name]:+.3f} nDCG@10"
        )
    if not verdict.better_both:
        lines.append(
            f"  => shipped {param.shipped:g} holds: no value raises nDCG@10 on both halves"
            f" with recall@100 >= {MIN_RECALL}"
        )
        return lines
    values = ", ".join(f"{v:g}" for v in verdict.better_both)
    lines.append(f"  better than the shipped {param.shipped:g} on both halves: {values}")
    for v in verdict.better_both:
        rests = ", ".join(
            f"{name} {gain_without_best(by_value[v], base, members):+.4f}"
            for name, members in parts
        )
        lines.append(f"    {v:g}: nDCG@10 gain without each half's most improved query: {rests}")
    if verdict.holds:
        lines.append(
            f"  => shipped {param.shipped:g} holds: every such gain rests on one query of a half"
        )
    else:
        adopt = ", ".join(f"{v:g}" for v in verdict.better_both if v not in verdict.one_query)
        lines.append(f"  => shipped {param.shipped:g} is beaten by {adopt}")
    return lines


def kind_table(results: Sequence[Result], queries: Sequence[Query]) -> str:
    """nDCG@10 per query kind, a column per value."""
    head = f"{'kind':<10}{'n':>3}" + "".join(f" {r.value:>7g}" for r in results)
    lines = [head, "-" * len(head)]
    for label, members in groups(queries):
        cells = "".join(f" {aggregate(r.run, members)['ndcg@10']:>7.3f}" for r in results)
        lines.append(f"{label:<10}{len(members):>3}{cells}")
    return "\n".join(lines)


def summary_table(
    verdicts: Sequence[tuple[Param, Verdict]], scored: dict[str, list[Result]]
) -> str:
    """One line per parameter: shipped value, each half's pick, held-out gain, verdict."""
    head = (
        f"{'parameter':<16} {'shipped':>7} {'odd picks':>9} {'-> even':>8} "
        f"{'even picks':>10} {'-> odd':>7}  verdict"
    )
    lines = [head, "-" * (len(head) + 20)]
    for param, v in verdicts:
        if not v.better_both:
            verdict = "holds"
        elif v.holds:
            verdict = "holds (" + ", ".join(f"{x:g}" for x in v.one_query) + ": one query a half)"
        else:
            verdict = "beaten: " + ", ".join(f"{x:g}" for x in v.better_both)
        if no_effect(param, scored[param.name]):
            verdict += " (NO EFFECT: patching changed nothing)"
        lines.append(
            f"{param.name:<16} {param.shipped:>7g} {v.picks['odd']:>9g} "
            f"{v.held_out['odd']:>+8.3f} {v.picks['even']:>10g} {v.held_out['even']:>+7.3f}"
            f"  {verdict}"
        )
    return "\n".join(lines)


def parse_grids(specs: Sequence[str], names: Sequence[str]) -> dict[str, tuple[float, ...]]:
    """``NAME=V1,V2,...`` options to grids."""
    grids: dict[str, tuple[float, ...]] = {}
    for spec in specs:
        name, _, values = spec.partition("=")
        if name not in names or not values:
            raise ValueError(f"--grid {spec!r}: expected NAME=V1,V2 with NAME in {names}")
        grids[name] = tuple(float(v) for v in values.split(",") if v.strip())
    return grids


def main(argv: Sequence[str] | None = None) -> int:
    """Run the tables; return the exit status."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    names = [p.name for p in PARAMS]
    parser = argparse.ArgumentParser(
        prog="bench/split_half.py",
        description="Split-half tables of the query-understanding parameters (#16).",
    )
    add_shared_option(parser)
    parser.add_argument(
        "--params",
        default=",".join(names),
        help="comma-separated parameters (default: %(default)s)",
    )
    parser.add_argument(
        "--grid",
        action="append",
        default=[],
        metavar="NAME=V1,V2",
        help="the values tried for NAME (the shipped value is always added)",
    )
    parser.add_argument("--kinds", action="store_true", help="also print nDCG@10 per kind")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write every number as JSON")
    args = parser.parse_args(arguments)
    chosen = [n.strip() for n in str(args.params).split(",") if n.strip()]
    unknown = sorted(set(chosen) - set(names))
    if unknown or not chosen:
        parser.error(f"--params: unknown {', '.join(unknown) or '(none)'}; choose from {names}")
    try:
        grids = parse_grids(args.grid, names)
    except ValueError as exc:
        parser.error(str(exc))
    params = [p for p in PARAMS if p.name in chosen]

    shared: Path = args.shared.resolve()
    eval_dir = shared / "eval"
    corpus = [shared / "seeds", shared / "corpus" / "docs"]
    if not (eval_dir / "queries.tsv").is_file() or not (eval_dir / "qrels.tsv").is_file():
        print(f"error: {eval_dir} lacks queries.tsv or qrels.tsv", file=sys.stderr)
        return 2
    queries = read_queries(eval_dir / "queries.tsv")
    qrels = read_qrels(eval_dir / "qrels.tsv")
    command = shlex.join(["python", "bench/split_half.py", *arguments])
    print(f"command: {command}")
    print(f"shipped: {', '.join(f'{p.name}={p.shipped:g}' for p in PARAMS)}")
    print(f"queries: {len(queries)} (odd/even query numbers); * marks the shipped value")

    scored: dict[str, list[Result]] = {}
    verdicts: list[tuple[Param, Verdict]] = []
    with tempfile.TemporaryDirectory(prefix="kvsearch-split-half-") as tmp:
        system = KvsearchSystem.build(Path(tmp) / "index", corpus)
        try:
            print(f"index:   {system.describe()} (built once)")
            for param in params:
                grid = sorted({*grids.get(param.name, param.grid), param.shipped})
                results = [measure(system, param, v, queries, qrels) for v in grid]
                scored[param.name] = results
                verdicts.append((param, judge(param, results, queries)))
        finally:
            system.close()

    for param, verdict in verdicts:
        print()
        print(f"{param.name} ({param.what}; {param.module.__name__})")
        print(param_table(param, scored[param.name], queries))
        print("\n".join(verdict_lines(param, verdict, scored[param.name], queries)))
        if args.kinds:
            print(kind_table(scored[param.name], queries))
    print()
    print(summary_table(verdicts, scored))

    ineffective = [p.name for p, _ in verdicts if no_effect(p, scored[p.name])]
    if args.json is not None:
        data = {
            "command": command,
            "min_recall": MIN_RECALL,
            "probes": list(PROBES),
            "params": {
                p.name: {
                    "module": p.module.__name__,
                    "shipped": p.shipped,
                    "picks": v.picks,
                    "held_out_gain": v.held_out,
                    "better_on_both_halves": v.better_both,
                    "gain_from_one_query": v.one_query,
                    "holds": v.holds,
                    "values": {
                        f"{r.value:g}": {
                            "halves": {n: aggregate(r.run, m) for n, m in halves(queries)},
                            "kinds": {n: aggregate(r.run, m) for n, m in groups(queries)},
                            "changed": dict(
                                zip(
                                    ("judged", "probes"),
                                    changed(r, base_of(p, scored[p.name])),
                                    strict=True,
                                )
                            ),
                            "queries": r.run.per_query,
                        }
                        for r in scored[p.name]
                    },
                }
                for p, v in verdicts
            },
            "metrics": list(METRICS),
        }
        args.json.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {args.json}")
    if ineffective:
        print(f"error: patching changed no ranking for {', '.join(ineffective)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
