"""Print fiches (dicts from ``bench.synth.generate``) the way the SENACS catalogue does (format.md §1, §2)."""

from __future__ import annotations

import zlib
from collections.abc import Iterable

PAGE_HEADING = "Les actions des centres sociaux"
TABLE_HEADER = "Nom | Département | Année |"
PAGE_SIZE = 25


def _text(value: str | None) -> list[str]:
    return value.splitlines() if value else []


def _items(values: list[str], lone_dash: bool = True) -> list[str]:
    return (["-"] if lone_dash else []) + [f"- {value}" for value in values]


def fiche_block(fiche: dict) -> list[str]:
    """One ``Actions`` block: the labels in the seed's order, Territoire printed twice."""
    territoire = [f"- {fiche['territoire']}"] if fiche.get("territoire") else []
    # about one fiche in twenty has no attachments label at all (as in real dumps)
    attachments = [] if zlib.crc32(fiche["title"].encode()) % 20 == 0 else ["- Fichier(s) associé(s)"]
    lines = ["Actions", fiche["title"], "- Structure organisatrice", f"- {fiche['structure']} - {fiche['departement']}",
             *attachments, "- Statut de l'action", f"- {fiche['statut']}"]
    if fiche["statut"] == "Terminée":
        lines += ["- Raisons pour lesquelles l'action est terminée", *_text(fiche.get("raison_fin"))]
    lines += ["- Dimension", *([f"- {fiche['dimension']}"] if fiche.get("dimension") else [])]
    lines += ["- Mots clés associés à l'action", *_items(fiche["mots_cles"])]
    lines += ["- Résumé", *_text(fiche.get("resume"))]
    lines += ["- Qui est à l'initiative de l'action ?", *_items(fiche["initiative"])]
    if "Autre" in fiche["initiative"]:
        lines += ["- Précision ( si autre )", *_text(fiche.get("precision"))]
    lines += ["- Territoire concerné", *territoire]
    lines += ["- Description de l'expérience, ses objectifs, ses acteurs et ses différentes phases.",
              *_text(fiche.get("description_experience"))]
    lines += ["- Public", *_items(fiche["public"], lone_dash=False)]
    lines += ["- Avec qui cette action a-t-elle été menée ?", "-", "Partenaires d'action:",
              *_items(fiche["partenaires"], lone_dash=False)]
    lines += ["- Territoire concerné", *territoire]
    for label, key in (("Description générale", "description_generale"),
                       ("Ressources financières mobilisées pour cette action", "ressources_financieres"),
                       ("Nombre de personnes mobilisés pour cette action", "personnes_mobilisees"),
                       ("Résultat sur le territoire", "resultat_territoire"),
                       ("Résultat pour le centre social", "resultat_centre"),
                       ("Résultat pour les habitants", "resultat_habitants"),
                       ("Suite de l'action : Limites", "limites"),
                       ("Suite de l'action : Perspectives", "perspectives")):
        lines += [f"- {label}", *_text(fiche.get(key))]
    return lines


def to_senacs_text(fiches: Iterable[dict]) -> str:
    """A text dump like ``seeds/001``: the heading, then one block per fiche (the year is not printed)."""
    lines = [PAGE_HEADING]
    for fiche in fiches:
        lines += fiche_block(fiche)
    return "\n".join(lines) + "\n"


def to_list_page(fiches: Iterable[dict]) -> str:
    """Catalogue list pages: per 25 fiches, the heading, the ``Nom | Département | Année |`` table, the blocks."""
    out: list[str] = []
    page: list[dict] = []

    def flush() -> None:
        out.append(PAGE_HEADING)
        out.append(TABLE_HEADER)
        out.extend(f"{f['title']} | {f['departement']} | {f['year'] or ''} |" for f in page)
        for fiche in page:
            out.extend(fiche_block(fiche))
        page.clear()

    for fiche in fiches:
        page.append(fiche)
        if len(page) == PAGE_SIZE:
            flush()
    if page:
        flush()
    return "\n".join(out) + "\n"
