"""Attribution committee sessions: agenda, convocations, attendance, votes, decisions, payments.

Each service checks permission (PermissionDenied), validates (ValidationError with French messages that
say how to fix the problem), writes in one transaction after `full_clean()`, records an audit entry and
sends e-mails only once the transaction has committed. Every status change of a request goes through
`applications.services.apply_transition`.

Rows are always locked in the same order (fund, session, agenda item, request) so that two sessions
deciding at the same moment wait for each other instead of overspending the envelope.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from applications import conflicts
from applications.models import Application, Holder
from applications.services import apply_transition
from applications.workflow import Role, Status
from committees import emails, selectors
from committees.models import (
    AgendaItem,
    Amendment,
    Attendance,
    Committee,
    CommitteeMember,
    CommitteeMemberLink,
    CommitteeSession,
    Decision,
    Payment,
    Recusal,
    Vote,
)
from committees.permissions import can_record_payment, can_run_committee
from core.services import record_audit
from core.templatetags.portal_format import format_money
from funds.models import Fund

CENT = Decimal("0.01")
DECISION_TRANSITIONS = {
    Decision.Outcome.GRANTED: "grant",
    Decision.Outcome.DEFERRED: "defer",
    Decision.Outcome.REFUSED: "refuse",
}


# --- Helpers --------------------------------------------------------------------------------------


def _invalid(message: str, field: str = NON_FIELD_ERRORS) -> ValidationError:
    return ValidationError({field: [message]})


def _check_runs(user, committee: Committee) -> None:
    if not can_run_committee(user, committee):
        raise PermissionDenied(
            _("Seule l'équipe de l'association porteuse du fonds « %(fund)s » peut conduire ses comités.")
            % {"fund": committee.fund.name}
        )


def _day(value: datetime.date) -> str:
    return date_format(value, "d/m/Y")


def _money(value, *, field: str) -> Decimal:
    """A money amount from a Decimal, an int or a string: never a float, at most 2 decimals."""
    if isinstance(value, float):
        raise TypeError("Money amounts are Decimal, never float.")
    try:
        amount = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise _invalid(_("Saisissez un montant en euros, par exemple 450 ou 450,50."), field) from None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:
        raise _invalid(_("Saisissez un montant en euros avec au plus deux décimales, par exemple 450,50."), field)
    return amount.quantize(CENT)


def _full_save(instance) -> None:
    instance.full_clean()
    instance.save()


def _lock_session(session: CommitteeSession) -> CommitteeSession:
    return (
        CommitteeSession.objects.select_for_update(of=("self",))
        .select_related("committee__fund__association")
        .get(pk=session.pk)
    )


def _lock_item(item: AgendaItem) -> AgendaItem:
    try:
        return (
            AgendaItem.objects.select_for_update(of=("self",))
            .select_related("application__holder", "session__committee__fund")
            .get(pk=item.pk)
        )
    except AgendaItem.DoesNotExist:
        raise _invalid(
            _("Cette demande n'est plus à l'ordre du jour de la séance : inscrivez-la à nouveau avant de voter.")
        ) from None


def _lock_fund(fund: Fund) -> Fund:
    return Fund.objects.select_for_update().get(pk=fund.pk)


def _require_open(session: CommitteeSession) -> None:
    if session.status == CommitteeSession.Status.CLOSED:
        raise _invalid(
            _(
                "La séance du %(date)s est close : plus aucun vote ni décision. "
                "Pour corriger une décision, rectifiez-la."
            )
            % {"date": _day(session.date)}
        )
    if session.status != CommitteeSession.Status.OPEN:
        raise _invalid(
            _("La séance du %(date)s n'est pas encore ouverte : ouvrez-la avant de voter.")
            % {"date": _day(session.date)}
        )


def _require_not_closed(session: CommitteeSession) -> None:
    if session.status == CommitteeSession.Status.CLOSED:
        raise _invalid(
            _("La séance du %(date)s est close : elle ne peut plus être modifiée.") % {"date": _day(session.date)}
        )


def _require_quorum(session: CommitteeSession) -> selectors.Quorum:
    quorum = selectors.session_quorum(session=session)
    if not quorum.met:
        raise _invalid(
            _(
                "Le quorum n'est pas atteint : %(present)s membre(s) votant(s) présent(s) sur %(required)s requis. "
                "Aucun vote n'est possible : notez l'arrivée des membres votants présents ou reportez la séance. "
                "Les membres de droit ne comptent pas dans le quorum."
            )
            % {"present": quorum.present_voting, "required": quorum.required}
        )
    return quorum


def _require_member(session: CommitteeSession, member: CommitteeMember) -> None:
    if member.committee_id != session.committee_id:
        raise _invalid(_("%(member)s ne siège pas dans ce comité.") % {"member": member.full_name}, "member")
    if not member.mandate_active_on(session.date):
        raise _invalid(
            _("Le mandat de %(member)s ne couvre pas la date de la séance (%(date)s) : vérifiez ses dates de mandat.")
            % {"member": member.full_name, "date": _day(session.date)},
            "member",
        )


def _grant_cap(*, fund: Fund, application: Application) -> Decimal:
    """The fund's cap, or its lower cap for a holder's second granted request in the fund."""
    if fund.max_grant_second_request is not None and application.holder_id:
        earlier = (
            Decision.objects.filter(
                outcome=Decision.Outcome.GRANTED,
                item__application__holder_id=application.holder_id,
                item__application__fund=fund,
            )
            .exclude(item__application=application)
            .exists()
        )
        if earlier:
            return fund.max_grant_second_request
    return fund.max_grant


def _check_amount(*, fund: Fund, application: Application, amount: Decimal, available: Decimal) -> None:
    """A granted amount: positive, no more than asked, than the cap, and than what is left in the envelope."""
    if amount <= 0:
        raise _invalid(
            _("Le montant accordé doit être supérieur à 0 €. Pour ne rien accorder, refusez la demande."), "amount"
        )
    if application.amount_requested is not None and amount > application.amount_requested:
        raise _invalid(
            _("Le montant accordé (%(amount)s) dépasse le montant demandé (%(asked)s) : accordez au plus %(asked)s.")
            % {"amount": format_money(amount), "asked": format_money(application.amount_requested)},
            "amount",
        )
    cap = _grant_cap(fund=fund, application=application)
    if amount > cap:
        raise _invalid(
            _("Le montant accordé (%(amount)s) dépasse le plafond du fonds pour cette demande : au plus %(cap)s.")
            % {"amount": format_money(amount), "cap": format_money(cap)},
            "amount",
        )
    if amount > available:
        raise _invalid(
            _(
                "L'enveloppe du fonds ne suffit pas : il reste %(left)s disponibles pour cette demande, "
                "pour %(amount)s. Accordez au plus %(left)s ou ajournez la demande."
            )
            % {"left": format_money(max(available, Decimal("0"))), "amount": format_money(amount)},
            "amount",
        )


# --- Sessions and agenda --------------------------------------------------------------------------


def create_session(
    *, user, committee: Committee, date: datetime.date, time: datetime.time, place: str
) -> CommitteeSession:
    """Plan a session of a committee."""
    _check_runs(user, committee)
    session = CommitteeSession(committee=committee, date=date, time=time, place=(place or "").strip(), created_by=user)
    with transaction.atomic():
        _full_save(session)
        record_audit(
            actor=user,
            action="committees.create_session",
            target=session,
            summary=f"{committee.name} — {_day(date)}",
            data={"committee": committee.pk, "date": date.isoformat()},
        )
    return session


def _append_item(*, user, session: CommitteeSession, application: Application, invited_to_present: bool) -> AgendaItem:
    """Put one request on the agenda (caller holds the session lock)."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    conflicts.ensure_not_conflicted(user, locked, action=_("l'inscrire à l'ordre du jour"))
    fund = session.committee.fund
    if locked.fund_id != fund.pk:
        raise _invalid(
            _("La demande %(ref)s relève d'un autre fonds : elle ne peut pas passer devant ce comité.")
            % {"ref": locked.display_reference},
            "application",
        )
    if locked.status not in selectors.AGENDA_SOURCES:
        raise _invalid(
            _(
                "La demande %(ref)s ne peut pas être inscrite (statut : %(status)s) : seule une demande "
                "recevable ou ajournée peut l'être. Terminez d'abord son instruction."
            )
            % {"ref": locked.display_reference, "status": Status(locked.status).label},
            "application",
        )
    deadline = selectors.filing_deadline(session=session)
    if locked.submitted_at is None or locked.submitted_at >= deadline:
        raise _invalid(
            _(
                "La demande %(ref)s n'a pas été déposée au moins %(days)s jours avant la séance (au plus tard le "
                "%(last)s) : inscrivez-la à une séance ultérieure."
            )
            % {
                "ref": locked.display_reference,
                "days": fund.filing_days_before_committee,
                "last": _day(timezone.localdate(deadline) - datetime.timedelta(days=1)),
            },
            "application",
        )
    if AgendaItem.objects.filter(session=session, application=locked).exists():
        raise _invalid(_("La demande %(ref)s est déjà à l'ordre du jour.") % {"ref": locked.display_reference})
    last = session.items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem(session=session, application=locked, position=last + 1, invited_to_present=invited_to_present)
    _full_save(item)
    apply_transition(
        user=user,
        application=locked,
        transition="put_on_agenda",
        role=Role.STAFF,
        comment=_("Séance du %(date)s") % {"date": _day(session.date)},
    )
    return item


def build_agenda(*, user, session: CommitteeSession, invite_holders: bool = True) -> list[AgendaItem]:
    """Put on the agenda every eligible (or deferred) request of the fund filed on time."""
    _check_runs(user, session.committee)
    with transaction.atomic():
        session = _lock_session(session)
        if session.status != CommitteeSession.Status.PLANNED:
            raise _invalid(
                _("L'ordre du jour se prépare avant l'ouverture de la séance : ajoutez les demandes une à une.")
            )
        items = [
            _append_item(user=user, session=session, application=application, invited_to_present=invite_holders)
            for application in selectors.agenda_candidates(session=session)
        ]
        record_audit(
            actor=user,
            action="committees.build_agenda",
            target=session,
            summary=_("%(count)s demande(s) inscrite(s)") % {"count": len(items)},
            data={"applications": [item.application_id for item in items]},
        )
    return items


def add_agenda_item(
    *, user, session: CommitteeSession, application: Application, invited_to_present: bool = True
) -> AgendaItem:
    _check_runs(user, session.committee)
    with transaction.atomic():
        session = _lock_session(session)
        _require_not_closed(session)
        item = _append_item(user=user, session=session, application=application, invited_to_present=invited_to_present)
        record_audit(
            actor=user,
            action="committees.add_agenda_item",
            target=session,
            summary=item.application.display_reference,
            data={"application": item.application_id, "position": item.position},
        )
    return item


def remove_agenda_item(*, user, item: AgendaItem, reason: str = "") -> None:
    """Take a request off the agenda before any vote; it becomes eligible again."""
    _check_runs(user, item.session.committee)
    with transaction.atomic():
        session = _lock_session(item.session)
        _require_not_closed(session)
        item = _lock_item(item)
        if Decision.objects.filter(item=item).exists() or item.votes.exists():
            raise _invalid(
                _("Le vote sur la demande %(ref)s a commencé : elle ne peut plus être retirée, le comité doit décider.")
                % {"ref": item.application.display_reference}
            )
        application, position = item.application, item.position
        item.delete()
        session.items.filter(position__gt=position).update(position=F("position") - 1)
        apply_transition(
            user=user, application=application, transition="remove_from_agenda", role=Role.STAFF, comment=reason
        )
        record_audit(
            actor=user,
            action="committees.remove_agenda_item",
            target=session,
            summary=application.display_reference,
            data={"application": application.pk, "reason": reason},
        )


@dataclass(frozen=True)
class ConvocationReport:
    members_convened: list[CommitteeMember]
    members_without_email: list[CommitteeMember]  # to convene by other means
    holders_invited: list[AgendaItem]


def send_convocations(*, user, session: CommitteeSession) -> ConvocationReport:
    """E-mail the convocation to every member with an address, and invite each holder asked to present."""
    _check_runs(user, session.committee)
    with transaction.atomic():
        session = _lock_session(session)
        if session.status != CommitteeSession.Status.PLANNED:
            raise _invalid(_("Les convocations s'envoient avant la séance : celle-ci est déjà ouverte ou close."))
        items = list(session.items.select_related("application").order_by("position"))
        if not items:
            raise _invalid(_("L'ordre du jour est vide : inscrivez des demandes avant d'envoyer les convocations."))
        members = list(session.committee.members.active_on(session.date).select_related("user").order_by("full_name"))
        convened = [m for m in members if m.contact_email]
        without = [m for m in members if not m.contact_email]
        invited = [item for item in items if item.invited_to_present]
        session.convocations_sent_at = timezone.now()
        _full_save(session)
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
        member_ids, item_ids, session_id = [m.pk for m in convened], [i.pk for i in invited], session.pk
        transaction.on_commit(
            lambda: emails.send_convocations(session_id=session_id, member_ids=member_ids, item_ids=item_ids),
            robust=True,
        )
    return ConvocationReport(members_convened=convened, members_without_email=without, holders_invited=invited)


def open_session(*, user, session: CommitteeSession) -> CommitteeSession:
    _check_runs(user, session.committee)
    with transaction.atomic():
        session = _lock_session(session)
        if session.status != CommitteeSession.Status.PLANNED:
            raise _invalid(_("Cette séance est déjà ouverte ou close."))
        if session.date > timezone.localdate():
            raise _invalid(
                _("La séance est prévue le %(date)s : elle ne peut pas être ouverte avant ce jour.")
                % {"date": _day(session.date)}
            )
        session.status = CommitteeSession.Status.OPEN
        session.opened_at = timezone.now()
        _full_save(session)
        record_audit(actor=user, action="committees.open_session", target=session, summary=_day(session.date))
    return session


def record_attendance(
    *,
    user,
    session: CommitteeSession,
    member: CommitteeMember,
    present: bool = True,
    arrived_at: datetime.time | None = None,
) -> Attendance:
    """Note a member present (with the time of arrival) or absent."""
    _check_runs(user, session.committee)
    with transaction.atomic():
        session = _lock_session(session)
        _require_not_closed(session)
        _require_member(session, member)
        attendance = Attendance.objects.filter(session=session, member=member).first() or Attendance(
            session=session, member=member
        )
        attendance.present = bool(present)
        attendance.arrived_at = arrived_at if present else None
        _full_save(attendance)
        record_audit(
            actor=user,
            action="committees.record_attendance",
            target=session,
            summary=f"{member.full_name}: {'present' if present else 'absent'}",
            data={
                "member": member.pk,
                "present": bool(present),
                "arrived_at": arrived_at.isoformat() if arrived_at else None,
            },
        )
    return attendance


# --- Recusals and votes ---------------------------------------------------------------------------


def _linked_members(item: AgendaItem) -> dict[int, str]:
    """Members of the committee linked to the item's holder, with the reason: {member id: reason}."""
    application = item.application
    session = item.session
    members = session.committee.members.active_on(session.date)
    linked: dict[int, str] = {}
    holder = application.holder
    if holder is not None:
        links = CommitteeMemberLink.objects.filter(member__in=members).filter(
            Q(holder=holder) | Q(holder_name__iexact=holder.name.strip())
        )
        for link in links.order_by("pk"):
            linked.setdefault(link.member_id, link.reason)
    applicants = {application.created_by_id, holder.owner_id if holder else None} - {None}
    for member in members.filter(user_id__in=applicants):
        linked.setdefault(member.pk, _("Porteur·se de la demande"))
    return linked


def _start_vote(*, user, item: AgendaItem) -> list[Recusal]:
    """Open the vote on an item (caller holds the locks): linked members step out automatically."""
    if item.vote_started_at is not None:
        return list(item.recusals.filter(automatic=True))
    already = set(item.recusals.values_list("member_id", flat=True))
    created = []
    for member_id, reason in _linked_members(item).items():
        if member_id in already:
            continue
        recusal = Recusal(item=item, member_id=member_id, automatic=True, reason=reason[:300])
        _full_save(recusal)
        created.append(recusal)
    item.vote_started_at = timezone.now()
    _full_save(item)
    record_audit(
        actor=user,
        action="committees.start_vote",
        target=item,
        summary=item.application.display_reference,
        data={"automatic_recusals": [r.member_id for r in created]},
    )
    return created


def start_vote(*, user, item: AgendaItem) -> list[Recusal]:
    """Open the vote on a request. Members linked to the applicant are recused automatically."""
    _check_runs(user, item.session.committee)
    conflicts.ensure_not_conflicted(user, item.application, action=_("ouvrir le vote"))
    with transaction.atomic():
        session = _lock_session(item.session)
        _require_open(session)
        item = _lock_item(item)
        if Decision.objects.filter(item=item).exists():
            raise _invalid(_("Le comité a déjà décidé sur cette demande."))
        _require_quorum(session)
        return _start_vote(user=user, item=item)


def declare_recusal(*, user, item: AgendaItem, member: CommitteeMember, reason: str) -> Recusal:
    """A member declares a conflict of interest and steps out of the vote on this request."""
    _check_runs(user, item.session.committee)
    reason = (reason or "").strip()
    if not reason:
        raise _invalid(
            _("Indiquez le motif du déport, par exemple « membre de l'association porteuse du projet »."), "reason"
        )
    with transaction.atomic():
        session = _lock_session(item.session)
        _require_not_closed(session)
        item = _lock_item(item)
        _require_member(session, member)
        if Decision.objects.filter(item=item).exists():
            raise _invalid(_("Le comité a déjà décidé sur cette demande : le déport n'est plus possible."))
        if Vote.objects.filter(item=item, member=member).exists():
            raise _invalid(
                _("%(member)s a déjà voté sur cette demande : un déport se déclare avant le vote.")
                % {"member": member.full_name}
            )
        existing = Recusal.objects.filter(item=item, member=member).first()
        if existing:
            return existing
        recusal = Recusal(item=item, member=member, automatic=False, reason=reason)
        _full_save(recusal)
        record_audit(
            actor=user,
            action="committees.declare_recusal",
            target=item,
            summary=f"{member.full_name}: {reason}"[:500],
            data={"member": member.pk, "reason": reason},
        )
    return recusal


def record_vote(*, user, item: AgendaItem, member: CommitteeMember, choice: str) -> Vote:
    """Record one member's vote. Posting the same vote again changes nothing; a different vote is refused."""
    _check_runs(user, item.session.committee)
    conflicts.ensure_not_conflicted(user, item.application, action=_("enregistrer les votes"))
    if choice not in Vote.Choice.values:
        raise _invalid(_("Choisissez « pour », « contre » ou « abstention »."), "choice")
    with transaction.atomic():
        session = _lock_session(item.session)
        _require_open(session)
        item = _lock_item(item)
        if Decision.objects.filter(item=item).exists():
            raise _invalid(_("Le comité a déjà décidé sur cette demande : le vote est clos."))
        _require_member(session, member)
        existing = Vote.objects.filter(item=item, member=member).first()
        if existing is not None:
            if existing.choice == choice:
                return existing
            raise _invalid(
                _("Le vote de %(member)s est déjà enregistré (%(choice)s) : un vote ne peut pas être modifié.")
                % {"member": member.full_name, "choice": existing.get_choice_display()},
                "choice",
            )
        if not member.has_vote:
            raise _invalid(
                _("%(member)s est membre de droit : il ou elle assiste au comité sans droit de vote.")
                % {"member": member.full_name},
                "member",
            )
        _require_quorum(session)
        _start_vote(user=user, item=item)
        if not Attendance.objects.filter(session=session, member=member, present=True).exists():
            raise _invalid(
                _("%(member)s n'est pas noté·e présent·e : notez sa présence avant d'enregistrer son vote.")
                % {"member": member.full_name},
                "member",
            )
        recusal = Recusal.objects.filter(item=item, member=member).first()
        if recusal is not None:
            raise _invalid(
                _("%(member)s s'est déporté·e pour cette demande (%(reason)s) : il ou elle ne vote pas.")
                % {"member": member.full_name, "reason": recusal.reason},
                "member",
            )
        vote = Vote(item=item, member=member, choice=choice, recorded_by=user)
        _full_save(vote)
        record_audit(
            actor=user,
            action="committees.record_vote",
            target=item,
            summary=f"{member.full_name}: {choice}",
            data={"member": member.pk, "choice": choice},
        )
    return vote


# --- Decisions ------------------------------------------------------------------------------------


def decide(
    *,
    user,
    item: AgendaItem,
    outcome: str,
    amount: Decimal | None = None,
    conditions: str = "",
    reason: str = "",
) -> Decision:
    """Record the committee's decision on a request, following its decision rule and the fund's envelope.

    The fund's row is locked first, so two sessions deciding at once are serialised: the second one sees
    the first one's grant before checking what is left of the envelope.
    """
    committee = item.session.committee
    _check_runs(user, committee)
    conflicts.ensure_not_conflicted(user, item.application, action=_("enregistrer la décision"))
    if outcome not in Decision.Outcome.values:
        raise _invalid(_("Choisissez la décision : accordée, ajournée ou refusée."), "outcome")
    conditions = (conditions or "").strip()
    reason = (reason or "").strip()
    if outcome != Decision.Outcome.GRANTED:
        if not reason:
            raise _invalid(
                _("Indiquez le motif de la décision : il figure dans le procès-verbal et dans le courrier au porteur."),
                "reason",
            )
        if amount not in (None, "", 0, Decimal("0")):
            raise _invalid(_("Un montant ne s'indique que pour une subvention accordée."), "amount")
        if conditions:
            raise _invalid(_("Des conditions ne s'indiquent que pour une subvention accordée."), "conditions")
    elif amount in (None, ""):
        raise _invalid(_("Indiquez le montant accordé."), "amount")
    granted_amount = _money(amount, field="amount") if outcome == Decision.Outcome.GRANTED else Decimal("0.00")

    with transaction.atomic():
        fund = _lock_fund(committee.fund)
        session = _lock_session(item.session)
        _require_open(session)
        item = _lock_item(item)
        application = (
            Application.objects.select_for_update(of=("self",)).select_related("holder").get(pk=item.application_id)
        )
        if Decision.objects.filter(item=item).exists():
            raise _invalid(_("Le comité a déjà décidé sur cette demande. Après la séance, rectifiez la décision."))
        if application.status != Status.ON_AGENDA:
            raise _invalid(
                _(
                    "La demande %(ref)s n'est pas à l'ordre du jour (statut : %(status)s) : "
                    "inscrivez-la avant de décider."
                )
                % {"ref": application.display_reference, "status": Status(application.status).label}
            )
        _require_quorum(session)
        count = selectors.vote_count(item=item)
        eligible = selectors.eligible_voters(item=item).count()
        grants = selectors.votes_grant(committee=session.committee, count=count, eligible=eligible)
        tally = {"for": count.votes_for, "against": count.votes_against, "abstain": count.abstentions}
        if outcome == Decision.Outcome.GRANTED and not grants:
            raise _invalid(
                _(
                    "Les votes n'accordent pas la subvention (%(for)s pour, %(against)s contre, %(abstain)s "
                    "abstention(s)) : une égalité n'accorde pas. Enregistrez un refus ou un ajournement."
                )
                % tally,
                "outcome",
            )
        if outcome == Decision.Outcome.REFUSED:
            if count.total == 0:
                raise _invalid(_("Aucun vote n'est enregistré : enregistrez les votes avant de refuser."), "outcome")
            if grants:
                raise _invalid(
                    _(
                        "Les votes accordent la subvention (%(for)s pour, %(against)s contre) : enregistrez "
                        "« accordée » avec le montant, ou un ajournement."
                    )
                    % tally,
                    "outcome",
                )
        if outcome == Decision.Outcome.GRANTED:
            available = fund.envelope - selectors.granted_total(fund=fund)
            _check_amount(fund=fund, application=application, amount=granted_amount, available=available)
        decision = Decision(
            item=item,
            outcome=outcome,
            amount_granted=granted_amount,
            conditions=conditions,
            reason=reason,
            votes_for=count.votes_for,
            votes_against=count.votes_against,
            abstentions=count.abstentions,
            decided_by=user,
        )
        _full_save(decision)
        apply_transition(
            user=user,
            application=application,
            transition=DECISION_TRANSITIONS[outcome],
            role=Role.COMMITTEE,
            comment=reason or conditions,
        )
        record_audit(
            actor=user,
            action=f"committees.decide.{outcome}",
            target=decision,
            summary=f"{application.display_reference}: {outcome} {granted_amount}",
            data={"application": application.pk, "amount": str(granted_amount), "votes": tally},
        )
    return decision


def close_session(*, user, session: CommitteeSession) -> CommitteeSession:
    """Close the session: no more votes or decisions. Each holder then receives the notification letter."""
    _check_runs(user, session.committee)
    with transaction.atomic():
        session = _lock_session(session)
        _require_open(session)
        pending = list(
            session.items.filter(decision__isnull=True)
            .select_related("application")
            .order_by("position")
            .values_list("application__reference", flat=True)
        )
        if pending:
            raise _invalid(
                _(
                    "Des demandes attendent encore une décision (%(refs)s) : décidez, ajournez ou retirez-les "
                    "de l'ordre du jour avant de clore la séance."
                )
                % {"refs": ", ".join(ref or "—" for ref in pending)}
            )
        session.status = CommitteeSession.Status.CLOSED
        session.closed_at = timezone.now()
        _full_save(session)
        record_audit(actor=user, action="committees.close_session", target=session, summary=_day(session.date))
        session_id = session.pk
        transaction.on_commit(lambda: emails.send_decision_letters(session_id=session_id), robust=True)
    return session


def amend_decision(
    *,
    user,
    decision: Decision,
    reason: str,
    amount: Decimal | None = None,
    conditions: str | None = None,
    decision_reason: str | None = None,
) -> Amendment:
    """Correct a decision after the session closed: a recorded amendment, never an edit of the decision.

    `amount` and `conditions` correct a grant; `decision_reason` corrects the stated reason of any decision.
    A higher amount is checked again against the envelope (fund row locked), a lower one against what is paid.
    """
    committee = decision.item.session.committee
    _check_runs(user, committee)
    conflicts.ensure_not_conflicted(user, decision.item.application, action=_("rectifier la décision"))
    reason = (reason or "").strip()
    if not reason:
        raise _invalid(
            _("Indiquez le motif de la rectification : elle figure dans l'historique de la décision."), "reason"
        )
    with transaction.atomic():
        fund = _lock_fund(committee.fund)
        decision = Decision.objects.select_for_update(of=("self",)).select_related("item__session").get(pk=decision.pk)
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("holder")
            .get(pk=decision.item.application_id)
        )
        if decision.item.session.status != CommitteeSession.Status.CLOSED:
            raise _invalid(_("Une décision se rectifie après la clôture de la séance."))
        current = selectors.effective_decision(decision=decision)
        changes: dict[str, dict[str, str]] = {}
        delta = Decimal("0.00")
        granted = decision.outcome == Decision.Outcome.GRANTED
        if amount is not None and amount != "":
            if not granted:
                raise _invalid(_("Seule une subvention accordée a un montant à rectifier."), "amount")
            new_amount = _money(amount, field="amount")
            if new_amount != current.amount:
                paid = selectors.application_paid(application=application)
                if new_amount < paid:
                    raise _invalid(
                        _("%(paid)s sont déjà versés : le montant accordé ne peut pas descendre en dessous.")
                        % {"paid": format_money(paid)},
                        "amount",
                    )
                available = fund.envelope - selectors.granted_total(fund=fund) + current.amount
                _check_amount(fund=fund, application=application, amount=new_amount, available=available)
                delta = new_amount - current.amount
                changes["amount_granted"] = {"before": str(current.amount), "after": str(new_amount)}
        if conditions is not None and conditions.strip() != current.conditions:
            if not granted:
                raise _invalid(_("Des conditions ne s'indiquent que pour une subvention accordée."), "conditions")
            changes["conditions"] = {"before": current.conditions, "after": conditions.strip()}
        if decision_reason is not None and decision_reason.strip() != current.reason:
            if not granted and not decision_reason.strip():
                raise _invalid(_("Une décision d'ajournement ou de refus garde un motif."), "decision_reason")
            changes["reason"] = {"before": current.reason, "after": decision_reason.strip()}
        if not changes:
            raise _invalid(_("Rien n'est modifié : indiquez le nouveau montant, les conditions ou le motif."))
        amendment = Amendment(decision=decision, changes=changes, amount_delta=delta, reason=reason, created_by=user)
        _full_save(amendment)
        record_audit(
            actor=user,
            action="committees.amend_decision",
            target=decision,
            summary=reason[:500],
            data={"application": application.pk, "changes": changes, "amount_delta": str(delta)},
        )
    return amendment


# --- Payments -------------------------------------------------------------------------------------


def record_payment(
    *,
    user,
    application: Application,
    kind: str,
    paid_on: datetime.date,
    method: str,
    reference: str = "",
    amount: Decimal | None = None,
) -> Payment:
    """Record the advance (after the grant) or the balance (after the bilan). Never more than granted.

    Without `amount`, the advance is the fund's advance share of the grant and the balance what is left.
    """
    conflicts.ensure_not_conflicted(user, application, action=_("enregistrer ce versement"))
    if not can_record_payment(user, application.fund, application):
        raise PermissionDenied(
            _("Seule l'équipe de l'association porteuse du fonds « %(fund)s » enregistre ses versements.")
            % {"fund": application.fund.name}
        )
    if kind not in Payment.Kind.values:
        raise _invalid(_("Choisissez le type de versement : acompte ou solde."), "kind")
    if paid_on > timezone.localdate():
        raise _invalid(
            _("La date de versement ne peut pas être dans le futur : enregistrez le versement une fois fait."),
            "paid_on",
        )
    if paid_on < application.fund.first_payment_day:
        raise _invalid(
            _("La date de versement ne peut pas précéder l'année du fonds (au plus tôt le %(day)s).")
            % {"day": _day(application.fund.first_payment_day)},
            "paid_on",
        )
    with transaction.atomic():
        locked = Application.objects.select_for_update(of=("self",)).select_related("fund").get(pk=application.pk)
        fund = locked.fund
        granted = selectors.granted_amount(application=locked)
        if granted <= 0:
            raise _invalid(
                _("Aucune subvention n'est accordée à la demande %(ref)s.") % {"ref": locked.display_reference}
            )
        if Payment.objects.filter(application=locked, kind=kind).exists():
            raise _invalid(
                _("Le versement « %(kind)s » de cette demande est déjà enregistré.")
                % {"kind": Payment.Kind(kind).label},
                "kind",
            )
        paid = selectors.application_paid(application=locked)
        if kind == Payment.Kind.ADVANCE:
            if locked.status != Status.GRANTED:
                raise _invalid(
                    _("L'acompte se verse après la décision d'accorder, avant le bilan (statut : %(status)s).")
                    % {"status": Status(locked.status).label},
                    "kind",
                )
            expected = selectors.advance_amount(fund=fund, granted=granted)
            if expected <= 0:
                raise _invalid(_("Ce fonds ne prévoit pas d'acompte : versez le solde après le bilan."), "kind")
            transition = "pay_advance"
        else:
            if locked.status != Status.BILAN_RECEIVED:
                raise _invalid(
                    _("Le solde se verse une fois le bilan reçu et accepté (statut : %(status)s).")
                    % {"status": Status(locked.status).label},
                    "kind",
                )
            expected = granted - paid
            if expected <= 0:
                raise _invalid(_("La subvention accordée est déjà entièrement versée."), "kind")
            transition = "pay_balance"
        value = expected if amount in (None, "") else _money(amount, field="amount")
        if value <= 0:
            raise _invalid(_("Le montant versé doit être supérieur à 0 €."), "amount")
        if value > expected:
            raise _invalid(
                _(
                    "Le montant (%(amount)s) dépasse ce qui peut être versé : au plus %(max)s "
                    "(accordé : %(granted)s, déjà versé : %(paid)s)."
                )
                % {
                    "amount": format_money(value),
                    "max": format_money(expected),
                    "granted": format_money(granted),
                    "paid": format_money(paid),
                },
                "amount",
            )
        payment = Payment(
            application=locked,
            kind=kind,
            amount=value,
            paid_on=paid_on,
            method=method,
            reference=(reference or "").strip(),
            recorded_by=user,
        )
        _full_save(payment)
        apply_transition(
            user=user,
            application=locked,
            transition=transition,
            role=Role.STAFF,
            comment=f"{Payment.Kind(kind).label} : {format_money(value)}",
        )
        record_audit(
            actor=user,
            action=f"committees.record_payment.{kind}",
            target=payment,
            summary=f"{locked.display_reference}: {value}",
            data={"application": locked.pk, "amount": str(value), "kind": kind, "method": method},
        )
    application.status = locked.status
    return payment


# --- Members --------------------------------------------------------------------------------------


def _account(account_email: str, committee: Committee, *, member: CommitteeMember | None = None):
    """The portal account a member logs in with, found by its address; None when no address is given."""
    account_email = (account_email or "").strip()
    if not account_email:
        return None
    account = User.objects.filter(email__iexact=account_email, is_active=True).first()
    if account is None:
        raise _invalid(
            _(
                "Aucun compte du portail n'utilise l'adresse %(email)s : la personne crée d'abord son compte, "
                "ou laissez ce champ vide."
            )
            % {"email": account_email},
            "account_email",
        )
    others = CommitteeMember.objects.filter(committee=committee, user=account)
    if member is not None:
        others = others.exclude(pk=member.pk)
    if others.exists():
        raise _invalid(
            _("Le compte %(email)s est déjà celui d'un autre membre de ce comité.") % {"email": account_email},
            "account_email",
        )
    return account


def _member_fields(member: CommitteeMember, *, full_name, college, mandate_start, mandate_end, email, organisation):
    member.full_name = (full_name or "").strip()
    member.college = college
    member.mandate_start = mandate_start
    member.mandate_end = mandate_end
    member.email = (email or "").strip()
    member.organisation = (organisation or "").strip()


def add_member(
    *,
    user,
    committee: Committee,
    full_name: str,
    college: str,
    mandate_start: datetime.date,
    mandate_end: datetime.date | None = None,
    email: str = "",
    organisation: str = "",
    account_email: str = "",
) -> CommitteeMember:
    """Seat a person on a committee, with a college and a mandate; optionally linked to their portal account."""
    _check_runs(user, committee)
    member = CommitteeMember(committee=committee)
    _member_fields(
        member,
        full_name=full_name,
        college=college,
        mandate_start=mandate_start,
        mandate_end=mandate_end,
        email=email,
        organisation=organisation,
    )
    with transaction.atomic():
        member.user = _account(account_email, committee)
        _full_save(member)
        record_audit(
            actor=user,
            action="committees.add_member",
            target=member,
            summary=f"{committee.name}: {member.full_name}",
            data={"committee": committee.pk, "college": member.college, "account": member.user_id},
        )
    return member


def update_member(
    *,
    user,
    member: CommitteeMember,
    full_name: str,
    college: str,
    mandate_start: datetime.date,
    mandate_end: datetime.date | None = None,
    email: str = "",
    organisation: str = "",
    account_email: str | None = None,
) -> CommitteeMember:
    """Correct a member's record or end their mandate. Past votes and attendance stay as recorded.

    `account_email`: None keeps the member's account, "" unlinks it, an address links that account.
    """
    _check_runs(user, member.committee)
    with transaction.atomic():
        member = CommitteeMember.objects.select_for_update(of=("self",)).select_related("committee").get(pk=member.pk)
        before = {
            name: str(getattr(member, name) or "") for name in ("full_name", "college", "mandate_start", "mandate_end")
        }
        _member_fields(
            member,
            full_name=full_name,
            college=college,
            mandate_start=mandate_start,
            mandate_end=mandate_end,
            email=email,
            organisation=organisation,
        )
        if college == CommitteeMember.College.EX_OFFICIO and member.votes.exists():
            raise _invalid(
                _(
                    "%(member)s a déjà voté : il ou elle ne peut pas devenir membre de droit. "
                    "Terminez son mandat et ajoutez un nouveau membre."
                )
                % {"member": member.full_name},
                "college",
            )
        if account_email is not None:
            member.user = _account(account_email, member.committee, member=member)
        _full_save(member)
        after = {name: str(getattr(member, name) or "") for name in before}
        record_audit(
            actor=user,
            action="committees.update_member",
            target=member,
            summary=member.full_name,
            data={
                "changes": {
                    name: {"before": before[name], "after": after[name]}
                    for name in before
                    if before[name] != after[name]
                },
                "account": member.user_id,
            },
        )
    return member


def add_member_link(
    *, user, member: CommitteeMember, reason: str, holder: Holder | None = None, holder_name: str = ""
) -> CommitteeMemberLink:
    """Declare a member's link to a holder: the member then steps out of every vote on that holder's requests."""
    _check_runs(user, member.committee)
    holder_name = (holder_name or "").strip()
    if holder is not None and holder_name:
        raise _invalid(_("Choisissez un porteur de projet ou saisissez un nom, pas les deux."))
    link = CommitteeMemberLink(member=member, holder=holder, holder_name=holder_name, reason=(reason or "").strip())
    with transaction.atomic():
        existing = CommitteeMemberLink.objects.filter(member=member)
        if (
            holder is not None
            and existing.filter(holder=holder).exists()
            or (holder_name and existing.filter(holder_name__iexact=holder_name).exists())
        ):
            raise _invalid(
                _("Ce lien de %(member)s avec %(holder)s est déjà déclaré.")
                % {"member": member.full_name, "holder": holder or holder_name}
            )
        _full_save(link)
        record_audit(
            actor=user,
            action="committees.add_member_link",
            target=member,
            summary=f"{member.full_name} ↔ {holder or holder_name}"[:500],
            data={"link": link.pk, "holder": holder.pk if holder else None, "reason": link.reason},
        )
    return link
