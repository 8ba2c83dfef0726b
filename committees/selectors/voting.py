"""Quorum, who may vote on an agenda item, and how the votes count under the committee's rule."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from committees.models import (
    AgendaItem,
    Attendance,
    Committee,
    CommitteeMember,
    CommitteeSession,
    Vote,
)


@dataclass(frozen=True)
class Quorum:
    voting_members: int  # voting members whose mandate covers the session's date
    present_voting: int  # of them, present (membres de droit never count)
    required: int

    @property
    def met(self) -> bool:
        return self.present_voting >= self.required


def voting_members(*, session: CommitteeSession) -> QuerySet[CommitteeMember]:
    return session.committee.members.active_on(session.date).voting()


def session_quorum(*, session: CommitteeSession) -> Quorum:
    committee = session.committee
    members = voting_members(session=session)
    total = members.count()
    present = Attendance.objects.filter(session=session, present=True, member__in=members).count()
    fixed = committee.quorum_kind == Committee.QuorumKind.FIXED
    required = (committee.quorum_fixed or 1) if fixed else total // 2 + 1
    return Quorum(voting_members=total, present_voting=present, required=required)


def eligible_voters(*, item: AgendaItem) -> QuerySet[CommitteeMember]:
    """Voting members present at the session who did not step out of this item's vote."""
    session = item.session
    return (
        voting_members(session=session)
        .filter(attendances__session=session, attendances__present=True)
        .exclude(recusals__item=item)
    )


@dataclass(frozen=True)
class VoteCount:
    votes_for: int
    votes_against: int
    abstentions: int

    @property
    def cast(self) -> int:
        """Votes cast (*suffrages exprimés*): abstentions are not votes cast."""
        return self.votes_for + self.votes_against

    @property
    def total(self) -> int:
        return self.votes_for + self.votes_against + self.abstentions

    @property
    def phrase(self) -> str:
        """« 2 pour, 1 contre, 1 abstention »: the abstentions' noun follows the count (0 and 1 are singular)."""
        return votes_phrase(votes_for=self.votes_for, votes_against=self.votes_against, abstentions=self.abstentions)


def votes_phrase(*, votes_for: int, votes_against: int, abstentions: int) -> str:
    """« 2 pour, 1 contre, 0 abstention » (pour and contre never take a plural in French)."""
    return _("%(for)s pour, %(against)s contre, %(abstentions)s") % {
        "for": votes_for,
        "against": votes_against,
        "abstentions": ngettext("%(count)s abstention", "%(count)s abstentions", abstentions) % {"count": abstentions},
    }


def vote_count(*, item: AgendaItem) -> VoteCount:
    counts = Vote.objects.filter(item=item).aggregate(
        votes_for=Count("pk", filter=Q(choice=Vote.Choice.FOR)),
        votes_against=Count("pk", filter=Q(choice=Vote.Choice.AGAINST)),
        abstentions=Count("pk", filter=Q(choice=Vote.Choice.ABSTAIN)),
    )
    return VoteCount(**counts)


def votes_grant(*, committee: Committee, count: VoteCount, eligible: int) -> bool:
    """Whether the votes grant the request under the committee's rule. A tie never grants."""
    if committee.decision_rule == Committee.DecisionRule.ABSOLUTE_MAJORITY:
        return count.votes_for * 2 > eligible
    return count.votes_for > count.votes_against


def is_tie(*, committee: Committee, count: VoteCount, eligible: int) -> bool:
    """As many votes for as against (simple majority), or exactly half the voters for (absolute majority)."""
    if committee.decision_rule == Committee.DecisionRule.ABSOLUTE_MAJORITY:
        return eligible > 0 and count.votes_for * 2 == eligible
    return count.cast > 0 and count.votes_for == count.votes_against


def tie_outcomes(*, committee: Committee, item: AgendaItem) -> tuple[str, ...]:
    """The outcomes the committee's tie rule allows on a tied vote (`Decision.Outcome` values).

    Refusal: anything but a grant. Deferral: only a deferral. Casting vote: the chair's vote decides
    (for: granted, against: refused; deferral stays possible); a chair who abstained or did not vote leaves
    the tie unbroken: only a deferral.
    """
    rule = committee.tie_rule
    if rule == Committee.TieRule.DEFERRED:
        return ("deferred",)
    if rule == Committee.TieRule.CASTING_VOTE:
        chair_vote = Vote.objects.filter(item=item, member_id=committee.chair_id).values_list("choice", flat=True)
        choice = chair_vote.first() if committee.chair_id else None
        if choice == Vote.Choice.FOR:
            return ("granted", "deferred")
        if choice == Vote.Choice.AGAINST:
            return ("refused", "deferred")
        return ("deferred",)
    return ("refused", "deferred")


def committee_members_on(*, session: CommitteeSession) -> QuerySet[CommitteeMember]:
    """Members whose mandate covers the session's date, by name."""
    return session.committee.members.active_on(session.date).select_related("user").order_by("full_name", "pk")


def attendance_by_member(*, session: CommitteeSession) -> dict[int, Attendance]:
    return {attendance.member_id: attendance for attendance in Attendance.objects.filter(session=session)}


def recorded_votes(*, item: AgendaItem) -> list[Vote]:
    """The item's votes with their member, by name (the votes that may be corrected)."""
    return list(Vote.objects.filter(item=item).select_related("member").order_by("member__full_name", "pk"))


def votes_by_member(*, item: AgendaItem) -> dict[int, Vote]:
    return {vote.member_id: vote for vote in Vote.objects.filter(item=item)}
