"""Each request's figures (`committees.models.RequestFigures`: outcomes, effective grant, paid, decision date)
follow its decisions, amendments and payments, whether the services write them, a bulk write does, or a session's
date moves; rebuilt from scratch (the data migration's way), they are the same. The annual report reads them."""

import datetime
from decimal import Decimal

from django.utils import timezone

from committees import services
from committees.models import AgendaItem, Decision, Payment, RequestFigures, Vote
from committees.models.figures import refresh_request_figures
from reports.annual import annual_report
from tests import factories as f
from tests.committee_helpers import decided_item, eligible_application, granted_item, make_board, seat

DEFERRED, REFUSED = Decision.Outcome.DEFERRED, Decision.Outcome.REFUSED
REJECTED = (Vote.Choice.AGAINST, Vote.Choice.AGAINST, Vote.Choice.FOR)  # two against one

PAID_ON = datetime.date(2025, 6, 2)
FIELDS = ("fund_id", "granted", "deferred", "refused", "granted_amount", "paid_amount", "decided_on", "filed_on")


def recomputed(application) -> tuple | None:
    """The figures read again from the source rows, by plain Python (the oracle)."""
    decisions = list(Decision.objects.filter(item__application=application).select_related("item__session"))
    payments = list(Payment.objects.filter(application=application))
    if not decisions and not payments:
        return None
    granted = [d for d in decisions if d.outcome == Decision.Outcome.GRANTED]
    amount = sum((d.amount_granted + sum(a.amount_delta for a in d.amendments.all()) for d in granted), Decimal(0))
    final_days = [d.item.session.date for d in decisions if d.outcome != Decision.Outcome.DEFERRED]
    return (
        application.fund_id,
        bool(granted),
        any(d.outcome == Decision.Outcome.DEFERRED for d in decisions),
        any(d.outcome == Decision.Outcome.REFUSED for d in decisions),
        amount,
        sum((p.amount for p in payments), Decimal(0)),
        min(final_days) if final_days else None,
        timezone.localtime(application.submitted_at).date(),
    )


def stored(application) -> tuple | None:
    row = RequestFigures.objects.filter(application=application).values_list(*FIELDS).first()
    return tuple(row) if row else None


def assert_figures_follow(*applications) -> None:
    for application in applications:
        assert stored(application) == recomputed(application), application.reference


def test_figures_follow_the_committee_and_the_payments(world, staff):
    board = make_board(world, staff)
    seat(board, staff)
    waiting = eligible_application(world.fund)
    granted = granted_item(board, staff, eligible_application(world.fund), "600")[0].application
    deferred = decided_item(
        board, staff, eligible_application(world.fund), REJECTED, DEFERRED, reason="Budget à préciser"
    )[0]
    refused = decided_item(board, staff, eligible_application(world.fund), REJECTED, REFUSED, reason="Hors critères")[0]
    assert stored(waiting) is None  # no decision, no payment: no figures
    assert stored(granted)[1:7] == (True, False, False, Decimal("600.00"), Decimal("0.00"), board.session.date)
    assert stored(deferred.application)[1:7] == (False, True, False, Decimal("0.00"), Decimal("0.00"), None)
    assert stored(refused.application)[1:7] == (
        False,
        False,
        True,
        Decimal("0.00"),
        Decimal("0.00"),
        board.session.date,
    )

    services.close_session(user=staff, session=board.session)
    decision = Decision.objects.get(item__application=granted)
    services.amend_decision(user=staff, decision=decision, amount=Decimal("550"), reason="Erreur de saisie")
    services.record_payment(user=staff, application=granted, kind="advance", paid_on=PAID_ON, method="transfer")
    assert stored(granted)[4:6] == (Decimal("550.00"), Decimal("440.00"))  # 80 % of the amended 550 €
    assert_figures_follow(waiting, granted, deferred.application, refused.application)

    # The deferred request comes back at the next session and is granted there: counted once as each.
    later = make_board(world, staff, day=board.session.date + datetime.timedelta(days=30))
    seat(later, staff, count=5)  # the committee now has ten voting members: six make the quorum
    services.record_attendance(
        user=staff, session=later.session, member=board.voters[0], present=True, arrived_at=datetime.time(18, 5)
    )
    granted_item(later, staff, deferred.application, "300")
    assert stored(deferred.application)[1:7] == (
        True,
        True,
        False,
        Decimal("300.00"),
        Decimal("0.00"),
        later.session.date,
    )
    assert_figures_follow(deferred.application)


def test_a_moved_session_moves_its_decisions_date(world, staff):
    board = make_board(world, staff)
    seat(board, staff)
    application = granted_item(board, staff, eligible_application(world.fund), "400")[0].application
    session = board.session
    session.place = "Salle des fêtes"
    session.save(update_fields=["place"])  # nothing that the figures read
    session.date = datetime.date(2025, 5, 31)
    session.save()
    assert stored(application)[6] == datetime.date(2025, 5, 31)


def test_bulk_writes_and_deletions_keep_the_figures(world, staff):
    board = make_board(world, staff)
    applications = [eligible_application(world.fund) for _ in range(3)]
    items = AgendaItem.objects.bulk_create(
        AgendaItem(session=board.session, application=a, position=i + 10) for i, a in enumerate(applications)
    )
    Decision.objects.bulk_create(
        Decision(item=item, outcome=Decision.Outcome.GRANTED, amount_granted=Decimal("250"), decided_by=staff)
        for item in items
    )
    payments = Payment.objects.bulk_create(
        f.PaymentFactory.build(application=a, amount=Decimal("200"), recorded_by=staff) for a in applications
    )
    assert_figures_follow(*applications)
    assert stored(applications[0])[4:6] == (Decimal("250.00"), Decimal("200.00"))
    payments[0].delete()
    assert stored(applications[0])[4:6] == (Decimal("250.00"), Decimal("0.00"))
    assert_figures_follow(*applications)


def test_rebuilt_from_scratch_the_figures_are_the_same(world, staff):
    """What the data migration does: every request's figures computed anew, equal to those kept up to date."""
    board = make_board(world, staff)
    seat(board, staff)
    for amount in ("600", "450"):
        application = granted_item(board, staff, eligible_application(world.fund), amount)[0].application
        services.record_payment(user=staff, application=application, kind="advance", paid_on=PAID_ON, method="cheque")
    decided_item(board, staff, eligible_application(world.fund), REJECTED, REFUSED, reason="Hors critères")
    kept = sorted(RequestFigures.objects.values_list("application_id", *FIELDS))
    assert len(kept) == 3
    RequestFigures.objects.all().delete()
    refresh_request_figures(application_ids=world.fund.applications.values_list("pk", flat=True))
    assert sorted(RequestFigures.objects.values_list("application_id", *FIELDS)) == kept


def test_the_annual_report_counts_the_figures_of_its_fund_only(world, staff):
    board = make_board(world, staff)
    seat(board, staff)
    granted_item(board, staff, eligible_application(world.fund), "600")
    decided_item(board, staff, eligible_application(world.fund), REJECTED, REFUSED, reason="Hors critères")
    other_fund = f.FundFactory(association=world.fund.association, year=world.fund.year)
    other = make_board(world, staff, committee=f.CommitteeFactory(fund=other_fund))
    seat(other, staff)
    granted_item(other, staff, eligible_application(other_fund), "500")

    report = annual_report(fund=world.fund)
    activity = report.activity
    assert (activity.granted, activity.deferred, activity.refused, activity.decided) == (1, 0, 1, 2)
    assert report.money.granted == Decimal("600.00")
    assert [(row.projects, row.amount) for row in report.by_theme] == [(1, Decimal("600.00"))]
    assert [project.granted for project in report.projects if project.granted] == [Decimal("600.00")]
