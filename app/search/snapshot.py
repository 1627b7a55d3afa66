"""One open generation of the index: a Whoosh reader (the postings) plus the serving columns (numpy).

The per-document data search needs at query time (ids, numbers, field lengths, facet values,
near-duplicate groups, folded titles) comes from the columns the writer put next to each segment
(``app.search.columns``), memory-mapped: Whoosh's pickled stored fields are never read to serve. From
them the snapshot builds the live-document mask, the number columns (NaN when missing), the groups and the
facet columns (``facets.FacetColumns``). Result sets are boolean masks over docnums. Postings are read
a term's whole list at a time (``app.search.postings``: Whoosh's matcher costs Python calls per posting)
under a lock, since Whoosh files are not thread-safe, and kept decoded as numpy arrays within a budget.

Field lengths are finite numbers (0 for an empty or missing field), so no statistic derived from them can
be NaN. The snapshot also owns the data derived from it (spelling vocabulary, completions, sort orders),
each built once under its own lock.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

import numpy as np
from whoosh import index as whoosh_index

from app.search import columns, gil, lexicons, termsums
from app.search.columns import NUMBERS, SegmentColumns
from app.search.facets import FacetColumns, FacetPairs
from app.search.generations import read_watermark
from app.search.ids import Ids
from app.search.pagerows import PageRows
from app.search.postings import Postings, Reader
from app.search.schema import FACETS, TEXT_BOOSTS
from app.search.sorts import static_order, title_order, title_rank
from app.search.spelling import Vocabulary, build_vocabulary

POSTINGS_CACHE_BYTES = 4 << 20  # postings kept per snapshot as arrays (8 bytes a posting; merged: cheap to read)
_EMPTY = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))
T = TypeVar("T")


class GenerationUnfinished(Exception):
    """The index's table of contents names a segment whose serving files (columns, lexicons, postings) are
    not written yet: its writer committed and is still writing them (``indexer._commit``)."""


class derived(Generic[T]):  # noqa: N801 - a decorator, named like ``cached_property``
    """``functools.cached_property`` under the snapshot's own ``_derive_lock``: Python 3.11's takes one lock
    per property for every instance, so a thread making one derived property (a background warm-up) while a
    request holding the snapshot's lock asks for it would wait for each other forever."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func, self.name, self.__doc__ = func, func.__name__, func.__doc__

    def __get__(self, instance: Any, owner: type | None = None) -> T:
        if instance is None:  # looked up on the class
            return self  # type: ignore[return-value]
        # made once (afterwards the instance's attribute is found first), never giving way to requests
        # while holding the lock: a request waiting for it would wait for the warm-up waiting for it
        with instance._derive_lock, gil.urgent():
            if self.name not in instance.__dict__:
                instance.__dict__[self.name] = self.func(instance)
            found: T = instance.__dict__[self.name]
            return found


class Snapshot:
    """An immutable view of one index generation (plus the data derived from it, built on first use)."""

    def __init__(self, gen_dir: Path, finished_only: bool = False, previous: Snapshot | None = None) -> None:
        """``finished_only``: raise ``GenerationUnfinished`` rather than open a segment whose serving files
        are not written yet (they would be derived here from Whoosh's stored fields, in pure Python, while
        requests wait for the GIL: 50–120 ms stalls at the end of each catch-up, ``bench/serve_bench.py``).
        ``previous``: the snapshot served until now, whose segments' columns are taken as they are for the
        segments both hold (a segment's files never change once written; reading and checking those of 20
        segments again costs about 110 ms at 100,000 fiches, in each process at each reopen), and whose
        merged lexicons and title order are extended with the other segments only."""
        self.gen_dir = gen_dir
        # read before the table of contents: a catch-up moves it only after its commit, so this is never
        # ahead of what the reader holds (``SearchService.status``)
        self.watermark = read_watermark(gen_dir)
        self.ix = whoosh_index.open_dir(str(gen_dir))
        self.reader = self.ix.reader()
        self.generation = (str(gen_dir), self.reader.generation())
        self.lock = threading.RLock()  # Whoosh's files
        self._derive_lock = threading.RLock()  # the derived data below
        self._orders: dict[str, np.ndarray] = {}
        self._postings: OrderedDict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._cached_postings = 0
        self._leaves = list(self.reader.leaf_readers())
        if finished_only and not self._finished():
            self.reader.close()
            self.ix.close()
            raise GenerationUnfinished(f"{gen_dir.name} : segment en cours d'écriture")
        self._postings_reader = Reader(gen_dir, self._leaves)
        same = previous is not None and previous.gen_dir == gen_dir  # its files and derived data are ours too
        self._lexicons: lexicons.Prefixes = lexicons.Prefixes(gen_dir)
        # the title order of the snapshot before, if it has one, and the segments it covers
        self._earlier_titles: tuple[list[tuple[str, int]], np.ndarray | None] | None = None
        known: dict[tuple[str, int], SegmentColumns] = {}
        if same and previous is not None:
            self._lexicons, known = previous._lexicons, previous._segment_columns
            self._earlier_titles = (list(known), previous.__dict__.get("_by_title"))
        self.fields = frozenset(self.ix.schema.names())
        self._load_columns(known)
        self.page_rows = PageRows(gen_dir, [(offset, segreader.segment().segment_id(), segreader.doc_count_all())
                                            for segreader, offset in self._leaves if segreader.segment() is not None])

    def _finished(self) -> bool:
        """Whether every segment has its serving files (its columns are written last: ``write_segment``)."""
        return all(columns.present(self.gen_dir, segreader.segment().segment_id())
                   for segreader, _ in self._leaves if segreader.segment() is not None)

    # -- columns ---------------------------------------------------------------------------------------
    def _load_columns(self, known: dict[tuple[str, int], SegmentColumns]) -> None:
        """The serving columns of every segment (``known``: those already read, by segment and size)."""
        dead: list[np.ndarray] = []
        n = 0
        self._segment_columns: dict[tuple[str, int], SegmentColumns] = {}  # in segment order
        for segreader, offset in self._leaves:
            if segreader.segment() is None:  # an index that never held a document has one empty reader
                continue
            key = (segreader.segment().segment_id(), segreader.doc_count_all())
            part = known.get(key)
            if part is None:
                gil.give_way()  # each step of a background open waits for the requests in flight
                part = columns.load(self.gen_dir, segreader)
            self._segment_columns[key] = part
            if segreader.has_deletions():
                dead.append(offset + np.fromiter(segreader.segment().deleted_docs() or (), dtype=np.int64))
            n += len(part)
        gil.give_way()
        parts = self._parts
        self._tables: dict[str, list[str]] = {}
        self.n_docs = n
        self.live_mask = np.ones(n, dtype=bool)
        if dead:
            self.live_mask[np.concatenate(dead)] = False
        live = np.flatnonzero(self.live_mask)
        self.n_live = len(live)
        ids = np.concatenate([p.ids for p in parts]) if parts else np.zeros(0, dtype="S1")
        self.ids = Ids(ids, self.live_mask)
        lengths = np.concatenate([p.lengths for p in parts]) if parts else np.zeros((0, len(TEXT_BOOSTS)))
        self.lengths = {f: lengths[:, j].astype(np.float64) for j, f in enumerate(TEXT_BOOSTS)}
        # with term sums for the merged segments, the averages they were computed with (``termsums``)
        frozen = termsums.frozen_average(self.gen_dir, self._postings_reader.listed)
        self.summed = frozen is not None
        self.avg_length = frozen or {f: termsums.average(self.lengths[f][live]) for f in TEXT_BOOSTS}
        numbers = np.concatenate([p.numbers for p in parts]) if parts else np.zeros((0, len(NUMBERS)))
        self.numbers = {name: np.ascontiguousarray(numbers[:, j], dtype=np.float64) for j, name in enumerate(NUMBERS)}
        codes = np.concatenate([p.codes for p in parts]) if parts else np.zeros((0, 2), dtype=np.int32)
        gil.give_way()
        dep_codes = self._global_codes(codes[:, 0], "dep_codes")
        self.facets = FacetColumns(n, self.live_mask, self._facet_pairs(), dep_codes, self._tables["dep_codes"])
        gil.give_way()
        self._build_groups(self._global_codes(codes[:, 1], "group_keys"), self._tables["group_keys"])
        columns.release(parts, tuple(name for name in columns.ARRAYS if name != "titles"))  # copied above

    @property
    def _parts(self) -> list[SegmentColumns]:
        """Every segment's columns, in segment order."""
        return list(self._segment_columns.values())

    def _global_codes(self, local: np.ndarray, table: str) -> np.ndarray:
        """Per-segment numbers (into each segment's label table) as numbers into one shared table."""
        shared: dict[str, int] = {}
        out = np.full(len(local), -1, dtype=np.int64)
        start = 0
        for part in self._parts:
            labels: list[str] = getattr(part, table)
            mapping = np.array([shared.setdefault(label, len(shared)) for label in labels] or [-1], dtype=np.int64)
            segment = np.asarray(local[start : start + len(part)], dtype=np.int64)
            has = segment >= 0
            out[start : start + len(part)][has] = mapping[segment[has]]
            start += len(part)
        self._tables[table] = list(shared)
        return out

    def _facet_pairs(self) -> dict[str, FacetPairs]:
        """Each facet's (document, label number) pairs over every segment, and its labels. A segment's pairs
        are put in facet order once (a stable sort on the facet number: document order stays within a
        facet), then cut at each facet's bounds."""
        docs: list[list[np.ndarray]] = [[] for _ in FACETS]
        raws: list[list[np.ndarray]] = [[] for _ in FACETS]
        labels: list[list[str]] = [[] for _ in FACETS]
        start = 0
        for part in self._parts:
            gil.give_way()
            pairs = np.asarray(part.pairs)
            facet_of = pairs[:, 1].astype(np.uint8)  # a few facets: 8 bits, a radix sort
            order = np.argsort(facet_of, kind="stable")
            ordered = pairs[order]
            bounds = np.searchsorted(facet_of[order], np.arange(len(FACETS) + 1))
            for f in range(len(FACETS)):
                chosen = ordered[bounds[f] : bounds[f + 1]]
                docs[f].append(chosen[:, 0].astype(np.int64) + start)
                raws[f].append(chosen[:, 2].astype(np.int64) + len(labels[f]))
                labels[f].extend(part.facet_labels[f])
            start += len(part)
        return {facet: (np.concatenate(docs[f]) if docs[f] else np.zeros(0, dtype=np.int64),
                        np.concatenate(raws[f]) if raws[f] else np.zeros(0, dtype=np.int64), labels[f])
                for f, facet in enumerate(FACETS)}

    def _build_groups(self, keys: np.ndarray, table: list[str]) -> None:
        """Near-duplicate groups of two live fiches or more: a group is its leader (the fiche whose id is
        the key) and the fiches naming it (``duplicate_of``)."""
        members: dict[int, list[int]] = {}
        grouped = np.flatnonzero((keys >= 0) & self.live_mask)
        for d, key in zip(grouped.tolist(), keys[grouped].tolist()):
            members.setdefault(key, []).append(d)
        groups: list[tuple[str, list[int]]] = []
        for key, docs in members.items():
            leader = self.ids.docnum(table[key])
            if leader is not None and keys[leader] < 0:
                docs = sorted([*docs, leader])
            if len(docs) > 1:
                groups.append((table[key], docs))
        groups.sort(key=lambda item: item[1][0])
        self.group_members = dict(groups)
        self.group_of = {d: g for g, docs in groups for d in docs}
        self.group_code = np.full(self.n_docs, -1, dtype=np.int64)  # -1: alone
        for code, (_, docs) in enumerate(groups):
            self.group_code[docs] = code

    def warm(self) -> None:
        """Build the derived data the first queries need (before a reopened generation is served)."""
        _ = self.vocabulary
        gil.give_way()
        _ = self.title_rank
        gil.give_way()
        _ = self.static_order("recent")
        gil.give_way()
        _ = self.stems  # a word the vocabulary doesn't know is completed from them (60 ms at 100,000 fiches)

    # -- derived data, built once under the snapshot's own lock ---------------------------------------------
    @derived
    def vocabulary(self) -> Vocabulary:
        """The spelling vocabulary (unstemmed words of the ``spell`` field)."""
        found = self._lexicons.merged(self._leaves, "spell")
        return build_vocabulary(self.lexicon("spell") if found is None else lexicons.as_lexicon(found))

    @derived
    def stems(self) -> tuple[list[str], list[int]]:
        """Every term of the text fields, sorted, and the number of documents having it (for prefixes)."""
        saved = self._lexicons.stems(self._leaves)
        if saved is not None:
            return saved
        df: dict[str, int] = {}
        for fname in TEXT_BOOSTS:
            for text, info in self.lexicon(fname):
                term = text.decode("utf-8") if isinstance(text, bytes) else str(text)
                df[term] = max(df.get(term, 0), info.doc_frequency())
        keys = sorted(df)
        return keys, [df[k] for k in keys]

    def completions(self, prefix: str, limit: int) -> list[str]:
        """Index terms of the words starting with the folded ``prefix``: the words of the vocabulary that
        start with it (through their stems) and the terms that do, most frequent first."""
        found: dict[str, int] = {}
        vocab = self.vocabulary
        for i in range(bisect_left(vocab.folded, prefix), len(vocab.folded)):
            if not vocab.folded[i].startswith(prefix):
                break
            for term in vocab.stems[i]:
                found[term] = max(found.get(term, 0), vocab.df[i])
        keys, dfs = self.stems
        for i in range(bisect_left(keys, prefix), len(keys)):
            if not keys[i].startswith(prefix):
                break
            found[keys[i]] = max(found.get(keys[i], 0), dfs[i])
        return sorted(found, key=lambda t: (-found[t], t))[:limit]

    @derived
    def _by_title(self) -> np.ndarray:
        """Every docnum in (folded title, docnum) order (titles read once, then let go); the documents of
        the segments the snapshot before also had keep their order from it (``sorts.title_order``)."""
        titles = [np.asarray(p.titles) for p in self._parts]
        earlier, kept = None, 0
        if self._earlier_titles is not None and self._earlier_titles[1] is not None:
            segments, earlier = self._earlier_titles
            for before, now in zip(segments, self._segment_columns):
                if before != now:
                    break
                kept += now[1]
        order = title_order(np.concatenate(titles) if titles else np.zeros(0, dtype="S1"), earlier, kept)
        self._earlier_titles = None
        columns.release(self._parts, ("titles",))
        return order

    @derived
    def title_rank(self) -> np.ndarray:
        """Position of each document in (folded title, docnum) order."""
        return title_rank(self._by_title)

    def static_order(self, sort: str) -> np.ndarray:
        """Every docnum in the order ``sort`` gives (ties: title, then docnum), computed once."""
        found = self._orders.get(sort)
        if found is None:
            with self._derive_lock, gil.urgent():
                found = self._orders.get(sort)
                if found is None:
                    found = self._orders[sort] = static_order(sort, self.title_rank, self.numbers)
        return found

    def has_term(self, field: str, term: str) -> np.ndarray:
        """Mask of the documents having ``term`` in ``field``."""
        mask = np.zeros(self.n_docs, dtype=bool)
        mask[self.postings(field, term)[0]] = True
        return mask

    def in_range(self, name: str, low: float | None, high: float | None) -> np.ndarray:
        """Mask of the docs whose number ``name`` lies in [low, high] (either bound may be None)."""
        column = self.numbers[name]
        mask = ~np.isnan(column)
        if low is not None:
            mask &= column >= low
        if high is not None:
            mask &= column <= high
        return mask & self.live_mask

    # -- postings --------------------------------------------------------------------------------------
    def postings(self, field: str, text: str, tail: bool = False) -> Postings:
        """(docnums, term frequencies) of a term in a field, deleted documents included (none when the index
        predates the field: it matches again once rebuilt with ``fiches reindex``). ``tail``: in the segments
        after the merged ones only."""
        if field not in self.fields:
            return _EMPTY
        found = self._cached((field, text, "tail" if tail else ""),
                             lambda: self._postings_reader.read(field, text, tail), _EMPTY)
        assert found is not None  # a term no segment has reads as _EMPTY
        return found

    def _cached(self, key: tuple[str, ...], read: Callable[[], Postings | None], absent: Postings | None
                ) -> Postings | None:
        """``read()`` (docnums as int32, values) of ``key``, kept in the snapshot's postings cache; when it
        reads None, ``absent`` (kept too, unless None)."""
        with self.lock:
            found = self._postings.get(key)
            if found is not None:
                self._postings.move_to_end(key)
                return found
            read_now = read()
            if read_now is None:
                if absent is None:
                    return None
                read_now = absent
            found = (read_now[0].astype(np.int32, copy=False), read_now[1])
            self._postings[key] = found
            self._cached_postings += found[0].nbytes + found[1].nbytes
            while self._cached_postings > POSTINGS_CACHE_BYTES and len(self._postings) > 1:
                _, (old_ids, old_weights) = self._postings.popitem(last=False)
                self._cached_postings -= old_ids.nbytes + old_weights.nbytes
            return found

    def sums(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(docnums, field sums) of a text term in the merged segments (``termsums``), then the segments
        after them are read field by field (``tail_start``, ``postings(..., tail=True)``); None without sums."""
        if not self.summed:
            return None
        return self._cached(("sums", term), lambda: self._postings_reader.sums(term), None)

    @property
    def tail_start(self) -> int:
        """The first document of the segments read one by one (``n_docs`` when there are none)."""
        start = self._postings_reader.tail_start
        return self.n_docs if start is None else start

    def doc_frequency(self, field: str, text: str) -> int:
        with self.lock:
            return int(self.reader.doc_frequency(field, text))

    def lexicon(self, field: str) -> list[tuple[Any, Any]]:
        with self.lock:
            return list(self.reader.iter_field(field))

    def close(self) -> None:
        with self.lock:
            self.page_rows.close()
            self._postings_reader.close()
            self.reader.close()
            self.ix.close()
