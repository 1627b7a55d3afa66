"""Total budget of an action, read from the free text "Ressources financières mobilisées".

Rules (``format.md``, "Extracted figures"): a stated total ("Budget global", "TOTAL", "le budget de
l'action est de …") first; then total charges or dépenses; then the other amounts (one amount, or
itemised costs summed). Funding lines (CAF, subventions, recettes, produits …) share out the total and
never add to it; they are only used, summed, when nothing else is given (they are then the resources
mobilised). Valued volunteer work, surpluses and unit prices are never the budget. For amounts per
year the first year's is taken. "Pas de budget" is 0; nothing stated is None.

The text is read mention by mention: a number with a currency ("12 000,50 €", "12.000 euros", "15k€",
"1,2 M€", "€ 500"), or a bare number right after a budget label ("Recettes : 8806.06"). Each mention is
classed by the nearest keyword before it on its line (or by what follows it, or by a heading line
ending with ":" above it). Years, percentages, phone numbers and dates carry no currency and are not
amounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.textnum import fold_same_length, is_year, parse_number

_SP = "[ \u00a0\u202f\u2009]"
NUMBER = (
    rf"(?<![\w.,])(?:\d{{1,3}}(?:(?:{_SP}|\.)\d{{3}})+(?:[.,]\d{{1,2}})?"
    r"|\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:[.,]\d+)?)(?!\d)"
)
_MULT = r"(?P<mult>k|m|millions?|mille|milliers?)"
_CURRENCY = r"(?:€|euros?\b|eur\b|e\.?u\.?r\.?\b)"
_AFTER_CUR = re.compile(rf"{_SP}*(?:{_MULT}{_SP}*(?:d'|de{_SP}+)?)?{_CURRENCY}|{_SP}*k€", re.I)
_BEFORE_CUR = re.compile(rf"€{_SP}*$")
_NUMBER_RE = re.compile(NUMBER)

# Keyword classes, matched on the lower-case accent-free text.
TOTAL, CHARGES, OTHER, FUNDING, EXCLUDED = "total", "charges", "other", "funding", "excluded"
_KEYWORDS: list[tuple[str, re.Pattern[str]]] = [
    (
        EXCLUDED,
        re.compile(
            r"contributions? volontaires?|valoris\w*|mise a disposition|\bm ?a ?d\b|excedent"
            r"|deficit|resultat|\bsolde|\bdont\b|tarifs?\b|prix\b|cotisations?|adhesions?"
            r"|budget (?:global |total |annuel )?(?:de fonctionnement )?(?:du centre|de la structure"
            r"|de l'association|du cs|de la federation|de l'equipement)"
        ),
    ),
    (TOTAL, re.compile(r"\bbu(?:d?g|dj)et\w*|\btota(?:l|le|ls|les|ux)\b|\benveloppe\b|\bs'eleve\w*")),
    (TOTAL, re.compile(r"\b(?:cout|montant)s? (?:total|global|de l'action|du projet|de l'operation)")),
    (CHARGES, re.compile(r"\bcharges?\b|\bdepenses?\b|\bcouts?\b")),
    (
        FUNDING,
        re.compile(
            r"\bcaf\b|\bcaf\d+|subventions?|\brecettes?\b|\bproduits?\b|financ\w*|participations?"
            r"|\betat\b|\bvilles?\b|mairie|\bcommunes?\b|municipalite|conseil (?:departemental"
            r"|regional|general)|\bregion\b|\bdepartement\b|\bcd ?\d*\b|\bfse\b|\bfeder\b|europe\w*"
            r"|\bcget\b|\banct\b|\bacse\b|\bars\b|drjscs|\bddcs|\bddets|\bdreets|fondations?"
            r"|mecenat|dotations?|\baides?\b|\bapports?\b|autofinancement|fonds\b|contrat de ville"
            r"|politique de la ville|\bcucs\b|\breaap\b|\bfonjep\b|\basp\b|\bcnds\b|\bcpam\b|\bmsa\b"
            r"|carsat|bailleurs?|prestations? de service|agglo\w*|communaute|metropole|prefecture"
            r"|partenaires?|sponsors?|\bdons?\b|\bccas\b"
        ),
    ),
]
# Words allowed between a total label and its amount ("Le budget de l'action est de …").
_FILLER = set(
    "a au de des du d l la le les cette cet ce action actions projet projets operation est sont "
    "global globale globaux total totale totaux previsionnel previsionnelle realise prevu prevus "
    "estime estimee evalue evaluee alloue allouee consacre s eleve elevant elevait environ montant "
    "hauteur pour sur soit en un une annuel annuelle de l' ht ttc approximativement total des "
    "charges depenses fonctionnement cout couts budget".split()
)
_FUNDER_AFTER = re.compile(
    r"^\s*(?:ht|ttc)?\s*[(,]?\s*(?:(?:verse|attribue|accorde|alloue|finance|apporte)e?s?\s+par\s+"
    r"|de\s+|du\s+|des\s+|d'|en\s+|par\s+)?(?:la\s+|l'|le\s+|les\s+)?(?:caf\b|subventions?|etat\b"
    r"|ville\b|mairie|commune\b|municipalite|conseil|region\b|departement\b|fse\b|europe|cget|anct"
    r"|reaap|fondation|mecenat|dotation|aide\b|autofinancement|fonds|participation|recettes?)"
)
_UNIT_AFTER = re.compile(
    r"^\s*(?:ht|ttc)?\s*(?:par|/|l')\s*(?:personnes?|pers\b|participants?|familles?|enfants?|jeunes?"
    r"|adultes?|seances?|ateliers?|repas|mois|semaines?|jours?|journees?|heures?|h\b|habitants?"
    r"|inscrits?|sorties?|stagiaires?|benevoles?|unite|nuit|seance)"
)
_PER_YEAR_AFTER = re.compile(r"^\s*(?:ht|ttc)?\s*(?:/|par)\s*(?:an\b|annee)|^\s*annuel")
_YEAR_LABEL = re.compile(r"(?:(?:19|20)\d\d|annee ?(?:\d|n\b|un\b)|\d(?:ere|er|e|eme) annee)\W*$")
_NOT_MONEY_AFTER = re.compile(
    r"^\s*(?:%|etp\b|e\.t\.p|h\b|h\d|heures?|ans?\b|mois|jours?|semaines?|personnes?|pers\b"
    r"|benevoles?|salarie|participants?|habitants?|familles?|enfants?|jeunes|adultes|places?"
    r"|seances?|ateliers?|fois|x\b|km|m2|m²|repas|postes?|professionnels?|animat|[/-]\s*\d|[a-z])"
)
_NO_BUDGET = re.compile(
    r"\b(?:pas|aucun|aucune|sans|ni)\s+(?:de\s+|d')?(?:budget|financement|cout|depense|moyens?"
    r" financiers?|ressources? financieres?)|\bbudget\s*[:=]?\s*(?:nul|neant|zero)\b"
    r"|^\W*(?:neant|aucun|aucune|rien|nul)\W*$"
)


@dataclass
class Mention:
    start: int
    end: int
    value: float
    kind: str = OTHER
    per_year: bool = False
    flagged_total: bool = False


def _find_numbers(text: str, folded: str) -> list[Mention]:
    """Every amount of money in the text, with its position."""
    found: list[Mention] = []
    has_currency = bool(re.search(r"€|\beuros?\b", folded))
    for match in _NUMBER_RE.finditer(text):
        after = folded[match.end() : match.end() + 40]
        before = folded[max(0, match.start() - 60) : match.start()]
        cur = _AFTER_CUR.match(after)
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        line = text[line_start : len(text) if line_end < 0 else line_end].strip()
        if cur:
            mult = (cur.group("mult") or "k").lower() if cur.group(0).strip().lower() != "€" else ""
            mult = "" if not cur.group("mult") and "k" not in cur.group(0).lower() else mult
            value = parse_number(match.group(0), scaled=bool(mult))
            factor = 1000.0 if mult.startswith(("k", "mille", "millier")) else 1.0
            factor = 1e6 if mult.startswith("m") and not mult.startswith("mill") else factor
            factor = 1e6 if mult.startswith("million") else factor
            found.append(Mention(match.start(), match.end() + cur.end(), value * factor))
            continue
        value = parse_number(match.group(0))
        if _BEFORE_CUR.search(before) and not is_year(match.group(0)):
            found.append(Mention(match.start(), match.end(), value))
        elif _NOT_MONEY_AFTER.match(after) or re.match(r"\s*[/-]\s*\d", after):
            continue
        elif line == match.group(0) and (value == 0 or value >= 10) and not is_year(line):
            found.append(Mention(match.start(), match.end(), value))  # a line that is just a number
        elif re.search(r"[:=]\s*$", before) and not is_year(match.group(0)) or (
            re.search(r"[:=]\s*$", before) and _label_class(before) is not None
        ):
            if has_currency or _label_class(before) is not None:
                found.append(Mention(match.start(), match.end(), value))
    return found


def _label_class(before: str) -> str | None:
    """Class of the keyword nearest to the end of ``before`` (None when there is none)."""
    best: tuple[int, str] | None = None
    for kind, pattern in _KEYWORDS:
        for match in pattern.finditer(before):
            if best is None or match.end() > best[0]:
                best = (match.end(), kind)
    return best[1] if best else None


def _nearest_keyword(before: str) -> tuple[str, int] | None:
    best: tuple[str, int] | None = None
    for kind, pattern in _KEYWORDS:
        for match in pattern.finditer(before):
            if best is None or match.end() > best[1]:
                best = (kind, match.end())
    return best


def _only_filler(words: str) -> bool:
    tokens = re.findall(r"[a-z0-9']+", words.replace("'", " "))
    return all(t in _FILLER or is_year(t) for t in tokens) and len(tokens) <= 10


def _classify(text: str, folded: str, mentions: list[Mention]) -> None:
    """Set the class of every mention from its context (keyword, following words, heading)."""
    section = OTHER
    previous_end = 0
    line_starts = {0} | {m.end() for m in re.finditer(r"\n", folded)}
    for line_start in sorted(line_starts):
        line_end = folded.find("\n", line_start)
        line_end = len(folded) if line_end < 0 else line_end
        line = folded[line_start:line_end]
        in_line = [m for m in mentions if line_start <= m.start < line_end]
        if not in_line:
            heading = _label_class(line)
            if heading and (line.rstrip().endswith(":") or len(line.split()) <= 4):
                section = OTHER if heading == TOTAL else heading
            continue
        previous_end = line_start
        for mention in in_line:
            start = max(previous_end, mention.start - 80)
            before = folded[start : mention.start]
            after = folded[mention.end : mention.end + 50]
            mention.per_year = bool(_PER_YEAR_AFTER.match(after) or _YEAR_LABEL.search(before))
            mention.per_year |= "annee" in before or "annee" in after[:40]
            nearest = _nearest_keyword(before)
            if _UNIT_AFTER.match(after):
                mention.kind = EXCLUDED
            elif nearest is not None:
                kind, end = nearest
                if kind == TOTAL and not _only_filler(before[end:]):
                    kind = OTHER  # "Budget : fournitures 200 €" is an item under a heading
                mention.kind = kind
                mention.flagged_total = kind == CHARGES and "total" in before
            elif _FUNDER_AFTER.match(after):
                mention.kind = FUNDING
            else:
                mention.kind = section
            previous_end = mention.end


def _combine(group: list[Mention]) -> float:
    """One figure for several amounts of the same class."""
    if len(group) == 1:
        return group[0].value
    totals = [m for m in group if m.flagged_total]
    if totals:
        return totals[0].value
    if any(m.per_year for m in group):
        return group[0].value
    values = [m.value for m in group]
    largest = max(values)
    rest = sum(values) - largest
    if rest > 0 and abs(largest - rest) <= max(1.0, 0.005 * largest):
        return largest  # a subtotal followed or preceded by its breakdown
    return sum(values)


def extract_budget(text: str | None) -> float | None:
    """Total budget in euros stated in ``text``; 0.0 for "no budget", None when nothing is stated."""
    if not text or not text.strip():
        return None
    folded = fold_same_length(text)
    mentions = _find_numbers(text, folded)
    _classify(text, folded, mentions)
    for kind in (TOTAL, CHARGES, OTHER, FUNDING):
        group = [m for m in mentions if m.kind == kind]
        if group:
            value = group[0].value if kind == TOTAL else _combine(group)
            return round(value, 2)
    if _NO_BUDGET.search(folded) or re.fullmatch(r"\W*0+(?:[.,]0+)?\s*(?:€|euros?)?\W*", folded):
        return 0.0
    return None
