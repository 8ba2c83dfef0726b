"""Whole scenarios with known answers."""

import datetime
from decimal import Decimal

from applications.workflow import Status
from tests.factories.applications import ApplicationFactory
from tests.factories.committees import AmendmentFactory, PaymentFactory, record_decision, record_grant_for_bilan
from tests.factories.funds import NeighbourhoodFactory
from tests.factories.reports import BilanFactory, EffectObservationFactory


def build_annual_report_scenario(world, staff):
    """Hommelet's fund in 2025 with known answers for its annual report (and the funders' dashboard).

    Envelope 20 000 € (Région 14 000, Ville de Roubaix 6 000). Filed requests, by number:
      1 A  isolement,  Roubaix-Tourcoing  filed 01/03  granted 800 on 10/04 (40 d), paid 640 + 160, bilan accepted
      2 B  innovation, Roubaix-Tourcoing  filed 10/03  granted 1 000 − 100 (amended) on 10/04 (31 d), paid 720,
                                                       bilan submitted
      3 C  isolement,  Nouveau Roubaix    filed 01/02  deferred 15/03, granted 500 on 10/04 (68 d), bilan returned
      4 D  innovation, Roubaix-Tourcoing  filed 20/03  refused on 10/04 (21 d)
      5 E  innovation, Roubaix-Tourcoing  filed 01/04  eligible
      6 F  isolement,  Roubaix-Tourcoing  filed 05/04  ineligible
      7 H  isolement,  Roubaix-Tourcoing  filed 15/01  declared eligible, then withdrawn
      and a draft (never counted). Lille Sud's fund holds one granted request (never counted for Hommelet).
    """
    from types import SimpleNamespace

    from applications.models import StatusChange
    from committees.models import Decision

    innovation, isolement = world.themes
    roubaix_tourcoing = world.neighbourhood
    nouveau_roubaix = NeighbourhoodFactory(
        code="QN05981M", name="Nouveau Roubaix", communes=list(world.neighbourhood.communes.all())
    )
    world.fund.neighbourhoods.add(nouveau_roubaix)
    a = _request_a(world, staff, isolement)
    b = _request_b(world, staff, innovation)
    c = _request_c(world, staff, isolement, nouveau_roubaix)
    d = filed(world, 4, "Concert dans la cour", innovation, roubaix_tourcoing, Status.REFUSED, (2025, 3, 20))
    record_decision(application=d, outcome=Decision.Outcome.REFUSED, session_date=APRIL_10, decided_by=staff)
    e = filed(world, 5, "Jardin partagé", innovation, roubaix_tourcoing, Status.ELIGIBLE, (2025, 4, 1))
    f = filed(world, 6, "Voyage à la mer", isolement, roubaix_tourcoing, Status.INELIGIBLE, (2025, 4, 5))
    h = filed(world, 7, "Repas partagé", isolement, roubaix_tourcoing, Status.WITHDRAWN, (2025, 1, 15))
    StatusChange.objects.create(
        application=h, transition="declare_eligible", from_status=Status.UNDER_REVIEW, to_status=Status.ELIGIBLE
    )
    StatusChange.objects.create(
        application=h, transition="withdraw", from_status=Status.ELIGIBLE, to_status=Status.WITHDRAWN
    )
    draft = ApplicationFactory(fund=world.fund, title="Brouillon jamais déposé", theme=innovation)
    lille = _lille(world, staff, isolement)

    return SimpleNamespace(a=a, b=b, c=c, d=d, e=e, f=f, h=h, draft=draft, lille=lille, nouveau_roubaix=nouveau_roubaix)


APRIL_10 = datetime.date(2025, 4, 10)


def filed(world, number, title, theme, neighbourhood, status, day, factory_class=ApplicationFactory):
    """A request of the world's fund filed on `day` (year, month, day) at 10:00 UTC."""
    return factory_class(
        fund=world.fund,
        number=number,
        reference=f"PIC-2025-{number:04d}",
        title=title,
        theme=theme,
        neighbourhood=neighbourhood,
        status=status,
        submitted_at=datetime.datetime(*day, 10, 0, tzinfo=datetime.UTC),
    )


def _request_a(world, staff, isolement):
    """Granted 800, paid 640 + 160, bilan accepted."""
    a = filed(world, 1, "Fête des voisins du square", isolement, world.neighbourhood, Status.BALANCE_PAID, (2025, 3, 1))
    record_grant_for_bilan(application=a, amount="800", decided_by=staff)
    PaymentFactory(application=a, kind="advance", amount=Decimal("640.00"), recorded_by=staff)
    PaymentFactory(application=a, kind="balance", amount=Decimal("160.00"), recorded_by=staff)
    bilan_a = BilanFactory(application=a, status="accepted", submitted_at=a.submitted_at)
    EffectObservationFactory(
        bilan=bilan_a, effect="social_ties", changes=["social_ties.project_life", "social_ties.public_events"]
    )
    EffectObservationFactory(bilan=bilan_a, effect="health", changes=["health.confidence"])
    return a


def _request_b(world, staff, innovation):
    """Granted 1 000 − 100 (amended), paid 720, bilan submitted."""
    b = filed(
        world,
        2,
        "Atelier de réparation de vélos",
        innovation,
        world.neighbourhood,
        Status.BILAN_RECEIVED,
        (2025, 3, 10),
    )
    decision_b = record_grant_for_bilan(application=b, amount="1000", decided_by=staff)
    AmendmentFactory(decision=decision_b, amount_delta=Decimal("-100.00"))
    PaymentFactory(application=b, kind="advance", amount=Decimal("720.00"), recorded_by=staff)
    bilan_b = BilanFactory(
        application=b,
        status="submitted",
        submitted_at=b.submitted_at,
        participant_women=20,
        participant_men=30,
        mobilised_women=4,
        mobilised_men=6,
        difficulties="Trouver une salle libre le samedi.",
        other_ideas="Un atelier vélo pour les enfants.",
        wants_to_renew=False,
    )
    EffectObservationFactory(bilan=bilan_b, effect="social_ties", changes=["social_ties.project_life"])
    return b


def _request_c(world, staff, isolement, nouveau_roubaix):
    """Deferred, then granted 500, bilan returned."""
    from committees.models import Decision

    c = filed(world, 3, "Club de lecture à voix haute", isolement, nouveau_roubaix, Status.GRANTED, (2025, 2, 1))
    record_decision(
        application=c, outcome=Decision.Outcome.DEFERRED, session_date=datetime.date(2025, 3, 15), decided_by=staff
    )
    record_grant_for_bilan(application=c, amount="500", decided_by=staff)
    bilan_c = BilanFactory(
        application=c,
        status="returned",
        submitted_at=c.submitted_at,
        participant_women=100,
        participant_men=100,
        mobilised_women=50,
        mobilised_men=50,
        difficulties="Texte d'un bilan renvoyé au porteur.",
        other_ideas="Idée d'un bilan renvoyé.",
    )
    EffectObservationFactory(bilan=bilan_c, effect="social_ties", changes=["social_ties.dedicated_times"])
    EffectObservationFactory(bilan=bilan_c, effect="gender_equality", changes=[])
    return c


def _lille(world, staff, isolement):
    """Lille Sud's fund: one granted request, never counted for Hommelet."""
    lille = ApplicationFactory(
        fund=world.other_fund,
        number=1,
        reference="PIC-2025-0001",
        title="Projet de Lille Sud",
        theme=isolement,
        neighbourhood=world.other_neighbourhood,
        status=Status.ADVANCE_PAID,
        submitted_at=datetime.datetime(2025, 3, 1, 10, 0, tzinfo=datetime.UTC),
    )
    record_grant_for_bilan(application=lille, amount="700", decided_by=staff)
    PaymentFactory(application=lille, amount=Decimal("560.00"), recorded_by=staff)
    BilanFactory(application=lille, status="accepted", submitted_at=lille.submitted_at, participant_women=999)
    return lille
