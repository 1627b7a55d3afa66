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

from app.domain.numbers import FACTORS, parse_number
from app.domain.text import fold_same_length

_SP = "[ \u00a0\u202f\u2009]"
NUMBER = (
    rf"(?<![\w.,])(?:\d{{1,3}}(?:(?:{_SP}|\.)\d{{3}})+(?:[.,]\d{{1,2}})?"
    r"|\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:[.,]\d+)?)(?!\d)"
)
_MULT = r"(?P<mult>k|m|millions?|mille|milliers?)"
_CURRENCY = r"(?:€|euros?\b|eur\b)"
_AFTER_CUR = re.compile(rf"{_SP}*(?:{_MULT}{_SP}*(?:d'|de{_SP}+)?)?{_CURRENCY}", re.I)
_BEFORE_CUR = re.compile(rf"€{_SP}*$")
_NUMBER_RE = re.compile(NUMBER)
# "2 800 e": a bare "e" after an amount is euros (not "2 e année", "le 3 e trimestre")
_BARE_E = re.compile(rf"{_SP}?e(?![\w'’])(?!{_SP}*(?:annee|trimestre|semestre|edition|arrondissement|etage|classe))")
_BARE_E_MIN = 50

# Keyword classes, matched on the lower-case accent-free text.
TOTAL, CHARGES, OTHER, FUNDING, EXCLUDED = "total", "charges", "other", "funding", "excluded"
_KEYWORDS: list[tuple[str, re.Pattern[str]]] = [
    (
        EXCLUDED,
        re.compile(
            r"contributions? volontaires?|valoris\w*|mise a disposition|\bm ?a ?d\b|excedent"
            r"|\b(?:cout|prix|montant) (?:d'un|d'une|par|unitaire)"
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
    "charges depenses cout couts budget".split()
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
_FOR_THE_ACTION = re.compile(
    r"^\s*(?:ht|ttc)?\s*(?:sont |est )?(?:consacres? |affectes? |dedies? |reserves? )?"
    r"(?:pour|a) (?:l'action|cette action|ce projet|le projet)"
)
_PER_YEAR_AFTER = re.compile(r"^\s*(?:ht|ttc)?\s*(?:/|par)\s*(?:an\b|annee)|^\s*annuel")
_YEAR_LABEL = re.compile(r"(?:(?:19|20)\d\d|annee ?(?:\d|n\b|un\b)|\d(?:ere|er|e|eme) annee)\W*$")
# After a number with no currency: a unit (%, ETP, h, personnes, ans …), a date or another number.
_NOT_MONEY_AFTER = re.compile(r"^\s*(?!(?:ht|ttc)\b)(?:%|[a-z²]|[/-]\s*\d|\d)")
# A label that names no item of its own: the amount after it may sum the others ("soit 5 000 €").
_SUM_LABEL = re.compile(
    r"[\W\d]*(?:(?:soit|donc|ce qui fait|au total|en tout|pour un total de|sous[ -]?totale?|somme"
    r"|(?:les |des )?(?:subventions?|financements?|recettes?|produits?|depenses?|charges?|couts?))\b[\W\d]*)?"
)
_NO_BUDGET = re.compile(
    r"\b(?:pas|aucun|aucune|sans|ni)\s+(?:encore\s+)?(?:de\s+|d')?(?:budget|financement|cout|depense|moyens?"
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
    label: str = ""  # the words just before the amount on its line ("sorties", "soit", "subventions")
    opens_breakdown: bool = False  # followed by "(" : the amounts in the brackets detail it


def is_year(token: str) -> bool:
    """A bare integer that reads as a year (1900-2099)."""
    return bool(re.fullmatch(r"(?:19|20)\d\d", token.strip()))


def _money_at(folded: str, match: re.Match[str]) -> tuple[float, int] | None:
    """Value and end of an amount written with its currency right after the number."""
    currency = _AFTER_CUR.match(folded, match.end())
    if not currency:
        bare = _BARE_E.match(folded, match.end())
        if bare and not is_year(match.group(0)) and parse_number(match.group(0)) >= _BARE_E_MIN:
            return parse_number(match.group(0)), bare.end()  # "2 800 e": a bare e for euros
        return None
    mult = (currency.group("mult") or "").lower()
    value = parse_number(match.group(0), decimal_only=bool(mult)) * FACTORS.get(mult, 1.0)
    return value, currency.end()


def _range_at(folded: str, match: re.Match[str], before: str) -> tuple[float, int] | None:
    """The lower bound of a range "2 000 à 3 000 €" / "entre 2 000 et 3 000 €", with its end."""
    upper = _NUMBER_RE.search(folded, match.end())
    if not upper:
        return None
    gap = folded[match.end() : upper.start()]
    connector = r"\s*(?:a|-|–|et)\s*" if before.endswith("entre ") else r"\s*(?:a|-|–)\s*"
    if not re.fullmatch(connector, gap):
        return None
    upper_money = _money_at(folded, upper)
    if not upper_money:
        return None
    currency = _AFTER_CUR.match(folded, upper.end())
    mult = (currency.group("mult") or "").lower() if currency else ""
    value = parse_number(match.group(0), decimal_only=bool(mult)) * FACTORS.get(mult, 1.0)
    return value, upper_money[1]


def _find_numbers(folded: str) -> list[Mention]:
    """Every amount of money in the text, with its position."""
    found: list[Mention] = []
    has_currency = bool(re.search(r"€|\beuros?\b", folded))
    skip_until = 0
    for match in _NUMBER_RE.finditer(folded):
        token = match.group(0)
        if match.start() < skip_until:
            continue
        after = folded[match.end() : match.end() + 40].split("\n")[0]
        line_start = folded.rfind("\n", 0, match.start()) + 1
        before = folded[max(line_start, match.start() - 80) : match.start()]
        line_end = folded.find("\n", match.end())
        line = folded[line_start : len(folded) if line_end < 0 else line_end]
        money = _money_at(folded, match) or _range_at(folded, match, before)
        if money:
            value, end = money
            found.append(Mention(match.start(), end, value))
            skip_until = end
            continue
        if is_year(token) or _NOT_MONEY_AFTER.match(after):
            continue
        value = parse_number(token)
        if _BEFORE_CUR.search(before):
            found.append(Mention(match.start(), match.end(), value))
        elif line.strip(" .-") == token and (value == 0 or value >= 10):
            found.append(Mention(match.start(), match.end(), value))  # a line that is just a number
        elif re.search(r"[:=]\s*$", before) and (has_currency or _nearest_keyword(before)):
            found.append(Mention(match.start(), match.end(), value))  # "Recettes : 8806.06"
        elif _labelled(before):
            found.append(Mention(match.start(), match.end(), value))  # "Budget global 15000"
    return found


def _labelled(before: str) -> bool:
    """True when ``before`` ends with a total or charges label and filler words only."""
    nearest = _nearest_keyword(before)
    return nearest is not None and nearest[0] in (TOTAL, CHARGES) and _only_filler(before[nearest[1] :])


def _nearest_keyword(before: str) -> tuple[str, int] | None:
    """Class and end position of the keyword nearest to the end of ``before``."""
    best: tuple[str, int] | None = None
    for kind, pattern in _KEYWORDS:
        for match in pattern.finditer(before):
            if best is None or match.end() > best[1]:
                best = (kind, match.end())
    return best


def _only_filler(words: str) -> bool:
    tokens = re.findall(r"[a-z0-9']+", words.replace("'", " "))
    return all(t in _FILLER or is_year(t) for t in tokens) and len(tokens) <= 10


def _kind(before: str, after: str, section: str) -> str:
    """Class of one amount from the words before it on its line, the words after it, its section."""
    if _UNIT_AFTER.match(after):
        return EXCLUDED  # "2 € par personne"
    nearest = _nearest_keyword(before)
    kind = nearest[0] if nearest else None
    if kind == CHARGES and _OTHER_ITEM.search(before):
        kind = OTHER  # "Autres charges : 2 000 €" is one item of the charges
    if nearest is not None and kind in (TOTAL, CHARGES) and not _only_filler(before[nearest[1] :]):
        kind = OTHER  # "Budget : fournitures 200 €", "Charges de personnel : 5 000 €"
    if kind in (None, OTHER, EXCLUDED) and _FOR_THE_ACTION.match(after):
        return TOTAL  # "… dont 12 000 € pour l'action"
    if kind is None and _FUNDER_AFTER.match(after):
        return FUNDING  # "3 000 € de la CAF"
    return section if kind is None else kind


def _classify(folded: str, mentions: list[Mention]) -> None:
    """Set the class of every mention from its context (keyword, following words, heading)."""
    section = OTHER
    pending = iter(mentions)
    mention = next(pending, None)
    line_start = 0
    for line in folded.split("\n"):
        line_end = line_start + len(line)
        previous_end = line_start
        in_line = False
        while mention is not None and mention.start < line_end:
            in_line = True
            before = folded[max(previous_end, mention.start - 80) : mention.start]
            after = folded[mention.end : mention.end + 50].split("\n")[0]
            mention.per_year = bool(_PER_YEAR_AFTER.match(after) or _YEAR_LABEL.search(before))
            mention.per_year |= "annee" in before or "annee" in after
            mention.kind = _kind(before, after, section)
            mention.flagged_total = mention.kind == CHARGES and "total" in before
            mention.label = before.rsplit("\n", 1)[-1]
            mention.opens_breakdown = after.lstrip(" .,").startswith("(")
            previous_end = mention.end
            mention = next(pending, None)
        if not in_line and (line.rstrip().endswith(":") or len(line.split()) <= 4):  # a heading's shape first
            heading = _nearest_keyword(line)
            if heading:
                section = OTHER if heading[0] == TOTAL else heading[0]  # "Dépenses :" above its items
        line_start = line_end + 1


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
    largest = max(group, key=lambda m: m.value)
    rest = sum(values) - largest.value
    if rest > 0 and abs(largest.value - rest) <= max(1.0, 0.005 * largest.value):
        if _SUM_LABEL.fullmatch(largest.label) or largest.opens_breakdown:
            return largest.value  # a subtotal followed or preceded by its breakdown
    return sum(values)


_OTHER_ITEM = re.compile(r"\bautres?\s+(?:charges?|depenses?|couts?)")
_RESULT_LABEL = re.compile(r"^\s*(?:=|soit\b|ce qui fait\b|donc\b|pour un total de\b)")
_STRONG_TOTAL = re.compile(r"\btota|\bglobal|\benveloppe")


def _drop_factors(folded: str, mentions: list[Mention]) -> list[Mention]:
    """Without the amounts a later "= total" / "soit total" of the same line is computed from."""
    dropped: set[int] = set()
    for index, mention in enumerate(mentions):
        line_start = folded.rfind("\n", 0, mention.start) + 1
        if not _RESULT_LABEL.match(mention.label) or mention.kind == EXCLUDED:
            continue
        for previous in range(index - 1, -1, -1):
            if mentions[previous].start < line_start:
                break
            dropped.add(previous)
            if mentions[previous].kind == TOTAL and mention.kind not in (TOTAL, FUNDING):
                mention.kind = TOTAL
    return [m for index, m in enumerate(mentions) if index not in dropped]


def _first_total(group: list[Mention]) -> float:
    """The stated total: one labelled total / global first, wherever it stands, else the first."""
    strong = [m for m in group if _STRONG_TOTAL.search(m.label)]
    return (strong or group)[0].value


def extract_budget(text: str | None, stated_only: bool = False) -> float | None:
    """Total budget in euros stated in ``text``; 0.0 for "no budget", None when nothing is stated.

    ``stated_only`` (a text that is not the financial section) leaves funding lines and "no budget" out."""
    if not text or not text.strip():
        return None
    folded = fold_same_length(text)
    mentions = _find_numbers(folded)
    _classify(folded, mentions)
    mentions = _drop_factors(folded, mentions)
    for kind in (TOTAL, CHARGES, OTHER) if stated_only else (TOTAL, CHARGES, OTHER, FUNDING):
        group = [m for m in mentions if m.kind == kind]
        if group:
            value = _first_total(group) if kind == TOTAL else _combine(group)
            return round(value, 2)
    if stated_only:
        return None
    if _NO_BUDGET.search(folded) or re.fullmatch(r"\W*0+(?:[.,]0+)?\s*(?:€|euros?)?\W*", folded):
        return 0.0
    return None
