"""Reference data shipped with the portal: the PIC themes, the CVS stakes and ambitions, the MEL QPV list.

These are data, stored in the database by `load_reference_data`, not interface strings: they are kept
exactly as the source documents write them (French), and are not wrapped in gettext.

Sources: the Région Hauts-de-France PIC brochure (10 themes) and annex 2 of the Métropole Européenne
de Lille's call for projects of the Contrat de ville et des solidarités (6 stakes and their ambitions).
"""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ThemeRef:
    slug: str
    name: str
    position: int


@dataclass(frozen=True)
class AmbitionRef:
    domain: str
    text: str


@dataclass(frozen=True)
class StakeRef:
    number: int
    title: str
    ambitions: tuple[AmbitionRef, ...]


PIC_THEMES: tuple[ThemeRef, ...] = (
    ThemeRef("circuits-courts", "Circuits courts", 1),
    ThemeRef("lutte-contre-l-isolement", "Lutte contre l'isolement", 2),
    ThemeRef("lutte-contre-l-illettrisme", "Lutte contre l'illettrisme", 3),
    ThemeRef("echanges-de-savoirs", "Échanges de savoirs", 4),
    ThemeRef("valorisation-du-patrimoine", "Valorisation du patrimoine", 5),
    ThemeRef("creativite-artistique", "Créativité artistique", 6),
    ThemeRef("insertion-par-l-economique", "Insertion par l'économique", 7),
    ThemeRef("innovation-sociale", "Innovation sociale", 8),
    ThemeRef("democratie-numerique", "Démocratie numérique", 9),
    ThemeRef("transition-energetique-et-ecologique", "Transition énergétique et écologique", 10),
)

HABITAT = "En matière d'habitat"
LIVING_ENVIRONMENT = "En matière de cadre de vie"
SAFETY = "En matière de sécurité et de prévention de la délinquance"
ACCESS_TO_RIGHTS = "En matière d'accès aux droits"
DISCRIMINATION = "En matière de lutte contre les discriminations"

CVS_STAKES: tuple[StakeRef, ...] = (
    StakeRef(
        1,
        "Lutter contre les inégalités dès l'enfance, notamment par la réussite éducative et scolaire "
        "de tous les jeunes",
        (
            AmbitionRef(
                "",
                "Mieux repérer les élèves en difficulté et les accompagner dans leur réussite scolaire, "
                "corolaire à leur réussite professionnelle",
            ),
            AmbitionRef(
                "",
                "Soutenir la parentalité : apporter les ressources nécessaires aux parents pour qu'ils "
                "accompagnent leurs enfants dans les différents âges de la vie et contribuent à leur "
                "épanouissement",
            ),
            AmbitionRef(
                "",
                "Favoriser la diversification d'orientation scolaire notamment en fin de collège pour "
                "favoriser l'ambition et la réussite scolaire",
            ),
            AmbitionRef("", "Favoriser la mixité sociale et scolaire"),
            AmbitionRef(
                "",
                "Favoriser des activités sportives et culturelles régulières, variées en différents lieux "
                "permettra aux jeunes de trouver des centres d'intérêts positifs propices à un "
                "développement éducatif équilibré",
            ),
        ),
    ),
    StakeRef(
        2,
        "Amplifier la politique d'accès à l'emploi",
        (
            AmbitionRef(
                "",
                "Renforcer l'articulation du SPELOF (service public de l'emploi local, de l'orientation et "
                "de la formation) avec les besoins de demandeurs d'emploi de QPV en lien avec la mise en "
                "en place de France Travail",
            ),
            AmbitionRef(
                "",
                "Positionner les habitants des QPV au cœur des actions favorisant l'emploi et le dynamisme économique",
            ),
            AmbitionRef("", "Intensifier l'accompagnement des demandeurs d'emploi les plus vulnérables"),
            AmbitionRef("", "Lever les freins d'accès à l'emploi des habitants des QPV"),
            AmbitionRef(
                "",
                "Il s'agira donc d'améliorer l'adéquation entre les compétences des habitants des QPV et "
                "celles recherchées par les employeurs",
            ),
            AmbitionRef(
                "",
                "Promouvoir la création d'activités économiques comme outil de développement des "
                "territoires prioritaires",
            ),
        ),
    ),
    StakeRef(
        3,
        "Promouvoir l'accès aux soins et à la prévention",
        (
            AmbitionRef(
                "",
                "Se doter d'un outil d'observation, en matière de santé mentale afin de mieux qualifier les "
                "besoins, les ressources et de mieux ajuster les modalités d'intervention en la matière",
            ),
            AmbitionRef(
                "",
                "Soutenir les acteurs agissant sur les problématiques de santé mentale notamment auprès des jeunes",
            ),
            AmbitionRef(
                "",
                "Dans cette perspective, l'ambition sera d'améliorer la participation des habitant.es des "
                "QPV aux campagnes de prévention notamment les campagnes de dépistages des cancers du sein, "
                "des cancers colorectaux et du col de l'utérus",
            ),
        ),
    ),
    StakeRef(
        4,
        "Œuvrer pour le vivre ensemble : gestion urbaine et sociale de proximité et cadre de vie, "
        "engagement citoyen, sécurité-prévention de la délinquance, habitat",
        (
            AmbitionRef(
                HABITAT,
                "L'ambition est d'améliorer la situation de l'habitat dans les QPV (qualité des logements, "
                "performance énergétique, mixité). En la matière la MEL et ses partenaires ont pris des "
                "engagements dans le cadre du Programme Local de l'Habitat (PLH) et du NPNRU. Ces "
                "engagements feront office d'ambitions dans le cadre du contrat de ville et des "
                "solidarités.",
            ),
            AmbitionRef(
                LIVING_ENVIRONMENT,
                "Via la démarche métropolitaine de Gestion Urbaine et Sociale de Proximité, la MEL et ses "
                "partenaires ambitionnent d'améliorer la propreté des quartiers prioritaires. Il s'agira "
                "notamment de faire en sorte que les habitants perçoivent cette amélioration au quotidien.",
            ),
            AmbitionRef(
                LIVING_ENVIRONMENT,
                "L'ambition est de poursuivre le travail engagé et d'aménager de nouveaux espaces "
                "actuellement délaissés situés en QPV. Les aménagements devront s'adosser sur des projets "
                "permettant le bon fonctionnement de ces espaces (propreté, entretien...)",
            ),
            AmbitionRef(
                LIVING_ENVIRONMENT,
                "L'ambition est donc de (re) créer d'ici 2030, dans chaque quartier, des collectifs "
                "d'habitants permettant de faciliter le lien entre les institutions et les habitants sur "
                "les sujets, projets qui les concernent, les préoccupent (aménagement, rénovation, "
                "entretien du quotidien...mais aussi projets éducatifs, d'animation de quartier...).",
            ),
            AmbitionRef(
                SAFETY,
                "Diminuer de manière significative l'entrée des adolescents dans les réseaux de "
                "délinquance, en particulier ceux liés aux trafics de stupéfiants, dans le cadre d'une "
                "approche globale (repérage des mineurs en danger, protection des mineurs, protection de "
                "l'enfance, éducation, parentalité, sanctions, justice...)",
            ),
        ),
    ),
    StakeRef(
        5,
        "Construire une transition écologique solidaire : mobilité, précarité énergétique, renaturation "
        "de la ville, agriculture urbaine",
        (
            AmbitionRef("", "Améliorer l'efficacité énergétique et lutter contre la précarité énergétique"),
            AmbitionRef(
                "",
                "Mettre en œuvre des opérations d'aménagement favorisant la santé environnementale et "
                "l'adaptation au changement climatique",
            ),
            AmbitionRef(
                "",
                "Inscrire les quartiers NPNRU dans la démarche quartiers résilients et s'appuyer sur le "
                "démonstrateur de la ville durable « Léna Mexico » dans le cadre de l'habitat privé",
            ),
            AmbitionRef(
                "",
                "Structurer et faire connaître les réseaux et les lieux durables et solidaires existants "
                "dans les quartiers",
            ),
            AmbitionRef("", "Favoriser la mobilité des habitants en QPV"),
            AmbitionRef("", "Favoriser l'accès à une alimentation saine et durable"),
        ),
    ),
    StakeRef(
        6,
        "Lutter contre l'isolement et la grande précarité, accès aux droits, transition numérique, lutte "
        "contre les discriminations",
        (
            AmbitionRef(
                ACCESS_TO_RIGHTS,
                "Faciliter l'accès aux droits et accompagner les habitants aux usages numériques",
            ),
            AmbitionRef(
                ACCESS_TO_RIGHTS,
                "Soutenir et expérimenter des démarches « d'aller vers » dédiées aux personnes isolées, peu "
                "mobiles, potentiellement en situation de rupture de droit.",
            ),
            AmbitionRef(DISCRIMINATION, "Former les acteurs"),
            AmbitionRef(
                DISCRIMINATION,
                "Faire évoluer les pratiques RH des employeurs via le déploiement d'actions de "
                "sensibilisation / formations innovantes en matière de lutte contre les discriminations",
            ),
            AmbitionRef(
                DISCRIMINATION,
                "Poursuivre les actions engagées en faveur de la lutte contre les discriminations dans le "
                "domaine du logement",
            ),
            AmbitionRef(
                DISCRIMINATION,
                "D'autres champs que l'emploi pourront être explorés : éducation, accès aux loisirs... et "
                "d'autres acteurs pourront être sensibilisés/formés.",
            ),
        ),
    ),
)

# The 26 QPV 2024 of the Métropole Européenne de Lille, in the national ANCT format.
MEL_QPV_FILE: Path = Path(__file__).resolve().parent / "data" / "qpv2024_mel.csv"
MEL_QPV_COUNT = 26
