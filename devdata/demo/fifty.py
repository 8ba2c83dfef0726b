"""Loos-en-Gohelle's fifty/fifty in the demo (seed 003), with fictional people: one project carried out under a
signed convention and shown on the showcase, one convention to sign, one fresh idea, initiatives (two validated,
one waiting for the town) and a bâtisseur. Made through the real services, looked up by title (idempotent)."""

import datetime
from decimal import Decimal

from fiftyfifty import services
from fiftyfifty.models import Builder, Initiative, Project
from funds.models import AssociationStaff, CarrierAssociation, Commune, Fund


def _town() -> CarrierAssociation:
    Commune.objects.update_or_create(insee_code="62528", defaults={"name": "Loos-en-Gohelle", "department_code": "62"})
    town, _ = CarrierAssociation.objects.update_or_create(
        slug="mairie-loos-en-gohelle",
        defaults={
            "name": "Mairie de Loos-en-Gohelle",
            "siret": "21620520300005",
            "address": "1 place de la Mairie",
            "postcode": "62750",
            "city": "Loos-en-Gohelle",
            "contact_name": "Service implication habitante",
            "contact_email": "fifty-fifty@loos.demo.example.org",
            "contact_phone": "03 00 00 00 95",
        },
    )
    town.full_clean()
    return town


def _fund(town: CarrierAssociation, year: int) -> Fund:
    fund, _ = Fund.objects.update_or_create(
        slug=f"fifty-fifty-loos-{year}",
        defaults={
            "association": town,
            "name": f"Fifty/fifty de Loos-en-Gohelle {year}",
            "scheme": Fund.Scheme.FIFTY_FIFTY,
            "year": year,
            "description": "Une idée d'habitants, l'appui de la commune et une convention qui cadre les choses.",
            "envelope": Decimal("10000.00"),
            "max_grant": Decimal("3000.00"),
            "call_opens_on": datetime.date(year, 1, 1),
            "call_closes_on": datetime.date(year, 12, 31),
        },
    )
    return fund


def _project(fund, proposer, title: str, **data) -> tuple[Project, bool]:
    existing = Project.objects.filter(fund=fund, title=title).first()
    if existing is not None:
        return existing, False
    values = {"idea": "", "place": "", "carried_by": "", "contact_phone": ""} | data | {"title": title}
    return services.propose_idea(actor=proposer, fund=fund, data=values), True


def _study(project, staff, *, met_on: datetime.date, commitments: list[tuple]) -> None:
    """The meeting, then the commitments: (side, kind, description, value in euros) each."""
    services.record_meeting(
        actor=staff, project=project, held_on=met_on, attendees="Les porteurs, la mairie", notes="Idée faisable."
    )
    rows = [
        {"side": side, "kind": kind, "description": description, "value": Decimal(value)}
        for side, kind, description, value in commitments
    ]
    services.save_commitments(actor=staff, project=project, rows=rows)


def _initiative(fund, actor, title: str, **data) -> Initiative:
    existing = Initiative.objects.filter(fund=fund, title=title).first()
    return existing or services.declare_initiative(actor=actor, fund=fund, data={"title": title, "place": ""} | data)


def _school(fund: Fund, *, users: dict, today: datetime.date) -> Project:
    """The project carried out under a signed convention, shown on the showcase."""
    staff = users["town"]
    school, new = _project(
        fund,
        users["resident"],
        "Peinture de la cour de l'école",
        idea="Repeindre les jeux au sol de la cour avec les parents et les enfants.",
        place="École du centre",
        carried_by="Association des parents d'élèves de l'école du centre",
    )
    if not new:
        return school
    _study(
        school,
        staff,
        met_on=today - datetime.timedelta(days=120),
        commitments=[
            ("residents", "volunteer_time", "Deux samedis de peinture, 12 parents", "0"),
            ("residents", "tasks", "Dessin des jeux avec les enfants", "0"),
            ("commune", "financial", "Peinture de sol", "450"),
            ("commune", "technical", "Traçage par les services techniques", "300"),
            ("commune", "advice", "Conseils du service enfance", "0"),
        ],
    )
    services.draft_convention(
        actor=staff,
        project=school,
        starts_on=today - datetime.timedelta(days=90),
        ends_on=today - datetime.timedelta(days=10),
    )
    services.sign_in_portal(
        actor=users["resident"],
        project=school,
        name="Nadia Lemaire",
        role_title="présidente de l'association",
        accepted=True,
    )
    services.sign_in_portal(
        actor=staff, project=school, name="Pauline Garnier", role_title="adjointe au maire", accepted=True
    )
    services.carry_out(
        actor=staff,
        project=school,
        carried_out_on=today - datetime.timedelta(days=12),
        outcome="La cour a été repeinte en deux samedis : marelles, parcours et un grand jeu de l'oie.",
        residents_involved=24,
        is_public=True,
    )
    return school


def _path(fund: Fund, *, users: dict, today: datetime.date) -> Project:
    """The project whose convention waits to be signed."""
    staff = users["town"]
    path, new = _project(
        fund,
        users["resident2"],
        "Réfection du chemin des Glaneurs",
        idea="Reboucher les trous du chemin rural avec les agriculteurs et les riverains.",
        place="Chemin des Glaneurs",
        carried_by="Les riverains du chemin des Glaneurs",
    )
    if not new:
        return path
    _study(
        path,
        staff,
        met_on=today - datetime.timedelta(days=20),
        commitments=[
            ("residents", "materials", "Prêt de deux tracteurs", "200"),
            ("commune", "financial", "Granulats", "800"),
        ],
    )
    services.draft_convention(
        actor=staff,
        project=path,
        starts_on=today + datetime.timedelta(days=15),
        ends_on=today + datetime.timedelta(days=75),
    )
    return path


def _initiatives(fund: Fund, *, users: dict, today: datetime.date) -> None:
    """Two initiatives declared by the town (validated), one by a resident (waiting for the town)."""
    staff = users["town"]
    _initiative(
        fund,
        staff,
        "Ramassage de déchets au pied du terril",
        description="Une matinée de ramassage avec trente habitants, suivie d'un pique-nique.",
        carried_by="Le groupe Marche et Nature",
        happened_on=today - datetime.timedelta(days=40),
        residents_involved=30,
    )
    _initiative(
        fund,
        staff,
        "Course solidaire contre le cancer",
        description="Une course à vélo d'un habitant au profit de la recherche.",
        carried_by="Un habitant du quartier",
        happened_on=today - datetime.timedelta(days=70),
        residents_involved=1,
    )
    _initiative(
        fund,
        users["resident"],
        "Fresque de la salle des sports",
        description="Une fresque peinte avec les jeunes du club.",
        carried_by="Nadia Lemaire et les jeunes du club",
        happened_on=today - datetime.timedelta(days=5),
        residents_involved=9,
    )


def _builder(town: CarrierAssociation, *, users: dict, school: Project) -> None:
    """A resident who joins the bâtisseurs, around the school's project."""
    if Builder.objects.filter(association=town, user=users["resident"]).exists():
        return
    services.join_builders(
        actor=users["resident"],
        association=town,
        data={
            "name": "Nadia Lemaire",
            "email": users["resident"].email,
            "phone": "",
            "wishes": "Aider à monter une fête de quartier.",
            "contact_consent": True,
        },
        projects=[school],
    )


def seed_fifty_fifty(*, users: dict, today: datetime.date) -> dict:
    town = _town()
    AssociationStaff.objects.get_or_create(association=town, user=users["town"])
    fund = _fund(town, today.year)
    school = _school(fund, users=users, today=today)
    path = _path(fund, users=users, today=today)
    _project(
        fund,
        users["resident2"],
        "Un verger partagé",
        idea="Planter des arbres fruitiers sur la pelouse derrière la salle des fêtes.",
        carried_by="Karim Dubois et ses voisins",
    )
    _initiatives(fund, users=users, today=today)
    _builder(town, users=users, school=school)
    return {"fund": fund, "school": school, "path": path}
