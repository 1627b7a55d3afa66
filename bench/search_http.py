"""The HTTP part of bench/search_bench.py: the lead's app under uvicorn, timed with httpx."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from app.domain.config import Settings
from app.main import create_app
from bench.measure import percentiles

# stop words: they change the text (so the cache key) but not the query searched
_FILLERS = ("le", "la", "les", "de", "des", "du", "un", "une", "et", "ou", "pour", "avec", "dans", "sur", "par",
            "au", "aux", "en", "ce", "ces", "son", "sa", "ses", "nos", "vos", "leur", "leurs", "mais", "donc")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_latencies(db_url: str, index_dir: Path, fresh: list[list[tuple]], refine: list[list[tuple]]) -> None:
    os.environ["FICHES_SEED_ON_START"] = "false"
    settings = Settings(database_url=db_url, index_dir=index_dir, seed_on_start=False)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            busts = iter(f" {a} {b}" for a in _FILLERS for b in _FILLERS)

            def timed(items, bust: bool) -> float:
                params = list(items)
                if bust:  # a q never sent before (stop words added): the text cache can't answer it
                    suffix = next(busts)
                    params = [(k, v + suffix) if k == "q" else (k, v) for k, v in params]
                started = time.perf_counter()
                response = client.get("/api/fiches", params=params)
                elapsed = (time.perf_counter() - started) * 1000
                response.raise_for_status()
                return elapsed

            fresh_ms = [timed(items, bust=True) for items in fresh]
            for items in fresh:
                client.get("/api/fiches", params=[p for p in items if p[0] == "q"])
            refine_ms = []
            for items in refine:
                client.get("/api/fiches", params=[p for p in items if p[0] == "q"])
                refine_ms.append(timed(items, bust=False))
        f50, f95 = percentiles(fresh_ms)
        r50, r95 = percentiles(refine_ms)
        print(f"\nHTTP GET /api/fiches: frais p50 {f50:.2f} ms, p95 {f95:.2f} ms; affinage p50 {r50:.2f} ms, "
              f"p95 {r95:.2f} ms")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
