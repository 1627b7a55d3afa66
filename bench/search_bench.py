"""Search benchmark: latency of the search service and of GET /api/fiches, against SQLite FTS5.

    .venv/bin/python -m bench.search_bench [N] [--queries 200] [--seed 7] [--no-http]

Generates N synthetic fiches (``bench.synth``), stores them in a fresh SQLite store, builds the index
(build rate), then measures in this one process, p50 and p95 in milliseconds:
  - fresh queries (the text-result cache is cleared before each; decoded postings stay warm, as in a
    serving process): one word, three words, one word + 2 facet filters + all facet counts;
  - refinements: the same q as the previous request with one facet, the sort or the page changed;
  - the same mixes over a plain SQLite FTS5 table on the same data (bm25 rank, count, facet GROUP BYs),
    printed with the ratio ours / FTS5;
  - through HTTP (uvicorn + httpx) when ``app.main.create_app`` is importable;
and prints the RSS of this (serving) process.
Bars: 10k fresh p50 ≤ 10 ms, p95 ≤ 60 ms, refinements p50 ≤ 5 ms; 100k p95 ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from app.domain.db import init_db, make_engine
from app.domain.models import FicheCreate
from app.domain.records import fiche_id
from app.domain.store import Store
from app.search.params import SearchParams
from app.search.service import SearchService
from bench.fts5_baseline import Fts5Baseline
from bench.measure import percentiles, rss_mb
from bench.search_http import http_latencies
from bench.synth import generate

WORDS = ["jeunes", "familles", "numérique", "seniors", "parentalité", "insertion", "jardin", "santé", "culture",
         "emploi", "vacances", "bénévoles", "quartier", "alimentation", "mobilité", "logement", "scolarité",
         "handicap", "citoyenneté", "solidarité", "sport", "théâtre", "cuisine", "écrans", "femmes", "retraités",
         "enfants", "parents", "ateliers", "accompagnement", "isolement", "réfugiés", "épicerie", "musique",
         "environnement", "intergénérationnel", "démarches", "formation", "adolescents", "loisirs"]


def load_store(store: Store, n: int, seed: int, prefix: str = "") -> float:
    """Write ``n`` synthetic fiches (``prefix`` makes their ids new ones) in batches of 1,000."""
    started = time.perf_counter()
    batch: list[FicheCreate] = []
    for i, row in enumerate(generate(n, seed)):
        data = dict(row)
        data["id"] = fiche_id(f"{prefix}{data['title']} {i}", data.get("structure"), data.get("departement"),
                              data.get("year"))
        data["content_hash"] = data["id"]
        batch.append(FicheCreate(**{k: v for k, v in data.items() if k in FicheCreate.model_fields}))
        if len(batch) == 1000:
            store.upsert(batch)
            batch = []
    if batch:
        store.upsert(batch)
    return time.perf_counter() - started


def mixes(rng: random.Random, count: int, facet_values: dict[str, list[str]]) -> dict[str, list[list[tuple]]]:
    """Query-string pairs for each mix."""
    one = [[("q", rng.choice(WORDS))] for _ in range(count)]
    three = [[("q", " ".join(rng.sample(WORDS, 3)))] for _ in range(count)]
    faceted = [[("q", rng.choice(WORDS)), ("dimension", rng.choice(facet_values["dimension"])),
                ("public", rng.choice(facet_values["public"]))] for _ in range(count)]
    return {"1 mot": one, "3 mots": three, "mot + 2 facettes": faceted}


def refinements(rng: random.Random, base: list[list[tuple]], facet_values: dict[str, list[str]]) -> list[list[tuple]]:
    out = []
    for items in base:
        change = rng.choice(["facet", "sort", "page"])
        if change == "facet":
            extra = [("mots_cles", rng.choice(facet_values["mots_cles"]))]
        elif change == "sort":
            extra = [("sort", rng.choice(["recent", "budget", "titre"]))]
        else:
            extra = [("page", str(rng.randint(2, 4)))]
        out.append(items + extra)
    return out


def time_service(service: SearchService, queries: list[list[tuple]], fresh: bool) -> list[float]:
    samples = []
    for items in queries:
        if fresh:
            service.clear_cache()
        params = SearchParams.from_query(items)
        started = time.perf_counter()
        service.search(params)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _cached(folder: Path, name: str, build) -> float:
    """Run ``build()`` once per cache folder; its duration (seconds) is kept in ``<name>.done``."""
    marker = folder / f"{name}.done"
    if marker.exists():
        return float(marker.read_text())
    started = time.perf_counter()
    build()
    elapsed = time.perf_counter() - started
    marker.write_text(f"{elapsed:.3f}")
    return elapsed


def run(n: int, count: int, seed: int, http: bool, cache: Path | None, build_only: bool = False,
        fts_count: int | None = None) -> None:
    rng = random.Random(seed)
    if cache is None:
        folder = Path(tempfile.mkdtemp(prefix="search-bench-"))
    else:
        folder = cache / f"n{n}-seed{seed}"
        folder.mkdir(parents=True, exist_ok=True)
    db_url = f"sqlite:///{folder / 'fiches.db'}"
    engine = make_engine(db_url)
    init_db(engine)
    store = Store(engine)
    print(f"N = {n} fiches, {count} requêtes par mélange, dossier {folder} (déjà construit : mesures en cache)")
    stored = _cached(folder, "store", lambda: load_store(store, n, seed))
    print(f"store: {n / stored:,.0f} fiches/s ({stored:.1f} s)")
    service = SearchService(folder / "index", store)
    built = _cached(folder, "index", service.sync)
    print(f"index: {n / built:,.0f} fiches/s ({built:.1f} s)")
    started = time.perf_counter()
    first = service.search(SearchParams())
    print(f"ouverture du lecteur + colonnes: {(time.perf_counter() - started) * 1000:.0f} ms, "
          f"RSS du processus : {rss_mb():.0f} Mo")
    facet_values = {f: [e["value"] for e in first["facets"][f][:8]] for f in ("dimension", "public", "mots_cles")}

    fts = Fts5Baseline(folder / "fts.db")
    loaded = _cached(folder, "fts", lambda: fts.load(store))
    print(f"FTS5: {n / loaded:,.0f} fiches/s")
    if build_only:
        return

    def fts_times(queries: list[list[tuple]]) -> tuple[float, float]:  # the baseline is slow at 100k: a sample
        return percentiles([fts.timed(items) for items in queries[: fts_count or len(queries)]])

    rows = []
    all_fresh: list[list[tuple]] = []
    for name, queries in mixes(rng, count, facet_values).items():
        all_fresh += queries
        ours = percentiles(time_service(service, queries, fresh=True))
        base = fts_times(queries)
        rows.append((f"frais: {name}", ours, base))
    refine = refinements(rng, all_fresh, facet_values)
    for items in all_fresh:  # the previous request of each refinement
        service.search(SearchParams.from_query(items))
    samples = []
    for items in refine:
        service.search(SearchParams.from_query([p for p in items if p[0] == "q"]))
        samples += time_service(service, [items], fresh=False)
    rows.append(("affinage (même q)", percentiles(samples), fts_times(refine)))
    fresh_all = percentiles(time_service(service, all_fresh, fresh=True))
    rows.append(("frais: tous", fresh_all, fts_times(all_fresh)))
    if fts_count:
        print(f"(FTS5 : les {fts_count} premières requêtes de chaque mélange)")

    print(f"\n{'mélange':24} {'p50 ms':>8} {'p95 ms':>8} {'FTS5 p50':>9} {'FTS5 p95':>9} {'ratio p50':>9}")
    for name, (p50, p95), (b50, b95) in rows:
        print(f"{name:24} {p50:8.2f} {p95:8.2f} {b50:9.2f} {b95:9.2f} {p50 / b50 if b50 else float('nan'):9.2f}")
    print(f"RSS du processus (service + FTS5 + store): {rss_mb():.0f} Mo")
    bars = [("frais p50 ≤ 10 ms (10k)", fresh_all[0] <= 10), ("frais p95 ≤ 60 ms (10k)", fresh_all[1] <= 60),
            ("affinage p50 ≤ 5 ms (10k)", rows[3][1][0] <= 5)] if n <= 10_000 else [
            ("p95 ≤ 300 ms (100k)", fresh_all[1] <= 300)]
    for label, ok in bars:
        print(f"  {'OK ' if ok else 'NON'} {label}")
    if http:
        http_latencies(db_url, folder / "index", all_fresh, refine)
    service.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", nargs="?", type=int, default=None)
    parser.add_argument("--n", dest="n_opt", type=int, default=None, help="number of fiches (default 10000)")
    parser.add_argument("--queries", type=int, default=150)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--cache", type=Path, default=Path("var/bench"),
                        help="folder keeping the generated store, index and FTS5 table between runs")
    parser.add_argument("--no-cache", action="store_true", help="build everything in a new temporary folder")
    parser.add_argument("--fts-queries", type=int, default=None,
                        help="time the FTS5 baseline on only the first K queries of each mix (slow at 100k)")
    parser.add_argument("--build-only", action="store_true", help="build (or find) the cached data, then stop")
    args = parser.parse_args()
    n = args.n_opt or args.n or 10_000
    run(n, args.queries, args.seed, not args.no_http, None if args.no_cache else args.cache,
        args.build_only, args.fts_queries)


if __name__ == "__main__":
    main()
