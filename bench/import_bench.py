"""Import benchmark: fiches per second to parse, to parse and store, and to re-import, on a synthetic corpus.

    .venv/bin/python -m bench.import_bench [N] [--postgres postgresql://postgres@127.0.0.1:5432/test]

Generates N realistic fiches (``bench.synth``, list pages of 25, 500 a file) in a temporary folder, then
measures in this one process:
  (a) parse alone: ``ingest.detect.parse_document`` + ``ingest.normalize.normalize`` (the baseline);
  (b) parse + store: ``ingest.importer.import_paths`` into a fresh SQLite store;
  (c) re-import of the same files (nothing should be created);
  (d) with ``--postgres URL``: (b) and (c) into a fresh PostgreSQL database made on that server.
It prints a table with fiches/second and the ratio of each time to the baseline, and how many budgets
and ETP the normaliser read as the generator wrote them.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import platform
import signal
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url
from sqlmodel import col, func, select

from app.domain.db import init_db, make_engine
from app.domain.models import Fiche
from app.domain.records import Rejected
from app.domain.store import Store
from bench.synth import generate, write_fiches
from ingest.detect import parse_document
from ingest.importer import import_paths
from ingest.normalize import normalize


@contextmanager
def _timer(result: dict):
    start = time.perf_counter()
    yield
    result["seconds"] = time.perf_counter() - start


def _close(a: float | None, b: float | None, tolerance: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, abs_tol=tolerance)


def parse_alone(paths: list[Path], expected: list[dict]) -> dict:
    """(a) Parse and normalise every file, store nothing. Also checks the extracted figures."""
    row: dict = {"step": "a. analyse + normalisation", "fiches": 0, "rejected": 0}
    figures = {"budget": 0, "etp": 0, "checked": 0}
    normalised = []
    with _timer(row):
        for path in paths:
            for record in parse_document(path.read_bytes(), str(path)):
                result = record if isinstance(record, Rejected) else normalize(record)
                if isinstance(result, Rejected):
                    row["rejected"] += 1
                    continue
                normalised.append(result[0])
    row["fiches"] = len(normalised)
    if len(normalised) == len(expected):  # same order: compare with what the generator wrote
        for fiche, want in zip(normalised, expected):
            figures["checked"] += 1
            figures["budget"] += _close(fiche.budget_eur, want["budget_eur"], 0.5)
            figures["etp"] += _close(fiche.etp, want["etp"], 0.011)
    row["figures"] = figures
    return row


def import_into(url: str, paths: list[Path], label: str, batch_size: int) -> list[dict]:
    """(b) import into a fresh store at ``url``, then (c) import the same files again."""
    engine = make_engine(url)
    init_db(engine)  # schema creation is not timed
    store = Store(engine)
    rows = []
    for step in (f"b. import {label} (base neuve)", f"c. réimport {label} (mêmes fichiers)"):
        row: dict = {"step": step}
        with _timer(row):
            report = import_paths([str(p) for p in paths], store, batch_size=batch_size)
        row.update(fiches=report.read, rejected=report.rejected, created=report.created, updated=report.updated,
                   unchanged=report.unchanged, duplicates=report.duplicates_grouped, stored=store.count(),
                   self_groups=_self_groups(store))
        rows.append(row)
    engine.dispose()
    return rows


def _self_groups(store: Store) -> int:
    """Fiches whose ``duplicate_of`` names themselves (a grouping fault; should be 0)."""
    with store.session() as session:
        stmt = select(func.count()).select_from(Fiche).where(col(Fiche.duplicate_of) == col(Fiche.id))
        return int(session.exec(stmt).one())


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


def print_table(rows: list[dict], baseline: float) -> None:
    print(f"{'étape':<42} {'fiches':>7} {'s':>8} {'fiches/s':>9} {'× (a)':>7}  détail")
    for row in rows:
        seconds = row["seconds"]
        rate = row["fiches"] / seconds if seconds else float("inf")
        detail = ", ".join(f"{k} {row[k]}" for k in ("created", "updated", "unchanged", "rejected", "duplicates",
                                                        "stored", "self_groups") if k in row)
        print(f"{row['step']:<42} {row['fiches']:>7} {seconds:>8.2f} {rate:>9.0f} {seconds / baseline:>7.2f}  {detail}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.import_bench", description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=10_000, help="nombre de fiches (10000)")
    parser.add_argument("--postgres", metavar="URL", help="serveur PostgreSQL (une base temporaire y est créée)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-file", type=int, default=500)
    parser.add_argument("--batch-size", type=int, default=500)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still drop the temporary database
    logging.getLogger("fiches").setLevel(logging.ERROR)  # one warning line per rejection would time stderr

    print(f"python {platform.python_version()}, {os.cpu_count()} cœurs, N={args.n}, seed={args.seed}, "
          f"{args.per_file} fiches par fichier, lots de {args.batch_size}")
    with tempfile.TemporaryDirectory(prefix="fiches-bench-") as tmp:
        generated: dict = {"step": "0. génération + écriture (synth)", "fiches": args.n}
        with _timer(generated):
            fiches = list(generate(args.n, args.seed))
            paths = write_fiches(fiches, Path(tmp) / "corpus", per_file=args.per_file)
        size = sum(p.stat().st_size for p in paths) / 1e6
        print(f"corpus : {len(paths)} fichiers, {size:.1f} Mo, {generated['seconds']:.1f} s")

        parsed = parse_alone(paths, fiches)
        rows = [parsed]
        rows += import_into(f"sqlite:///{Path(tmp) / 'bench.db'}", paths, "SQLite", args.batch_size)
        if args.postgres:
            with fresh_postgres(args.postgres) as url:
                rows += import_into(url, paths, "PostgreSQL", args.batch_size)
        print()
        print_table(rows, parsed["seconds"])
    figures = parsed["figures"]
    if figures["checked"]:
        print(f"\nchiffres lus comme écrits par le générateur : budget {figures['budget']}/{figures['checked']}, "
              f"ETP {figures['etp']}/{figures['checked']}")
    else:
        print(f"\nchiffres non vérifiés : {parsed['fiches']} fiches lues pour {args.n} générées")
    for row in rows[1:]:
        if row["step"].startswith("c.") and row["created"]:
            print(f"ATTENTION : {row['step']} a créé {row['created']} fiches (0 attendu)")
        if row["self_groups"]:
            print(f"ATTENTION : après « {row['step']} », {row['self_groups']} fiches sont leur propre doublon "
                  "(duplicate_of = id)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
