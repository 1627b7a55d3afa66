from hypothesis import given, settings
from hypothesis import strategies as st

from app.search.analysis import fold, query_words, terms
from app.search.thesaurus import FACET_NAMES, load, parse


def test_accents_are_folded_before_stemming():
    assert terms("numérique") == terms("numerique") == terms("NUMÉRIQUES")
    assert terms("épicerie") == terms("epiceries")


def test_feminine_participles_share_the_stem():
    assert len({tuple(terms(w)) for w in ("réfugiés", "réfugiées", "refugiee", "réfugié")}) == 1
    assert terms("personnes âgées") == terms("personne agee")


def test_elisions_are_stripped_with_both_apostrophes():
    assert terms("l'accompagnement") == terms("accompagnement")
    assert terms("d’insertion") == terms("insertion")
    assert terms("jusqu'à lorsqu’il puisqu'elle qu'un") == []
    assert terms("aujourd'hui") == ["aujourdhui"]


def test_stop_words_are_dropped_even_without_accents():
    assert terms("le la les des et à a ou où pour tres très") == []


def test_hyphenated_words_are_indexed_joined_and_split():
    found = terms("aide-ménagère")
    assert found[0] == "aidemenager"
    assert terms("aide") [0] in found and terms("ménagère")[0] in found


def test_query_words_keep_what_was_typed():
    words = query_words("L'accueil enfants-parents")
    assert words[0][0] == "L'accueil" and words[0][1] == terms("accueil")[0]
    assert words[1][2] == tuple(terms("enfants parents"))


def test_fold():
    assert fold("Œuvre Été Ça") == "oeuvre ete ca"


def test_thesaurus_matches_longest_phrases_on_stems():
    thesaurus = parse("seniors | aînés | personnes âgées\naide aux devoirs | CLAS\nA => B\n")
    found = thesaurus.match([w[1] for w in query_words("aide aux devoirs des personnes agees")])
    assert [(start, end) for start, end, _ in found] == [(0, 2), (2, 4)]
    assert (terms("senior")[0],) in found[1][2]
    # one-way rule: a expands to b, not the reverse
    assert parse("chorale => musique").match(terms("musique")) == []


def test_shipped_thesaurus_is_large_and_knows_the_field():
    thesaurus = load()
    assert len(thesaurus) >= 200  # phrases; the file has 80+ groups
    for phrase in ("CLAS", "LAEP", "ASL", "QPV", "ados", "mamans solos", "repair café", "épicerie solidaire", "EVS"):
        assert thesaurus.match([w[1] for w in query_words(phrase)]), phrase


LINE_PARTS = st.sampled_from(["@", "@public", "@mots_cles", "@inconnu", " ", "|", "=>", "Enfance", "Tous publics",
                              "enfants", "aînés", "é", "\u200b", "🙂", "#", "\n", "d'", "-", "0-3 ans"])


@settings(max_examples=200, deadline=None)
@given(st.lists(LINE_PARTS, max_size=30).map("".join) | st.text(max_size=80))
def test_any_thesaurus_text_parses_or_says_which_line_is_wrong(text):
    """A controlled-value line (« @facette Valeur => terme ») is read or refused with a message; nothing else."""
    try:
        thesaurus = parse(text)
    except ValueError as error:
        assert "@facette" in str(error)
        return
    for concept, pairs in thesaurus.controlled.items():
        assert concept and all(facet in FACET_NAMES and value.strip() for facet, value in pairs)
