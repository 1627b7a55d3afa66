"""One settings object for the whole service (environment variables prefixed FICHES_, plus DATABASE_URL)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FICHES_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{ROOT / 'var' / 'fiches.db'}",
        validation_alias=AliasChoices("DATABASE_URL", "FICHES_DATABASE_URL"),
    )
    index_dir: Path = ROOT / "var" / "index"
    data_dir: Path = ROOT / "data" / "fiches"  # imported on first start when the store is empty
    frontend_dir: Path = ROOT / "frontend"
    import_token: str | None = None  # bearer token for POST /api/imports; unset = endpoint disabled
    max_upload_bytes: int = 20 * 1024 * 1024  # any request body, however it is framed
    max_fiche_chars: int = 250_000  # a longer fiche is rejected at import (about 100 printed pages)
    max_field_chars: int = 100_000  # a longer section too (under the CSV reader's 131 072 per cell)
    batch_size: int = 500
    seed_on_start: bool = True
    sync_interval: float = 30.0  # seconds between index catch-ups from the store (0 = only at start)
    # production hardening
    environment: Literal["development", "production"] = "development"
    cors_origins: list[str] = []  # closed by default; e.g. ["https://federation.example"]
    statement_timeout_ms: int = 15_000  # every SQL statement, on PostgreSQL and SQLite
    max_concurrent_exports: int = 2  # per process; beyond: 429 with Retry-After
    export_rate: str = "30/minute"  # per client address (syntax of the `limits` package)
    write_rate: str = "60/minute"  # imports and deletions, per client address
    allow_private_urls: bool = False  # URL imports may reach private, loopback or link-local addresses
    # ``fiches import --crawl URL`` (ingest.crawl): politeness and the page cache that makes it resumable
    crawl_rate: float = Field(default=1.0, gt=0)  # requests per second to the crawled site, all workers together
    crawl_concurrency: int = Field(default=2, ge=1, le=16)  # requests in flight at once
    crawl_max_bytes: int = 10 * 1024 * 1024  # a larger page is skipped
    crawl_max_pages: int = 5_000  # pages per crawl
    crawl_cache_dir: Path = ROOT / "var" / "crawl"  # pages fetched, kept so an interrupted crawl resumes

    @field_validator("import_token")
    @classmethod
    def _printable_ascii_token(cls, value: str | None) -> str | None:
        if value and not (value.isascii() and value.isprintable() and " " not in value.strip()):
            raise ValueError("FICHES_IMPORT_TOKEN doit être en ASCII imprimable, sans espace (il voyage dans un "
                             "en-tête HTTP).")
        return value

    @model_validator(mode="after")
    def _production_needs_a_real_token(self) -> Settings:
        token = (self.import_token or "").strip()
        if self.environment == "production" and (len(token) < 16 or token.casefold() in WEAK_TOKENS):
            raise ValueError(
                "FICHES_IMPORT_TOKEN manque ou est trop faible pour la production : donnez un secret aléatoire "
                "d'au moins 16 caractères (par exemple : python -c 'import secrets; print(secrets.token_urlsafe())')."
            )
        return self


WEAK_TOKENS = frozenset({"", "changeme", "change-me", "secret", "token", "password", "fiches", "admin", "test"})


@lru_cache
def get_settings() -> Settings:
    return Settings()
