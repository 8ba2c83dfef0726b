"""Sessions: plan one, convene members and holders, open it, close it (which sends the letters)."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.workflow import Status
from committees import emails
from committees.locks import lock_session
from committees.models import AgendaItem, Committee, CommitteeMember, CommitteeSession
from committees.services.rules import check_runs, invalid, require_open
from core.services import record_audit
from core.validation import french_day, full_save


def create_session(
    *, user, committee: Committee, date: datetime.date, time: datetime.time, place: str
) -> CommitteeSession:
    """Plan a session of a committee."""
    check_runs(user, committee)
    session = CommitteeSession(committee=committee, date=date, time=time, place=(place or "").strip(), created_by=user)
    with transaction.atomic():
        full_save(session)
        record_audit(
            actor=user,
            action="committees.create_session",
            target=session,
            summary=f"{committee.name} — {french_day(date)}",
            data={"committee": committee.pk, "date": date.isoformat()},
        )
    return session


@dataclass(frozen=True)
class ConvocationReport:
    members_convened: list[CommitteeMember]
    members_without_email: list[CommitteeMember]  # to convene by other means
    holders_invited: list[AgendaItem]


def send_convocations(*, user, session: CommitteeSession) -> ConvocationReport:
    """E-mail the convocation to every member with an address, and invite each holder asked to present."""
    check_runs(user, session.committee)
    with transaction.atomic():
        session = lock_session(session)
        if session.status != CommitteeSession.Status.PLANNED:
            raise invalid(_("Les convocations s'envoient avant la séance : celle-ci est déjà ouverte ou close."))
        # A request its holder withdrew is neither on the convocation nor presented.
        items = list(
            session.items.exclude(application__status=Status.WITHDRAWN)
            .select_related("application")
            .order_by("position")
        )
        if not items:
            raise invalid(_("L'ordre du jour est vide : inscrivez des demandes avant d'envoyer les convocations."))
        members = list(session.committee.members.active_on(session.date).select_related("user").order_by("full_name"))
        convened = [m for m in members if m.contact_email]
        without = [m for m in members if not m.contact_email]
        invited = [item for item in items if item.invited_to_present]
        session.convocations_sent_at = timezone.now()
        full_save(session)
        record_audit(
            actor=user,
            action="committees.send_convocations",
            target=session,
            summary=_("%(members)s membre(s), %(holders)s porteur(s)")
            % {"members": len(convened), "holders": len(invited)},
            data={
                "members": [m.pk for m in convened],
                "without_email": [m.pk for m in without],
                "items": [i.pk for i in invited],
            },
        )
        # Written to the outbox in this transaction; a worker delivers them once it commits.
        emails.send_convocations(
            session_id=session.pk, member_ids=[m.pk for m in convened], item_ids=[i.pk for i in invited]
        )
    return ConvocationReport(members_convened=convened, members_without_email=without, holders_invited=invited)


def open_session(*, user, session: CommitteeSession) -> CommitteeSession:
    check_runs(user, session.committee)
    with transaction.atomic():
        session = lock_session(session)
        if session.status != CommitteeSession.Status.PLANNED:
            raise invalid(_("Cette séance est déjà ouverte ou close."))
        if session.date > timezone.localdate():
            raise invalid(
                _("La séance est prévue le %(date)s : elle ne peut pas être ouverte avant ce jour.")
                % {"date": french_day(session.date)}
            )
        session.status = CommitteeSession.Status.OPEN
        session.opened_at = timezone.now()
        full_save(session)
        record_audit(actor=user, action="committees.open_session", target=session, summary=french_day(session.date))
    return session


def close_session(*, user, session: CommitteeSession) -> CommitteeSession:
    """Close the session: no more votes or decisions. Each holder then receives the notification letter."""
    check_runs(user, session.committee)
    with transaction.atomic():
        session = lock_session(session)
        require_open(session)
        # A request its holder withdrew while on the agenda needs no decision.
        pending = list(
            session.items.awaiting_decision()
            .select_related("application")
            .order_by("position")
            .values_list("application__reference", flat=True)
        )
        if pending:
            raise invalid(
                _(
                    "Des demandes attendent encore une décision (%(refs)s) : décidez, ajournez ou retirez-les "
                    "de l'ordre du jour avant de clore la séance."
                )
                % {"refs": ", ".join(ref or "—" for ref in pending)}
            )
        session.status = CommitteeSession.Status.CLOSED
        session.closed_at = timezone.now()
        full_save(session)
        record_audit(actor=user, action="committees.close_session", target=session, summary=french_day(session.date))
        emails.send_decision_letters(session_id=session.pk)  # to the outbox, in this transaction
    return session
