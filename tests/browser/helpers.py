"""Helpers shared by the browser tests."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import httpx

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture then skips, or fails when FICHES_REQUIRE_BROWSER is set
    expect = None

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "tests" / "vendor" / "axe.min.js"
SCREENSHOTS = REPO / "docs" / "screenshots"

# A fiche whose title and text carry script, event-handler and javascript: payloads.
XSS_TITLE = "<script>window.__xss='titre'</script> Atelier <img src=x onerror=\"window.__xss='img'\"> cuisine"
XSS_RESUME = ("Atelier cuisine <script>window.__xss='resume'</script> avec un lien "
              "<a href=\"javascript:window.__xss='lien'\">javascript:alert(1)</a> pour tous.")
XSS_FICHE = f"""Les actions des centres sociaux
Actions
{XSS_TITLE}
- Structure organisatrice
- CENTRE SOCIAL <b onmouseover="window.__xss='b'">ESSAI</b> - Sarthe
- Statut de l'action
- En cours
- Dimension
- Services
- Mots clés associés à l'action
-
- Solidarité
- Résumé
{XSS_RESUME}
- Qui est à l'initiative de l'action ?
-
- Le centre social
- Territoire concerné
- Un quartier
- Description de l'expérience, ses objectifs, ses acteurs et ses différentes phases.
Une cuisine partagée <img src=x onerror="window.__xss='description'"> chaque mardi.
- Public
- Tous publics
- Description générale
javascript:window.__xss='url' puis <svg onload="window.__xss='svg'"></svg> et &lt;b&gt;
- Ressources financières mobilisées pour cette action
Budget global : 1 200 € <iframe src="javascript:window.__xss='iframe'"></iframe>
- Nombre de personnes mobilisés pour cette action
1 animatrice à mi-temps
"""


def wait_for_answer(page) -> None:
    """Wait until the count shows the answer, not the loading state a shared link shows at once."""
    expect(page.locator("#count")).not_to_have_text(re.compile(r"^\s*$|Recherche en cours"))


def api(base_url: str, path: str, params=None) -> dict:
    """The real API's answer, to compare the page against."""
    response = httpx.get(f"{base_url}{path}", params=params, timeout=30)
    response.raise_for_status()
    return response.json()


def card_titles(page) -> list[str]:
    return [normalise_spaces(t) for t in page.locator("#results > li > article .card-title a").all_inner_texts()]


def normalise_spaces(text: str) -> str:
    """French number formatting uses narrow no-break spaces: compare with plain spaces."""
    return " ".join(unicodedata.normalize("NFC", text).replace("\u202f", " ").replace("\u00a0", " ").split())


def count_re(fiches: int) -> str:
    """A regex of the count line for ``fiches`` fiches: "N fiches trouvées", or, when near-duplicates are
    folded by the engine, "M actions (N fiches)" (N may also be the number of actions an API total gives)."""
    number = r"\d[\d\u202f\u00a0 ]*"
    return (rf"(?:{count_text(fiches)}|{number} actions? \({fiches} fiches\)|{fiches} actions? \({number} fiches\))")


def count_text(total: int) -> str:
    """The count line as the page must write it, for totals below 1 000."""
    if total == 0:
        return "Aucune fiche trouvée"
    return f"{total} fiche trouvée" if total < 2 else f"{total} fiches trouvées"
