"""Demo data for `manage.py seed_demo`: fictional people, real places, valid identifiers.

Idempotent: every object is looked up by a natural key and updated in place.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from committees.models import Committee, CommitteeMember
from devdata.demo_requests import seed_requests
from funds.models import (
    AssociationStaff,
    CarrierAssociation,
    Commune,
    Fund,
    FundCoFunder,
    Funder,
    FunderStaff,
    Neighbourhood,
    Theme,
)

DEMO_PASSWORD = "portail-demo-2025"


@dataclass(frozen=True)
class DemoAccount:
    key: str
    email: str
    first_name: str
    last_name: str
    role: str


DEMO_ACCOUNTS = (
    DemoAccount("resident", "habitante@demo.example.org", "Nadia", "Lemaire", "Habitante (porteuse de projet)"),
    DemoAccount("resident2", "habitant@demo.example.org", "Karim", "Dubois", "Habitant (second porteur)"),
    DemoAccount(
        "staff", "equipe@hommelet.demo.example.org", "Julie", "Moreau", "Équipe du Centre social de l'Hommelet"
    ),
    DemoAccount(
        "staff2", "equipe@oliveaux.demo.example.org", "Thomas", "Leroy", "Équipe de l'association des Oliveaux"
    ),
    DemoAccount("committee", "comite@demo.example.org", "Fatou", "Diallo", "Membre du comité d'attribution (Hommelet)"),
    DemoAccount("region", "region@demo.example.org", "Claire", "Petit", "Agente de la Région Hauts-de-France"),
    DemoAccount("city", "ville-roubaix@demo.example.org", "Marc", "Fontaine", "Agent de la Ville de Roubaix"),
    DemoAccount("admin", "admin@demo.example.org", "Admin", "Portail", "Administrateur du site"),
)


def _user(account: DemoAccount) -> User:
    user, _ = User.objects.get_or_create(email=account.email)
    user.first_name = account.first_name
    user.last_name = account.last_name
    user.is_staff = user.is_superuser = account.key == "admin"
    user.email_confirmed_at = user.email_confirmed_at or timezone.now()
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _fund(*, slug: str, association, defaults: dict, themes, neighbourhoods, cofunders: dict) -> Fund:
    fund, _ = Fund.objects.update_or_create(slug=slug, defaults={"association": association, **defaults})
    fund.full_clean()
    fund.themes.set(themes)
    fund.neighbourhoods.set(neighbourhoods)
    for funder, amount in cofunders.items():
        FundCoFunder.objects.update_or_create(fund=fund, funder=funder, defaults={"amount": amount})
    return fund


def seed_demo(*, today: datetime.date | None = None) -> dict:
    # The demo sends no real e-mail: notifications (also those sent after commit) go to an in-memory outbox.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
        return _seed(today=today or timezone.localdate())


def _seed(*, today: datetime.date) -> dict:
    users = {account.key: _user(account) for account in DEMO_ACCOUNTS}

    roubaix = Commune.objects.get(insee_code="59512")
    loos = Commune.objects.get(insee_code="59360")
    region, _ = Funder.objects.update_or_create(name="Région Hauts-de-France", defaults={"kind": Funder.Kind.REGION})
    city_roubaix, _ = Funder.objects.update_or_create(
        name="Ville de Roubaix", defaults={"kind": Funder.Kind.CITY, "commune": roubaix}
    )
    city_loos, _ = Funder.objects.update_or_create(
        name="Ville de Loos", defaults={"kind": Funder.Kind.CITY, "commune": loos}
    )

    hommelet, _ = CarrierAssociation.objects.update_or_create(
        slug="centre-social-hommelet",
        defaults={
            "name": "Centre social de l'Hommelet",
            "siret": "78451236000016",
            "rna": "W595000001",
            "address": "76 rue de la Paix",
            "postcode": "59100",
            "city": "Roubaix",
            "contact_email": "contact@hommelet.demo.example.org",
            "contact_phone": "03 20 00 00 00",
        },
    )
    oliveaux, _ = CarrierAssociation.objects.update_or_create(
        slug="association-oliveaux",
        defaults={
            "name": "Association Vivre aux Oliveaux",
            "siret": "51472369100010",
            "rna": "W595000002",
            "address": "1 place des Oliveaux",
            "postcode": "59120",
            "city": "Loos",
            "contact_email": "contact@oliveaux.demo.example.org",
        },
    )
    for association in (hommelet, oliveaux):
        association.full_clean()
    roubaix_qpv = list(Neighbourhood.objects.filter(communes=roubaix).order_by("code"))
    hommelet.neighbourhoods.set(roubaix_qpv)
    oliveaux_qpv = list(Neighbourhood.objects.filter(code="QN05975M"))
    oliveaux.neighbourhoods.set(oliveaux_qpv)

    AssociationStaff.objects.get_or_create(association=hommelet, user=users["staff"])
    AssociationStaff.objects.get_or_create(association=oliveaux, user=users["staff2"])
    FunderStaff.objects.get_or_create(funder=region, user=users["region"])
    FunderStaff.objects.get_or_create(funder=city_roubaix, user=users["city"])

    themes = list(Theme.objects.filter(is_active=True))
    pic_rules = {
        "scheme": Fund.Scheme.PIC,
        "max_grant": Decimal("900.00"),
        "max_grant_second_request": Decimal("400.00"),
        "filing_days_before_committee": 15,
        "advance_percent": Decimal("80"),
        "bilan_due_days": 30,
    }
    funds = {
        "hommelet_2025": _fund(
            slug="pic-hommelet-2025",
            association=hommelet,
            defaults={
                **pic_rules,
                "name": "PIC Hommelet 2025",
                "year": 2025,
                "envelope": Decimal("20000.00"),
                "call_opens_on": datetime.date(2025, 1, 6),
                "call_closes_on": datetime.date(2025, 11, 30),
                "description": "Fonds de projets d'initiative citoyenne des quartiers de Roubaix accompagnés "
                "par le Centre social de l'Hommelet.",
            },
            themes=themes,
            neighbourhoods=roubaix_qpv,
            cofunders={region: Decimal("14000.00"), city_roubaix: Decimal("6000.00")},
        ),
        "oliveaux_2025": _fund(
            slug="pic-oliveaux-2025",
            association=oliveaux,
            defaults={
                **pic_rules,
                "name": "PIC Les Oliveaux 2025",
                "year": 2025,
                "envelope": Decimal("12000.00"),
                "max_grant": Decimal("750.00"),
                "max_grant_second_request": None,
                "call_opens_on": datetime.date(2025, 1, 15),
                "call_closes_on": datetime.date(2025, 10, 31),
                "filing_days_before_committee": 7,
                "description": "Fonds de projets d'initiative citoyenne du quartier des Oliveaux à Loos.",
            },
            themes=themes,
            neighbourhoods=oliveaux_qpv,
            cofunders={region: Decimal("6000.00"), city_loos: Decimal("6000.00")},
        ),
    }
    if today.year != 2025:
        # A fund of the current year with an open call, so a resident can file a request in the demo.
        funds["hommelet_current"] = _fund(
            slug=f"pic-hommelet-{today.year}",
            association=hommelet,
            defaults={
                **pic_rules,
                "name": f"PIC Hommelet {today.year}",
                "year": today.year,
                "envelope": Decimal("20000.00"),
                "call_opens_on": datetime.date(today.year, 1, 1),
                "call_closes_on": datetime.date(today.year, 12, 31),
                "description": "Fonds de projets d'initiative citoyenne des quartiers de Roubaix.",
            },
            themes=themes,
            neighbourhoods=roubaix_qpv,
            cofunders={region: Decimal("14000.00"), city_roubaix: Decimal("6000.00")},
        )

    committee = _committee(fund=funds["hommelet_2025"], users=users)
    if "hommelet_current" in funds:
        _committee(fund=funds["hommelet_current"], users=users)
    requests = seed_requests(users=users, funds=funds, committee=committee, today=today)
    return {"users": users, "funds": funds, "committee": committee, "requests": requests}


def _committee(*, fund: Fund, users: dict) -> Committee:
    committee, _ = Committee.objects.get_or_create(fund=fund, name="Comité d'attribution de l'Hommelet")
    members = [
        ("Fatou Diallo", CommitteeMember.College.RESIDENT, users["committee"], ""),
        ("Habitante membre n° 2", CommitteeMember.College.RESIDENT, None, ""),
        ("Habitant membre n° 3", CommitteeMember.College.RESIDENT, None, ""),
        ("Habitante membre n° 4", CommitteeMember.College.RESIDENT, None, ""),
        (
            "Représentant·e de l'association de jardiniers",
            CommitteeMember.College.ASSOCIATION,
            None,
            "Jardins partagés",
        ),
        ("Élu·e de quartier", CommitteeMember.College.EX_OFFICIO, None, "Ville de Roubaix"),
    ]
    for full_name, college, user, organisation in members:
        CommitteeMember.objects.update_or_create(
            committee=committee,
            full_name=full_name,
            defaults={
                "college": college,
                "user": user,
                "organisation": organisation,
                "mandate_start": datetime.date(2025, 1, 1),
            },
        )
    return committee
