"""Load benchmark through the deployment topology (deploy/topology.py), on loopback only, bounded in time.

    .venv/bin/python -m bench.load [--fiches 10000] [--clients 32] [--duration 60] [--import-fiches 1000]
                                   [--exports 4] [--replicas 2] [--workers 2]

Starts the topology (its own PostgreSQL database, the replicas, nginx) loaded with ``--fiches`` synthetic
fiches (``bench.synth``), then runs two phases of ``--duration`` seconds with ``--clients`` concurrent
clients through nginx, each sending the search mix (one word, three words, a word with two facets, pages 2
to 5, a fiche page):

  1. the mix alone (the baseline);
  2. the same mix while ``--import-fiches`` new fiches are imported (POST /api/imports, in 4 files, one
     after the other) and ``--exports`` clients export the whole catalogue (CSV and JSON, in a loop).

Prints, per phase, the search requests/s, p50/p95/p99 in milliseconds and the errors (any status other
than 200, or a failed connection), the exports and the import; the ratio of the search p95s; then checks
that every imported fiche is found by a search (each carries a made-up word in its title). Everything is
stopped and the database dropped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import string
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg

from bench.search_bench import WORDS
from bench.synth import generate, write_corpus, write_fiches
from deploy.topology import Topology, children

TICK = os.sysconf("SC_CLK_TCK")

IMPORT_FILES = 4


@dataclass
class Phase:
    name: str
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter = field(default_factory=Counter)
    exports: list[tuple[float, int]] = field(default_factory=list)  # seconds, bytes
    export_errors: Counter = field(default_factory=Counter)
    import_seconds: float | None = None
    import_report: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds used during the phase, by component

    def all_search(self) -> list[float]:
        return sorted(ms for values in self.latencies.values() for ms in values)


def pct(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


def marked_corpus(folder: Path, count: int, seed: int) -> tuple[list[Path], list[str]]:
    """``count`` new fiches, each with a made-up word in its title (to find each one afterwards)."""
    rng = random.Random(seed)
    fiches, words = [], []
    for fiche in generate(count, seed=seed):
        word = "".join(rng.choice(string.ascii_lowercase) for _ in range(12))
        fiche["title"] = f"{fiche['title']} {word}"
        fiches.append(fiche)
        words.append(word)
    per_file = -(-count // IMPORT_FILES)
    return write_fiches(fiches, folder, per_file=per_file, prefix=f"import_{seed}"), words


class Mix:
    """The search mix: draws the next request (kind, path, params) from what the catalogue holds."""

    def __init__(self, facets: dict[str, list[str]], ids: list[str], seed: int) -> None:
        self.rng = random.Random(seed)
        self.facets = facets
        self.ids = ids

    def next(self) -> tuple[str, str, list[tuple[str, str]]]:
        rng = self.rng
        kind = rng.choices(["1 mot", "3 mots", "facettes", "pages", "fiche"], weights=[3, 2, 2, 2, 1])[0]
        if kind == "1 mot":
            return kind, "/api/fiches", [("q", rng.choice(WORDS))]
        if kind == "3 mots":
            return kind, "/api/fiches", [("q", " ".join(rng.sample(WORDS, 3)))]
        if kind == "facettes":
            params = [("q", rng.choice(WORDS))]
            for name in rng.sample(sorted(self.facets), 2):
                params.append((name, rng.choice(self.facets[name])))
            return kind, "/api/fiches", params
        if kind == "pages":
            return kind, "/api/fiches", [("q", rng.choice(WORDS)), ("page", str(rng.randint(2, 5)))]
        return kind, f"/api/fiches/{rng.choice(self.ids)}", []


async def _searcher(client: httpx.AsyncClient, mix: Mix, phase: Phase, until: float) -> None:
    while time.monotonic() < until:
        kind, path, params = mix.next()
        started = time.perf_counter()
        try:
            response = await client.get(path, params=params)
            status = response.status_code
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        elapsed = (time.perf_counter() - started) * 1000
        if status == 200:
            phase.latencies.setdefault(kind, []).append(elapsed)
        else:
            phase.errors[f"{kind}: {status}"] += 1


async def _exporter(client: httpx.AsyncClient, number: int, phase: Phase, until: float) -> None:
    fmt = "csv" if number % 2 == 0 else "json"
    while time.monotonic() < until:
        started = time.perf_counter()
        size = 0
        try:
            async with client.stream("GET", f"/api/fiches.{fmt}", timeout=300) as response:
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                status = response.status_code
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        if status == 200:
            phase.exports.append((time.perf_counter() - started, size))
        else:
            phase.export_errors[str(status)] += 1
            await asyncio.sleep(1)


async def _importer(client: httpx.AsyncClient, files: list[Path], token: str, phase: Phase) -> None:
    started = time.perf_counter()
    for path in files:
        try:
            response = await client.post("/api/imports", files=[("files", (path.name, path.read_bytes()))],
                                         headers={"Authorization": f"Bearer {token}"}, timeout=600)
            status = response.status_code
        except httpx.HTTPError as exc:
            status = type(exc).__name__
        if status == 200:
            phase.import_report.append(response.json())
        else:
            phase.errors[f"import: {status}"] += 1
    phase.import_seconds = time.perf_counter() - started


def _cpu_of(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


def cpu_seconds(topo: Topology) -> dict[str, float]:
    """CPU seconds used so far by each part of the topology (the live processes), and by this client."""
    replicas = [pid for r in topo.replicas if r.process for pid in [r.process.pid, *children(r.process.pid)]]
    proxy = [topo.nginx.pid, *children(topo.nginx.pid)] if topo.nginx else []
    with psycopg.connect(topo.pg_admin_url, autocommit=True) as conn:
        backends = [pid for (pid,) in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s",
                                                   (topo.database,))]
    times = os.times()
    return {"répliques": _cpu_of(replicas), "nginx": _cpu_of(proxy), "PostgreSQL": _cpu_of(backends),
            "client": times.user + times.system}


async def run_phase(topo: Topology, mix: Mix, name: str, clients: int, duration: float,
                    import_files: list[Path] | None = None, exports: int = 0) -> Phase:
    phase = Phase(name)
    before = cpu_seconds(topo)
    limits = httpx.Limits(max_connections=clients + exports + 2, max_keepalive_connections=clients + exports + 2)
    async with httpx.AsyncClient(base_url=topo.url, timeout=60, limits=limits) as client:
        started = time.monotonic()
        until = started + duration
        tasks = [_searcher(client, mix, phase, until) for _ in range(clients)]
        tasks += [_exporter(client, i, phase, until) for i in range(exports)]
        if import_files:
            tasks.append(_importer(client, import_files, topo.token, phase))
        await asyncio.gather(*tasks)
        phase.seconds = time.monotonic() - started
    after = cpu_seconds(topo)
    phase.cpu = {part: after[part] - before[part] for part in after}
    return phase


def report(phase: Phase) -> float:
    """Prints one phase; returns its search p95 in ms."""
    ordered = phase.all_search()
    rate = len(ordered) / phase.seconds
    print(f"\n== {phase.name} ({phase.seconds:.0f} s)")
    print(f"recherche : {len(ordered)} requêtes, {rate:.1f} req/s, p50 {pct(ordered, .5):.0f} ms, "
          f"p95 {pct(ordered, .95):.0f} ms, p99 {pct(ordered, .99):.0f} ms, erreurs {sum(phase.errors.values())}")
    for kind, values in sorted(phase.latencies.items()):
        values.sort()
        print(f"  {kind:<9} {len(values):>6}  p50 {pct(values, .5):>6.0f}  p95 {pct(values, .95):>6.0f}  "
              f"p99 {pct(values, .99):>6.0f} ms")
    for error, count in phase.errors.most_common():
        print(f"  erreur {error} × {count}")
    cpu = sum(phase.cpu.values())
    if ordered and cpu:
        parts = ", ".join(f"{part} {seconds / len(ordered) * 1000:.1f}" for part, seconds in phase.cpu.items())
        print(f"CPU : {cpu / phase.seconds:.2f} cœur en moyenne ; par requête de recherche {cpu / len(ordered) * 1000:.1f} ms "
              f"({parts}) ; à 2 cœurs entièrement libres : {2 * len(ordered) / cpu:.0f} req/s")
    if phase.exports or phase.export_errors:
        times = sorted(t for t, _ in phase.exports)
        mb = sum(size for _, size in phase.exports) / 1e6
        print(f"exports : {len(times)} terminés ({mb:.0f} Mo), durée p50 {pct(times, .5):.1f} s, "
              f"max {times[-1] if times else float('nan'):.1f} s, refus/erreurs {dict(phase.export_errors)}")
    if phase.import_seconds is not None:
        created = sum(r.get("created", 0) for r in phase.import_report)
        updated = sum(r.get("updated", 0) for r in phase.import_report)
        rejected = sum(r.get("rejected", 0) for r in phase.import_report)
        print(f"import : {created} créées, {updated} mises à jour, {rejected} rejetées en {phase.import_seconds:.1f} s")
    return pct(ordered, .95)


async def _prepare_mix(topo: Topology) -> Mix:
    async with httpx.AsyncClient(base_url=topo.url, timeout=60) as client:
        page = (await client.get("/api/fiches", params={"size": 100})).json()
        facets = {name: [entry["value"] for entry in entries[:20]] for name, entries in page["facets"].items()
                  if name in ("dimension", "public", "mots_cles", "region", "territoire") and entries}
        ids = [hit["id"] for hit in page["hits"]]
        for word in WORDS[:10]:  # warm the replicas' caches a little, as a serving process would be
            ids += [hit["id"] for hit in (await client.get("/api/fiches", params={"q": word, "size": 20})).json()["hits"]]
    return Mix(facets, ids, seed=7)


async def _unfound(topo: Topology, words: list[str]) -> list[str]:
    missing = []
    async with httpx.AsyncClient(base_url=topo.url, timeout=60) as client:
        for word in words:
            hits = (await client.get("/api/fiches", params={"q": word, "size": 5})).json()["hits"]
            if not any(word in hit["title"] for hit in hits):
                missing.append(word)
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--fiches", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--import-fiches", type=int, default=1000)
    parser.add_argument("--exports", type=int, default=4)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sync-interval", type=float, default=5.0)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="fiches-load-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        corpus = write_corpus(args.fiches, root / "corpus", seed=0)
        import_files, words = marked_corpus(root / "import", args.import_fiches, seed=4242)
        topo = Topology(root / "topology", replicas_count=args.replicas, workers=args.workers,
                        sync_interval=args.sync_interval, import_paths=corpus, start_timeout=900, access_log=False)
        with topo:
            print(f"topologie : {args.replicas} répliques × {args.workers} processus derrière nginx ({topo.url}), "
                  f"{args.fiches} fiches, prête en {time.perf_counter() - started:.0f} s", flush=True)
            mix = asyncio.run(_prepare_mix(topo))
            base = asyncio.run(run_phase(topo, mix, "recherche seule", args.clients, args.duration))
            loaded = asyncio.run(run_phase(topo, mix, f"recherche + import de {args.import_fiches} fiches + "
                                           f"{args.exports} exports", args.clients, args.duration,
                                           import_files=import_files, exports=args.exports))
            p95_base, p95_loaded = report(base), report(loaded)
            print(f"\np95 de la recherche, avec import et exports / seule : {p95_loaded / p95_base:.2f}")
            deadline = time.monotonic() + 60
            missing = asyncio.run(_unfound(topo, words))
            while missing and time.monotonic() < deadline:  # the other replica catches up every sync interval
                time.sleep(args.sync_interval)
                missing = asyncio.run(_unfound(topo, missing))
            print(f"fiches importées trouvées par la recherche : {len(words) - len(missing)} / {len(words)}")
    return 0 if not missing and not base.errors and not loaded.errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
