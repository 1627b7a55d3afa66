"""The result set: every concept matched, words that must not merge, typing, places, folded near-duplicates."""

from __future__ import annotations

import pytest

from app.domain.places import departement_name, find_places
from app.search.analysis import ACRONYMS, STEM_OVERRIDES, terms
from app.search.params import SearchParams
from app.search.thesaurus import display_terms, load, parse
from tests.devset.fiches import devset_fiches
from tests.search.conftest import load_devset, search

ROWS = {r["id"]: r for r in devset_fiches()}


def ids(result) -> set[str]:
    return {h["id"] for h in result["hits"]}


def fiche(fid: str, title: str, text: str, **extra) -> dict:
    return dict(ROWS["env1"], id=fid, title=title, resume=text, description_experience=None, mots_cles=[],
                **extra)


# -- every concept --------------------------------------------------------------------------------------

def test_every_concept_must_match(devset_service):
    """« repair café » is one concept (a thesaurus phrase); « atelier de réparation » counts only as a phrase."""
    result = search(devset_service, q="repair café", size=100)
    assert {"env1", "sp02"} <= ids(result)
    assert not ids(result) & {"par2", "sp04", "ext4", "sp05"}  # cafés des parents, CAF
    two = search(devset_service, q="jardin quartier", size=100)
    for hit in two["hits"]:
        text = " ".join(str(ROWS[hit["id"]].get(k) or "") for k in ("title", "resume", "description_experience",
                                                                    "structure", "departement")).lower()
        assert "jardin" in text and "quartier" in text, hit["id"]


def test_multiword_expansion_matches_as_a_phrase(service, store):
    """« personnes âgées » expands to « troisième âge » as a phrase: never word by word."""
    load_devset(store, [
        fiche("phrase", "Club du troisième âge", "Des après-midis de jeux."),
        fiche("typed", "Visites aux personnes isolées", "Des bénévoles rendent visite aux personnes très âgées."),
        fiche("person", "Accueil des personnes", "Au troisième étage, un accueil pour les enfants."),
        fiche("apart", "Atelier d'éveil", "Le troisième atelier de la saison réunit des enfants, quel que soit leur âge."),
    ])
    service.sync()
    assert ids(search(service, q="personnes âgées")) == {"phrase", "typed"}


def test_approchants_when_nothing_matches_every_concept(devset_service):
    result = search(devset_service, q="chorale apiculture")
    assert result["total"] == 0 and result["hits"] == [] and result["total_fiches"] == 0
    assert result["approchants"] and result["approchants"][0]["id"] == "cul1"
    assert all(f["count"] == 0 for values in result["facets"].values() for f in values)
    assert devset_service.export_ids(SearchParams(q="chorale apiculture")) == []


def test_a_short_result_set_is_followed_by_its_close_results(devset_service):
    """« mobilité rurale »: two fiches say both; the mobility-only fiches follow them, apart and uncounted."""
    result = search(devset_service, q="mobilité rurale")
    assert ids(result) == {"sen5", "ext6"} and result["total"] == 2 and result["total_fiches"] == 2
    near = [h["id"] for h in result["approchants"]]
    assert {"emp3", "env4"} <= set(near) and not {"sen5", "ext6"} & set(near)
    assert sum(f["count"] for f in result["facets"]["dimension"]) == 2  # the facets count the set only
    assert sorted(devset_service.export_ids(SearchParams(q="mobilité rurale"))) == ["ext6", "sen5"]


def test_close_results_only_after_the_last_hits_of_an_unfiltered_short_set(devset_service):
    pages = [search(devset_service, q="quartier enfants", size=2, page=p) for p in (1, 2)]
    assert pages[0]["total"] == 4 and pages[0]["approchants"] == []  # more hits come on the next page
    assert pages[1]["approchants"] and pages[1]["approchants"] == search(devset_service, q="quartier enfants")[
        "approchants"]
    assert search(devset_service, q="quartier enfants", size=2, page=3)["approchants"] == []  # past the end
    assert search(devset_service, q="mobilité rurale", dimension="Services")["approchants"] == []  # filtered
    assert search(devset_service, q="mobilité rurale", budget_min=1)["approchants"] == []  # a range
    two = search(devset_service, q="jardin", size=1)  # a one-concept query has no close results
    assert two["total"] > 1 and two["approchants"] == []
    big = [search(devset_service, q="enfants parents", size=5, page=p) for p in (1, 2, 3)]
    assert big[0]["total_fiches"] >= 10 and not any(page["approchants"] for page in big)  # a long set: none


def test_a_close_result_is_never_a_near_duplicate_of_a_hit(service, store):
    load_devset(store, [
        fiche("a", "Transport solidaire rural", "Des chauffeurs bénévoles en milieu rural."),
        dict(fiche("b", "Transport solidaire", "Des chauffeurs bénévoles pour les courses."), duplicate_of="a"),
        fiche("c", "Transport à la demande", "Un minibus pour les courses."),
    ])
    service.sync()
    result = search(service, q="transport rural")
    assert ids(result) == {"a"}
    assert [h["id"] for h in result["approchants"]] == ["c"]


def test_a_query_no_fiche_answers_finds_nothing(devset_service):
    for q in ("piscine olympique", "tournoi d'échecs"):
        assert search(devset_service, q=q)["total"] == 0


# -- concepts met by controlled values (thesaurus « @ » lines) and by the field's vocabulary -------------

def test_a_public_value_satisfies_the_concept_it_implies(devset_service):
    """sp17 « Théâtre » never says « jeunes », but its Public is « Jeunesse »; sp01's Public is « Enfance »."""
    assert {"sp17", "cul2"} <= ids(search(devset_service, q="théâtre jeunes"))
    assert {"sco1", "sp01"} <= ids(search(devset_service, q="soutien scolaire enfants"))
    assert "ext7" in ids(search(devset_service, q="aînés", size=100))  # Public « Seniors », from another source


def test_controlled_values_do_not_fire_beyond_what_they_imply(devset_service):
    # « Tous publics » implies no public: the repair cafés open to all are not young people's
    nothing = search(devset_service, q="jeunes repair café")
    assert nothing["total"] == 0 and {"env1", "sp02"} <= {h["id"] for h in nothing["approchants"]}
    assert "num2" not in ids(search(devset_service, q="numérique seniors"))  # an EPN « Tous publics »
    # « Jeunesse » implies « jeunes », not « ados »: the youth theatre comes only as a close result
    ados = search(devset_service, q="ados théâtre")
    assert ids(ados) == {"jeu5"} and "sp17" in {h["id"] for h in ados["approchants"]}
    # the word alone still needs the concept: a fiche about « jeunesse » that is for adults is not found
    assert "sen1" not in ids(search(devset_service, q="jeunes", size=100))


def test_rural_is_said_many_ways_but_a_campaign_is_not_rural(devset_service):
    assert ids(search(devset_service, q="rural")) == {"sen5", "ext6"}  # « milieu rural », « zone rurale »
    assert ids(search(devset_service, q="mobilité rurale")) == {"sen5", "ext6"}
    assert "ext5" in ids(search(devset_service, q="campagne"))  # « campagne de sensibilisation »


def test_controlled_lines_of_the_thesaurus():
    thesaurus = parse("@public Enfance | Petite enfance => enfants | enfance\nseniors | aînés\n")
    assert thesaurus.controlled[("enfant",)] == [("public", "Enfance"), ("public", "Petite enfance")]
    assert "enfant" in thesaurus.words
    with pytest.raises(ValueError, match="@facette"):
        parse("@nimporte Valeur => mot\n")
    with pytest.raises(ValueError):
        parse("@public Enfance enfants\n")  # no arrow
    assert load().controlled[("jeun",)] == [("public", "Jeunesse"), ("public", "Jeunes adultes")]
    assert ("public", "Tous publics") not in {p for pairs in load().controlled.values() for p in pairs}
    assert all(not term.startswith("@") for term, _ in display_terms())


# -- words that must not merge -------------------------------------------------------------------------

def test_cafe_and_caf_are_different_words(devset_service):
    cafe = ids(search(devset_service, q="café", size=100))
    caf = ids(search(devset_service, q="CAF", size=100))
    assert {"par2", "sp04", "env1", "sp02"} <= cafe and not cafe & {"ext4", "sp05", "sp15"}
    assert {"ext4", "sp05", "sp15"} <= caf and not caf & {"par2", "sp04", "env1", "sp02"}
    assert search(devset_service, q="cafés")["total"] == search(devset_service, q="café")["total"]


@pytest.mark.parametrize("word", sorted(ACRONYMS))
def test_acronyms_are_their_own_terms(word):
    assert terms(word.upper()) == [word]


@pytest.mark.parametrize("one,other", [
    ("café", "CAF"), ("cafés", "CAF"), ("communication", "commune"), ("rame", "RAM"), ("EVS", "ev"),
    ("repas", "REP"), ("devis", "devoirs"), ("course", "cours"), ("personnel", "personnes"),
    ("département", "départ"), ("initiation", "initiative"), ("français", "France"), ("commune", "commun"),
    ("Gers", "gérer"), ("tennis", "tenir"), ("galette", "galets"), ("environnement", "environ"),
    ("concertation", "concert"), ("équitation", "équité"),
])
def test_collisions_are_kept_apart(one, other):
    assert terms(one) != terms(other)


def test_overrides_keep_their_own_forms_together():
    for word, term in STEM_OVERRIDES.items():
        assert terms(word) == [term]
    assert terms("communications") == terms("communication")


# -- as you type ------------------------------------------------------------------------------------------

def test_last_word_matches_as_a_prefix(devset_service):
    result = search(devset_service, q="numér", size=100)
    assert result["total"] > 0 and {"num2", "num4", "sp21"} <= ids(result)
    assert result["suggestion"] is None
    repai = search(devset_service, q="repai", size=100)
    assert {"env1", "sp02"} <= ids(repai) and not ids(repai) & {"sen1", "dup1"}  # not « Repas partagés »
    assert search(devset_service, q="atelier vél")["hits"][0]["id"] in {"env4", "sp20"}


def test_a_known_word_is_never_corrected(service, store):
    rows = [fiche(f"devis{i}", f"Devis de travaux {i}", "Un devis pour la rénovation.") for i in range(12)]
    rows.append(fiche("devoirs", "Aide aux devoirs", "Les devoirs du soir."))
    load_devset(store, rows)
    service.sync()
    result = search(service, q="devoirs")
    assert result["suggestion"] is None and ids(result) == {"devoirs"}
    assert search(service, q="devoir")["suggestion"] is None


def test_an_unknown_word_is_corrected(devset_service):
    result = search(devset_service, q="chorrale")
    assert result["suggestion"] == "chorale" and result["hits"][0]["id"] == "cul1"


# -- places -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("q,code,name", [
    ("94", "94", "Val-de-Marne"), ("Val-de-Marne", "94", "Val-de-Marne"), ("val de marne", "94", "Val-de-Marne"),
    ("Marseille", "13", "Bouches-du-Rhône"), ("Lyon", "69", "Rhône"), ("atelier Marseille", "13", "Bouches-du-Rhône"),
])
def test_places_offer_their_departement(devset_service, q, code, name):
    result = search(devset_service, q=q, size=100)
    assert [(p["code"], p["nom"]) for p in result["lieux"]] == [(code, name)]
    assert result["hits"], q
    in_place = [h["departement_code"] == code for h in result["hits"]]
    assert in_place[0] and in_place == sorted(in_place, reverse=True)  # the département's fiches first
    selected = search(devset_service, q=q, departement=code)
    assert selected["lieux"][0]["selected"] is True


def test_place_names_need_their_capital_when_they_are_also_words():
    assert find_places("Nord")[0].place.departement == "59"
    assert find_places("vers le nord") == []
    assert find_places("sortie à la mer") == []
    assert find_places("5 ans") == [] and find_places("2019") == []
    assert departement_name("2a") == "Corse-du-Sud"


def test_places_found_again_are_the_callers_own_list():
    """``find_places`` remembers recent texts (every refinement of a query looks at it again)."""
    first = find_places("Jardins à Vénissieux et dans le Nord")
    first.clear()
    again = find_places("Jardins à Vénissieux et dans le Nord")
    assert [m.place.name for m in again] == ["Vénissieux", "Nord"] and again is not first


def test_place_search_without_text_returns_the_departement(devset_service):
    result = search(devset_service, q="Val-de-Marne", size=100)
    assert {r["id"] for r in ROWS.values() if r["departement_code"] == "94"} <= ids(result)


# -- near-duplicates --------------------------------------------------------------------------------------

def test_a_duplicate_group_appears_once_on_one_page_led_by_its_newest_fiche(service, store):
    rows = [fiche(f"other{i}", f"Atelier jardinage {i}", "Un atelier de jardinage au pied des immeubles.")
            for i in range(7)]
    group = [fiche(f"g{year}", "Jardinage partagé des familles", "Un atelier de jardinage avec les familles.",
                   year=year, duplicate_of=None if year == 2016 else "g2016") for year in (2016, 2020, 2023)]
    load_devset(store, rows + group)
    service.sync()
    seen: list[str] = []
    first = search(service, q="jardinage", size=3)
    assert first["total"] == 8 and first["total_fiches"] == 10
    for page in range(1, 4):
        result = search(service, q="jardinage", size=3, page=page)
        seen += [h["id"] for h in result["hits"]]
        assert len(result["hits"]) == (3 if page < 3 else 2)
        for hit in result["hits"]:
            if hit["id"].startswith("g"):
                assert hit["id"] == "g2023"
                assert [o["id"] for o in hit["autres"]] == ["g2020", "g2016"]
                assert hit["libelle_doublons"] == "même action, autres années : 2020 · 2016"
    assert sorted(seen) == sorted([f"other{i}" for i in range(7)] + ["g2023"])
    exported = service.export_ids(SearchParams(q="jardinage"))
    assert len(exported) == 10
    lead = exported.index("g2023")
    assert exported[lead : lead + 3] == ["g2023", "g2020", "g2016"]
    by_year = search(service, q="jardinage", sort="recent", size=20)
    assert [h["id"] for h in by_year["hits"]].count("g2023") == 1


def test_a_group_of_other_structures_says_so(service, store):
    a = fiche("a", "Repair café du quartier", "Réparer ensemble.", structure="Centre social A")
    b = fiche("b", "Repair café du quartier", "Réparer ensemble.", structure="Centre social B", duplicate_of="a")
    load_devset(store, [a, b])
    service.sync()
    hit = search(service, q="repair café")["hits"][0]
    assert hit["libelle_doublons"] == "même action, autres structures"


# -- similar fiches -----------------------------------------------------------------------------------------

def test_similar_fiches_say_what_they_share(devset_service):
    similar = devset_service.similar("env1")
    assert similar and all(h["commun"] for h in similar)
    assert similar[0]["id"] in {"sp02", "env2", "env4", "sp20"}
    shared = {s.casefold() for h in similar for s in h["commun"]}
    assert "développement durable" in shared
    for boilerplate in ("centre", "social", "mise", "œuvre", "travers", "petit", "description"):
        assert boilerplate not in shared
