"""Import jobs seen from a test: post, then follow the job to its report (``POST /api/imports`` answers 202)."""

from __future__ import annotations

import time
from typing import Any

UNFINISHED = ("en_attente", "en_cours")


def follow(client: Any, job: dict[str, Any], headers: dict[str, str], base: str = "",
           timeout: float = 120.0) -> dict[str, Any]:
    """The job once it has finished (polled every 20 ms), whatever its final state. A 503 (the database
    briefly unreachable, as in the fault tests) is asked again."""
    deadline = time.monotonic() + timeout
    while job["state"] in UNFINISHED:
        assert time.monotonic() < deadline, f"import still {job['state']} after {timeout} s: {job}"
        time.sleep(0.02)
        response = client.get(f"{base}{job['url']}", headers=headers)
        if response.status_code == 503:
            continue
        assert response.status_code == 200, response.text
        job = response.json()
    return job


def report_of(client: Any, response: Any, headers: dict[str, str], base: str = "") -> dict[str, Any]:
    """The report of the import ``response`` started (asserting it was accepted and it finished)."""
    assert response.status_code == 202, response.text
    job = follow(client, response.json(), headers, base)
    assert job["state"] == "termine", job
    report: dict[str, Any] = job["report"]
    return report
