"""The fiche id of each document number of an index snapshot."""

from __future__ import annotations

import numpy as np


class Ids:
    """The fiche id of each docnum (UTF-8 bytes in one array), and the docnum of each live id."""

    def __init__(self, ids: np.ndarray, live: np.ndarray) -> None:
        self._ids = ids
        live_docs = np.flatnonzero(live)
        order = np.argsort(ids[live_docs], kind="stable")
        self._sorted = ids[live_docs][order]
        self._docs = live_docs[order]

    def __getitem__(self, docnum: int) -> str:
        value: bytes = self._ids[docnum]
        return value.decode("utf-8")

    def __len__(self) -> int:
        return len(self._ids)

    def docnum(self, fiche_id: str | None) -> int | None:
        """The docnum of a live fiche id, None when the index doesn't hold it."""
        if not fiche_id or "\x00" in fiche_id:
            return None
        key = fiche_id.encode("utf-8")
        i = int(np.searchsorted(self._sorted, key))
        if i < len(self._sorted) and self._sorted[i] == key:
            return int(self._docs[i])
        return None

    def live(self) -> list[str]:
        return [v.decode("utf-8") for v in self._sorted.tolist()]

    @property
    def n_live(self) -> int:
        return len(self._docs)
