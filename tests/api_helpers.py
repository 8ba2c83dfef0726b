"""A world for the API tests: one object of every kind, a token per persona, and bulk rows for query counts."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from api import services
from applications.models import Application
from applications.workflow import Status
from committees.models import AgendaItem, CommitteeSession, Decision, Payment
from reports.models import Bilan, BilanStatus, EffectChange, EffectObservation
from tests import factories as f

PERSONAS = ("resident", "staff", "other_staff", "region_staff", "city_staff", "admin")


@dataclass
class ApiWorld:
    tokens: dict  # persona -> key
    objects: dict  # name -> object
    revoked_key: str


def build_api_world(world, *, resident, other_resident, staff, other_staff, region_staff, city_staff, admin_user):
    submitted = datetime.datetime(2025, 3, 1, 10, 0, tzinfo=datetime.UTC)
    filed = f.ApplicationFactory(
        fund=world.fund,
        created_by=resident,
        filed=True,
        reference="PIC-2025-0101",
        number=101,
        place="Chez moi, 3 rue des Lilas",
    )
    holder = filed.holder
    holder.referent_phone = "06 00 00 00 00"
    holder.address = "3 rue des Lilas"
    holder.save()
    f.StaffNoteFactory(application=filed, author=staff, body="Note interne confidentielle")
    draft = f.ApplicationFactory(fund=world.fund, created_by=resident, holder=holder, title="Brouillon secret")
    granted = f.GrantedApplicationFactory(
        fund=world.fund, created_by=resident, holder=holder, reference="PIC-2025-0102", number=102
    )
    decision = f.record_grant_for_bilan(application=granted, amount="250", decided_by=staff, committee=world.committee)
    f.PaymentFactory(application=granted, amount=Decimal("200.00"), recorded_by=staff)
    bilan = f.BilanFactory(
        application=granted, created_by=resident, status=BilanStatus.SUBMITTED, submitted_at=submitted
    )
    f.EffectObservationFactory(bilan=bilan, changes=["social_ties.public_events"])
    lille = f.GrantedApplicationFactory(
        fund=world.other_fund, created_by=other_resident, reference="PIC-2025-0001", number=1
    )
    lille_decision = f.record_grant_for_bilan(application=lille, amount="300", decided_by=other_staff)
    f.PaymentFactory(application=lille, amount=Decimal("240.00"), recorded_by=other_staff)
    lille_bilan = f.BilanFactory(application=lille, created_by=other_resident)  # a draft never filed
    hidden = f.FundFactory(association=world.lille_sud, slug="pic-lille-sud-cache", is_published=False)
    personas = {
        "resident": resident,
        "staff": staff,
        "other_staff": other_staff,
        "region_staff": region_staff,
        "city_staff": city_staff,
        "admin": admin_user,
    }
    tokens = {
        name: services.create_token(owner=user, name=f"Jeton {name}", created_by=admin_user)[1]
        for name, user in personas.items()
    }
    revoked, revoked_key = services.create_token(owner=admin_user, name="Ancien", created_by=admin_user)
    services.revoke_token(token=revoked, actor=admin_user)
    objects = {
        "filed": filed,
        "draft": draft,
        "granted": granted,
        "decision": decision,
        "bilan": bilan,
        "lille": lille,
        "lille_decision": lille_decision,
        "lille_bilan": lille_bilan,
        "hidden_fund": hidden,
    }
    return ApiWorld(tokens, objects, revoked_key)


def api_get(url: str, key: str | None = None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return Client().get(url, params, **headers)


def bulk_granted_requests(*, fund, owner, holder, staff, count: int, start: int = 5000) -> list[Application]:
    """`count` granted requests of `fund` with their decision, payment, filed bilan and an observed effect."""
    now = timezone.now()
    applications = Application.objects.bulk_create(
        Application(
            fund=fund,
            created_by=owner,
            holder=holder,
            status=Status.ADVANCE_PAID,
            number=start + i,
            reference=f"PIC-2025-{start + i}",
            title=f"Projet {i}",
            theme=fund.themes.first(),
            neighbourhood=fund.neighbourhoods.first(),
            amount_requested=Decimal("300"),
            submitted_at=now,
        )
        for i in range(count)
    )
    committee = fund.committees.first() or f.CommitteeFactory(fund=fund)
    session = CommitteeSession.objects.create(
        committee=committee,
        date=datetime.date(2025, 4, 10),
        time=datetime.time(18),
        place="Salle",
        status=CommitteeSession.Status.CLOSED,
        opened_at=now,
        closed_at=now,
    )
    items = AgendaItem.objects.bulk_create(
        AgendaItem(session=session, application=application, position=i + 1)
        for i, application in enumerate(applications)
    )
    Decision.objects.bulk_create(
        Decision(item=item, outcome="granted", amount_granted=Decimal("250"), decided_by=staff, decided_at=now)
        for item in items
    )
    Payment.objects.bulk_create(
        f.PaymentFactory.build(application=a, amount=Decimal("200"), recorded_by=staff) for a in applications
    )
    bilans = Bilan.objects.bulk_create(
        Bilan(
            application=a,
            created_by=owner,
            status=BilanStatus.SUBMITTED,
            submitted_at=now,
            participant_women=10,
            participant_men=8,
        )
        for a in applications
    )
    effects = EffectObservation.objects.bulk_create(
        EffectObservation(bilan=bilan, effect="social_ties", public_neighbours=True) for bilan in bilans
    )
    EffectChange.objects.bulk_create(EffectChange(observation=e, change="social_ties.public_events") for e in effects)
    return applications
