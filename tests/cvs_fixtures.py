"""A CVS call for the tests: a fund of scheme cvs run by Hommelet, co-funded by the State, the Région and
Roubaix, with two QPV and two ambitions; and a helper that fills a request through the real services."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from cvs import services
from funds.models import CvsAmbition, CvsStake, FundCoFunder
from tests import factories as f

ENVELOPES = {"state": Decimal("5000"), "region": Decimal("3000"), "city": Decimal("2000")}


@pytest.fixture(name="cvs_call")
def cvs_call_fixture(world):
    today = timezone.localdate()
    stake = CvsStake.objects.create(number=1, title="Lutter contre les inégalités dès l'enfance")
    ambitions = [
        CvsAmbition.objects.create(stake=stake, position=1, text="Accompagner les élèves en difficulté"),
        CvsAmbition.objects.create(stake=stake, position=2, text="Soutenir la parentalité"),
    ]
    state = f.FunderFactory(name="État — Préfecture du Nord", kind="state")
    fund = f.CvsFundFactory(
        association=world.hommelet,
        name="Contrat de ville test",
        slug="cvs-test",
        year=today.year,
        call_opens_on=today - datetime.timedelta(days=30),
        call_closes_on=today + datetime.timedelta(days=30),
        neighbourhoods=[world.neighbourhood, world.other_neighbourhood],
    )
    fund.ambitions.set(ambitions)
    FundCoFunder.objects.create(fund=fund, funder=state, amount=ENVELOPES["state"])
    FundCoFunder.objects.create(fund=fund, funder=world.region, amount=ENVELOPES["region"])
    FundCoFunder.objects.create(fund=fund, funder=world.city_roubaix, amount=ENVELOPES["city"])
    return SimpleNamespace(
        fund=fund, state=state, region=world.region, city=world.city_roubaix, ambitions=ambitions, world=world
    )


STRUCTURE = {
    "structure_kind": "association",
    "name": "Association Coup de pouce (fictive)",
    "siret": f.make_siret(30_000_001),
    "address": "3 rue des Écoles",
    "postcode": "59100",
    "city": "Roubaix",
    "representative_name": "Prénom Présidente",
    "representative_role": "Présidente",
    "referent_name": "Prénom Coordinateur",
    "referent_email": "coordination@coup-de-pouce.example.org",
    "referent_phone": "",
    "republican_commitment": True,
}
COMMITMENTS = {
    "gender_objectives": "Autant de filles que de garçons.",
    "gender_means": "Des horaires adaptés aux familles.",
    "common_law_funding": "Local prêté par la commune.",
    "partnerships": "Collège, centre social.",
    "evaluation_indicators": "Jeunes suivis, assiduité.",
    "evaluation_follow_up": "Comité de suivi trimestriel.",
}


def fill_request(user, call, *, asks=None, previous=None, structure=None):
    """A complete draft through the services: structure, project, commitments, a balanced budget."""
    user.email_confirmed_at = user.email_confirmed_at or timezone.now()
    user.save(update_fields=["email_confirmed_at"])
    asks = asks if asks is not None else {call.state.pk: Decimal("1500"), call.city.pk: Decimal("1000")}
    application = services.start_cvs_draft(user=user, fund=call.fund)
    services.save_structure(user=user, application=application, data={**STRUCTURE, **(structure or {})})
    services.save_project(
        user=user,
        application=application,
        data={
            "title": "Aide aux devoirs du soir",
            "description": "Deux soirs par semaine.",
            "diagnostic": "Peu d'offre d'aide aux devoirs.",
            "territorial_anchoring": "Présente depuis 2012.",
            "neighbourhoods": [call.world.neighbourhood],
            "ambitions": call.ambitions[:1],
            "target_public": "Collégien·nes du quartier.",
            "multi_year": True,
            "previous_request": previous,
        },
    )
    services.save_commitments(user=user, application=application, data=COMMITMENTS)
    total = sum(asks.values(), Decimal("0"))
    services.save_cvs_budget(
        user=user,
        application=application,
        expenses=[{"category": "64", "label": "Animatrice", "amount": total + Decimal("200")}],
        resources=[{"category": "87", "label": "Bénévolat valorisé", "amount": Decimal("200")}],
        asks=asks,
    )
    for kind in ("bank_details", "statutes"):
        f.AttachmentFactory(application=application, kind=kind)
    application.refresh_from_db()
    return application
