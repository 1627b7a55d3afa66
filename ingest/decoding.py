"""Bytes to text without garbling: UTF-8 per file, a detected encoding only when the file is not UTF-8.

- A file that decodes as UTF-8 (with or without BOM, or UTF-16 with its BOM) is read as such.
- A UTF-8 file with a few invalid bytes stays UTF-8: each invalid byte is dropped (or, when it sits
  inside a word, read as the Windows-1252 letter it almost always is) and reported with its line. One
  stray byte never makes the whole file be re-read in another encoding.
- Only when the invalid bytes outnumber the valid multi-byte UTF-8 characters is the file as a whole
  not UTF-8; its encoding is then detected by ``charset-normalizer`` among the encodings French text
  is written in, Windows-1252 when the detector cannot tell.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

# Encodings French documents come in, for the detector (it tries only these).
FRENCH_ENCODINGS = ["cp1252", "iso8859_15", "latin_1", "mac_roman", "cp850", "utf_16", "utf_32"]
_NAMES = {"cp1252": "Windows-1252", "iso8859_15": "ISO-8859-15", "latin_1": "Latin-1", "mac_roman": "Mac Roman",
          "cp850": "DOS (CP850)", "utf_16": "UTF-16", "utf_32": "UTF-32"}
_MAX_REPORTED = 5  # invalid-byte lines named one by one; more are counted
_VALID_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _line_of(content: bytes, offset: int) -> int:
    return content.count(b"\n", 0, offset) + 1


def _invalid_spans(content: bytes) -> list[tuple[int, int]]:
    """(start, end) of every undecodable run of bytes in ``content`` read as UTF-8."""
    spans: list[tuple[int, int]] = []
    view = memoryview(content)  # no copy of the rest of the file at each bad byte
    position = 0
    while position < len(content):
        try:
            codecs.utf_8_decode(view[position:], "strict", True)
            break
        except UnicodeDecodeError as error:
            spans.append((position + error.start, position + error.end))
            position += error.end
    return spans


def _letter(raw: bytes) -> str:
    """The Windows-1252 reading of an invalid byte when it is a letter, else ''."""
    text = raw.decode("cp1252", errors="ignore")
    return text if text.isalpha() else ""


def _repair_utf8(content: bytes, spans: list[tuple[int, int]]) -> tuple[str, list[str]]:
    """Decode a UTF-8 file with a few bad bytes: a bad byte inside a word is read as its Windows-1252
    letter (``associ\\xe9`` → ``associé``), any other is dropped; each is reported with its line."""
    parts: list[str] = []
    lines: list[int] = []
    previous = 0
    for start, end in spans:
        parts.append(content[previous:start].decode("utf-8"))
        before, after = content[start - 1 : start], content[end : end + 1]
        inside_word = before.isalpha() or after.isalpha()
        parts.append(_letter(content[start:end]) if inside_word else "")
        lines.append(_line_of(content, start))
        previous = end
    parts.append(content[previous:].decode("utf-8"))
    text = "".join(parts)
    unique = list(dict.fromkeys(lines))
    named = ", ".join(str(n) for n in unique[:_MAX_REPORTED])
    more = f" et {len(unique) - _MAX_REPORTED} autre(s)" if len(unique) > _MAX_REPORTED else ""
    warning = (f"Octet(s) non UTF-8 ligne {named}{more} ({len(spans)} au total) : remplacé(s) ou supprimé(s), "
               "le reste du fichier est lu en UTF-8. Vérifiez ces lignes.")
    return text.removeprefix("\ufeff"), [warning]


def _detect(content: bytes) -> tuple[str, str]:
    """Text and encoding name of a file that is not UTF-8."""
    best = from_bytes(content, cp_isolation=FRENCH_ENCODINGS).best()
    encoding = best.encoding if best is not None else "cp1252"
    if encoding not in _NAMES:
        encoding = "cp1252"
    return content.decode(encoding, errors="replace"), _NAMES[encoding]


def _utf16_without_bom(content: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when the head is text with every other byte NUL, else None."""
    head = content[: min(len(content), 4096) // 2 * 2]
    if len(head) < 16:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def decode(content: str | bytes) -> tuple[str, list[str]]:
    """Text of ``content`` and French warnings (each naming the line when a byte was bad)."""
    if isinstance(content, str):
        return content.lstrip("\ufeff"), []
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if content.startswith(bom):
            return content[len(bom):].decode(encoding, errors="replace"), []
    bom_less = _utf16_without_bom(content)
    if bom_less:
        return content.decode(bom_less, errors="replace"), [
            f"Fichier UTF-16 sans BOM : lu en {bom_less.upper()}. Enregistrez-le en UTF-8."]
    try:
        return content.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    spans = _invalid_spans(content)
    invalid = sum(end - start for start, end in spans)
    if invalid <= len(_VALID_MULTIBYTE.findall(content)):
        return _repair_utf8(content, spans)
    text, name = _detect(content)
    first = _line_of(content, spans[0][0]) if spans else 1
    return text, [f"Fichier non UTF-8 (dès la ligne {first}) : lu en {name}. Enregistrez-le en UTF-8 pour "
                  "éviter les erreurs d'accents."]
