"""Recusals and votes on an agenda item: members linked to the holder step out, each present voting member
votes once."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import conflicts
from committees.locks import lock_item, lock_session
from committees.models import (
    AgendaItem,
    Attendance,
    CommitteeMember,
    CommitteeMemberLink,
    CommitteeSession,
    Decision,
    Recusal,
    Vote,
    VoteCorrection,
)
from committees.services.rules import (
    check_runs,
    invalid,
    require_member,
    require_not_closed,
    require_not_withdrawn,
    require_open,
    require_quorum,
)
from core.services import record_audit
from core.validation import full_save


def linked_members(item: AgendaItem) -> dict[int, str]:
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


def open_vote(*, user, item: AgendaItem) -> list[Recusal]:
    """Open the vote on an item (caller holds the locks): linked members step out automatically."""
    if item.vote_started_at is not None:
        return list(item.recusals.filter(automatic=True))
    already = set(item.recusals.values_list("member_id", flat=True))
    created = []
    for member_id, reason in linked_members(item).items():
        if member_id in already:
            continue
        recusal = Recusal(item=item, member_id=member_id, automatic=True, reason=reason[:300])
        full_save(recusal)
        created.append(recusal)
    item.vote_started_at = timezone.now()
    full_save(item)
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
    check_runs(user, item.session.committee)
    conflicts.ensure_not_conflicted(user, item.application, action=_("ouvrir le vote"))
    with transaction.atomic():
        session = lock_session(item.session)
        require_open(session)
        item = lock_item(item)
        if Decision.objects.filter(item=item).exists():
            raise invalid(_("Le comité a déjà décidé sur cette demande."))
        require_not_withdrawn(item.application)
        require_quorum(session)
        return open_vote(user=user, item=item)


def declare_recusal(*, user, item: AgendaItem, member: CommitteeMember, reason: str) -> Recusal:
    """A member declares a conflict of interest and steps out of the vote on this request."""
    check_runs(user, item.session.committee)
    reason = (reason or "").strip()
    if not reason:
        raise invalid(
            _("Indiquez le motif du déport, par exemple « membre de l'association porteuse du projet »."), "reason"
        )
    with transaction.atomic():
        session = lock_session(item.session)
        require_not_closed(session)
        item = lock_item(item)
        require_member(session, member)
        if Decision.objects.filter(item=item).exists():
            raise invalid(_("Le comité a déjà décidé sur cette demande : le déport n'est plus possible."))
        require_not_withdrawn(item.application)
        if Vote.objects.filter(item=item, member=member).exists():
            raise invalid(
                _("%(member)s a déjà voté sur cette demande : un déport se déclare avant le vote.")
                % {"member": member.full_name}
            )
        existing = Recusal.objects.filter(item=item, member=member).first()
        if existing:
            return existing
        recusal = Recusal(item=item, member=member, automatic=False, reason=reason)
        full_save(recusal)
        record_audit(
            actor=user,
            action="committees.declare_recusal",
            target=item,
            summary=f"{member.full_name}: {reason}"[:500],
            data={"member": member.pk, "reason": reason},
        )
    return recusal


def check_choice(*, user, item: AgendaItem, choice: str) -> None:
    """Before any lock: the user runs the committee, the choice is a known one."""
    check_runs(user, item.session.committee)
    conflicts.ensure_not_conflicted(user, item.application, action=_("enregistrer les votes"))
    if choice not in Vote.Choice.values:
        raise invalid(_("Choisissez « pour », « contre » ou « abstention »."), "choice")


def lock_undecided(item: AgendaItem, decided: str) -> tuple[CommitteeSession, AgendaItem]:
    """Lock the open session and the item, still undecided (`decided`: the refusal) and not withdrawn."""
    session = lock_session(item.session)
    require_open(session)
    item = lock_item(item)
    if Decision.objects.filter(item=item).exists():
        raise invalid(decided)
    require_not_withdrawn(item.application)
    return session, item


def record_vote(*, user, item: AgendaItem, member: CommitteeMember, choice: str) -> Vote:
    """Record one member's vote. Posting the same vote again changes nothing; a different vote is refused."""
    check_choice(user=user, item=item, choice=choice)
    with transaction.atomic():
        session, item = lock_undecided(item, _("Le comité a déjà décidé sur cette demande : le vote est clos."))
        require_member(session, member)
        existing = Vote.objects.filter(item=item, member=member).first()
        if existing is not None:
            if existing.choice == choice:
                return existing
            raise invalid(
                _(
                    "Le vote de %(member)s est déjà enregistré (%(choice)s) : pour le changer avant la décision, "
                    "utilisez « Corriger un vote »."
                )
                % {"member": member.full_name, "choice": existing.get_choice_display()},
                "choice",
            )
        if not member.has_vote:
            raise invalid(
                _("%(member)s est membre de droit : il ou elle assiste au comité sans droit de vote.")
                % {"member": member.full_name},
                "member",
            )
        require_quorum(session)
        open_vote(user=user, item=item)
        if not Attendance.objects.filter(session=session, member=member, present=True).exists():
            raise invalid(
                _("%(member)s n'est pas noté·e présent·e : notez sa présence avant d'enregistrer son vote.")
                % {"member": member.full_name},
                "member",
            )
        recusal = Recusal.objects.filter(item=item, member=member).first()
        if recusal is not None:
            raise invalid(
                _("%(member)s s'est déporté·e pour cette demande (%(reason)s) : il ou elle ne vote pas.")
                % {"member": member.full_name, "reason": recusal.reason},
                "member",
            )
        vote = Vote(item=item, member=member, choice=choice, recorded_by=user)
        full_save(vote)
        record_audit(
            actor=user,
            action="committees.record_vote",
            target=item,
            summary=f"{member.full_name}: {choice}",
            data={"member": member.pk, "choice": choice},
        )
    return vote


def correct_vote(*, user, item: AgendaItem, member: CommitteeMember, choice: str, reason: str = "") -> VoteCorrection:
    """Correct a member's recorded vote (a mis-click), until the decision: kept, with its reason if given, in the
    audit log and the minutes."""
    check_choice(user=user, item=item, choice=choice)
    with transaction.atomic():
        _session, item = lock_undecided(
            item, _("Le comité a déjà décidé sur cette demande : un vote ne se corrige plus. Rectifiez la décision.")
        )
        vote = Vote.objects.select_for_update(of=("self",)).filter(item=item, member=member).first()
        if vote is None:
            raise invalid(
                _("%(member)s n'a pas encore voté sur cette demande : enregistrez son vote avec le formulaire.")
                % {"member": member.full_name},
                "member",
            )
        if vote.choice == choice:
            raise invalid(
                _("Le vote de %(member)s est déjà « %(choice)s » : choisissez le vote corrigé.")
                % {"member": member.full_name, "choice": vote.get_choice_display()},
                "choice",
            )
        correction = VoteCorrection(
            vote=vote, before=vote.choice, after=choice, corrected_by=user, reason=(reason or "").strip()
        )
        full_save(correction)
        vote.choice = choice
        full_save(vote)
        record_audit(
            actor=user,
            action="committees.correct_vote",
            target=item,
            summary=f"{member.full_name}: {correction.before} → {choice}",
            data={
                "member": member.pk,
                "vote": vote.pk,
                "before": correction.before,
                "after": choice,
                "reason": correction.reason,
            },
        )
    return correction


def record_votes(*, user, item: AgendaItem, choices: list[tuple[CommitteeMember, str]]) -> list[Vote]:
    """Every vote of the item's form, all or nothing, each through `record_vote` (so a repeat counts once)."""
    check_runs(user, item.session.committee)
    with transaction.atomic():
        return [record_vote(user=user, item=item, member=member, choice=choice) for member, choice in choices]
