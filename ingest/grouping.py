"""Near-duplicate groups of an import, kept in memory for the whole import: linear in the number of fiches.

Two fiches with the same folded title (``title_key``) are near-duplicates when they come from the same
structure (the same action re-filed another year) or when their texts are similar (the same action filed by
a sister structure): ``token_sort_ratio`` of their résumé and description at least ``TEXT_SIMILARITY``.
A group is led by its first fiche; a fiche joins the group of the first fiche (in the store's order: oldest
first, then this import's) that passes a test, so re-importing never regroups a stored fiche.

What makes it linear: each title's fiches are read from the store once per import (a lean select, the
first time a batch holds that title), never re-read per batch; the structure test is a dictionary lookup;
and the text test is run only on *candidates*: the group leaders of the title whose MinHash fingerprint
shares at least ``MIN_SHARED`` of ``PERMUTATIONS`` values with the fiche's, at most ``MAX_CANDIDATES`` of
them (the closest). A fingerprint is 128 bytes a leader; the texts of the candidates are fetched from the
store, once a batch.

The fingerprint is a MinHash over the text's 16-character windows starting at each word (folded: lower case,
no accents, punctuation as spaces), so it sees word pairs. Same-title fiches written from the same phrases
share 10 to 30 % of those; re-filings of one text share nearly all. numpy does the hashing; ``datasketch``
would load scipy into every process that imports the ingestion package (0.5 s, 60 MB), the server included.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from app.domain.models import FicheCreate
from app.domain.store import Store
from app.domain.text import fold, fold_key, title_key

# token_sort_ratio ignores word order but, unlike token_set_ratio, does not call a short generic résumé a
# copy of every longer text that contains its words.
TEXT_SIMILARITY = 85.0
GROUP_TEXT_CHARS = 1500
PERMUTATIONS = 32
MIN_SHARED = 10  # of PERMUTATIONS: an estimated Jaccard similarity of 0.31 (re-filings: 0.5 to 1)
MAX_CANDIDATES = 4
# A short text has few windows, and one edited word changes most of them: it is compared with the leaders
# whose length allows the similarity (at most MAX_SHORT_CANDIDATES), fingerprint or not.
SHORT_TEXT = 600
MAX_SHORT_CANDIDATES = 16
_WINDOW = 16  # bytes: two uint64 words
_OFFSETS = np.arange(_WINDOW)

Signature = npt.NDArray[np.uint32]
_SEED_COLUMNS = ("title_key", "structure", "year", "duplicate_of", "resume", "description_experience")
_TEXT_COLUMNS = ("resume", "description_experience")


def _fold_table() -> bytes:
    table = bytearray(b" " * 256)
    for code in range(256):
        folded = fold(chr(code))
        if len(folded) == 1 and folded.isascii() and folded.isalnum():
            table[code] = ord(folded)
    return bytes(table)


_FOLD = _fold_table()
_RNG = np.random.default_rng(20261130)  # fixed: the same fingerprints in every process and run
_MUL = _RNG.integers(1, 2**63, PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
_ADD = _RNG.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64)
_K1, _K2 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F)
_SHIFT = np.uint64(32)
_NO_WORD = np.full(PERMUTATIONS, np.iinfo(np.uint32).max, dtype=np.uint32)  # texts without a word meet


def group_text(resume: str | None, description: str | None) -> str:
    """The text two fiches are compared on: résumé and description, bounded."""
    return " ".join(filter(None, [resume, description]))[:GROUP_TEXT_CHARS]


def fingerprint(text: str) -> Signature:
    """MinHash signature (``PERMUTATIONS`` uint32) of the word-anchored 16-byte windows of folded ``text``."""
    folded = b" ".join(text.encode("latin-1", "replace").translate(_FOLD).split())
    if not folded:
        return _NO_WORD
    buffer = np.frombuffer(b" " + folded + b" " * _WINDOW, dtype=np.uint8)
    starts = np.flatnonzero(buffer[: len(folded)] == 32) + 1  # each word's first byte
    windows = buffer[starts[:, None] + _OFFSETS].view(np.uint64)  # (words, 2)
    shingles = (windows[:, 0] * _K1) ^ (windows[:, 1] * _K2)
    hashed = (_MUL[:, None] * shingles[None, :] + _ADD[:, None]) >> _SHIFT
    signature: Signature = hashed.min(axis=1).astype(np.uint32)
    return signature


@dataclass(slots=True, eq=False)
class _Member:
    id: str
    order: tuple[Any, ...]  # the store's order (created_at, id), then this import's
    year: int | None
    group: str  # its group's leader (itself for a leader)


@dataclass
class _TitlePool:
    """The fiches of one folded title: ids, by structure, and the leaders' fingerprints."""

    duplicate_of: dict[str, str | None] = field(default_factory=dict)  # id → its leader as stored
    members: dict[str, _Member] = field(default_factory=dict)
    structure_of: dict[str, str] = field(default_factory=dict)
    by_structure: dict[str, list[_Member]] = field(default_factory=dict)
    leaders: list[_Member] = field(default_factory=list)
    leader_index: dict[str, int] = field(default_factory=dict)
    signatures: Signature = field(default_factory=lambda: np.empty((4, PERMUTATIONS), dtype=np.uint32))
    lengths: npt.NDArray[np.int32] = field(default_factory=lambda: np.zeros(4, dtype=np.int32))

    def add(self, member: _Member, structure_key: str, duplicate_of: str | None, text: str,
            signature: Signature | None) -> None:
        self.duplicate_of[member.id] = duplicate_of
        self.members[member.id] = member
        self.structure_of[member.id] = structure_key
        if structure_key:
            self.by_structure.setdefault(structure_key, []).append(member)
        if signature is not None:
            self.set_signature(member, text, signature)

    def set_signature(self, member: _Member, text: str, signature: Signature) -> None:
        index = self.leader_index.get(member.id)
        if index is None:
            index = len(self.leaders)
            if index == len(self.signatures):
                self.signatures = np.concatenate([self.signatures, np.empty_like(self.signatures)])
                self.lengths = np.concatenate([self.lengths, np.zeros_like(self.lengths)])
            self.leader_index[member.id] = index
            self.leaders.append(member)
        self.signatures[index] = signature
        self.lengths[index] = compared_length(text)

    def remove(self, fiche_id: str) -> None:
        member = self.members.pop(fiche_id, None)
        self.duplicate_of.pop(fiche_id, None)
        if member is None:
            return
        same = self.by_structure.get(self.structure_of.pop(fiche_id, ""), [])
        if member in same:
            same.remove(member)
        index = self.leader_index.pop(fiche_id, None)
        if index is not None:
            self.leaders.pop(index)
            self.signatures = np.delete(self.signatures, index, axis=0)
            self.lengths = np.delete(self.lengths, index)
            self.leader_index = {leader.id: i for i, leader in enumerate(self.leaders)}

    def same_structure(self, structure_key: str, year: int | None) -> str | None:
        """The group of the first fiche of this structure filed another year."""
        others = [m for m in self.by_structure.get(structure_key, ()) if m.year != year]
        return min(others, key=lambda m: m.order).group if others else None

    def candidates(self, signature: Signature, first: int = 0) -> list[tuple[int, _Member]]:
        """(shared values, leader) of the leaders from index ``first`` on that share enough with ``signature``."""
        count = len(self.leaders)
        if first >= count:
            return []
        shared = (self.signatures[first:count] == signature).sum(axis=1)
        hits = np.flatnonzero(shared >= MIN_SHARED)
        return [(int(shared[i]), self.leaders[first + int(i)]) for i in hits]


    def of_length(self, length: int, first: int = 0) -> list[_Member]:
        """The leaders from index ``first`` on whose text is long enough and short enough to reach
        ``TEXT_SIMILARITY`` with a text of ``length`` (the Indel distance is at least the difference)."""
        lengths = self.lengths[first : len(self.leaders)]
        fits = np.flatnonzero(np.abs(lengths - length) * 100 <= (100 - TEXT_SIMILARITY) * (lengths + length) + 1)
        return [self.leaders[first + int(i)] for i in fits[:MAX_SHORT_CANDIDATES]]


def compared_length(text: str) -> int:
    """Length of ``text`` as ``token_sort_ratio`` compares it: its words, one space between."""
    return len(" ".join(text.split()))


def _closest(found: Iterable[tuple[int, _Member]], also: Iterable[_Member] = ()) -> list[_Member]:
    """At most ``MAX_CANDIDATES`` candidates, the closest first, with ``also``, in the store's order."""
    kept = sorted(found, key=lambda pair: (-pair[0], pair[1].order))[:MAX_CANDIDATES]
    return sorted({member.id: member for member in [*(m for _s, m in kept), *also]}.values(), key=lambda m: m.order)


class Grouper(Protocol):
    """What the importer asks of a near-duplicate grouper, batch by batch."""

    def leaders(self, batch: list[FicheCreate]) -> dict[str, str | None]: ...

    def stored(self, batch: list[FicheCreate], failed: set[str]) -> None: ...


class DuplicateGrouper:
    """Assigns each fiche of a batch to the near-duplicate group of an earlier fiche, if any.

    Call ``leaders(batch)`` before storing a batch and ``stored(batch, failed)`` after: fiches the store
    refused leave the pools, the others take their place in the store's order."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.pools: dict[str, _TitlePool] = {}
        self.batches = 0
        self._texts: dict[str, str] = {}  # this batch's new leaders' texts

    def _seed(self, keys: set[str]) -> None:
        """Read, once per import, the stored fiches of titles not seen yet (oldest first)."""
        new = keys - self.pools.keys()
        for key in new:
            self.pools[key] = _TitlePool()
        if not new:
            return
        for row in self.store.find_by_title_keys(new, _SEED_COLUMNS):
            pool = self.pools.get(row["title_key"])
            if pool is None or row["id"] in pool.members:
                continue
            leader = row["duplicate_of"]
            member = _Member(row["id"], (0, row["created_at"], row["id"]), row["year"], leader or row["id"])
            text = group_text(row["resume"], row["description_experience"])
            pool.add(member, fold_key(row["structure"]), leader, text,
                     fingerprint(text) if not leader and text else None)

    def leaders(self, batch: list[FicheCreate]) -> dict[str, str | None]:
        """id → leader id (None: the fiche leads its group, or has none) for each fiche of ``batch``."""
        self.batches += 1
        self._texts.clear()
        keys = [title_key(fiche.title) for fiche in batch]
        structures = [fold_key(fiche.structure) for fiche in batch]
        self._seed(set(keys))
        known = {key: len(self.pools[key].leaders) for key in keys}  # leaders before this batch
        texts = [group_text(fiche.resume, fiche.description_experience) for fiche in batch]
        signatures: list[Signature | None] = []
        earlier: list[list[tuple[int, _Member]]] = []
        for fiche, key, structure, text in zip(batch, keys, structures, texts):
            pool = self.pools[key]
            settled = fiche.id in pool.duplicate_of or bool(structure and pool.same_structure(structure, fiche.year))
            signature = fingerprint(text) if text and not settled else None  # settled: no text test to run
            signatures.append(signature)
            earlier.append(pool.candidates(signature) if signature is not None else [])
        wanted = {member.id for key, text, found in zip(keys, texts, earlier)
                  for member in _closest(found, self._short(self.pools[key], text, 0))}
        stored_texts = self._stored_texts(wanted)
        out: dict[str, str | None] = {}
        for position, (fiche, key, structure, text) in enumerate(zip(batch, keys, structures, texts)):
            pool = self.pools[key]
            if fiche.id in pool.duplicate_of:
                leader = pool.duplicate_of[fiche.id]
            else:
                signature = signatures[position]
                if signature is None and text:
                    signature = fingerprint(text)
                leader = pool.same_structure(structure, fiche.year) if structure else None
                if leader is None and signature is not None:
                    leader = self._text_leader(pool, text, signature, earlier[position], known[key], stored_texts)
                member = _Member(fiche.id, (2, position), fiche.year, leader or fiche.id)
                pool.add(member, structure, leader, text, signature if not leader and text else None)
                if not leader and text:
                    self._texts[fiche.id] = text
            out[fiche.id] = leader if leader != fiche.id else None
        return out

    @staticmethod
    def _short(pool: _TitlePool, text: str, first: int) -> list[_Member]:
        return pool.of_length(compared_length(text), first) if 0 < len(text) <= SHORT_TEXT else []

    def _stored_texts(self, ids: set[str]) -> dict[str, str]:
        if not ids:
            return {}
        rows = self.store.get_rows(sorted(ids), _TEXT_COLUMNS)
        return {fiche_id: group_text(row["resume"], row["description_experience"]) for fiche_id, row in rows.items()}

    def _text_leader(self, pool: _TitlePool, text: str, signature: Signature, earlier: list[tuple[int, _Member]],
                     known: int, stored_texts: dict[str, str]) -> str | None:
        """The closest leader whose text passes the similarity test, among the candidates (the first of the
        best, in the store's order, as the comparison with every leader gave)."""
        found = _closest([*earlier, *pool.candidates(signature, first=known)], self._short(pool, text, 0))
        choices = [(m, self._texts.get(m.id, stored_texts.get(m.id))) for m in found]
        choices = [(m, choice) for m, choice in choices if choice]
        if not choices:
            return None
        match = process.extractOne(text, [choice for _m, choice in choices], scorer=fuzz.token_sort_ratio,
                                   score_cutoff=TEXT_SIMILARITY)
        return choices[match[2]][0].id if match else None

    def stored(self, batch: list[FicheCreate], failed: set[str]) -> None:
        """After the store wrote ``batch`` (but the ids in ``failed``): the pools follow the store."""
        for fiche in batch:
            pool = self.pools.get(title_key(fiche.title))
            member = pool.members.get(fiche.id) if pool is not None else None
            if pool is None or member is None:
                continue
            if fiche.id in failed and member.order[0] == 2:
                pool.remove(fiche.id)
                continue
            if member.order[0] == 2:
                member.order = (1, self.batches, fiche.id)  # the store's order: created_at, then id
            elif not pool.duplicate_of[fiche.id]:  # an updated stored leader: its new text
                text = group_text(fiche.resume, fiche.description_experience)
                if text:
                    pool.set_signature(member, text, fingerprint(text))
        self._texts.clear()
