"""Search features over the development set: escaping, facets, ranges, sorts, paging, snippets, etc."""

import re

import pytest

from app.search.params import FACET_NAMES, SearchParams
from app.search.scoring import SHORT_SET
from tests.devset.fiches import devset_fiches
from tests.search.conftest import search

ROWS = {r["id"]: r for r in devset_fiches()}


@pytest.mark.parametrize("q", [
    '"', "'", 'aide "aux', "AND", "OR NOT", "title:foo", "mots_cles:(Santé", "*", "?", "a AND (b OR", "~2 ^3",
    "\\", "[2019 TO 2020]", "<script>", "%%%", "' OR 1=1 --", "é" * 300,
])
def test_hostile_queries_are_plain_text(devset_service, q):
    result = search(devset_service, q=q)
    full = devset_service.export_ids(SearchParams(q=q))
    assert result["total_fiches"] == len(full)
    assert [h["id"] for h in result["hits"]] == [i for i in full if i in {h["id"] for h in result["hits"]}]
    assert all(h["id"] in full for h in result["hits"])
    if result["hits"] and result["approchants"]:  # close results follow only a short set, on its last page
        assert len(full) < SHORT_SET and not {h["id"] for h in result["approchants"]} & set(full)


def test_field_syntax_is_searched_as_words(devset_service):
    result = search(devset_service, q="title:chorale")  # "title" is a word no fiche has: a close result
    assert result["total"] == 0 and result["approchants"][0]["id"] == "cul1"
    assert search(devset_service, q="chorale:")["hits"][0]["id"] == "cul1"


def test_result_shape(devset_service):
    result = search(devset_service, q="chorale", size=5)
    assert set(result) == {"total", "total_fiches", "page", "size", "hits", "approchants", "lieux", "facets",
                           "suggestion", "took_ms"}
    hit = result["hits"][0]
    for key in ("id", "title", "structure", "departement", "departement_code", "region", "year", "dimension",
                "mots_cles", "public", "territoire", "statut", "budget_eur", "etp", "snippet", "duplicate_of",
                "duplicates", "autres", "libelle_doublons", "score"):
        assert key in hit
    assert list(result["facets"]) == list(FACET_NAMES)  # every facet of the catalogue, in its order


def _counts(result, facet):
    return {e["value"]: (e["count"], e["selected"]) for e in result["facets"][facet]}


def test_facets_are_disjunctive(devset_service):
    everything = search(devset_service)
    assert everything["total_fiches"] == len(ROWS)
    assert everything["total"] == len(ROWS) - 1  # sen1 and dup1: one action
    dims = _counts(everything, "dimension")
    assert sum(c for c, _ in dims.values()) == len(ROWS)

    one = search(devset_service, dimension="Citoyenneté")
    assert one["total_fiches"] == dims["Citoyenneté"][0]
    # the selected facet keeps counting its other values
    assert _counts(one, "dimension") == {v: (c, v == "Citoyenneté") for v, (c, _) in dims.items()}

    both = search(devset_service, dimension=["Citoyenneté", "Services"])
    assert both["total_fiches"] == dims["Citoyenneté"][0] + dims["Services"][0]

    # AND across facets: the other facets count within the selection
    crossed = search(devset_service, dimension="Citoyenneté", departement="Nord (59)")
    expected = [r for r in ROWS.values() if r["dimension"] == "Citoyenneté" and r["departement"] == "Nord"]
    assert crossed["total_fiches"] == len(expected)
    nord_by_dimension = sum(1 for r in ROWS.values() if r["departement"] == "Nord")
    assert sum(c for c, _ in _counts(crossed, "dimension").values()) == nord_by_dimension


def test_selected_value_with_no_hit_stays_listed(devset_service):
    result = search(devset_service, q="chorale", mots_cles=["Culture", "Logement"])
    counts = _counts(result, "mots_cles")
    assert counts["Logement"] == (0, True)
    assert counts["Culture"][1] is True and counts["Culture"][0] >= 1


def test_facet_values_sorted_by_count_then_accent_insensitive_label(devset_service):
    entries = search(devset_service)["facets"]["mots_cles"]
    from app.search.analysis import fold
    keys = [(-e["count"], fold(e["value"])) for e in entries]
    assert keys == sorted(keys)


def test_departement_can_be_selected_by_code(devset_service):
    by_code = search(devset_service, departement="59")
    by_name = search(devset_service, departement="Nord")
    assert by_code["total_fiches"] == by_name["total_fiches"] > 0
    by_label = search(devset_service, departement="Nord (59)")
    assert by_label["total_fiches"] == by_code["total_fiches"]
    assert _counts(by_code, "departement")["Nord (59)"][1] is True  # the facet shows the code
    labels = [e["value"] for e in by_code["facets"]["departement"]]
    assert len(labels) == len(set(labels)) and "Nord" not in labels


def test_annee_facet_and_ranges(devset_service):
    assert search(devset_service, annee="2019")["total_fiches"] == sum(1 for r in ROWS.values() if r["year"] == 2019)
    r = search(devset_service, annee_min=2021, annee_max=2022, size=100)
    assert {h["year"] for h in r["hits"]} <= {2021, 2022}
    assert r["total_fiches"] == sum(1 for x in ROWS.values() if 2021 <= x["year"] <= 2022)
    r = search(devset_service, budget_min=20000, budget_max=60000, size=100)
    assert r["total_fiches"] == sum(1 for x in ROWS.values() if x["budget_eur"] is not None
                                    and 20000 <= x["budget_eur"] <= 60000)
    r = search(devset_service, etp_min="1", size=100)
    assert r["total_fiches"] == sum(1 for x in ROWS.values() if x["etp"] is not None and x["etp"] >= 1)
    assert search(devset_service, budget_min=0, budget_max=0)["hits"][0]["id"] == "ext4"


def test_sorts(devset_service):
    budgets = [h["budget_eur"] for h in search(devset_service, sort="budget", size=100)["hits"]]
    known = [b for b in budgets if b is not None]
    assert known == sorted(known, reverse=True) and budgets == known + [None] * (len(budgets) - len(known))
    rising = [h["budget_eur"] for h in search(devset_service, sort="budget_croissant", size=100)["hits"]]
    assert rising == sorted(known) + [None] * (len(rising) - len(known))  # unknown budgets last both ways
    with_text = [h["budget_eur"] for h in search(devset_service, q="familles", sort="budget_croissant")["hits"]]
    assert [b for b in with_text if b is not None] == sorted(b for b in with_text if b is not None)
    years = [h["year"] for h in search(devset_service, sort="recent", size=100)["hits"]]
    assert years == sorted(years, reverse=True)
    from app.search.analysis import fold
    titles = [fold(h["title"]) for h in search(devset_service, sort="titre", size=100)["hits"]]
    assert titles == sorted(titles)
    scores = [h["score"] for h in search(devset_service, q="jeunes", size=100)["hits"]]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0


def test_paging_and_export(devset_service):
    full = devset_service.export_ids(SearchParams.from_query([("q", "familles"), ("sort", "titre")]))
    pages = []
    for page in (1, 2, 3):
        pages += [h["id"] for h in search(devset_service, q="familles", sort="titre", size=4, page=page)["hits"]]
    assert pages == full[:12]
    result = search(devset_service, q="familles", size=4, page=1)
    assert result["total_fiches"] == len(devset_service.export_ids(SearchParams(q="familles"))) > 12
    assert search(devset_service, q="familles", page=999)["hits"] == []


def test_snippet_marks_query_words_and_escapes_the_rest(service, store):
    from tests.search.conftest import load_devset, search
    row = dict(ROWS["env1"], id="evil", title="Atelier <b>réparation</b>",
               resume='On répare ensemble <script>alert("x")</script> & on jette moins.',
               description_experience=None)
    load_devset(store, [row])
    service.sync()
    hit = search(service, q="réparer")["hits"][0]
    assert "<script>" not in hit["snippet"] and "&lt;script&gt;" in hit["snippet"]
    assert "&amp;" in hit["snippet"]
    assert "<mark>répare</mark>" in hit["snippet"]
    assert re.sub(r"</?mark>", "", hit["snippet"]).count("<") == 0


def test_near_duplicate_group_is_reported(devset_service):
    """The group (sen1 2019, dup1 2020) is one entry, led by its newest fiche, labelled with what differs."""
    result = search(devset_service, q="repas partagés aînés")
    hits = {h["id"]: h for h in result["hits"]}
    assert "sen1" not in hits and hits["dup1"]["duplicate_of"] == "sen1"
    assert hits["dup1"]["duplicates"] == ["sen1"]
    assert hits["dup1"]["autres"] == [{"id": "sen1", "title": "Repas partagés des aînés",
                                       "structure": "Centre social Lot", "year": 2019}]
    assert hits["dup1"]["libelle_doublons"] == "même action, autres années : 2019"
    assert result["total"] == result["total_fiches"] - 1


def test_similar_excludes_the_fiche_and_its_duplicates(devset_service):
    similar = [h["id"] for h in devset_service.similar("sen1")]
    assert similar and "sen1" not in similar and "dup1" not in similar
    assert set(similar[:3]) & {"sen3", "sen5", "sen2", "sen4", "num1"}
    assert devset_service.similar("nope") == []


def test_did_you_mean_and_typo_tolerance(devset_service):
    result = search(devset_service, q="Chorrale du quartier")
    assert result["hits"][0]["id"] == "cul1"  # the typo is corrected while searching
    assert result["suggestion"] == "chorale du quartier"
    assert search(devset_service, q="chorale")["suggestion"] is None
    result = search(devset_service, q="ressourcrie")
    assert result["hits"] and result["hits"][0]["id"] == "env2"
    none = search(devset_service, q="zzzzqqq")
    assert none["total"] == 0 and none["suggestion"] is None


def test_suggest_completes_the_last_word(devset_service):
    found = devset_service.suggest("atelier cho")
    assert "atelier chorale" in found
    assert all(s.startswith("atelier ") for s in found)
    assert devset_service.suggest("") == [] and devset_service.suggest("x") == []
    assert "numérique" in devset_service.suggest("numer")  # accents as written


def test_refinement_reuses_the_cached_text_result(devset_service):
    snap = devset_service._current()
    first = devset_service._text(snap, "jeunes quartier")
    search(devset_service, q="Jeunes  quartier", dimension="Services", sort="budget", page=2, size=3)
    assert devset_service._text(snap, "jeunes quartier") is first


def test_snippet_marks_typed_words_before_thesaurus_expansions(service, store):
    from tests.search.conftest import load_devset, search
    typed = dict(ROWS["env1"], id="typed", title="Café des parents",
                 resume="Soutien à la parentalité : accompagnement des parents et fonctionnement du lieu.",
                 description_experience=None)
    expansion = dict(ROWS["env1"], id="expansion", title="Groupe de parole",
                     resume="Un temps d'échange sur la fonction parentale, avec des fonctionnaires, au quotidien.",
                     description_experience=None)
    load_devset(store, [typed, expansion])
    service.sync()
    hits = {h["id"]: h["snippet"] for h in search(service, q="parentalité")["hits"]}
    assert re.findall(r"<mark>(.*?)</mark>", hits["typed"]) == ["parentalité"]
    # no typed word in the fiche: the expansion is marked, but not a word that merely starts like it
    marked = re.findall(r"<mark>(.*?)</mark>", hits["expansion"])
    assert "parentale" in marked and "fonction" in marked and "fonctionnaires" not in marked
