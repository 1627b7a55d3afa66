"""Full-time equivalents (ETP) mobilised for an action, read from "Nombre de personnes mobilisés".

Rules (``format.md``, "Extracted figures"): sum the stated ETP ("0,5 ETP", "0.06 ETP", "ETP : 1"),
the shares of full time ("à 30%" is 0.3, "mi-temps" 0.5, "temps plein" 1, "trois-quarts temps" 0.75)
and the hours per week (35 h is 1 ETP; "17h30 par semaine" is 0.5); days per week count as fifths
("2 jours par semaine" is 0.4). A share applies to the head count that opens its clause
("2 animateurs à mi-temps" is 1). Volunteers count where given in ETP. A line that states ETP is read
for its ETP only (its "temps plein" is the same person). When the text speaks of ETP, a bare decimal
after ":" is an ETP too ("Entretien : 0,5"). A head count with no time given is unknown: None.
"""

from __future__ import annotations

import re

from app.domain.text import fold_same_length

FULL_TIME_HOURS = 35.0
_MAX_HEADCOUNT = 20  # above this, a number opening a clause is not a team size
_MAX_ETP = 200.0  # a larger total is a misreading

_NUM = r"\d+(?:[.,]\d+)?"
_WORD_NUMBERS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "demi": 0.5, "½": 0.5,
}  # fmt: skip
_QTY = rf"(?:\d/\d|{_NUM}|un|une|deux|trois|quatre|cinq|six|demi|½)"
_ETP_WORD = r"(?:e\.?t\.?p\.?(?![a-z])|equivalents? temps pleins?)"
_ETP_AFTER = re.compile(rf"(?<![\w.,/])(?:(\d{{1,2}})\s*[x×*]\s*)?({_QTY})[\s-]*{_ETP_WORD}")
_ETP_BEFORE = re.compile(
    rf"\b{_ETP_WORD}\s*(?:total\s*)?(?:[:=]|de\b)\s*({_NUM})(?!\s*(?:%|h\b|heures?|pers|benev|sala))"
)
_EACH = re.compile(r"\s*(?:chacune?s?\b|par (?:personne|salarie\w*|agent|animat\w*|intervenant\w*)|/\s*personne)")
_SUBJECT_SPLIT = re.compile(r"[;+]|(?<!\d),(?!\d)|\bet\b|\s[-–]\s")
_VOLUNTEER = re.compile(r"\bbenevol\w*|\bvolontaires?\b")
_AT_RATE = re.compile(r"\ba\s*(?:raison de\s*)?$")  # "2 animatrices à 0,5 ETP": 0,5 each
_COUNT_BEFORE = re.compile(r"(?:^|[\s(:])(\d|deux|trois|quatre|cinq)\s*$")
_PART_OF = re.compile(r"\bdont\s*(?:environ\s*|au moins\s*)?$")
_ACTIVITY = re.compile(r"\b(?:ateliers?|seances?|cours|ouvert\w*|lieu|permanences? ouvertes?)\b")
_BARE_DECIMAL = re.compile(
    r"(?:^|[:/]\s*)(\d+[.,]\d+)(?!\s*(?:%|h\b|heures?|€|euros?|eur\b|[km]\s*€|[km]\b|mill|ans?\b|mois|pers"
    r"|benev|sala|\d))"
)
_PERCENT = re.compile(rf"({_NUM})\s*%")
_PERCENT_BEFORE = re.compile(r"(?:\ba|\bau|:|\(|\bde|\bpour|\bsoit|partiel|taux d'activite)\s*$")
_PERCENT_NOT_TIME = re.compile(
    r"participation|reussite|satisfaction|frequentation|remplissage|presence|assiduite|financ"
    r"|subvention|augment|hausse|baisse|progression|femmes|hommes|public"
)
_PERCENT_AFTER_OK = re.compile(r"^\s*(?:du|de son|de sa|de leur|d'un|de)?\s*(?:temps|etp|poste)")
_PERCENT_AFTER_BAD = re.compile(r"^\s*(?:des\b|de\b|d')")
_SHARE_WORDS: list[tuple[re.Pattern[str], float]] = [
    (re.compile(r"\b(?:mi|demi)[\s-]*(?:temps|tps)\b|½\s*temps"), 0.5),
    (re.compile(r"\b(?:temps (?:plein|complet)|plein[\s-]*temps)\b"), 1.0),
    (re.compile(r"\btrois[\s-]*quarts?\s*(?:de\s*)?temps|\b3/4\s*(?:de\s*)?temps"), 0.75),
    (re.compile(r"(?<!trois )(?<!trois-)\bquart\s*(?:de\s*)?temps|\b1/4\s*(?:de\s*)?temps"), 0.25),
    (re.compile(r"\b(?:deux[\s-]*tiers|2/3)\s*(?:de\s*)?temps"), 2 / 3),
    (re.compile(r"(?<!deux )(?<!deux-)\btiers\s*(?:de\s*)?temps|\b1/3\s*(?:de\s*)?temps"), 1 / 3),
    (re.compile(r"\b4/5e?s?\b"), 0.8),
]
_HOURS_WEEK = re.compile(
    rf"({_NUM})\s*(?:h|heures?)\s*(\d{{2}})?(?:\s*min\w*)?\s*(?:de travail\s*)?"
    r"(?:/\s*|par\s+|a la\s+|chaque\s+)?(?:semaine|sem\b|hebdo)"
)
_BIG_NUM = r"\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_HOURS_PERIOD = re.compile(
    rf"({_BIG_NUM})\s*(?:h|heures?)\s*(?:de travail\s*)?(?:/\s*|par\s+|a l'|l'|sur l'|sur\s+l'|dans l'|chaque\s+)?"
    r"(mois|mensuel\w*|an\b|annee|annuel\w*)"
)
MONTH_HOURS = 151.67  # 35 h a week over a month
YEAR_HOURS = 1607.0  # the legal working year
_WEEKLY_HOURS = re.compile(rf"hebdomadaires?\s*(?:de\s*)?({_NUM})\s*(?:h|heures?)\s*(\d{{2}})?")
_DAYS_WEEK = re.compile(
    r"(\d+(?:[.,]\d+)?|un|une|deux|trois|quatre)?\s*(demi[\s-]*)?(?:jours?|journees?)"
    r"\s*(?:/\s*|par\s+)(?:semaine|sem\b)"
)
_CLAUSE_SPLIT = re.compile(r"[;+]|,(?!\d)|(?<!\d),|\bet\b|\s[-–]\s")  # "17,5 h" is one number
_HEADCOUNT = re.compile(
    r"^[\s\-•*·–(]*(\d{1,2}|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix)\s+"
    r"(?!(?:fois|jours?|journees?|heures?|h\b|semaines?|mois|ans?\b|%|etp|e\.t\.p|demi|mi\b))[a-z]"
)


def _number(token: str) -> float:
    token = token.strip()
    if token in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[token])
    if "/" in token:
        numerator, denominator = token.split("/")
        return int(numerator) / int(denominator) if int(denominator) else 0.0
    return float(token.replace(",", "."))


def _subject_count(line: str, position: int) -> float:
    """Head count of the clause holding ``position`` (1 when none is written)."""
    starts = [m.end() for m in _SUBJECT_SPLIT.finditer(line, 0, position)]
    clause = line[starts[-1] if starts else 0 : position]
    count = _headcount(clause) or _headcount(line[:position])
    return count or 1.0


def _explicit(line: str, speaks_etp: bool) -> list[float] | None:
    """The ETP written as such on the line, one per mention (None when there is none)."""
    values: list[float] = []
    spans: list[tuple[int, int]] = []
    for pattern in (_ETP_AFTER, _ETP_BEFORE):
        for match in pattern.finditer(line):
            if any(s <= match.start() < e for s, e in spans):
                continue
            spans.append(match.span())
            if _PART_OF.search(line[: match.start()]):
                continue  # "2,5 ETP dont 0,5 ETP bénévole"
            times = _number(match.group(1)) if match.lastindex == 2 and match.group(1) else 1.0
            if _EACH.match(line, match.end()) or _AT_RATE.search(line, 0, match.start()):
                times *= _subject_count(line, match.start())  # "4 animatrices : 0,3 ETP chacune"
            values.append(times * _number(match.group(match.lastindex or 0)))
    if speaks_etp:
        for match in _BARE_DECIMAL.finditer(line):
            if any(s <= match.start(1) < e for s, e in spans):
                continue
            value = _number(match.group(1))
            if value <= 3:
                spans.append(match.span(1))
                values.append(value)
    return values or None


def _shares(clause: str) -> list[float]:
    """Shares of full time stated in one clause (not yet multiplied by a head count)."""
    shares: list[float] = []
    clause = re.sub(_ETP_WORD, " ", clause)  # "équivalent temps plein" is not "temps plein"
    for match in _PERCENT.finditer(clause):
        before, after = clause[: match.start()], clause[match.end() :]
        value = _number(match.group(1))
        if value > 100 or (_PERCENT_AFTER_BAD.match(after) and not _PERCENT_AFTER_OK.match(after)):
            continue
        if _PERCENT_NOT_TIME.search(before):
            continue  # "taux de participation 80 %"
        closes = not re.search(r"\w", after) and not re.search(r"\b(?:dont|soit|sont)\s*$", before)
        if _PERCENT_BEFORE.search(before) or _PERCENT_AFTER_OK.match(after) or closes:
            shares.append(value / 100)
    for pattern, value in _SHARE_WORDS:
        for match in pattern.finditer(clause):
            written = _COUNT_BEFORE.search(clause, 0, match.start())  # "deux mi-temps"
            shares.append(value * (_number(written.group(1)) if written else 1.0))
    if _ACTIVITY.search(clause):
        return shares  # "ateliers de 2 h par semaine" is a schedule, not a person's time
    for match in _HOURS_WEEK.finditer(clause):
        minutes = int(match.group(2)) if match.group(2) else 0
        shares.append((_number(match.group(1)) + minutes / 60) / FULL_TIME_HOURS)
    for match in _HOURS_PERIOD.finditer(clause):
        hours = float(re.sub(r"[ \u00a0\u202f.](?=\d{3})", "", match.group(1)).replace(",", "."))
        shares.append(hours / (MONTH_HOURS if match.group(2).startswith(("mois", "mensuel")) else YEAR_HOURS))
    if not _HOURS_WEEK.search(clause):
        for match in _WEEKLY_HOURS.finditer(clause):
            minutes = int(match.group(2)) if match.group(2) else 0
            shares.append((_number(match.group(1)) + minutes / 60) / FULL_TIME_HOURS)
    for match in _DAYS_WEEK.finditer(clause):
        count = _number(match.group(1)) if match.group(1) else 1.0
        shares.append(count * (0.1 if match.group(2) else 0.2))
    return shares


def _headcount(clause: str) -> float | None:
    match = _HEADCOUNT.match(clause)
    if not match:
        return None
    count = _number(match.group(1))
    return count if count <= _MAX_HEADCOUNT else None


def _line_parts(line: str, speaks_etp: bool) -> list[float]:
    """The ETP of one line, one value per mention or per clause (empty when the line states no time)."""
    explicit = _explicit(line, speaks_etp)
    if explicit is not None:
        return explicit
    clauses = [c for c in _CLAUSE_SPLIT.split(line) if c.strip()]
    found = [(clause, _shares(clause)) for clause in clauses]
    with_shares = [(clause, shares) for clause, shares in found if shares]
    if not with_shares:
        return []
    line_count = _headcount(line) if len(with_shares) == 1 else None
    parts: list[float] = []
    subject = ""
    subjects: dict[int, str] = {}
    for index, (clause, _shares_found) in enumerate(found):
        if _headcount(clause) or not subject:
            subject = clause
        subjects[index] = subject
    for index, (clause, shares) in enumerate(found):
        if not shares or _VOLUNTEER.search(subjects[index]) or _VOLUNTEER.search(clause):
            continue  # volunteers count only where given in ETP
        count = _headcount(clause) or line_count or 1.0
        parts.append(count * sum(shares))
    return parts


def etp_parts(text: str | None) -> list[tuple[float, str]]:
    """The terms ``extract_etp`` sums, in reading order: ``(ETP, the line it was read from)``.

    Empty when no time is given or the total is a misreading. The page shows them as the computation
    ("0,3 + 1 + 0,1 = 1,4 ETP") next to the text."""
    if not text or not text.strip():
        return []
    folded = fold_same_length(text)  # same length: a folded line's span is the original line's
    speaks_etp = bool(re.search(_ETP_WORD, folded))
    parts: list[tuple[float, str]] = []
    start = 0
    for line in folded.split("\n"):
        original = text[start : start + len(line)].strip()
        parts.extend((value, original) for value in _line_parts(line, speaks_etp))
        start += len(line) + 1
    if sum(value for value, _ in parts) > _MAX_ETP:
        return []
    return parts


def extract_etp(text: str | None) -> float | None:
    """Total full-time equivalents stated in ``text``, rounded to 0.01; None when no time is given."""
    parts = etp_parts(text)
    return round(sum(value for value, _ in parts), 2) if parts else None
