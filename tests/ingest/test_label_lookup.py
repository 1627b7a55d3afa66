"""The prepared label lookup (one folded key per line, prepared tables) answers as the label-by-label
matcher did, for every format's labels written every way, markers, cut labels and free text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.text import label_key
from ingest import labels
from ingest.labels import (
    ALL_GROUPS,
    BLOCK_START,
    LABELS,
    LEGACY_GROUPS,
    PAGE_HEADER,
    TEXT_GROUPS,
    is_cut_label,
    is_marker,
    marker_and_label,
    match_label,
)


def _old_match_label(line: str, groups: frozenset[str] = TEXT_GROUPS) -> str | None:
    if len(line) > labels._MAX_LABEL_LEN:
        return None
    key = label_key(line)
    if not key:
        return None
    hit = labels._EXACT.get(key)
    if hit and hit[1] in groups:
        return hit[0]
    if groups != TEXT_GROUPS:
        for prefix, field_name, group in labels._PREFIXES:
            if group in groups and key.startswith(prefix):
                return field_name
    return None


def _old_is_cut_label(line: str, groups: frozenset[str] = TEXT_GROUPS) -> bool:
    if not labels._BULLET.match(line) or _old_match_label(line, groups) is not None:
        return False
    key = label_key(line)
    if len(key) < labels._MIN_CUT_KEY:
        return False
    return any(full.startswith(key) and group in groups for full, (_field, group) in labels._EXACT.items())


def _old_is_marker(line: str, marker: str) -> bool:
    return len(line) <= labels._MAX_LABEL_LEN and not labels._BULLET.match(line) and label_key(line) == label_key(marker)


NAMES = sorted({name for label in LABELS for name in (*label.names, *label.prefixes)} | {BLOCK_START, PAGE_HEADER})
GROUP_SETS = [TEXT_GROUPS, LEGACY_GROUPS, ALL_GROUPS, frozenset({"legacy"}), frozenset({"extra"}), frozenset()]


@st.composite
def written_lines(draw: st.DrawFn) -> str:
    """A label (or marker) as a document may write it: bullet, case, accents, spacing, punctuation, cut
    anywhere, a question's ending, free words around; or plain text."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=160))
    name = draw(st.sampled_from(NAMES))
    if draw(st.booleans()):
        name = name.upper() if draw(st.booleans()) else name.lower()
    if draw(st.booleans()):
        name = name.replace("é", "e").replace("'", "’").replace(" ", draw(st.sampled_from(["  ", "\u00a0", " "])))
    if draw(st.integers(0, 3)) == 0:
        name = name[: draw(st.integers(0, len(name)))]
    bullet = draw(st.sampled_from(["", "", "- ", "-", "– ", "• ", "* ", "  - "]))
    tail = draw(st.sampled_from(["", "", " :", ":", " ?", " ( 2 )", " de l'action", " blabla", "…"]))
    head = draw(st.sampled_from(["", "", "", "Le ", "x" * 130]))
    return f"{bullet}{head}{name}{tail}"


@settings(max_examples=1500, deadline=None)
@given(written_lines(), st.sampled_from(GROUP_SETS))
def test_label_lookup_as_before(line: str, groups: frozenset[str]) -> None:
    assert match_label(line, groups) == _old_match_label(line, groups)
    assert is_cut_label(line, groups) == _old_is_cut_label(line, groups)
    for marker in (BLOCK_START, PAGE_HEADER, "Nom Département Année"):
        assert is_marker(line, marker) == _old_is_marker(line, marker)
    marker = next((m for m in (PAGE_HEADER, BLOCK_START) if _old_is_marker(line, m)), None)
    assert marker_and_label(line) == (marker, _old_match_label(line))


def test_every_label_still_found() -> None:
    for label in LABELS:
        for name in label.names:
            groups = ALL_GROUPS
            assert match_label(f"- {name} :", groups) == _old_match_label(f"- {name} :", groups) is not None
