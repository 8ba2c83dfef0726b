"""The load data's fixed values: its reference day, its sizes at scale 1.0, and the words it is made of."""

import datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
# The day the load data "happens": 2023 and 2024 funds are over, 2025 funds are in their last quarter.
TODAY = datetime.date(2025, 10, 15)
YEARS = (2023, 2024, 2025)
MAX_AGENDA = 40  # requests on one session's agenda, at most
BATCH_SIZE = 2000
LOAD_PASSWORD = "charge-Portail-PIC-2025"  # every generated account's password (one hash, computed once)
DEFAULT_LABEL = "charge"

# At scale 1.0.
FULL = {
    "associations": 20,
    "requests": 20_000,
    "sessions": 500,
    "bilans": 8_000,
    "big_fund_requests": 1_100,  # one 2024 fund with over 1,000 filed projects: the annual report's worst case
    "busy_holder_requests": 100,  # one account with many requests: the holder's space's worst case
}

# (town, postcode, INSEE code)
TOWNS = (
    ("Roubaix", "59100", "59512"),
    ("Tourcoing", "59200", "59599"),
    ("Lille", "59000", "59350"),
    ("Wattrelos", "59150", "59650"),
    ("Villeneuve-d'Ascq", "59650", "59009"),
    ("Lens", "62300", "62498"),
    ("Liévin", "62800", "62510"),
    ("Calais", "62100", "62193"),
    ("Boulogne-sur-Mer", "62200", "62160"),
    ("Dunkerque", "59140", "59183"),
    ("Valenciennes", "59300", "59606"),
    ("Maubeuge", "59600", "59392"),
    ("Amiens", "80000", "80021"),
    ("Beauvais", "60000", "60057"),
    ("Creil", "60100", "60175"),
    ("Saint-Quentin", "02100", "02691"),
    ("Soissons", "02200", "02722"),
    ("Arras", "62000", "62041"),
    ("Douai", "59500", "59178"),
    ("Denain", "59220", "59172"),
)
ASSOCIATION_KINDS = ("Centre social", "Maison de quartier", "Espace de vie sociale", "Association de quartier")
QUARTER_NAMES = (
    "La Gare",
    "Les Provinces",
    "Le Faubourg",
    "Les Hauts Champs",
    "Le Parc",
    "La Résidence des Fleurs",
    "Les Tilleuls",
    "Le Bourg",
)
FIRST_NAMES = (
    "Amina",
    "Bruno",
    "Chloé",
    "Djamel",
    "Élodie",
    "Fatou",
    "Gaëlle",
    "Hakim",
    "Inès",
    "Jules",
    "Karima",
    "Louis",
    "Malika",
    "Nicolas",
    "Océane",
    "Patrice",
    "Rachida",
    "Samir",
    "Thérèse",
    "Yanis",
)
LAST_NAMES = (
    "Martin",
    "Bernard",
    "Benali",
    "Dubois",
    "Diallo",
    "Lefebvre",
    "Mercier",
    "Haddad",
    "Lambert",
    "Nguyen",
    "Fontaine",
    "Traoré",
    "Roux",
    "Morel",
    "Girard",
    "Boucher",
)
PROJECTS = (
    ("Fête des voisins", "Réunir les habitant·es de la rue autour d'un repas partagé et de jeux."),
    ("Atelier cuisine du monde", "Partager les recettes des familles du quartier et cuisiner ensemble."),
    ("Jardin partagé", "Aménager des bacs de culture au pied des immeubles et les entretenir ensemble."),
    ("Repair café", "Réparer ensemble petits appareils et vélos plutôt que de les jeter."),
    ("Sortie familles à la mer", "Offrir une journée à la mer aux familles qui ne partent pas en vacances."),
    ("Tournoi de foot inter-quartiers", "Faire se rencontrer les jeunes de plusieurs quartiers autour du sport."),
    ("Atelier d'écriture", "Écrire et lire ensemble, et éditer un petit recueil des textes du quartier."),
    ("Chorale du quartier", "Monter une chorale intergénérationnelle et donner un concert de fin d'année."),
    ("Carnaval des enfants", "Fabriquer les costumes et le char, puis défiler dans le quartier."),
    ("Café des parents", "Un rendez-vous mensuel pour échanger entre parents autour de l'éducation."),
    ("Fresque murale", "Peindre avec les habitant·es une fresque sur le mur de l'école."),
    ("Ciné plein air", "Projeter un film en plein air sur la place, avec une buvette associative."),
    ("Troc de vêtements", "Organiser une bourse d'échange de vêtements et de jouets d'enfants."),
    ("Initiation au numérique", "Aider les aîné·es à utiliser leur téléphone et les démarches en ligne."),
    ("Nettoyage du parc", "Une matinée de ramassage des déchets suivie d'un pique-nique."),
    ("Exposition photo du quartier", "Photographier le quartier et ses habitant·es, et exposer les tirages."),
)
TITLE_SUFFIXES = ("au printemps", "de l'été", "d'automne", "solidaire", "des familles", "")
PLACES = ("Salle polyvalente", "Square de la Paix", "Pied de la tour B", "Maison de quartier", "Place du marché")
PUBLICS = ("Familles du quartier", "Jeunes de 12 à 18 ans", "Aîné·es isolé·es", "Tous publics", "Parents et enfants")
EXPENSE_LABELS = {
    "60": ("Courses pour le repas", "Petit matériel", "Fournitures d'atelier", "Graines et terreau"),
    "61": ("Location de salle", "Location de sono", "Location d'un car"),
    "62": ("Impression des affiches", "Intervenant·e", "Transport"),
}
RESOURCE_LABELS = {"70": ("Buvette", "Participation des familles")}
DIFFICULTIES = (
    "La météo a réduit la fréquentation de l'après-midi.",
    "Il a été difficile de mobiliser les hommes du quartier.",
    "Le prêt de la salle a été confirmé tardivement.",
    "",
)
IDEAS = ("Recommencer l'an prochain avec plus de bénévoles.", "Un atelier mensuel plutôt qu'un seul évènement.", "")

# The minimal PDF and PNG every generated attachment points to.
SHARED_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
