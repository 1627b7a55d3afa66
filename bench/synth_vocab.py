"""Vocabulary of the synthetic fiches: activities of centres sociaux, actors, places, taxonomies.

Every list is ordered from most to least frequent: ``bench.synth`` draws from them with Zipf weights, so
the generated text has the heavy-tailed word frequencies of real writing. Values separated by ``|``.
"""

from __future__ import annotations


def split(text: str) -> list[str]:
    return [part.strip() for part in text.split("|") if part.strip()]


# (titles, mots clés, public, dimension, activity phrases). Most frequent activity first.
ACTIVITIES: tuple[tuple[str, str, str, str, str], ...] = (
    ("Accompagnement à la scolarité (CLAS)|Aide aux devoirs|Coup de pouce scolaire|CLAS primaire et collège",
     "éducation / scolarité|Parentalité", "Enfance", "Services",
     "l'aide aux devoirs|l'accompagnement à la scolarité|des ateliers d'aide méthodologique|le lien avec les "
     "enseignants|des sorties culturelles|un temps d'échange avec les parents|des jeux éducatifs"),
    ("Fête de quartier|Fête du quartier|Fête des voisins|Faites de la musique !|Carnaval du quartier",
     "Mixité sociale|Culture|Démocratie & citoyenneté", "Tous publics", "Citoyenneté",
     "la fête de quartier|un repas partagé en plein air|des animations de rue|un concert|des stands tenus "
     "par les associations|un spectacle de fin de journée|une scène ouverte"),
    ("Ateliers sociolinguistiques (ASL)|Apprendre le français ensemble|Ateliers de français|Parlons français",
     "Intégration|Solidarité", "Adultes", "Services",
     "les ateliers sociolinguistiques|l'apprentissage du français|des visites des services publics|des mises en "
     "situation à la poste et à la mairie|la découverte de la ville|un atelier conversation"),
    ("Sorties familles|Sorties familiales|Week-ends en famille|Escapades familiales",
     "vacances / loisirs|Parentalité", "familles", "Accompagnement de projets",
     "les sorties familles|une journée à la mer|des week-ends en famille|la préparation des sorties avec les "
     "parents|des visites de musées|une sortie au parc animalier"),
    ("Jardins partagés|Jardin partagé du quartier|Les jardins familiaux|Potager solidaire",
     "développement durable|Mixité sociale|intergénérationnel", "Tous publics", "Citoyenneté",
     "le jardin partagé|des parcelles collectives|un composteur de quartier|des ateliers de jardinage|"
     "des plantations avec l'école|une grainothèque"),
    ("Épicerie solidaire|Épicerie sociale et solidaire|L'épicerie du cœur",
     "Précarité|Solidarité", "familles", "Services",
     "l'épicerie solidaire|des produits à petit prix|un accompagnement budgétaire|des ateliers cuisine|"
     "la lutte contre le gaspillage alimentaire|un espace d'accueil convivial"),
    ("Repair café|Repair Café du quartier|Atelier réparation et réemploi|Répar'tout solidaire",
     "développement durable|Solidarité", "Tous publics", "Citoyenneté",
     "le repair café|la réparation de petit électroménager|le prêt d'outils|des bénévoles bricoleurs|"
     "le réemploi des objets|un atelier vélo"),
    ("Accès aux droits|Point d'accès aux droits|Permanence France Services|Accompagnement administratif",
     "Précarité|Solidarité", "Adultes", "Services",
     "l'accès aux droits|des permanences administratives|l'aide aux démarches en ligne|le lien avec la Caf "
     "et la CPAM|la lutte contre le non-recours|un écrivain public"),
    ("Numérique seniors|Ateliers informatique seniors|Espace numérique|Lutte contre la fracture numérique",
     "Viellissement|intergénérationnel", "Adultes", "Services",
     "des ateliers numériques|l'initiation à la tablette|l'utilisation d'internet|la fracture numérique|"
     "des permanences d'aide numérique|l'envoi de photos à la famille"),
    ("Lieu d'accueil enfants-parents (LAEP)|LAEP Les P'tits Pas|Lieu d'accueil parents-enfants",
     "Parentalité", "Petite enfance", "Services",
     "le lieu d'accueil enfants-parents|des temps de jeu libre|l'écoute des parents|la socialisation des tout-"
     "petits|l'accueil anonyme et gratuit|la préparation à l'entrée à l'école"),
    ("Café des parents|Café des parents du mercredi|Pause parents",
     "Parentalité|éducation / scolarité", "familles", "Accompagnement de projets",
     "le café des parents|des échanges entre parents|des thèmes choisis par les familles|l'intervention "
     "d'une psychologue|des soirées débat"),
    ("Conseil citoyen|Comité d'habitants|Conseil de maison|Assemblée des habitants",
     "Démocratie & citoyenneté", "Tous publics", "Citoyenneté",
     "le conseil citoyen|des réunions d'habitants|le pouvoir d'agir des habitants|des diagnostics en marchant|"
     "la participation aux instances de la politique de la ville"),
    ("Chantier d'insertion|Chantier éducatif jeunes|Chantier jeunes vacances",
     "Emploi, économie|Intégration", "Jeunes adultes", "Accompagnement de projets",
     "le chantier d'insertion|la rénovation de locaux|un accompagnement vers l'emploi|la remobilisation de "
     "jeunes éloignés de l'emploi|la découverte des métiers du bâtiment"),
    ("Plateforme mobilité|Auto-école sociale|Garage solidaire|Bouge ta mobilité",
     "mobilité / transport|Emploi, économie", "Adultes", "Services",
     "la plateforme mobilité|le code de la route|des prêts de scooters|un transport solidaire|"
     "l'apprentissage du vélo"),
    ("Départs en vacances|Vacances familles|Premiers départs en vacances",
     "vacances / loisirs|Précarité", "familles", "Accompagnement de projets",
     "le départ en vacances|la préparation du budget vacances|l'aide aux projets vacances|des séjours courts"),
    ("Atelier santé bien-être|Prévention santé|Parcours santé seniors",
     "Santé", "Adultes", "Services",
     "des ateliers santé|la prévention des chutes|un bilan de santé gratuit|l'alimentation équilibrée|"
     "des séances de gym douce"),
    ("Junior association|Projets jeunes|Accueil jeunes|Séjour autofinancé des jeunes",
     "vacances / loisirs|Démocratie & citoyenneté", "Jeunesse", "Accompagnement de projets",
     "l'accueil jeunes|un séjour construit par les jeunes|des actions d'autofinancement|le local jeunes"),
    ("Bien vivre dans son logement|Atelier habitat|Appartement pédagogique",
     "Logement|Précarité", "familles", "Services",
     "l'appartement pédagogique|les économies d'énergie|le petit bricolage|les relations avec le bailleur"),
    ("Cuisine partagée|Ateliers cuisine du monde|Repas partagés",
     "Santé|Mixité sociale|Culture", "Tous publics", "Citoyenneté",
     "des ateliers cuisine|des repas partagés|les recettes du monde|un livre de recettes"),
    ("Lutte contre l'isolement des aînés|Visites de convivialité|Mona Lisa",
     "Viellissement|Solidarité|intergénérationnel", "Adultes", "Services",
     "des visites à domicile|des appels de convivialité|des goûters intergénérationnels"),
    ("Théâtre forum|Égalité filles-garçons|Semaine contre les discriminations",
     "discriminations|Culture|Démocratie & citoyenneté", "Jeunesse", "Citoyenneté",
     "le théâtre forum|des débats sur les discriminations|une exposition|des interventions dans les collèges"),
)

MOTS_CLES = split("Solidarité|Parentalité|Mixité sociale|Démocratie & citoyenneté|éducation / scolarité|"
                  "vacances / loisirs|intergénérationnel|Culture|Intégration|développement durable|Précarité|"
                  "Santé|Emploi, économie|Logement|mobilité / transport|Viellissement|discriminations")
DIMENSIONS = split("Citoyenneté|Services|Accompagnement de projets")
TERRITOIRES = split("Un quartier|Une commune|Plusieurs quartiers|Plusieurs communes|Autre")
PUBLICS = split("Tous publics|familles|Adultes|Jeunesse|Enfance|Petite enfance|Jeunes adultes")
INITIATIVES = split("Le centre social|Un ou plusieurs partenaire(s)|Un groupe d'habitants|Autre")
PARTENAIRES = split("Caf|Commune|Préfecture|Conseil départemental|Bailleur social|Éducation nationale|CCAS|"
                    "Associations locales|Politique de la ville|Région|ACSE|Mission locale|Pôle emploi|ARS|"
                    "CPAM|MSA|Carsat|Fondation de France|Médiathèque|Communauté de communes")

# How the text names the partners (with their article).
PARTNER_PHRASES = split("la Caf|la commune|la mairie|la Préfecture|le Conseil départemental|le bailleur social|"
                        "l'Éducation nationale|le CCAS|les associations du quartier|la Mission locale|"
                        "les services de la politique de la ville|la Région|France Travail|la médiathèque|"
                        "la PMI|les écoles du quartier|l'ARS|la CPAM|la MSA|la fédération des centres sociaux")

# Biggest networks of centres sociaux first (used when ingest.geo is not there, and to order its list).
DEPARTEMENTS = split("Nord|Paris|Rhône|Bouches-du-Rhône|Seine-Saint-Denis|Gironde|Haute-Garonne|Pas-de-Calais|"
                     "Loire-Atlantique|Isère|Val-d'Oise|Hérault|Seine-Maritime|Bas-Rhin|Loire|Essonne|"
                     "Val-de-Marne|Yvelines|Moselle|Ille-et-Vilaine|Sarthe|Indre-et-Loire|Lot|Haute-Marne|Somme|"
                     "Gard|Puy-de-Dôme|Finistère|Marne|Guadeloupe|La Réunion|Côtes-d'Armor|Vienne|Drôme")

TOWNS = split("Allonnes|Dechy|Chennevières|Bellevue|Saint-Martin|Villeneuve|Montreuil|Roubaix|Vénissieux|"
              "Les Mureaux|Rezé|Échirolles|Blagnac|Lormont|Denain|Grande-Synthe|Hérouville|Cenon|Trappes|"
              "Saint-Priest|Pessac|Oyonnax|Lunel|Figeac|Marmande|Fougères|Lannion|Pontivy|Millau|Saint-Dié|"
              "Romans|Montélimar|Vierzon|Auxerre|Sens|Mâcon|Dole|Épinal|Thionville|Forbach|Haguenau|Colmar|"
              "Chaumont|Langres|Saint-Dizier|Guéret|Tulle|Aurillac|Rodez|Cahors|Leyme|Latronquière|Gramat")
NAMES = split("Louise Michel|Jacques Prévert|Nelson Mandela|Simone Veil|Victor Hugo|Jean Jaurès|Gisèle Halimi|"
              "Aimé Césaire|Lucie Aubrac|Olympe de Gouges|Pablo Picasso|Jules Ferry|Georges Brassens|"
              "Germaine Tillion|Henri Martel|Marie Curie|Paul Éluard|Rosa Parks|Joséphine Baker|Léo Lagrange|"
              "Les Tilleuls|La Roseraie|Les Coteaux|La Source|Le Pont|Les Acacias|La Passerelle|L'Escale|"
              "Le Trait d'Union|La Ruche|Le Phare|L'Arche|Les Glycines|Le Chêne|La Maison Pour Tous")

WHO = split("les habitants|les familles|les parents|les bénévoles|les enfants|les jeunes|les seniors|"
            "les adhérents|les femmes du quartier|les participants|les partenaires|les enseignants|"
            "les élus|les professionnels|les retraités|les personnes isolées|les nouveaux arrivants")
STAFF = split("la référente famille|un animateur|une animatrice|la directrice|le directeur|une conseillère ESF|"
              "l'animatrice jeunesse|le coordinateur|une médiatrice|l'agent d'accueil|un service civique|"
              "une éducatrice de jeunes enfants|un intervenant extérieur")
GOALS = split("favoriser le lien social|rompre l'isolement|renforcer le pouvoir d'agir des habitants|"
              "soutenir les parents dans leur rôle éducatif|valoriser les compétences des habitants|"
              "permettre l'accès à la culture et aux loisirs|favoriser la mixité sociale|"
              "lutter contre les exclusions|créer une dynamique de quartier|développer l'autonomie des personnes|"
              "favoriser la réussite éducative|mieux connaître les ressources du territoire|"
              "encourager la participation citoyenne|prévenir les situations de précarité|"
              "faciliter l'intégration des familles|renforcer les liens intergénérationnels|"
              "améliorer le cadre de vie|sensibiliser au développement durable")
PLACES = split("au centre social|dans le quartier|à la salle polyvalente|en pied d'immeuble|à la médiathèque|"
               "dans les locaux de l'école|à la maison de quartier|sur la place du marché|au gymnase|"
               "dans un local prêté par le bailleur|à l'espace jeunes")
WHEN = split("chaque semaine|le mercredi après-midi|pendant les vacances scolaires|une fois par mois|"
             "deux soirs par semaine|le samedi matin|tout au long de l'année|de septembre à juin|"
             "pendant l'été|en fin d'année|un jeudi sur deux")
NEEDS = split("repères|confiance en eux|lieux de rencontre|informations|moyens de transport|temps libre|"
              "solutions de garde|accompagnement|liens avec l'école|connaissance de leurs droits")
AXES = split("lien social|parentalité|citoyenneté|insertion|animation globale|jeunesse|vieillissement|accès aux droits")
STOP_REASONS = split("Fin du financement.|Départ de l'animatrice référente.|Crise sanitaire (Covid-19).|"
                     "Manque de participants.|L'action a été reprise par un partenaire.|Fin du contrat de ville.|"
                     "Manifestation qui s'est déroulée sur une seule journée.|Locaux indisponibles.")

# Sentence templates, one list per kind of section. Slots: {act} {who} {staff} {goal} {place} {when}
# {partner} {need} {axis} {n} {year} {town} {thing} {firstname} {day} {month}.
TEMPLATES = {
    "body": split(
        "Le centre social propose {act} {when} {place}.|L'action vise à {goal} et à {goal}.|"
        "{Who} se retrouvent {when} autour de {act}.|Ce projet est né d'une demande de {who} lors du diagnostic "
        "du projet social.|En {year}, {n} familles ont participé à {act}.|Les séances sont animées par {staff} "
        "avec l'appui de {who}.|L'objectif est de {goal}, en lien avec {partner}.|Un comité de pilotage réunit "
        "{partner} et {partner} {when}.|{Who} sont associés à chaque étape : préparation, animation et bilan.|"
        "La démarche permet de {goal}.|Nous avons constaté que {who} manquaient de {need}.|Une évaluation est "
        "réalisée en fin d'année avec {who} et {partner}.|Les inscriptions se font à l'accueil du centre social.|"
        "Cette action s'inscrit dans l'axe {axis} du projet social.|{Staff} coordonne {act} et assure le lien "
        "avec {partner}.|Au départ, {n} personnes étaient inscrites ; le groupe s'est ensuite élargi.|"
        "{Act} a lieu {place}, ce qui permet de toucher {who}.|Une première phase de mobilisation a permis de "
        "rencontrer {who} {place}.|Les habitants de {town} sont invités à rejoindre {act}.|La participation "
        "est gratuite, une adhésion au centre social est demandée.|Nous travaillons avec {partner} pour "
        "{goal}.|Le projet a été présenté au conseil d'administration en {year}.|Chaque séance commence par un "
        "temps d'accueil convivial autour d'un café.|{Who} peuvent venir accompagnés, sans inscription préalable.|"
        "Un bilan intermédiaire est fait avec {partner} à mi-parcours.|Des temps forts rythment l'année : "
        "portes ouvertes, fête de fin d'année et sorties.|Nous avons choisi de {goal} en partant des envies de "
        "{who}.|{Staff} et deux bénévoles accueillent {who} {place}.|Une convention a été signée avec "
        "{partner} en {year}.|L'action est gratuite pour {who} ; seules les sorties sont payantes.|"
        "Les premiers mois ont servi à construire le projet avec {who}.|Un groupe de {n} habitants relais "
        "s'est constitué et se retrouve {when}.|Les difficultés repérées par {partner} ont conduit à "
        "imaginer {act}.|Un support de communication a été réalisé par {who}.|La crise sanitaire a obligé "
        "l'équipe à adapter {act}.|Il s'agit aussi de {goal} grâce à {act}.|Au programme : {thing}, {thing} et "
        "{thing}.|{Firstname}, bénévole depuis {year}, anime un atelier {thing} {when}.|Le {day} {month}, une "
        "journée autour de {thing} a réuni {n} personnes {place}.|À la demande de {firstname}, un atelier "
        "{thing} a été ajouté.|{Who} ont proposé {thing} et {thing}.|Une intervention sur le thème « {thing} » "
        "a eu lieu en {month}."),
    "result": split(
        "{n} participants réguliers sur l'année.|Meilleure connaissance du centre social par {who}.|"
        "Renforcement du partenariat avec {partner}.|{Who} ont pris confiance en eux.|Des liens se sont créés "
        "entre {who} et {who}.|Une meilleure visibilité de l'action {place}.|Un nouveau public a découvert le "
        "centre social.|{Who} s'impliquent désormais dans {act}.|Moins d'isolement pour {who}.|"
        "La dynamique de quartier s'est renforcée.|Cela a permis de {goal}.|Une fréquentation en hausse par "
        "rapport à {year}.|{Who} se sont approprié les lieux.|Le centre social est mieux repéré par {partner}.|"
        "Des habitants ont rejoint le conseil d'administration.|Des relais d'information dans le quartier.|"
        "Un atelier {thing} lancé à l'initiative de {who}.|{Firstname} a rejoint l'équipe des bénévoles."),
    "limit": split(
        "Le manque de bénévoles disponibles {when}.|La difficulté à mobiliser {who}.|Le financement n'est pas "
        "pérenne.|Les locaux sont trop petits pour accueillir {who}.|Le temps de coordination n'est pas "
        "financé.|La fréquentation reste irrégulière {when}.|La barrière de la langue pour certains {who}.|"
        "Le départ de {staff} a fragilisé {act}."),
    "future": split(
        "Reconduire l'action en {year}.|Étendre {act} à d'autres quartiers de {town}.|Associer davantage "
        "{who} à l'organisation.|Rechercher de nouveaux financements auprès de {partner}.|Former de nouveaux "
        "bénévoles.|Créer un collectif d'habitants autour de {act}.|Continuer à {goal}."),
}
# The long tail: activities, objects and places named once in a while ("Au programme : …").
THINGS = split(
    "jeux de société|couture|cuisine|poterie|tricot|théâtre|chant|danse orientale|zumba|yoga|sophrologie|"
    "pétanque|football|tennis de table|lecture de contes|bibliothèque de rue|ludothèque|cinéma plein air|"
    "karaoké|loto|vide-grenier|bourse aux vêtements|troc de graines|compostage|fabrication de nichoirs|"
    "peinture sur galets|mosaïque|fresque murale|graff|photographie|vidéo|radio associative|journal de "
    "quartier|podcast|slam|hip-hop|percussions|chorale|marche nordique|randonnée|vélo|piscine|patinoire|"
    "accrobranche|équitation|pêche|visite de ferme|cueillette|confitures|pain maison|soupe solidaire|"
    "goûter partagé|petit-déjeuner|barbecue|couscous géant|galette des rois|crêpes|chocolat chaud|"
    "bricolage|menuiserie|soudure|mécanique vélo|couture zéro déchet|produits ménagers maison|cosmétiques "
    "naturels|tri des déchets|ramassage de déchets|nettoyage de printemps|fleurissement des balcons|"
    "potager en carrés|serre|ruchers|poulailler collectif|lombricompost|jeux vidéo|robotique|impression 3D|"
    "code informatique|réseaux sociaux|smartphone|messagerie|visioconférence|banque en ligne|impôts en ligne|"
    "dossier de retraite|carte Vitale|CMU|prime d'activité|APL|chèque énergie|permis de conduire|"
    "BAFA|CV|lettre de motivation|simulation d'entretien|forum de l'emploi|job dating|stage de troisième|"
    "orientation|Parcoursup|brevet|soutien en mathématiques|dictée|atelier d'écriture|calligraphie|"
    "origami|scrapbooking|jeux d'échecs|dames|belote|scrabble|quiz|escape game|chasse au trésor|"
    "olympiades|kermesse|bal folk|guinguette|concert de jazz|fanfare|cirque|marionnettes|magie|"
    "exposition photo|musée des beaux-arts|planétarium|zoo|aquarium|château|abbaye|bord de mer|lac|"
    "montagne|base de loisirs|camping|gîte|auberge de jeunesse|mini-séjour|classe verte|colonie|"
    "massage bébé|portage|motricité libre|éveil musical|langue des signes bébé|allaitement|sommeil de "
    "l'enfant|écrans et enfants|harcèlement scolaire|adolescence|sexualité|addictions|nutrition|diabète|"
    "dépistage|vaccination|mutuelle|médecin traitant|santé mentale|premiers secours|prévention routière|"
    "sécurité domestique|gestes qui sauvent|droits des femmes|violences conjugales|laïcité|mémoire du "
    "quartier|histoire de l'immigration|généalogie|patois|contes du monde|cuisine marocaine|cuisine "
    "portugaise|cuisine antillaise|cuisine turque|cuisine vietnamienne|thé à la menthe|pâtisserie orientale")
FIRST_NAMES = split("Fatima|Nathalie|Mohamed|Sylvie|Karim|Isabelle|Aïcha|Sandrine|Youssef|Catherine|Mamadou|"
                    "Martine|Samira|Christophe|Nadia|Jean-Pierre|Leïla|Valérie|Ibrahim|Monique|Sofiane|Chantal|"
                    "Malika|Patrick|Khadija|Annie|Rachid|Josiane|Aminata|Bernard|Zohra|Gérard|Inès|Thierry|Océane")
MONTHS = split("janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre")
TAGLINES = split("ensemble|pour tous|au cœur du quartier|un projet d'habitants|on s'y met !|saison 2|"
                 "et si on partageait ?|vivre ensemble")
