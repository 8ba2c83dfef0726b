"""The demo's co-funders, carrier associations, funds and committees."""

import datetime
from decimal import Decimal

from committees import services as committee_services
from committees.models import Committee, CommitteeMember, CommitteeSession
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

PIC_RULES = {
    "scheme": Fund.Scheme.PIC,
    "max_grant": Decimal("900.00"),
    "max_grant_second_request": Decimal("400.00"),
    "filing_days_before_committee": 15,
    "advance_percent": Decimal("80"),
    "bilan_due_days": 30,
}


def seed_funds(*, users: dict, today: datetime.date) -> tuple[dict, Committee]:
    """The funds by key ("hommelet_2025", "oliveaux_2025", "hommelet_current" when today is not in 2025) and
    the Hommelet committee of 2025."""
    roubaix = Commune.objects.get(insee_code="59512")
    loos = Commune.objects.get(insee_code="59360")
    region, _ = Funder.objects.update_or_create(name="Région Hauts-de-France", defaults={"kind": Funder.Kind.REGION})
    city_roubaix, _ = Funder.objects.update_or_create(
        name="Ville de Roubaix", defaults={"kind": Funder.Kind.CITY, "commune": roubaix}
    )
    city_loos, _ = Funder.objects.update_or_create(
        name="Ville de Loos", defaults={"kind": Funder.Kind.CITY, "commune": loos}
    )
    hommelet, oliveaux = _associations()
    roubaix_qpv = list(Neighbourhood.objects.filter(communes=roubaix).order_by("code"))
    hommelet.neighbourhoods.set(roubaix_qpv)
    oliveaux_qpv = list(Neighbourhood.objects.filter(code="QN05975M"))
    oliveaux.neighbourhoods.set(oliveaux_qpv)

    AssociationStaff.objects.get_or_create(association=hommelet, user=users["staff"])
    AssociationStaff.objects.get_or_create(association=oliveaux, user=users["staff2"])
    FunderStaff.objects.get_or_create(funder=region, user=users["region"])
    FunderStaff.objects.get_or_create(funder=city_roubaix, user=users["city"])

    themes = list(Theme.objects.filter(is_active=True))
    hommelet_funders = {region: Decimal("14000.00"), city_roubaix: Decimal("6000.00")}
    funds = {
        "hommelet_2025": _hommelet_2025(hommelet, themes, roubaix_qpv, hommelet_funders),
        "oliveaux_2025": _oliveaux_2025(
            oliveaux, themes, oliveaux_qpv, {region: Decimal("6000.00"), city_loos: Decimal("6000.00")}
        ),
    }
    if today.year != 2025:
        # A fund of the current year with an open call, so a resident can file a request in the demo.
        funds["hommelet_current"] = _fund(
            slug=f"pic-hommelet-{today.year}",
            association=hommelet,
            defaults={
                **PIC_RULES,
                "name": f"PIC Hommelet {today.year}",
                "year": today.year,
                "envelope": Decimal("20000.00"),
                "call_opens_on": datetime.date(today.year, 1, 1),
                "call_closes_on": datetime.date(today.year, 12, 31),
                "description": "Fonds de projets d'initiative citoyenne des quartiers de Roubaix.",
            },
            themes=themes,
            neighbourhoods=roubaix_qpv,
            cofunders=hommelet_funders,
        )
    committee = _committee(fund=funds["hommelet_2025"], users=users)
    if "hommelet_current" in funds:
        current = _committee(fund=funds["hommelet_current"], users=users)
        _planned_sessions(committee=current, staff=users["staff"], today=today)
    return funds, committee


def _planned_sessions(*, committee: Committee, staff, today: datetime.date) -> None:
    """The next sessions of this year's committee, so the open calls and the request form show their dates and
    last filing days: one whose filing day has passed, then two still open (kept in the fund's year). Made
    only when none is planned from today on (a second run the same day changes nothing)."""
    if CommitteeSession.objects.filter(committee=committee, date__gte=today).exists():
        return
    last = datetime.date(today.year, 12, 30)
    days = sorted({min(today + datetime.timedelta(days=n), last) for n in (7, 16, 45)})
    for day in days:
        if day >= today:
            committee_services.create_session(
                user=staff,
                committee=committee,
                date=day,
                time=datetime.time(18, 0),
                place="Salle du centre social, 76 rue de la Paix, Roubaix",
            )


def _associations() -> tuple[CarrierAssociation, CarrierAssociation]:
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
            "opening_hours": "Du lundi au vendredi, de 9 h à 12 h et de 14 h à 17 h 30.\n"
            "Permanence « projets d'habitants » le mercredi de 14 h à 18 h.",
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
            "contact_phone": "03 20 00 00 01",
            "opening_hours": "Du mardi au samedi, de 10 h à 12 h 30 et de 14 h à 18 h.",
        },
    )
    for association in (hommelet, oliveaux):
        association.full_clean()
    return hommelet, oliveaux


def _hommelet_2025(association, themes, neighbourhoods, cofunders) -> Fund:
    return _fund(
        slug="pic-hommelet-2025",
        association=association,
        defaults={
            **PIC_RULES,
            "name": "PIC Hommelet 2025",
            "year": 2025,
            "envelope": Decimal("20000.00"),
            "call_opens_on": datetime.date(2025, 1, 6),
            "call_closes_on": datetime.date(2025, 11, 30),
            "description": "Fonds de projets d'initiative citoyenne des quartiers de Roubaix accompagnés "
            "par le Centre social de l'Hommelet.",
        },
        themes=themes,
        neighbourhoods=neighbourhoods,
        cofunders=cofunders,
    )


def _oliveaux_2025(association, themes, neighbourhoods, cofunders) -> Fund:
    return _fund(
        slug="pic-oliveaux-2025",
        association=association,
        defaults={
            **PIC_RULES,
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
        neighbourhoods=neighbourhoods,
        cofunders=cofunders,
    )


def _fund(*, slug: str, association, defaults: dict, themes, neighbourhoods, cofunders: dict) -> Fund:
    fund, _ = Fund.objects.update_or_create(slug=slug, defaults={"association": association, **defaults})
    fund.full_clean()
    fund.themes.set(themes)
    fund.neighbourhoods.set(neighbourhoods)
    for funder, amount in cofunders.items():
        FundCoFunder.objects.update_or_create(fund=fund, funder=funder, defaults={"amount": amount})
    return fund


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
    # Who signs the letters and the minutes (fictional people; see the committee's settings page).
    committee.chair = committee.members.get(full_name="Fatou Diallo")
    committee.signatory_name = "Fatou Diallo"
    committee.signatory_role = "présidente du comité d'attribution"
    committee.secretary_name = "Camille Exemple"
    committee.secretary_role = "chargée de mission du centre social"
    committee.full_clean()
    committee.save()
    return committee
