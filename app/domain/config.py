"""One settings object for the whole service (environment variables prefixed FICHES_, plus DATABASE_URL)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
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
    max_upload_bytes: int = 20 * 1024 * 1024
    max_fiche_chars: int = 250_000  # a longer fiche is rejected at import (about 100 printed pages)
    max_field_chars: int = 100_000  # a longer section too (under the CSV reader's 131 072 per cell)
    max_page_size: int = 100
    batch_size: int = 500
    seed_on_start: bool = True
    sync_interval: float = 30.0  # seconds between index catch-ups from the store (0 = only at start)


@lru_cache
def get_settings() -> Settings:
    return Settings()
