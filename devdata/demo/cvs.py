"""The demo's CVS call (seed 002): a fictional MEL carrier runs the Contrat de ville call, co-funded by the State,
the MEL, two communes, the Région and the CAF; fictional associations file in several QPV; last year's project
filed its annex 3 bilan and is renewed this year with a programming decision per funder.

Everything goes through the real services (cvs, reports). Idempotent: the requests are made once per fund.
"""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from applications import services as app_services
from applications.models import Application
from cvs import services
from devdata.demo.common import DEMO_PDF
from devdata.demo.people import DemoAccount, demo_user
from funds.models import (
    AssociationStaff,
    CarrierAssociation,
    Commune,
    CvsAmbition,
    Fund,
    FundCoFunder,
    Funder,
    FunderStaff,
    Neighbourhood,
)
from funds.validators import make_siret
from reports import services as bilan_services

ASSOCIATIONS = (
    DemoAccount("asso_reussir", "reussir-ensemble@demo.example.org", "Leïla", "Benali", "Association Réussir ensemble"),
    DemoAccount("asso_jardins", "jardins-solidaires@demo.example.org", "Paul", "Vasseur", "Les Jardins solidaires"),
    DemoAccount("landlord", "logis-metropole@demo.example.org", "Inès", "Carpentier", "Logis Métropole"),
)
ENVELOPES = {
    "État — Préfecture du Nord (politique de la ville)": (Funder.Kind.STATE, None, Decimal("60000")),
    "Métropole Européenne de Lille": (Funder.Kind.EPCI, None, Decimal("40000")),
    "Ville de Roubaix": (Funder.Kind.CITY, "59512", Decimal("20000")),
    "Ville de Tourcoing": (Funder.Kind.CITY, "59599", Decimal("15000")),
    "Région Hauts-de-France": (Funder.Kind.REGION, None, Decimal("20000")),
    "CAF du Nord": (Funder.Kind.CAF, None, Decimal("10000")),
}
COMMITMENTS = {
    "gender_objectives": "Au moins la moitié de filles parmi les jeunes accompagnés.",
    "gender_means": "Des créneaux compatibles avec la garde des plus jeunes, des animatrices et des animateurs.",
    "common_law_funding": "Mise à disposition d'une salle par la commune ; contrat local d'accompagnement scolaire.",
    "partnerships": "Collège du quartier, centre social, bailleur social.",
    "evaluation_indicators": "Nombre de jeunes suivis, assiduité, progression des résultats au trimestre.",
    "evaluation_follow_up": "Un comité de suivi par trimestre avec les partenaires ; un bilan annuel (annexe 3).",
}


def seed_cvs(*, users: dict, today: datetime.date) -> dict:
    """The CVS funds of last year and this year, their requests, one programming per funder and one bilan."""
    staff = users["staff_mel"]
    holders = {account.key: demo_user(account) for account in ASSOCIATIONS}
    carrier = _carrier(staff)
    funders = _funders(users)
    # The call for year N is filed during year N-1 (seed 002: the 2026 call closed on 15 October 2025). The demo's
    # current call (next year's funding) stays open until mid-January, so it is listed after the PIC call of the
    # year (open calls are sorted by closing date); last year's call, for this year's funding, is closed.
    previous = _fund(carrier, funders, year=today.year, closes_on=datetime.date(today.year - 1, 12, 31))
    current = _fund(carrier, funders, year=today.year + 1, closes_on=datetime.date(today.year + 1, 1, 15))
    if not Application.objects.filter(fund=previous).exists():
        _last_year(previous, staff=staff, holder=holders["asso_reussir"], funders=funders)
    if not Application.objects.filter(fund=current).exists():
        _this_year(current, previous, staff=staff, holders=holders, funders=funders, users=users, today=today)
    return {"previous": previous, "current": current, "staff": staff}


def _carrier(staff) -> CarrierAssociation:
    carrier, _ = CarrierAssociation.objects.update_or_create(
        slug="mel-contrat-de-ville",
        defaults={
            "name": "Mission contrat de ville de la MEL (démo)",
            "siret": make_siret(24_590_001),
            "address": "1 rue du Ballon",
            "postcode": "59000",
            "city": "Lille",
            "contact_email": "contrat-de-ville@mel.demo.example.org",
        },
    )
    AssociationStaff.objects.get_or_create(association=carrier, user=staff)
    return carrier


def _funders(users: dict) -> dict:
    funders = {}
    for name, (kind, insee, envelope) in ENVELOPES.items():
        commune = Commune.objects.filter(insee_code=insee).first() if insee else None
        funder, _ = Funder.objects.update_or_create(name=name, defaults={"kind": kind, "commune": commune})
        funders[name] = (funder, envelope)
    tourcoing = funders["Ville de Tourcoing"][0]
    referent = demo_user(
        DemoAccount("city_tourcoing", "ville-tourcoing@demo.example.org", "Hugo", "Lambert", "Agent de Tourcoing")
    )
    FunderStaff.objects.get_or_create(funder=tourcoing, user=referent)
    return funders


def _fund(carrier, funders: dict, *, year: int, closes_on: datetime.date) -> Fund:
    fund, _ = Fund.objects.update_or_create(
        slug=f"cvs-mel-{year}",
        defaults={
            "association": carrier,
            "name": f"Contrat de ville et des solidarités — appel à projets {year}",
            "scheme": Fund.Scheme.CVS,
            "year": year,
            "envelope": sum((envelope for _f, envelope in funders.values()), Decimal("0")),
            "max_grant": Decimal("30000"),
            "call_opens_on": datetime.date(year - 1, 1, 1),
            "call_closes_on": closes_on,
            "description": "Appel à projets annuel du contrat de ville pour les quartiers prioritaires de la MEL.",
        },
    )
    fund.full_clean()
    fund.neighbourhoods.set(Neighbourhood.objects.filter(epci_siren="200093201") or Neighbourhood.objects.all())
    fund.ambitions.set(CvsAmbition.objects.all())
    for funder, envelope in funders.values():
        FundCoFunder.objects.update_or_create(fund=fund, funder=funder, defaults={"amount": envelope})
    return fund


def _qpv(*codes):
    return list(Neighbourhood.objects.filter(code__in=codes))


def _ambitions(*positions):
    return [a for a in CvsAmbition.objects.select_related("stake") if (a.stake.number, a.position) in positions]


def _file(user, fund, *, structure: dict, project: dict, asks: dict, funders: dict, expenses, today) -> Application:
    application = services.start_cvs_draft(user=user, fund=fund, today=today)
    services.save_structure(
        user=user,
        application=application,
        data={
            "representative_role": "Président·e",
            "referent_email": user.email,
            "referent_phone": "",
            "address": "10 rue de la République",
            "republican_commitment": structure.get("structure_kind") == "association",
            **structure,
        },
    )
    services.save_project(user=user, application=application, data=project)
    services.save_commitments(user=user, application=application, data=COMMITMENTS)
    ask_ids = {funders[name][0].pk: amount for name, amount in asks.items()}
    total = sum(ask_ids.values(), Decimal("0"))
    services.save_cvs_budget(
        user=user,
        application=application,
        expenses=[
            {"category": "64", "label": "Salaire de l'animatrice (part de l'action)", "amount": total - expenses},
            {"category": "60", "label": "Fournitures et petit matériel", "amount": expenses},
            {"category": "86", "label": "Bénévolat", "amount": Decimal("1500")},
        ],
        resources=[{"category": "87", "label": "Bénévolat valorisé", "amount": Decimal("1500")}],
        asks=ask_ids,
    )
    for kind, name in (("bank_details", "rib.pdf"), ("statutes", "statuts.pdf")):
        app_services.add_attachment(
            user=user,
            application=application,
            kind=kind,
            uploaded_file=SimpleUploadedFile(name, DEMO_PDF, "application/pdf"),
        )
    services.submit_cvs_request(user=user, application=application, today=today)
    return application


def _program(staff, application, *, funders: dict, amounts: dict, decided_on: datetime.date) -> None:
    services.decide_eligibility(user=staff, application=application, eligible=True)
    services.record_programming(
        user=staff,
        application=application,
        decided_on=decided_on,
        attendees="MEL (présidence)\nPréfecture du Nord\nVilles de Roubaix et Tourcoing\nRégion\nCAF du Nord",
        granted=True,
        amounts={funders[name][0].pk: amount for name, amount in amounts.items()},
    )


REUSSIR = {
    "structure_kind": "association",
    "name": "Association Réussir ensemble (fictive)",
    "siret": make_siret(41_230_017),
    "postcode": "59100",
    "city": "Roubaix",
    "representative_name": "Leïla Benali",
    "referent_name": "Leïla Benali",
}


def _last_year(fund: Fund, *, staff, holder, funders: dict) -> None:
    """Last year's project, programmed and paid, with its annex 3 bilan filed."""
    day = datetime.date(fund.year - 1, 9, 1)  # filed during the call, the year before
    asks = {"État — Préfecture du Nord (politique de la ville)": Decimal("5000"), "Ville de Roubaix": Decimal("3000")}
    application = _file(
        holder,
        fund,
        structure=REUSSIR,
        project={
            "title": "Coup de pouce aux devoirs",
            "description": "Aide aux devoirs deux soirs par semaine pour les collégien·nes.",
            "diagnostic": "Les familles du quartier manquent de solutions d'aide aux devoirs.",
            "territorial_anchoring": "L'association anime le quartier du Pile depuis 2015.",
            "neighbourhoods": _qpv("QN05981M"),
            "ambitions": _ambitions((1, 1)),
            "target_public": "Collégien·nes du Nouveau Roubaix et leurs parents.",
            "multi_year": False,
            "previous_request": None,
        },
        asks=asks,
        funders=funders,
        expenses=Decimal("1000"),
        today=day,
    )
    _program(staff, application, funders=funders, amounts=asks, decided_on=datetime.date(fund.year - 1, 12, 10))
    for name, amount in asks.items():
        services.record_funder_payment(
            user=staff,
            application=application,
            funder_id=funders[name][0].pk,
            amount=amount,
            paid_on=datetime.date(fund.year, 1, 1),
        )
    _last_year_bilan(fund, holder=holder, application=application)


def _bilan_report(year: int) -> dict:
    """What the annex 3 bilan of last year's project says."""
    return {
        "period_start": datetime.date(year, 1, 1),
        "period_end": datetime.date(year, 12, 31),
        "structure": "Association Réussir ensemble (fictive), association loi 1901",
        "referent_function": "Coordinatrice",
        "action_created_year": year,
        "territory": "Nouveau Roubaix",
        "target_public": "Collégien·nes et leurs parents",
        "partnerships": "Collège, centre social",
        "dedicated_staff": "Une animatrice à mi-temps",
        "material_means": "Une salle prêtée par la commune",
        "communication_means": "Affiches au collège, bouche-à-oreille",
        "planned_cost": Decimal("9500"),
        "short_description": "Aide aux devoirs deux soirs par semaine.",
        "progress_status": "in_progress",
        "progress_since": datetime.date(year, 1, 1),
        "coordination": "Un comité de suivi trimestriel.",
        "achievements": "60 séances, 32 jeunes suivis.",
        "successes": "Une bonne assiduité.",
        "difficulties": "Trouver des bénévoles le jeudi.",
        "positive_impacts": "Des parents plus présents au collège.",
        "negative_impacts": "Aucun relevé.",
        "perspective": "maintain",
        "perspective_comment": "Poursuivre et ouvrir un troisième soir.",
        "key_figures": "32 jeunes en QPV (18 filles, 14 garçons), 60 séances (feuilles de présence, décembre).",
        "swot_strengths": "Une équipe stable.",
        "swot_weaknesses": "Un seul local.",
        "swot_opportunities": "Le nouveau collège.",
        "swot_threats": "La fin d'un contrat aidé.",
    }


def _last_year_bilan(fund: Fund, *, holder, application: Application) -> None:
    """The annex 3 bilan of last year's project: its report, objectives and budget, then filed."""
    bilan = bilan_services.start_cvs_bilan(user=holder, application=application)
    bilan_services.save_cvs_bilan(user=holder, bilan=bilan, data=_bilan_report(fund.year))
    bilan_services.save_cvs_objectives(
        user=holder,
        bilan=bilan,
        objectives=[
            {"objective": "Accompagner 30 jeunes sur l'année", "indicators": "Jeunes suivis", "result": "32 jeunes"},
            {"objective": "Organiser 60 séances", "indicators": "Séances", "result": "60 séances"},
        ],
    )
    bilan_services.save_cvs_budget(
        user=holder,
        bilan=bilan,
        lines=[
            {"side": "charge", "account": "64", "item": "", "planned_amount": "7000", "realised_amount": "6800"},
            {"side": "charge", "account": "60", "item": "", "planned_amount": "1000", "realised_amount": "1200"},
            {
                "side": "resource",
                "account": "74",
                "item": "74.state_specific",
                "planned_amount": "5000",
                "realised_amount": "5000",
            },
            {
                "side": "resource",
                "account": "74",
                "item": "74.commune_specific",
                "commune_name": "Roubaix",
                "planned_amount": "3000",
                "realised_amount": "3000",
            },
        ],
    )
    bilan_services.submit_cvs_bilan(user=holder, bilan=bilan)


def _renewal(fund: Fund, previous: Fund, *, staff, holders: dict, funders: dict, users: dict, today) -> None:
    """Last year's project renewed over several years, with the city's opinion, programmed per funder."""
    renewal_of = Application.objects.get(fund=previous, title="Coup de pouce aux devoirs")
    multi = {
        "État — Préfecture du Nord (politique de la ville)": Decimal("6000"),
        "Métropole Européenne de Lille": Decimal("4000"),
        "Ville de Roubaix": Decimal("3000"),
        "CAF du Nord": Decimal("2000"),
    }
    renewal = _file(
        holders["asso_reussir"],
        fund,
        structure=REUSSIR,
        project={
            "title": "Coup de pouce aux devoirs — deuxième année",
            "description": "Trois soirs par semaine et un atelier pour les parents.",
            "diagnostic": "La liste d'attente compte 20 jeunes ; les parents demandent un accompagnement.",
            "territorial_anchoring": "L'association anime le quartier du Pile depuis 2015.",
            "neighbourhoods": _qpv("QN05981M", "QN05980M"),
            "ambitions": _ambitions((1, 1), (1, 2)),
            "target_public": "Collégien·nes et parents du Nouveau Roubaix et du quartier intercommunal.",
            "multi_year": True,
            "previous_request": renewal_of,
        },
        asks=multi,
        funders=funders,
        expenses=Decimal("1500"),
        today=today,
    )
    services.give_opinion(
        user=users["city"], application=renewal, funder_id=funders["Ville de Roubaix"][0].pk, opinion="favourable"
    )
    _program(staff, renewal, funders=funders, amounts=multi, decided_on=today)


def _gardens(fund: Fund, *, staff, holders: dict, funders: dict, today) -> None:
    """A Tourcoing project found eligible, with a reserved opinion from the city's referent."""
    jardins = _file(
        holders["asso_jardins"],
        fund,
        structure={
            "structure_kind": "association",
            "name": "Les Jardins solidaires (fictive)",
            "siret": make_siret(51_870_024),
            "postcode": "59200",
            "city": "Tourcoing",
            "representative_name": "Paul Vasseur",
            "referent_name": "Paul Vasseur",
        },
        project={
            "title": "Potagers partagés des Phalempins",
            "description": "Des parcelles cultivées ensemble au pied des immeubles.",
            "diagnostic": "Peu d'espaces verts entretenus, une demande d'alimentation saine.",
            "territorial_anchoring": "Jardins déjà ouverts au Virolois depuis 2019.",
            "neighbourhoods": _qpv("QN05983M", "QN05984M"),
            "ambitions": _ambitions((5, 6)),
            "target_public": "Familles des Phalempins et du Virolois.",
            "multi_year": False,
            "previous_request": None,
        },
        asks={"Ville de Tourcoing": Decimal("4000"), "Région Hauts-de-France": Decimal("3000")},
        funders=funders,
        expenses=Decimal("2000"),
        today=today,
    )
    services.decide_eligibility(user=staff, application=jardins, eligible=True)
    tourcoing = funders["Ville de Tourcoing"][0]
    referent = FunderStaff.objects.filter(funder=tourcoing).select_related("user").first().user
    services.give_opinion(
        user=referent,
        application=jardins,
        funder_id=tourcoing.pk,
        opinion="reserved",
        comment="Préciser l'entretien des parcelles l'été.",
    )


def _mediation(fund: Fund, *, holders: dict, funders: dict, today) -> None:
    """A landlord's project, filed and waiting for its instruction."""
    _file(
        holders["landlord"],
        fund,
        structure={
            "structure_kind": "landlord",
            "name": "Logis Métropole (bailleur fictif)",
            "siret": make_siret(38_450_031),
            "postcode": "59000",
            "city": "Lille",
            "representative_name": "Inès Carpentier",
            "referent_name": "Inès Carpentier",
        },
        project={
            "title": "Médiation de proximité en pied d'immeuble",
            "description": "Deux médiateurs le soir et le week-end.",
            "diagnostic": "Des conflits de voisinage et un sentiment d'insécurité.",
            "territorial_anchoring": "Bailleur de 1 200 logements du secteur.",
            "neighbourhoods": _qpv("QN05971M", "QN05972M"),
            "ambitions": _ambitions((4, 3)),
            "target_public": "Locataires des résidences du secteur.",
            "multi_year": True,
            "previous_request": None,
        },
        asks={
            "Métropole Européenne de Lille": Decimal("8000"),
            "État — Préfecture du Nord (politique de la ville)": Decimal("6000"),
        },
        funders=funders,
        expenses=Decimal("3000"),
        today=today,
    )


def _this_year(fund: Fund, previous: Fund, *, staff, holders: dict, funders: dict, users: dict, today) -> None:
    """The renewal programmed per funder; a Tourcoing project with opinions; a landlord's project in instruction."""
    _renewal(fund, previous, staff=staff, holders=holders, funders=funders, users=users, today=today)
    _gardens(fund, staff=staff, holders=holders, funders=funders, today=today)
    _mediation(fund, holders=holders, funders=funders, today=today)
