"""Development set: invented fiches in clusters of near-topic neighbours (deliberately confusable).

Used to tune the ranking without looking at the seed queries. Each fiche is written the way centres
write them: mixed vocabulary, acronyms, synonyms, sometimes missing accents.
"""

from __future__ import annotations

from datetime import datetime, timedelta

_DEPTS = {
    "72": ("Sarthe", "Pays de la Loire"),
    "46": ("Lot", "Occitanie"),
    "31": ("Haute-Garonne", "Occitanie"),
    "59": ("Nord", "Hauts-de-France"),
    "69": ("Rhône", "Auvergne-Rhône-Alpes"),
    "35": ("Ille-et-Vilaine", "Bretagne"),
    "13": ("Bouches-du-Rhône", "Provence-Alpes-Côte d'Azur"),
    "93": ("Seine-Saint-Denis", "Île-de-France"),
    "67": ("Bas-Rhin", "Grand Est"),
    "33": ("Gironde", "Nouvelle-Aquitaine"),
    "94": ("Val-de-Marne", "Île-de-France"),
}

_RAW = [
    # --- cluster: numérique -------------------------------------------------------------------------
    ("num1", "Initiation informatique pour les retraités", ["intergénérationnel", "Viellissement"], ["Adultes"],
     "Services", "72", 2019,
     "Des ateliers hebdomadaires pour apprendre à se servir d'un ordinateur, d'une tablette et de la messagerie.",
     "Un animateur multimédia et deux bénévoles accueillent des personnes de plus de 65 ans. Chacun vient avec "
     "son matériel : prise en main de la souris, envoi de photos aux petits-enfants, visio avec la famille.",
     3200, 0.4),
    ("num2", "Espace public numérique du quartier", ["éducation / scolarité"], ["Tous publics"], "Services", "59", 2020,
     "Un EPN ouvert en accès libre avec dix postes, une imprimante et un accompagnement individuel.",
     "L'espace est ouvert quatre après-midis par semaine. Les jeunes y font leurs recherches de stage, les adultes "
     "leurs CV et leurs démarches en ligne (CAF, impôts, Pôle emploi) avec l'aide d'un médiateur numérique.",
     18000, 1.0),
    ("num3", "Permanence démarches administratives dématérialisées", ["Précarité", "Solidarité"], ["Adultes"],
     "Services", "93", 2021,
     "Aider les habitants à faire valoir leurs droits quand tout passe par internet.",
     "Deux matinées par semaine, une conseillère accompagne les habitants dans leurs dossiers : création d'adresse "
     "mail, compte Ameli, demande de RSA, prime d'activité. Lutte contre le non-recours aux droits.",
     9000, 0.5),
    ("num4", "Fablab et impression 3D pour les jeunes", ["Culture", "éducation / scolarité"], ["Jeunesse"],
     "Accompagnement de projets", "35", 2022,
     "Un atelier de fabrication numérique où les adolescents conçoivent et fabriquent des objets.",
     "Découpe laser, imprimante 3D, programmation de cartes Arduino : les ados du local jeunes mènent un projet "
     "de robot avec un animateur. Restitution lors de la fête de fin d'année.",
     12000, 0.6),
    ("num5", "Parents et écrans : mieux comprendre les usages des enfants", ["Parentalité"], ["familles"],
     "Accompagnement de projets", "31", 2020,
     "Des soirées d'échange entre parents sur les réseaux sociaux, les jeux vidéo et le temps d'écran.",
     "Avec une psychologue et la référente familles, les parents partagent leurs difficultés : contrôle parental, "
     "cyberharcèlement, sommeil des enfants. Un guide a été réalisé par le groupe.",
     2500, 0.2),
    # --- cluster: scolarité --------------------------------------------------------------------------
    ("sco1", "Contrat local d'accompagnement à la scolarité en primaire", ["éducation / scolarité"], ["Enfance"],
     "Services", "69", 2019,
     "Le CLAS accueille des enfants du CP au CM2 après l'école, avec leurs parents associés au projet.",
     "Quatre soirs par semaine, des bénévoles et un animateur proposent un temps de devoirs puis des activités "
     "culturelles. Les parents sont reçus chaque trimestre avec les enseignants.",
     15000, 0.8),
    ("sco2", "Soutien scolaire des collégiens", ["éducation / scolarité"], ["Jeunesse"], "Services", "13", 2021,
     "Un accompagnement des élèves de la 6e à la 3e dans leurs devoirs et leur méthode de travail.",
     "Des étudiants bénévoles encadrent de petits groupes. Préparation du brevet, aide à l'organisation, "
     "lien avec le principal adjoint du collège.",
     8000, 0.5),
    ("sco3", "Prévenir le décrochage des lycéens", ["éducation / scolarité", "Emploi, économie"], ["Jeunes adultes"],
     "Accompagnement de projets", "59", 2022,
     "Repérer les jeunes en rupture avec le lycée et les raccrocher à un projet de formation.",
     "Avec la mission locale et le lycée professionnel, des jeunes déscolarisés sont accompagnés individuellement "
     "et participent à des ateliers de découverte des métiers.",
     20000, 1.0),
    ("sco4", "Coin lecture et contes pour les tout-petits", ["Culture", "Parentalité"], ["Petite enfance"],
     "Services", "46", 2018,
     "Éveil au livre des enfants de moins de trois ans avec leurs parents à la médiathèque.",
     "Une conteuse et la bibliothécaire animent un temps de lecture chaque mercredi. Les familles empruntent des "
     "albums et les assistantes maternelles du secteur y participent.",
     1500, 0.1),
    ("sco5", "Orientation et découverte des métiers pour les 14-17 ans", ["Emploi, économie"], ["Jeunesse"],
     "Accompagnement de projets", "67", 2023,
     "Des visites d'entreprises et des rencontres avec des professionnels pour aider les ados à choisir leur voie.",
     "Stage de 3e, forum des métiers, mini-stages chez les artisans : le secteur jeunes construit avec les "
     "adolescents un parcours de découverte.",
     6000, 0.3),
    # --- cluster: petite enfance / parentalité -------------------------------------------------------------
    ("par1", "Lieu d'accueil enfants-parents Les P'tits Pas", ["Parentalité"], ["Petite enfance", "familles"],
     "Services", "35", 2019,
     "Un LAEP ouvert deux matinées par semaine, anonyme et gratuit, pour les enfants de 0 à 6 ans et leurs parents.",
     "Deux accueillantes formées à l'écoute reçoivent les familles sans inscription. Les enfants jouent, les "
     "parents échangent sur le sommeil, la propreté, l'entrée à l'école.",
     22000, 0.6),
    ("par2", "Café des parents du vendredi", ["Parentalité"], ["familles"], "Accompagnement de projets", "31", 2020,
     "Un temps convivial pour parler éducation autour d'un café, après avoir déposé les enfants à l'école.",
     "Les thèmes sont choisis par les parents : l'autorité, les écrans, la fratrie. Un intervenant vient une fois "
     "par mois. Le groupe organise aussi des sorties.",
     1800, 0.2),
    ("par3", "Relais petite enfance intercommunal", ["Parentalité", "Emploi, économie"], ["Petite enfance"],
     "Services", "72", 2021,
     "Informer les parents sur les modes de garde et accompagner les assistantes maternelles.",
     "Le RPE (ex-RAM) propose des matinées d'éveil pour les assistantes maternelles et les enfants qu'elles "
     "accueillent, des permanences sur les contrats et la formation continue.",
     45000, 1.5),
    ("par4", "Crèche associative à horaires atypiques", ["Parentalité", "Emploi, économie"], ["Petite enfance"],
     "Services", "93", 2022,
     "Un multi-accueil de 20 places ouvert tôt le matin et tard le soir pour les parents qui travaillent en décalé.",
     "Les places sont réservées en priorité aux familles en parcours d'insertion et aux parents qui travaillent "
     "dans le nettoyage ou la logistique.",
     350000, 7.5),
    ("par5", "Sorties familles et week-ends à la mer", ["vacances / loisirs", "Parentalité"], ["familles"],
     "Accompagnement de projets", "59", 2019,
     "Des sorties construites avec les familles pour partager des loisirs et souffler en dehors du quartier.",
     "Les parents préparent le budget, le transport et le programme. Sortie au zoo, journée à la plage, "
     "week-end en gîte avec les enfants.",
     7000, 0.3),
    # --- cluster: seniors ------------------------------------------------------------------------------
    ("sen1", "Repas partagés des aînés", ["Viellissement", "Solidarité"], ["Adultes"], "Services", "46", 2019,
     "Un déjeuner mensuel préparé par des bénévoles pour rompre la solitude des personnes âgées du village.",
     "Une trentaine de convives, un transport organisé pour ceux qui ne conduisent plus, des animations après le "
     "repas : chants, jeux de cartes, loto.",
     4000, 0.2),
    ("sen2", "Gym douce et prévention des chutes", ["Santé", "Viellissement"], ["Adultes"], "Services", "67", 2020,
     "Des séances d'activité physique adaptée pour les retraités, avec un éducateur sportif.",
     "Équilibre, renforcement musculaire, marche nordique : les seniors gardent leur autonomie. Un bilan est fait "
     "en début et en fin d'année avec la mutuelle.",
     5000, 0.2),
    ("sen3", "Visites de convivialité à domicile", ["Solidarité", "Viellissement"], ["Adultes"],
     "Accompagnement de projets", "72", 2021,
     "Des bénévoles rendent visite chaque semaine à des personnes isolées qui ne sortent plus de chez elles.",
     "En lien avec le CCAS et les services d'aide à domicile, une équipe de visiteurs formés rompt l'isolement "
     "des personnes très âgées et signale les situations préoccupantes.",
     3000, 0.3),
    ("sen4", "Jardin des générations", ["intergénérationnel", "développement durable"], ["Tous publics"],
     "Accompagnement de projets", "33", 2022,
     "Un potager où les anciens transmettent leur savoir-faire aux enfants de l'accueil de loisirs.",
     "Semis, arrosage, récolte : les écoliers du mercredi et les résidents de la maison de retraite voisine "
     "cultivent ensemble des carrés de légumes.",
     2000, 0.1),
    ("sen5", "Transport solidaire en milieu rural", ["mobilité / transport", "Solidarité"], ["Adultes"],
     "Services", "46", 2020,
     "Des chauffeurs bénévoles conduisent les personnes sans voiture à leurs rendez-vous médicaux et aux courses.",
     "Le service fonctionne sur réservation. La plupart des bénéficiaires ont plus de 75 ans et vivent dans des "
     "hameaux éloignés du bourg.",
     6000, 0.3),
    # --- cluster: langue et intégration --------------------------------------------------------------------
    ("lan1", "Ateliers sociolinguistiques pour les femmes", ["Intégration"], ["Adultes"], "Services", "93", 2019,
     "Des ASL pour apprendre le français de la vie quotidienne : la pharmacie, l'école, les transports.",
     "Trois groupes de niveau, une garde d'enfants pendant les cours, des sorties à la mairie et au marché pour "
     "pratiquer. Les apprenantes gagnent en autonomie.",
     14000, 0.7),
    ("lan2", "Cours de FLE pour les demandeurs d'asile", ["Intégration", "Solidarité"], ["Adultes"], "Services",
     "69", 2021,
     "Des cours de français langue étrangère pour les personnes hébergées au CADA voisin.",
     "Des formateurs bénévoles préparent les exilés aux démarches et à l'entretien à l'OFPRA. Les cours ont lieu "
     "quatre matinées par semaine.",
     5000, 0.2),
    ("lan3", "Accueil des familles syriennes", ["Intégration", "Mixité sociale"], ["familles"], "Citoyenneté", "35",
     2018,
     "L'accompagnement de trois familles réfugiées accueillies par la commune.",
     "Logement, scolarisation des enfants, ouverture des droits, apprentissage de la langue : un collectif "
     "d'habitants bénévoles s'est organisé avec le centre social.",
     10000, 0.5),
    ("lan4", "Lutte contre l'illettrisme", ["Emploi, économie", "Intégration"], ["Adultes"], "Services", "59", 2020,
     "Un atelier de remise à niveau en lecture et en écriture pour des adultes francophones.",
     "Repérés par les travailleurs sociaux ou les employeurs, les participants reprennent confiance et préparent "
     "le certificat CléA.",
     9000, 0.5),
    ("lan5", "Permanence juridique pour les étrangers", ["Solidarité", "discriminations"], ["Adultes"], "Services",
     "13", 2022,
     "Une permanence mensuelle d'information sur les titres de séjour et la naturalisation.",
     "Un juriste de l'association partenaire reçoit sur rendez-vous. Les personnes sont aidées pour constituer "
     "leur dossier en préfecture.",
     3000, 0.1),
    # --- cluster: emploi et insertion --------------------------------------------------------------------
    ("emp1", "Chantier d'insertion espaces verts", ["Emploi, économie", "développement durable"],
     ["Jeunes adultes", "Adultes"], "Services", "33", 2019,
     "Un ACI de douze salariés en contrat aidé qui entretient les espaces naturels de la communauté de communes.",
     "Encadrement technique, accompagnement socioprofessionnel, formation au permis : l'objectif est une sortie "
     "vers l'emploi durable ou la formation qualifiante.",
     400000, 3.5),
    ("emp2", "Club de recherche d'emploi", ["Emploi, économie"], ["Adultes"], "Services", "67", 2020,
     "Un atelier collectif pour les demandeurs d'emploi : CV, lettre de motivation, simulation d'entretien.",
     "Le groupe se retrouve deux fois par semaine avec une conseillère en insertion professionnelle. Des "
     "entreprises du territoire viennent présenter leurs besoins de recrutement.",
     12000, 0.6),
    ("emp3", "Garage solidaire", ["mobilité / transport", "Emploi, économie"], ["Adultes"],
     "Accompagnement de projets", "72", 2021,
     "Des réparations de voitures à prix coûtant pour les personnes qui en ont besoin pour aller travailler.",
     "Un mécanicien encadre des bénévoles et des personnes en insertion. Location de véhicules à un euro par jour "
     "pour les premiers jours d'un nouvel emploi.",
     60000, 1.5),
    ("emp4", "Atelier couture et retouches", ["Emploi, économie", "Mixité sociale"], ["Adultes"],
     "Accompagnement de projets", "31", 2022,
     "Un atelier où des femmes éloignées de l'emploi apprennent la couture et vendent des retouches.",
     "L'atelier est devenu une activité économique : les habitants y déposent leurs vêtements, les couturières "
     "sont rémunérées et certaines ont créé leur micro-entreprise.",
     25000, 1.0),
    ("emp5", "Coopérative jeunesse de services", ["Emploi, économie", "Démocratie & citoyenneté"], ["Jeunesse"],
     "Accompagnement de projets", "35", 2023,
     "Pendant l'été, quinze jeunes de 16 à 18 ans créent et gèrent leur propre entreprise coopérative.",
     "Lavage de vitres, aide aux déménagements, animations : la CJS vend ses services aux habitants et aux "
     "commerçants et les jeunes décident ensemble de l'usage des recettes.",
     16000, 0.8),
    # --- cluster: alimentation et précarité -------------------------------------------------------------------
    ("ali1", "Épicerie solidaire Le Panier", ["Précarité", "Solidarité"], ["familles"], "Services", "59", 2019,
     "Une épicerie où les familles à petit budget achètent des produits à 20 % de leur prix.",
     "Orientées par les assistantes sociales, les familles viennent pendant six mois et construisent un projet "
     "(dette, permis, vacances). Des ateliers cuisine ont lieu chaque semaine.",
     55000, 1.5),
    ("ali2", "Jardins partagés au pied des immeubles", ["développement durable", "Mixité sociale"],
     ["Tous publics"], "Accompagnement de projets", "69", 2020,
     "Des parcelles cultivées collectivement par les locataires avec le bailleur social.",
     "Les habitants ont dessiné le jardin, installé des composteurs et récoltent ensemble. Une fête des récoltes "
     "clôt la saison.",
     8000, 0.3),
    ("ali3", "Cuisiner avec un petit budget", ["Santé", "Précarité"], ["Adultes", "familles"], "Services", "13",
     2021,
     "Des ateliers cuisine pour manger équilibré sans se ruiner.",
     "Avec une diététicienne, les participants préparent des menus de saison à partir de produits de base et "
     "repartent avec les recettes et les restes.",
     3500, 0.2),
    ("ali4", "Distribution alimentaire d'urgence", ["Précarité", "Solidarité"], ["Tous publics"], "Services", "93",
     2020,
     "Pendant le confinement, le centre social a organisé des colis alimentaires pour les foyers sans ressources.",
     "Avec les Restos du cœur et la banque alimentaire, 300 colis par semaine ont été distribués par des "
     "bénévoles du quartier.",
     40000, 2.0),
    ("ali5", "Économies d'énergie à la maison", ["Logement", "Précarité", "développement durable"], ["familles"],
     "Services", "67", 2022,
     "Des visites à domicile et des ateliers pour réduire les factures d'énergie des ménages modestes.",
     "Un ambassadeur de l'énergie installe des kits (ampoules LED, mousseurs) et explique les éco-gestes. Les "
     "familles en impayés sont orientées vers le fonds de solidarité logement.",
     15000, 0.6),
    # --- cluster: jeunesse ------------------------------------------------------------------------------------
    ("jeu1", "Local jeunes ouvert le soir", ["vacances / loisirs"], ["Jeunesse"], "Services", "13", 2019,
     "Un espace d'accueil pour les 11-17 ans, ouvert après les cours et pendant les vacances.",
     "Les adolescents y proposent leurs projets : tournoi de foot, séjour au ski, soirées à thème. Deux animateurs "
     "diplômés assurent l'accueil.",
     45000, 2.0),
    ("jeu2", "Chantiers jeunes d'été", ["Emploi, économie", "Solidarité"], ["Jeunesse"],
     "Accompagnement de projets", "46", 2021,
     "Les jeunes repeignent des cages d'escalier en échange d'une aide au financement de leurs vacances.",
     "Une semaine de chantier encadrée par un animateur et un agent du bailleur, puis un séjour qu'ils ont "
     "eux-mêmes organisé.",
     9000, 0.4),
    ("jeu3", "Junior association des collégiens", ["Démocratie & citoyenneté"], ["Jeunesse"],
     "Accompagnement de projets", "35", 2022,
     "Des collégiens ont créé leur association pour monter une web-radio.",
     "Accompagnés par le centre social, ils tiennent leur assemblée générale, gèrent un petit budget et "
     "interviewent les élus et les habitants.",
     2500, 0.1),
    ("jeu4", "Formation BAFA citoyenne", ["Emploi, économie", "Démocratie & citoyenneté"], ["Jeunes adultes"],
     "Accompagnement de projets", "59", 2020,
     "Le financement du brevet d'animateur pour des jeunes du quartier en échange d'heures de bénévolat.",
     "Les stagiaires font leur stage pratique à l'accueil de loisirs du centre. Plusieurs ont ensuite été "
     "embauchés comme animateurs l'été.",
     11000, 0.3),
    ("jeu5", "Prévention des conduites à risque chez les adolescents", ["Santé"], ["Jeunesse"], "Services", "31",
     2023,
     "Des ateliers sur l'alcool, le cannabis et le harcèlement avec l'infirmière scolaire.",
     "Théâtre-débat, groupes de parole, intervention d'une association de prévention : les ados abordent leurs "
     "questions sans jugement.",
     4000, 0.2),
    # --- cluster: citoyenneté -------------------------------------------------------------------------------
    ("cit1", "Conseil citoyen du quartier prioritaire", ["Démocratie & citoyenneté"], ["Tous publics"],
     "Citoyenneté", "93", 2018,
     "Le centre social anime le conseil citoyen créé dans le cadre du contrat de ville.",
     "Tirage au sort des habitants, formation des membres, participation au comité de pilotage de la politique "
     "de la ville : les habitants donnent leur avis sur la rénovation urbaine.",
     6000, 0.3),
    ("cit2", "Diagnostic en marchant", ["Démocratie & citoyenneté", "Logement"], ["Tous publics"], "Citoyenneté",
     "59", 2020,
     "Une marche exploratoire où les habitants repèrent avec les élus ce qui ne va pas dans le quartier.",
     "Éclairage, propreté, sécurité des passages piétons : un compte rendu a été remis à la mairie et au bailleur "
     "et les travaux sont suivis par le groupe.",
     1000, 0.1),
    ("cit3", "Budget participatif des habitants", ["Démocratie & citoyenneté"], ["Tous publics"], "Citoyenneté",
     "33", 2021,
     "Les habitants proposent et votent des projets financés par une enveloppe de la commune.",
     "Aires de jeux, bancs, boîte à livres : le centre social aide les porteurs d'idées à monter leur projet et "
     "organise le vote.",
     30000, 0.5),
    ("cit4", "Fête de quartier annuelle", ["Mixité sociale", "Culture"], ["Tous publics"], "Citoyenneté", "67", 2022,
     "Une grande fête préparée pendant des mois par un collectif d'habitants et d'associations.",
     "Scène ouverte, repas du monde, jeux pour enfants : la journée rassemble plus de mille personnes. Les "
     "habitants tiennent les stands et gèrent la buvette.",
     12000, 0.4),
    ("cit5", "Médiation entre voisins", ["Logement", "Mixité sociale"], ["Adultes"], "Services", "69", 2023,
     "Une équipe de médiateurs bénévoles aide les voisins en conflit à trouver un accord.",
     "Bruit, stationnement, animaux : les médiateurs formés reçoivent les deux parties et proposent des rencontres "
     "en terrain neutre.",
     5000, 0.2),
    # --- cluster: familles monoparentales, vacances, violences ---------------------------------------------
    ("fam1", "Groupe des mamans solos", ["Parentalité", "Solidarité"], ["familles"], "Accompagnement de projets",
     "31", 2021,
     "Un groupe d'entraide pour les mères qui élèvent seules leurs enfants.",
     "Les participantes échangent des solutions de garde, organisent des sorties avec les enfants et s'informent "
     "sur leurs droits (pension alimentaire, allocation de soutien familial).",
     3000, 0.2),
    ("fam2", "Départs en vacances des familles", ["vacances / loisirs"], ["familles"], "Accompagnement de projets",
     "72", 2019,
     "Accompagner des familles qui ne partent jamais à préparer leurs premières vacances.",
     "Avec les aides VACAF de la CAF, les familles choisissent leur destination, construisent leur budget et "
     "partent une semaine en été. Un bilan collectif a lieu à la rentrée.",
     20000, 0.5),
    ("fam3", "Garde d'enfants ponctuelle pour parents isolés", ["Parentalité", "Emploi, économie"], ["familles"],
     "Services", "13", 2022,
     "Une solution de garde à domicile le soir et le week-end pour les parents seuls qui reprennent un emploi.",
     "Des intervenantes qualifiées gardent les enfants au domicile quand la crèche est fermée. Le service est "
     "financé par la CAF et le département.",
     38000, 1.2),
    ("fam4", "Permanence violences conjugales", ["Santé", "discriminations"], ["Adultes"], "Services", "59", 2020,
     "Une permanence d'écoute et d'orientation pour les femmes victimes de violences dans leur couple.",
     "Une juriste et une psychologue reçoivent sans rendez-vous. Mise à l'abri en lien avec le 115 et "
     "accompagnement au dépôt de plainte.",
     18000, 0.6),
    ("fam5", "Week-end familles à la montagne", ["vacances / loisirs", "Parentalité"], ["familles"],
     "Accompagnement de projets", "69", 2023,
     "Un séjour collectif de trois jours pour des familles du quartier.",
     "Randonnée, veillées, jeux en famille : les parents ont préparé le séjour lors de réunions au centre.",
     9000, 0.3),
    # --- cluster: environnement et réemploi --------------------------------------------------------------------
    ("env1", "Repair café mensuel", ["développement durable", "Solidarité"], ["Tous publics"],
     "Accompagnement de projets", "35", 2019,
     "Chaque premier samedi du mois, des bénévoles bricoleurs aident les habitants à réparer leurs objets.",
     "Grille-pain, vélos, vêtements, ordinateurs : on répare ensemble au lieu de jeter. Un café et des gâteaux "
     "sont offerts.",
     1200, 0.1),
    ("env2", "Ressourcerie de quartier", ["développement durable", "Emploi, économie"], ["Tous publics"], "Services",
     "33", 2021,
     "Une boutique qui collecte, remet en état et revend à petits prix meubles et objets.",
     "Trois salariés en insertion et des bénévoles trient les dons. Des ateliers de relooking de meubles sont "
     "proposés aux habitants.",
     70000, 3.0),
    ("env3", "Compostage collectif", ["développement durable"], ["Tous publics"], "Accompagnement de projets", "67",
     2020,
     "Des composteurs partagés installés en bas des immeubles et gérés par des habitants référents.",
     "Formation des référents, permanences de dépôt, distribution du compost pour les jardinières : les déchets "
     "de la résidence ont baissé d'un quart.",
     2500, 0.1),
    ("env4", "Atelier vélo participatif", ["mobilité / transport", "développement durable"], ["Tous publics"],
     "Services", "31", 2022,
     "Un atelier où chacun apprend à entretenir et réparer son vélo avec des outils en libre service.",
     "Des vélos récupérés sont remis en état et prêtés aux demandeurs d'emploi. Des sorties à vélo sont "
     "organisées avec les écoles.",
     7000, 0.4),
    ("env5", "Défi familles zéro déchet", ["développement durable", "Parentalité"], ["familles"],
     "Accompagnement de projets", "46", 2023,
     "Des familles relèvent le défi de réduire leurs déchets pendant six mois.",
     "Pesées mensuelles, ateliers produits ménagers maison, visite du centre de tri : les familles ont réduit "
     "leur poubelle de 40 %.",
     3000, 0.1),
    # --- cluster: culture, santé, sport ------------------------------------------------------------------------
    ("cul1", "Chorale du quartier", ["Culture", "Mixité sociale"], ["Tous publics"], "Services", "59", 2019,
     "Une chorale ouverte à tous, sans savoir lire la musique, qui chante dans plusieurs langues.",
     "Une cheffe de chœur professionnelle dirige les répétitions. Concert annuel à l'église et participation "
     "à la fête de la musique.",
     4500, 0.2),
    ("cul2", "Théâtre forum sur les discriminations", ["Culture", "discriminations"], ["Jeunesse", "Adultes"],
     "Citoyenneté", "93", 2020,
     "Des habitants jouent des scènes vécues de discrimination et le public cherche des solutions sur scène.",
     "Une compagnie accompagne le groupe pendant un an. Les représentations ont lieu au collège et à la mairie.",
     10000, 0.3),
    ("cul3", "Ateliers bien-être et estime de soi", ["Santé"], ["Adultes"], "Services", "13", 2021,
     "Sophrologie, socio-esthétique et relaxation pour des femmes en situation de précarité.",
     "Les ateliers redonnent confiance avant une reprise d'emploi ou de formation, en lien avec les référents RSA.",
     6000, 0.2),
    ("cul4", "Sport santé pour les femmes du quartier", ["Santé", "Mixité sociale"], ["Adultes"], "Services", "69",
     2022,
     "Marche, fitness et aquagym pour des femmes qui ne pratiquaient aucune activité sportive.",
     "Créneaux réservés, garde des enfants pendant les séances, accompagnement par une éducatrice sportive "
     "et un médecin du centre de santé.",
     8000, 0.3),
    ("cul5", "Groupe de parole santé mentale", ["Santé", "Solidarité"], ["Adultes"], "Services", "35", 2023,
     "Un groupe d'entraide pour les personnes en souffrance psychique et leurs proches.",
     "Animé par une infirmière du CMP et un pair-aidant, le groupe se réunit chaque quinzaine pour rompre "
     "l'isolement et mieux connaître les soins.",
     2000, 0.1),
    # --- near-duplicates and confusable extras ------------------------------------------------------------------
    ("dup1", "Repas partagés des aînés", ["Viellissement", "Solidarité"], ["Adultes"], "Services", "46", 2020,
     "Un déjeuner mensuel préparé par des bénévoles pour rompre la solitude des personnes âgées du village.",
     "La deuxième année, le repas a lieu dans la salle des fêtes rénovée et attire plus de quarante convives.",
     4200, 0.2),
    ("ext1", "Fête des familles", ["Parentalité", "vacances / loisirs"], ["familles"], "Services", "72", 2021,
     "Une journée festive pour les familles de la commune, avec des jeux et un spectacle.",
     "Les familles du quartier préparent les stands. Familles, enfants et grands-parents se retrouvent autour "
     "d'un pique-nique géant. Familles nombreuses bienvenues.",
     3000, 0.1),
    ("ext2", "Accueil de loisirs du mercredi", ["vacances / loisirs", "éducation / scolarité"], ["Enfance"],
     "Services", "33", 2019,
     "L'ALSH accueille les enfants de 3 à 11 ans le mercredi et pendant les vacances scolaires.",
     "Activités manuelles, sorties nature, grands jeux : l'équipe d'animation construit un programme avec les "
     "enfants. Les inscriptions se font à la journée.",
     120000, 4.0),
    ("ext3", "Ordinateurs reconditionnés pour les familles", ["Solidarité", "éducation / scolarité"], ["familles"],
     "Services", "93", 2021,
     "Des ordinateurs donnés par des entreprises sont remis en état et prêtés aux familles pour la scolarité.",
     "Un bénévole informaticien installe les logiciels et une formation de deux heures est proposée aux parents.",
     5000, 0.2),
    ("ext4", "Permanence CAF au centre social", ["Solidarité"], ["Tous publics"], "Services", "67", 2020,
     "Un agent de la caisse d'allocations familiales reçoit sur rendez-vous dans les locaux du centre.",
     "Prestations familiales, aides au logement, prime d'activité : les habitants n'ont plus à se déplacer en "
     "ville pour leurs dossiers.",
     0, 0.1),
    # --- what controlled values and the rural/seniors vocabulary must (and must not) do ------------------------
    ("ext5", "Campagne d'affichage sur le tri des déchets", ["développement durable"], ["Tous publics"],
     "Citoyenneté", "59", 2022,
     "Une campagne de sensibilisation au tri sélectif dans les halls d'immeubles, préparée avec le bailleur.",
     "Des affiches dessinées par les habitants et une tournée d'information porte à porte avec les gardiens.",
     1500, 0.1),
    ("ext6", "Navette solidaire vers le marché", ["mobilité / transport", "Solidarité"], ["Adultes"],
     "Services", "46", 2022,
     "Dans cette zone rurale sans bus, un minibus conduit chaque jeudi les habitants des hameaux au marché.",
     "Des chauffeurs bénévoles assurent aussi les rendez-vous chez le médecin sur réservation.",
     6000, 0.3),
    ("ext7", "Après-midi jeux de société", [], ["Seniors"], "Services", "33", 2023,
     "Belote, scrabble et goûter chaque mardi dans la salle du centre social.",
     "Les habitués accueillent les nouveaux venus ; une animatrice prépare un tournoi au printemps.",
     800, 0.1),
]


# Fiches as real pages often are: empty or missing résumé, description or mots clés (None: missing, "": empty).
_SPARSE = [
    ("sp01", "Accompagnement à la scolarité", [], ["Enfance"], "Services", "94", 2022, "",
     "Aide aux devoirs le soir pour les élèves de l'école élémentaire, avec des bénévoles retraités.", None, None),
    ("sp02", "Repair café", ["développement durable"], ["Tous publics"], "Services", "13", 2023, None, None, None, None),
    ("sp03", "Atelier numérique seniors", [], ["Adultes"], "Services", "94", 2021,
     "Apprendre à utiliser un smartphone et une tablette pour les personnes âgées.", None, 1200, None),
    ("sp04", "Café des parents", ["Parentalité"], ["familles"], "Accompagnement de projets", "13", 2022, None,
     "Chaque mardi matin, les parents se retrouvent pour échanger autour d'un café sur l'éducation des enfants.",
     None, None),
    ("sp05", "Permanence d'accès aux droits", [], ["Tous publics"], "Services", "94", 2023, "",
     "Une permanence avec un écrivain public pour les courriers, les dossiers CAF et les démarches en ligne.",
     None, 0.5),
    ("sp06", "Jardin partagé", [], ["Tous publics"], "Accompagnement de projets", "13", 2021, None, None, None, None),
    ("sp07", "Ateliers de français", ["Intégration"], ["Adultes"], "Services", "94", 2022,
     "Cours de français pour adultes non francophones, niveau débutant.", "", 3000, 0.2),
    ("sp08", "Sortie à la mer", [], ["familles"], "Accompagnement de projets", "13", 2020, None,
     "Une journée à la plage pour les familles qui ne partent pas en vacances.", 900, None),
    ("sp09", "Accueil jeunes", [], ["Jeunesse"], "Services", "94", 2021,
     "Un local ouvert aux ados de 11 à 17 ans les mercredis et pendant les vacances.", None, None, None),
    ("sp10", "Gymnastique douce", ["Santé"], ["Adultes"], "Services", "13", 2019, "", "", None, None),
    ("sp11", "Épicerie sociale et solidaire", [], ["Tous publics"], "Services", "94", 2020, None,
     "Des produits alimentaires à petit prix pour les familles orientées par les travailleurs sociaux, et des "
     "ateliers cuisine.", 25000, 1.0),
    ("sp12", "Fête de quartier", ["Mixité sociale"], ["Tous publics"], "Citoyenneté", "13", 2022,
     "Une fête organisée par les habitants chaque été.", None, None, None),
    ("sp13", "Conseil citoyen", [], ["Tous publics"], "Citoyenneté", "94", 2019, None, None, None, None),
    ("sp14", "Lutte contre l'isolement des aînés", [], ["Adultes"], "Services", "13", 2023, "",
     "Appels téléphoniques et visites à domicile pour les personnes âgées isolées, par des bénévoles.", None, None),
    ("sp15", "Vacances en famille", ["vacances / loisirs"], ["familles"], "Services", "94", 2022, None,
     "Aide au départ en vacances des familles avec l'aide de la CAF et de l'ANCV.", 12000, None),
    ("sp16", "Permanence emploi", [], ["Adultes"], "Services", "13", 2021,
     "Aide à la recherche d'emploi : CV, lettres de motivation, inscription en ligne.", None, None, None),
    ("sp17", "Théâtre", ["Culture"], ["Jeunesse"], "Services", "94", 2020, None, None, None, None),
    ("sp18", "Atelier cuisine", [], ["Adultes"], "Services", "13", 2022, "",
     "Cuisiner des plats équilibrés avec des produits de saison et un petit budget.", None, None),
    ("sp19", "Soutien à la parentalité", ["Parentalité"], ["familles"], "Accompagnement de projets", "94", 2023,
     "Des groupes de parole et des sorties parents-enfants.", "", None, None),
    ("sp20", "Atelier vélo", [], ["Tous publics"], "Services", "13", 2019, None,
     "Apprendre à réparer son vélo et à circuler en ville en sécurité.", None, None),
    ("sp21", "Médiation numérique", ["Précarité"], ["Adultes"], "Services", "94", 2021, "", None, None, None),
    ("sp22", "Club de marche", [], ["Adultes"], "Services", "13", 2020,
     "Des randonnées chaque semaine pour garder la forme et rencontrer d'autres habitants.", None, None, None),
]


def devset_fiches() -> list[dict]:
    """The fiches as store rows (dicts shaped like ``Fiche.model_dump()``)."""
    base = datetime(2024, 1, 1)
    out = []
    for n, (fid, title, mots, public, dimension, code, year, resume, description, budget, etp) in enumerate(
            _RAW + _SPARSE):
        name, region = _DEPTS[code]
        out.append({
            "id": fid, "title": title, "structure": f"Centre social {name}", "departement": name,
            "departement_code": code, "region": region, "year": year, "statut": "En cours",
            "dimension": dimension, "territoire": "Un quartier", "mots_cles": mots, "public": public,
            "initiative": ["Le centre social"], "resume": resume, "description_experience": description,
            "budget_eur": float(budget) if budget is not None else None, "etp": etp,
            "duplicate_of": "sen1" if fid == "dup1" else None,
            "updated_at": base + timedelta(seconds=n), "deleted_at": None,
        })
    return out
