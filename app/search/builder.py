"""The index builder process: a full build, or a large catch-up, away from the serving workers.

    FICHES_BUILD_DATABASE_URL=… python -m app.search.builder {sync|rebuild} INDEX_DIR

A serving worker that must index many fiches (a new or damaged index, a big import) runs this instead of
building in its own process (``indexer.sync(..., elsewhere=True)``): its requests keep their CPU share and
its memory stays small, the builder's peak is given back when it exits, and the new generation is handed
over on disk (``current`` swapped atomically, or the Whoosh segments committed under Whoosh's lock). The
database URL travels in the environment, never on the command line. Prints the number of rows indexed.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from app.domain.db import make_engine
from app.domain.store import Store
from app.search import indexer

URL_VARIABLE = "FICHES_BUILD_DATABASE_URL"


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(name)s %(levelname)s %(message)s")
    task, index_dir = argv[0], Path(argv[1])
    engine = make_engine(os.environ[URL_VARIABLE])
    try:
        store = Store(engine)
        count = indexer.rebuild(index_dir, store) if task == "rebuild" else indexer.sync(index_dir, store)
    finally:
        engine.dispose()
    sys.stdout.write(f"{count}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
