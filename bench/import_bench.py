"""Import benchmark: fiches per second to parse alone, and to parse, normalise, group and store, at several N.

    .venv/bin/python -m bench.import_bench [N ...] [--jobs J] [--postgres postgresql://postgres@127.0.0.1:5432/test]

For each N (default: 1000 10000), generates N realistic fiches (``bench.synth``, list pages of 25, 500 a
file) in a temporary folder, then measures in this one process:
  (a) parse alone: ``ingest.pipeline.read_source`` (parse + normalise) on every file, one process: the baseline
      (run before and after the imports; the faster run is kept; only before with ``--quick``);
  (b) the import, one process: ``ingest.importer.import_paths(jobs=1)`` into a fresh SQLite store;
  (b') with ``--jobs J`` > 1: the same import, files parsed by J processes (what ``fiches import`` does);
  (c) re-import of the same files (nothing should be created; not with ``--quick``);
  (d) with ``--postgres URL``: (b) and (c) into a fresh PostgreSQL database made on that server.
It prints, for each N, the fiches per second of each step and its time over the baseline's, by the wall clock
and by CPU time (this process and the parsing processes: "fiches/s CPU" is the rate on idle cores, the
figure to read on a shared, loaded machine); then how the cost of a fiche grows with N (µs a fiche, wall
clock and CPU, and the ratio to the first N).
When N and the seed are those of ``bench/reference/groups_10k_seed0.json`` (the near-duplicate groups the
grouper made before it was linear), it says how many of those groups the import kept, lost and gained.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import platform
import resource
import signal
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import col, func, select

from app.domain.db import init_db, make_engine
from app.domain.models import Fiche
from app.domain.records import Source
from app.domain.store import Store
from bench.synth import generate, write_fiches
from ingest.importer import import_paths
from ingest.normalize import Limits
from ingest.pipeline import read_source

REFERENCE = Path(__file__).parent / "reference" / "groups_10k_seed0.json"


@contextmanager
def _timer(result: dict):
    start, cpu = time.perf_counter(), time.process_time()
    yield
    result["seconds"] = time.perf_counter() - start
    result["cpu"] = time.process_time() - cpu  # this process only (not the parsing workers)


def _close(a: float | None, b: float | None, tolerance: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, abs_tol=tolerance)


def parse_alone(paths: list[Path], expected: list[dict]) -> dict:
    """(a) Parse and normalise every file, store nothing. Also checks the extracted figures."""
    row: dict = {"step": "a. analyse + normalisation", "fiches": 0, "rejected": 0}
    figures = {"budget": 0, "etp": 0, "checked": 0}
    normalised = []
    limits = Limits.from_settings()
    with _timer(row):
        for path in paths:
            for reading in read_source(Source(str(path), path.read_bytes()), limits).readings:
                if reading.fiche is None:
                    row["rejected"] += 1
                else:
                    normalised.append(reading.fiche)
    row["fiches"] = len(normalised)
    if len(normalised) == len(expected):  # same order: compare with what the generator wrote
        for fiche, want in zip(normalised, expected):
            figures["checked"] += 1
            figures["budget"] += _close(fiche.budget_eur, want["budget_eur"], 0.5)
            figures["etp"] += _close(fiche.etp, want["etp"], 0.011)
    row["figures"] = figures
    return row


def import_into(url: str, paths: list[Path], label: str, batch_size: int, jobs: list[int],
                quick: bool = False) -> list[dict]:
    """(b) import into a fresh store at ``url`` with each number of processes, then (c) import the same
    files again. Returns the rows, the first with the store's groups."""
    rows = []
    for index, count in enumerate(jobs):
        engine = make_engine(url if index == 0 else _fresh_sqlite(url, count))
        init_db(engine)  # schema creation is not timed
        store = Store(engine)
        steps = [f"b. import {label}, {count} processus"]
        if index == len(jobs) - 1 and not quick:
            steps.append(f"c. réimport {label} (mêmes fichiers)")
        for step in steps:
            row: dict = {"step": step, "jobs": count}
            with _timer(row):
                report = import_paths([str(p) for p in paths], store, batch_size=batch_size, jobs=count)
            row["workers_cpu"] = report.parse_cpu if count > 1 else 0.0
            row.update(fiches=report.read, rejected=report.rejected, created=report.created, updated=report.updated,
                       unchanged=report.unchanged, duplicates=report.duplicates_grouped, stored=store.count(),
                       self_groups=_self_groups(store))
            if step.startswith("b.") and index == 0:
                row["groups"] = _groups(store)
            rows.append(row)
        engine.dispose()
    return rows


def _fresh_sqlite(url: str, jobs: int) -> str:
    if not url.startswith("sqlite:///"):
        return url
    path = Path(url.removeprefix("sqlite:///"))
    return f"sqlite:///{path.with_name(f'{path.stem}-{jobs}{path.suffix}')}"


def _self_groups(store: Store) -> int:
    """Fiches whose ``duplicate_of`` names themselves (a grouping fault; should be 0)."""
    with store.session() as session:
        stmt = select(func.count()).select_from(Fiche).where(col(Fiche.duplicate_of) == col(Fiche.id))
        return int(session.exec(stmt).one())


def _groups(store: Store) -> set[frozenset[str]]:
    members: dict[str, set[str]] = defaultdict(set)
    with store.engine.connect() as connection:
        for fiche_id, leader in connection.execute(text("SELECT id, duplicate_of FROM fiche")):
            members[leader or fiche_id].add(fiche_id)
    return {frozenset(ids) for ids in members.values() if len(ids) > 1}


def compare_groups(groups: set[frozenset[str]], reference: dict) -> str:
    """Kept, lost and gained groups against the reference, and the fiches that changed group."""
    before = {frozenset(ids) for ids in reference["groups"]}
    kept, lost, gained = before & groups, before - groups, groups - before
    moved = len(set().union(*lost, *gained)) if lost or gained else 0
    return (f"groupes de quasi-doublons face à la référence ({len(before)} groupes, {sum(map(len, before))} "
            f"fiches) : {len(kept)} gardés ({100 * len(kept) / len(before):.1f} %), {len(lost)} perdus, "
            f"{len(gained)} nouveaux ; {moved} fiches touchées")


@contextmanager
def fresh_postgres(url: str):
    """A new empty database on the server of ``url``, dropped afterwards."""
    server = make_url(url).set(drivername="postgresql")
    admin = server.render_as_string(hide_password=False)
    name = f"fiches_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def cpu_rate(row: dict) -> float:
    """Fiches a second this step would reach on idle cores: its CPU seconds (this process, and the parsing
    processes with --jobs) spread over the cores it can use, never less than the importing process alone."""
    jobs, workers = row.get("jobs", 1), row.get("workers_cpu", 0.0)
    cores = min(os.cpu_count() or 1, jobs + 1 if jobs > 1 else 1)
    bound = max(row["cpu"], workers / jobs, (row["cpu"] + workers) / cores)
    return row["fiches"] / bound if bound else float("inf")


def print_table(rows: list[dict], baseline: float, cpu_baseline: float) -> None:
    print(f"{'étape':<42} {'fiches':>7} {'s':>8} {'fiches/s':>9} {'× (a)':>7} {'CPU s':>7} {'fiches/s CPU':>13}"
          f" {'× (a)':>6}  détail")
    for row in rows:
        seconds = row["seconds"]
        rate = row["fiches"] / seconds if seconds else float("inf")
        cpu = row["cpu"] + row.get("workers_cpu", 0.0)
        detail = ", ".join(f"{k} {row[k]}" for k in ("created", "updated", "unchanged", "rejected", "duplicates",
                                                        "stored", "self_groups") if k in row)
        print(f"{row['step']:<42} {row['fiches']:>7} {seconds:>8.2f} {rate:>9.0f} {seconds / baseline:>7.2f} "
              f"{cpu:>7.2f} {cpu_rate(row):>13.0f} {cpu / cpu_baseline:>6.2f}  {detail}")


def print_growth(summary: list[dict]) -> None:
    """µs a fiche at each N, and its ratio to the first N: a linear import keeps the ratio near 1."""
    print("\ncoût d'une fiche selon N (µs ; « CPU » = ce processus ; rapport au premier N entre parenthèses)")
    keys = [k for k in summary[0] if k != "n"]
    print(f"{'N':>8} " + " ".join(f"{k:>24}" for k in keys))
    first = summary[0]
    for entry in summary:
        cells = [f"{entry[k]:>10.0f} ({entry[k] / first[k]:>5.2f})" if first[k] else f"{entry[k]:>10.0f}" for k in keys]
        print(f"{entry['n']:>8} " + " ".join(f"{cell:>24}" for cell in cells))


def run(n: int, args: argparse.Namespace, jobs: list[int], reference: dict | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="fiches-bench-") as tmp:
        generated: dict = {"step": "0. génération + écriture (synth)", "fiches": n}
        with _timer(generated):
            fiches = list(generate(n, args.seed))
            paths = write_fiches(fiches, Path(tmp) / "corpus", per_file=args.per_file)
        size = sum(p.stat().st_size for p in paths) / 1e6
        print(f"\n== N = {n} : {len(paths)} fichiers, {size:.1f} Mo, générés en {generated['seconds']:.1f} s")
        parsed = parse_alone(paths, fiches)
        rows = [parsed]
        rows += import_into(f"sqlite:///{Path(tmp) / 'bench.db'}", paths, "SQLite", args.batch_size, jobs, args.quick)
        if args.postgres:
            with fresh_postgres(args.postgres) as url:
                rows += import_into(url, paths, "PostgreSQL", args.batch_size, [jobs[-1]], args.quick)
        again = None if args.quick else parse_alone(paths, fiches)  # the baseline again, caches warm as for the
        if again is not None and again["cpu"] < parsed["cpu"]:  # imports: the faster run is kept
            parsed.update(seconds=again["seconds"], cpu=again["cpu"])
        print_table(rows, parsed["seconds"], parsed["cpu"])
    figures = parsed["figures"]
    if figures["checked"]:
        print(f"chiffres lus comme écrits par le générateur : budget {figures['budget']}/{figures['checked']}, "
              f"ETP {figures['etp']}/{figures['checked']}")
    first_import = rows[1]
    if reference and (n, args.seed, args.per_file, args.batch_size) == tuple(
            reference[k] for k in ("n", "seed", "per_file", "batch_size")):
        print(compare_groups(first_import["groups"], reference))
    for row in rows[1:]:
        if row["step"].startswith("c.") and row["created"]:
            print(f"ATTENTION : {row['step']} a créé {row['created']} fiches (0 attendu)")
        if row["self_groups"]:
            print(f"ATTENTION : après « {row['step']} », {row['self_groups']} fiches sont leur propre doublon")
    entry: dict = {"n": n, "analyse seule": 1e6 * parsed["seconds"] / n, "analyse seule CPU": 1e6 * parsed["cpu"] / n}
    for row in rows[1:]:
        if row["step"].startswith("b.") and "SQLite" in row["step"]:
            entry[f"import {row['jobs']} proc."] = 1e6 * row["seconds"] / n
            entry[f"import {row['jobs']} proc. CPU"] = 1e6 * (row["cpu"] + row["workers_cpu"]) / n
    return entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_bench", description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="*", type=int, default=[1_000, 10_000], help="nombres de fiches (1000 10000)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="processus d'analyse du second import (par défaut : un par cœur ; 1 : un seul import)")
    parser.add_argument("--postgres", metavar="URL", help="serveur PostgreSQL (une base temporaire y est créée)")
    parser.add_argument("--quick", action="store_true",
                        help="sans réimport ni seconde mesure de l'analyse seule (grands N)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-file", type=int, default=500)
    parser.add_argument("--batch-size", type=int, default=500)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still drop the temporary database
    logging.getLogger("fiches").setLevel(logging.ERROR)  # one warning line per rejection would time stderr
    jobs = [1] if args.jobs <= 1 else [1, args.jobs]
    reference = json.loads(REFERENCE.read_text(encoding="utf-8")) if REFERENCE.exists() else None
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"python {platform.python_version()}, {os.cpu_count()} cœurs, charge {load:.1f}, N={args.n}, "
          f"seed={args.seed}, {args.per_file} fiches par fichier, lots de {args.batch_size}, processus {jobs}")
    summary = [run(n, args, jobs, reference) for n in args.n]
    print_growth(summary)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nmémoire maximale de ce processus : {peak:.0f} Mo ; charge en fin de mesure "
          f"{os.getloadavg()[0] if hasattr(os, 'getloadavg') else float('nan'):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
