"""Spelling: the vocabulary of the unstemmed ``spell`` field, typo candidates and autocompletion.

A typo is matched two ways: by edit distance on the folded word (a swap of two letters counts as one
edit: ``emplio`` → ``emploi``), and by a rough French sound key, so a word spelt as it sounds is found
(``numerik`` → ``numérique``, ``fotografie`` → ``photographie``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from app.domain.text import fold
from app.search.analysis import query_words, terms

_SOUNDS = [(re.compile(a), b) for a, b in (
    (r"qu|q|ck|c(?=[aoukrlt])|k", "k"), (r"ph", "f"), (r"gu(?=[ei])", "g"), (r"c(?=[eiy])|ss|sc(?=[ei])", "s"),
    (r"y", "i"), (r"eau|au", "o"), (r"ai|ei", "e"), (r"(?<![cs])h", ""), (r"(\w)\1", r"\1"), (r"(?:e|es|s|x|t)$", ""),
)]


def sound_key(word: str) -> str:
    """A rough French phonetic key of a folded word (letters that sound alike merged)."""
    for pattern, replacement in _SOUNDS:
        word = pattern.sub(replacement, word)
    return word


@dataclass
class Vocabulary:
    folded: list[str]  # sorted folded words
    display: list[str]  # the most frequent written form of each
    df: list[int]  # documents containing it
    position: dict[str, int]

    @cached_property
    def sounds(self) -> list[str]:
        """sound_key() of each folded word (made on the first correction: a query of known words never
        pays for it)."""
        return [sound_key(k) for k in self.folded]

    @cached_property
    def stems(self) -> list[tuple[str, ...]]:
        """The index terms of each word (made on the first completion)."""
        return [tuple(terms(k)) for k in self.folded]

    def frequency(self, word: str) -> int:
        i = self.position.get(fold(word))
        return 0 if i is None else self.df[i]


def build_vocabulary(lexicon: Iterable[tuple[Any, Any]]) -> Vocabulary:
    """The vocabulary of the ``spell`` field's lexicon (``(word, term info)`` pairs): folded words, the
    most frequent written form of each, and document frequencies."""
    merged: dict[str, tuple[str, int, int]] = {}  # folded → (best form, its df, total df)
    for text, info in lexicon:
        word = text.decode("utf-8") if isinstance(text, bytes) else str(text)
        if len(word) < 2 or word.isdigit():
            continue
        df = int(info.doc_frequency())
        key = fold(word)
        best, best_df, total = merged.get(key, (word, 0, 0))
        if df > best_df:
            best, best_df = word, df
        merged[key] = (best, best_df, total + df)
    keys = sorted(merged)
    return Vocabulary(
        folded=keys,
        display=[merged[k][0] for k in keys],
        df=[merged[k][2] for k in keys],
        position={k: i for i, k in enumerate(keys)},
    )


def max_distance(word: str) -> int:
    return 0 if len(word) < 4 else 1 if len(word) < 7 else 2


def corrections(vocab: Vocabulary, word: str, limit: int = 2) -> list[tuple[str, int]]:
    """Known words close to ``word`` and more frequent than it: edit distance 1 (2 for long words), or the
    same sound key (one edit away for long words).

    Returns ``(written form, document frequency)``, best first (closest, then most frequent).
    """
    key = fold(word)
    dist = max_distance(key)
    if dist == 0:
        return []
    own = vocab.frequency(key)
    found: dict[int, int] = {}
    for candidate, distance, index in process.extract(key, vocab.folded, scorer=OSA.distance, score_cutoff=dist,
                                                      limit=25):
        if candidate[0] == key[0] or distance == 1:
            found[index] = distance
    sound = sound_key(key)
    if len(sound) >= 4:
        for _, distance, index in process.extract(sound, vocab.sounds, scorer=OSA.distance,
                                                  score_cutoff=dist - 1, limit=25):
            if vocab.folded[index][0] == key[0]:
                found[index] = min(found.get(index, dist + 1), distance + 1)
    candidates = []
    for index, distance in found.items():
        df = vocab.df[index]
        if vocab.folded[index] == key or df <= own * 4:
            continue
        candidates.append((distance, -df, vocab.display[index]))
    candidates.sort()
    return [(form, -neg_df) for _, neg_df, form in candidates[:limit]]


def did_you_mean(vocab: Vocabulary, q: str, known: Callable[[str], bool]) -> str | None:
    """The query with its unknown words replaced by a frequent close word, or None. A word that ``known``
    accepts (the index or the thesaurus has it) is never replaced."""
    changed = False
    out: list[str] = []
    for token in q.split():
        analysed = query_words(token)
        fixes = corrections(vocab, token) if len(analysed) == 1 and not known(token) else []
        if fixes:
            out.append(fixes[0][0])
            changed = True
        else:
            out.append(token)
    return " ".join(out) if changed else None


def complete(vocab: Vocabulary, q: str, limit: int = 8) -> list[str]:
    """Completions of the last word of ``q`` by frequent vocabulary words (accents as written)."""
    text = q.rstrip()
    if not text or q.endswith(" "):
        return []
    head, _, last = text.rpartition(" ")
    prefix = fold(last)
    if len(prefix) < 2:
        return []
    start = bisect_left(vocab.folded, prefix)
    matches = []
    for i in range(start, len(vocab.folded)):
        if not vocab.folded[i].startswith(prefix):
            break
        matches.append((-vocab.df[i], vocab.display[i]))
    matches.sort()
    lead = f"{head} " if head else ""
    return [lead + word for _, word in matches[:limit]]
