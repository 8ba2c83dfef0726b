"""Committees, their members and sessions, decisions written directly, amendments and payments."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from applications.workflow import Status
from committees.models import Committee, CommitteeMember
from tests.factories.accounts import UserFactory
from tests.factories.applications import ApplicationFactory, GrantedApplicationFactory, HolderFactory
from tests.factories.funds import FundFactory


class CommitteeFactory(DjangoModelFactory):
    class Meta:
        model = Committee

    fund = factory.SubFactory(FundFactory)
    name = factory.Sequence(lambda n: f"Comité {n}")


class CommitteeMemberFactory(DjangoModelFactory):
    class Meta:
        model = CommitteeMember

    committee = factory.SubFactory(CommitteeFactory)
    user = factory.SubFactory(UserFactory)
    full_name = factory.LazyAttribute(lambda o: str(o.user) if o.user else "Membre")
    college = CommitteeMember.College.RESIDENT
    mandate_start = datetime.date(2025, 1, 1)


class CommitteeMemberLinkFactory(DjangoModelFactory):
    class Meta:
        model = "committees.CommitteeMemberLink"

    member = factory.SubFactory(CommitteeMemberFactory)
    holder = factory.SubFactory(HolderFactory)
    reason = "Membre du bureau de l'association"


class CommitteeSessionFactory(DjangoModelFactory):
    """A planned session, by default on 24/05/2025 at 18:00."""

    class Meta:
        model = "committees.CommitteeSession"

    committee = factory.SubFactory(CommitteeFactory)
    date = datetime.date(2025, 5, 24)
    time = datetime.time(18, 0)
    place = "Salle polyvalente, 12 rue de l'Épeule"


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = "committees.Attendance"

    session = factory.SubFactory(CommitteeSessionFactory)
    member = factory.SubFactory(CommitteeMemberFactory, committee=factory.SelfAttribute("..session.committee"))
    present = True


class AgendaItemFactory(DjangoModelFactory):
    """An agenda line written directly (no workflow transition): set the application's status yourself."""

    class Meta:
        model = "committees.AgendaItem"

    session = factory.SubFactory(CommitteeSessionFactory)
    application = factory.SubFactory(
        ApplicationFactory, fund=factory.SelfAttribute("..session.committee.fund"), status=Status.ON_AGENDA
    )
    position = factory.Sequence(lambda n: n + 1)
    invited_to_present = True


def record_decision(*, application, outcome, session_date, decided_by, amount="0", committee=None):
    """A committee decision of `outcome` on `application`, in a closed session held on `session_date`.

    Written directly (no workflow): set the application's status yourself.
    """
    from django.utils import timezone

    from committees.models import AgendaItem, CommitteeSession, Decision

    committee = committee or application.fund.committees.first() or CommitteeFactory(fund=application.fund)
    now = timezone.now()
    session = CommitteeSession.objects.create(
        committee=committee,
        date=session_date,
        time=datetime.time(18, 0),
        place="Salle du centre social",
        status=CommitteeSession.Status.CLOSED,
        opened_at=now,
        closed_at=now,
    )
    item = AgendaItem.objects.create(session=session, application=application, position=1)
    return Decision.objects.create(
        item=item,
        outcome=outcome,
        amount_granted=Decimal(amount),
        reason="" if outcome == Decision.Outcome.GRANTED else "Motif indiqué au porteur",
        decided_by=decided_by,
    )


class AmendmentFactory(DjangoModelFactory):
    """A correction of a granted amount after the session (pass `decision`)."""

    class Meta:
        model = "committees.Amendment"

    amount_delta = Decimal("-100.00")
    changes = factory.LazyAttribute(
        lambda o: {
            "amount_granted": {
                "before": str(o.decision.amount_granted),
                "after": str(o.decision.amount_granted + o.amount_delta),
            }
        }
    )
    reason = "Dépense de location retirée du budget"
    created_by = factory.SelfAttribute("decision.decided_by")


class PaymentFactory(DjangoModelFactory):
    class Meta:
        model = "committees.Payment"

    application = factory.SubFactory(GrantedApplicationFactory)
    kind = "advance"
    amount = Decimal("200.00")
    paid_on = datetime.date(2025, 5, 2)
    method = "transfer"
    recorded_by = factory.SelfAttribute("application.created_by")


def record_grant_for_bilan(*, application, amount, decided_by, committee=None):
    """A granted decision of `amount` for `application`, in a session closed on 10 April 2025 (no workflow involved)."""
    from committees.models import Decision

    return record_decision(
        application=application,
        outcome=Decision.Outcome.GRANTED,
        amount=amount,
        session_date=datetime.date(2025, 4, 10),
        decided_by=decided_by,
        committee=committee,
    )
