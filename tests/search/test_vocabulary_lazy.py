"""The spelling vocabulary: what a first query of known words needs is made at once, the rest on use."""

from __future__ import annotations

from app.search.spelling import build_vocabulary, corrections, sound_key


class _Info:
    def __init__(self, df: int) -> None:
        self._df = df

    def doc_frequency(self) -> int:
        return self._df


def test_sounds_and_stems_are_made_on_first_use_only():
    vocab = build_vocabulary([(b"jardin", _Info(12)), (b"jardins", _Info(3)), (b"numerique", _Info(7)),
                              ("Numérique", _Info(9)), (b"12", _Info(4))])
    assert vocab.frequency("numérique") == 16 and vocab.frequency("jardin") == 12
    assert vocab.display[vocab.position["numerique"]] == "Numérique"
    assert "sounds" not in vocab.__dict__ and "stems" not in vocab.__dict__  # a known word costs neither
    assert vocab.sounds == [sound_key(k) for k in vocab.folded]
    assert corrections(vocab, "jardinn", limit=1)[0][0] == "jardin"
    assert all(vocab.stems[i] for i in range(len(vocab.folded)))
