"""Rate limits per client address (writes and exports), with the ``limits`` package, in memory per process."""

from __future__ import annotations

import math
import time

from fastapi import Request
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from app.domain.config import Settings
from app.domain.errors import TooManyRequests
from app.services.exports import ExportSlots


class Limits:
    def __init__(self, settings: Settings) -> None:
        self.limiter = MovingWindowRateLimiter(MemoryStorage())
        self.rates: dict[str, RateLimitItem] = {"export": parse(settings.export_rate),
                                                "write": parse(settings.write_rate)}
        self.exports = ExportSlots(settings.max_concurrent_exports)

    def hit(self, kind: str, request: Request) -> None:
        client = request.client.host if request.client else "?"
        rate = self.rates[kind]
        if not self.limiter.hit(rate, kind, client):
            reset = self.limiter.get_window_stats(rate, kind, client).reset_time
            wait = max(1, math.ceil(reset - time.time()))
            what = "exports" if kind == "export" else "imports ou suppressions"
            raise TooManyRequests(f"Trop de {what} depuis votre adresse ({rate}). Réessayez dans {wait} s.",
                                  headers={"Retry-After": str(wait)}, rate=str(rate))


def get_limits(request: Request) -> Limits:
    limits: Limits = request.app.state.limits
    return limits


def limit_writes(request: Request) -> None:
    get_limits(request).hit("write", request)


def limit_exports(request: Request) -> None:
    get_limits(request).hit("export", request)
