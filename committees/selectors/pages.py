"""What the committee pages show: the list, a committee with its members, a session with its agenda lines."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from applications.deferrals import DeferralChanges, deferral_changes_for
from applications.models import Application, Holder
from committees.models import (
    AgendaItem,
    Attendance,
    Committee,
    CommitteeMember,
    CommitteeMemberLink,
    CommitteeSession,
    Vote,
)
from committees.selectors.agenda import agenda_candidates
from committees.selectors.sessions import ItemDetail, SessionDetail, session_detail
from committees.selectors.voting import committee_members_on


def committees_for_user(*, user) -> QuerySet[Committee]:
    """Committees of the funds a user's association runs, and those the user sits on (all for the administrator)."""
    if not user.is_authenticated:
        return Committee.objects.none()
    committees = Committee.objects.all()
    if not user.is_superuser:
        sitting = CommitteeMember.objects.filter(user=user).active_on(timezone.localdate())  # mandate covers today
        committees = committees.filter(Q(fund__association__staff_links__user=user) | Q(members__in=sitting))
    return (
        Committee.objects.filter(pk__in=committees.values("pk"))
        .select_related("fund__association")
        .annotate(sessions_count=Count("sessions", distinct=True))
        .order_by("-fund__year", "fund__name", "name")
    )


@dataclass(frozen=True)
class CommitteePage:
    committee: Committee
    members: list[CommitteeMember]  # every member, past mandates included, each with `links` prefetched
    sessions: list[CommitteeSession]  # newest first, annotated with `items_count`


def committee_page(*, committee: Committee) -> CommitteePage:
    members = list(
        committee.members.select_related("user")
        .prefetch_related(
            Prefetch("links", queryset=CommitteeMemberLink.objects.select_related("holder").order_by("pk"))
        )
        .order_by("full_name", "pk")
    )
    sessions = list(committee.sessions.annotate(items_count=Count("items")).order_by("-date", "-time"))
    return CommitteePage(committee=committee, members=members, sessions=sessions)


def chair_choices(*, committee: Committee) -> list[CommitteeMember]:
    """Who may chair the committee: its voting members in mandate today, and the current chair (one query)."""
    today = timezone.localdate()
    in_mandate = Q(mandate_start__lte=today) & (Q(mandate_end__isnull=True) | Q(mandate_end__gte=today))
    current = Q(pk=committee.chair_id) if committee.chair_id else Q(pk__in=[])
    return list(committee.members.voting().filter(in_mandate | current).order_by("full_name", "pk"))


def link_holder_choices(*, committee: Committee) -> QuerySet[Holder]:
    """Holders a member may be linked to: those with a filed request in the committee's fund."""
    return (
        Holder.objects.filter(applications__fund_id=committee.fund_id, applications__submitted_at__isnull=False)
        .distinct()
        .order_by("name", "pk")
    )


@dataclass(frozen=True)
class ItemRow:
    """One agenda line of the session page, with who may still vote or step out."""

    detail: ItemDetail
    voters: list[CommitteeMember]  # voting members present, with a mandate that day, not recused
    recusable: list[CommitteeMember]  # voting members with a mandate that day, not recused, no vote yet
    # What its holder changed since an earlier deferral (before this line was put on the agenda), if any.
    deferral: DeferralChanges | None = None

    @property
    def item(self) -> AgendaItem:
        return self.detail.item

    @property
    def votes_by_member(self) -> dict[int, Vote]:
        return {vote.member_id: vote for vote in self.detail.votes}


@dataclass(frozen=True)
class SessionPage:
    detail: SessionDetail
    members: list[CommitteeMember]  # mandate covers the session's date, by name
    attendance: dict[int, Attendance]  # by member id
    rows: list[ItemRow]
    candidates: list[Application]  # requests that may still be put on the agenda

    @property
    def decided_count(self) -> int:
        return sum(1 for row in self.rows if row.detail.decision is not None)


def session_page(*, session: CommitteeSession, with_candidates: bool = False) -> SessionPage:
    """Everything the session page shows, in a number of queries that does not grow with the agenda."""
    detail = session_detail(session=session)
    session = detail.session
    members = list(committee_members_on(session=session))
    attendance = {attendance.member_id: attendance for attendance in detail.attendances}
    voting = [member for member in members if member.has_vote]
    present_voting = [member for member in voting if member.pk in attendance and attendance[member.pk].present]
    changes = deferral_changes_for({row.item.application_id: row.item.added_at for row in detail.items})
    rows = []
    for item_detail in detail.items:
        recused = {recusal.member_id for recusal in item_detail.recusals}
        voted = {vote.member_id for vote in item_detail.votes}
        rows.append(
            ItemRow(
                detail=item_detail,
                voters=[member for member in present_voting if member.pk not in recused],
                recusable=[member for member in voting if member.pk not in recused and member.pk not in voted],
                deferral=changes.get(item_detail.item.application_id),
            )
        )
    candidates = []
    if with_candidates and not session.is_closed:
        candidates = list(agenda_candidates(session=session))
    return SessionPage(detail=detail, members=members, attendance=attendance, rows=rows, candidates=candidates)
