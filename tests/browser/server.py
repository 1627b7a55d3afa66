"""Serve the real app over a given store, index and data folder (started by the browser tests).

    python -m tests.browser.server --port 8765 --database-url sqlite:///… --index-dir … --data-dir …
"""

from __future__ import annotations

import argparse

import uvicorn

from app.domain.config import Settings
from app.main import create_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--index-dir", required=True)
    parser.add_argument("--data-dir", required=True)
    args = parser.parse_args()
    settings = Settings(
        database_url=args.database_url,
        index_dir=args.index_dir,
        data_dir=args.data_dir,
        seed_on_start=True,
        sync_interval=0,
    )
    uvicorn.run(create_app(settings), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
