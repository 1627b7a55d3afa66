"""The only network code: fetch a URL's bytes with timeouts, retries and a size cap."""

from __future__ import annotations

import time

import httpx

from app.domain.records import Source
from ingest.netguard import BlockedAddress, GuardedTransport

USER_AGENT = "fiches-actions/0.1 (+import de fiches actions)"


class Fetcher:
    def __init__(
        self,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 20.0,
        retries: int = 2,
        max_bytes: int = 50 * 1024 * 1024,
        backoff: float = 0.5,
        allow_private: bool = False,
    ) -> None:
        inner = transport or httpx.HTTPTransport()
        self.client = httpx.Client(
            transport=inner if allow_private else GuardedTransport(inner),
            timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT},
        )
        self.retries = retries
        self.max_bytes = max_bytes
        self.backoff = backoff

    def fetch(self, url: str) -> Source:
        last_error = "erreur inconnue"
        for attempt in range(self.retries + 1):
            try:
                return self._fetch_once(url)
            except BlockedAddress as exc:  # final: retrying would not change the address
                return Source(url, error=f"{exc} (réglage FICHES_ALLOW_PRIVATE_URLS pour l'autoriser)")
            except _Retryable as exc:
                last_error = str(exc)
            except httpx.HTTPError as exc:
                last_error = f"{type(exc).__name__} : {exc}"
            if attempt < self.retries:
                time.sleep(self.backoff * (2**attempt))
        return Source(url, error=f"téléchargement impossible après {self.retries + 1} essais ({last_error})")

    def _fetch_once(self, url: str) -> Source:
        with self.client.stream("GET", url) as response:
            if response.status_code >= 500 or response.status_code == 429:
                raise _Retryable(f"le serveur a répondu {response.status_code}")
            if response.status_code >= 400:
                return Source(url, error=f"le serveur a répondu {response.status_code} : vérifiez l'adresse")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    return Source(url, error=f"document trop volumineux (plus de {self.max_bytes // 1_048_576} Mo)")
                chunks.append(chunk)
        return Source(url, b"".join(chunks))

    def close(self) -> None:
        self.client.close()


class _Retryable(Exception):
    pass
