"""Search A/B in one process: the cost of the close results after a short set and of a thesaurus change.

    nice .venv/bin/python -m bench.search_ab [--n 10000] [--before OLD_THESAURUS.txt] [--rounds 3]

Uses the store and index that ``bench.search_bench`` builds and caches (``--cache``, default ``var/bench``);
builds them first if needed. Then, on that one index and in this one process, runs the benchmark's fresh
queries and refinements ``--rounds`` times under each variant, alternating them so that the machine's load
falls on every variant alike:
  - "before": no close results after a non-empty set, the thesaurus file ``--before`` (default: the shipped one);
  - "close results": close results after a short set, the ``--before`` thesaurus;
  - "now": close results and the shipped thesaurus.
Prints p50 and p95 in milliseconds for each. Compare with an old thesaurus with, for example,
``git show <commit>:app/search/thesaurus.txt > /tmp/before.txt``.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from app.domain.db import init_db, make_engine
from app.domain.store import Store
from app.search import scoring
from app.search.params import SearchParams
from app.search.service import SearchService
from app.search.thesaurus import THESAURUS_PATH, Thesaurus, load
from bench.measure import percentiles
from bench.search_bench import mixes, refinements, run


def _timed(service: SearchService, fresh: list[list[tuple]], refine: list[list[tuple]]) -> tuple[list, list]:
    fresh_ms, refine_ms = [], []
    for items in fresh:
        service._results.clear()
        params = SearchParams.from_query(items)
        started = time.perf_counter()
        service.search(params)
        fresh_ms.append((time.perf_counter() - started) * 1000)
    for items in refine:
        service.search(SearchParams.from_query([p for p in items if p[0] == "q"]))
        params = SearchParams.from_query(items)
        started = time.perf_counter()
        service.search(params)
        refine_ms.append((time.perf_counter() - started) * 1000)
    return fresh_ms, refine_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=100, help="queries per mix")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=Path("var/bench"))
    parser.add_argument("--before", type=Path, default=THESAURUS_PATH, help="the thesaurus file of 'before'")
    args = parser.parse_args()
    run(args.n, args.queries, args.seed, http=False, cache=args.cache, build_only=True)
    folder = args.cache / f"n{args.n}-seed{args.seed}"
    engine = make_engine(f"sqlite:///{folder / 'fiches.db'}")
    init_db(engine)
    service = SearchService(folder / "index", Store(engine))
    first = service.search(SearchParams())
    facet_values = {f: [e["value"] for e in first["facets"][f][:8]] for f in ("dimension", "public", "mots_cles")}
    rng = random.Random(args.seed)
    fresh = [q for mix in mixes(rng, args.queries, facet_values).values() for q in mix]
    refine = refinements(rng, fresh, facet_values)
    before, now = load(args.before), service.thesaurus
    variants: dict[str, tuple[int, Thesaurus]] = {
        "before": (0, before), "close results": (scoring.SHORT_SET, before), "now": (scoring.SHORT_SET, now)}
    short_set = scoring.SHORT_SET
    samples: dict[str, tuple[list, list]] = {name: ([], []) for name in variants}
    _timed(service, fresh, refine)  # warm the postings
    for _ in range(args.rounds):
        for name, (short, thesaurus) in variants.items():
            scoring.SHORT_SET, service.thesaurus = short, thesaurus
            fresh_ms, refine_ms = _timed(service, fresh, refine)
            samples[name][0].extend(fresh_ms)
            samples[name][1].extend(refine_ms)
    scoring.SHORT_SET, service.thesaurus = short_set, now
    print(f"\n{'variante':16} {'neuves p50':>10} {'p95':>7} {'affinages p50':>13} {'p95':>7}   (ms, {args.rounds} tours)")
    for name, (fresh_ms, refine_ms) in samples.items():
        (f50, f95), (r50, r95) = percentiles(fresh_ms), percentiles(refine_ms)
        print(f"{name:16} {f50:10.2f} {f95:7.2f} {r50:13.2f} {r95:7.2f}")
    service.close()


if __name__ == "__main__":
    main()
