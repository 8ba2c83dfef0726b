"""Who may do what with committees, sessions, decisions and payments.

Association staff of the fund's carrier association run sessions and record payments; the committee's
members read their committee's sessions; the site administrator may do everything.
"""

from django.utils import timezone

from applications.conflicts import is_conflicted
from applications.models import Application
from applications.permissions import is_fund_staff, is_owner
from applications.workflow import Role
from committees.models import Committee, CommitteeMember, CommitteeSession
from funds.models import Fund
from funds.permissions import can_manage_fund


def can_run_committee(user, committee: Committee) -> bool:
    """Create sessions, build agendas, record attendance, votes and decisions: the fund's association staff."""
    return can_manage_fund(user, committee.fund)


def can_run_session(user, session: CommitteeSession) -> bool:
    return can_run_committee(user, session.committee)


def is_committee_member(user, committee: Committee) -> bool:
    """A member of the committee whose mandate covers today: once it has ended (or before it begins) they read
    nothing of the committee (sessions, agendas, members, declared links), as they vote on nothing."""
    if not user.is_authenticated:
        return False
    return committee.members.filter(user=user).active_on(timezone.localdate()).exists()


def can_view_session(user, session: CommitteeSession) -> bool:
    """Read a session, its agenda and its minutes: association staff, the committee's members, the administrator."""
    return can_run_session(user, session) or is_committee_member(user, session.committee)


def can_act_on_request(user, committee: Committee, application: Application) -> bool:
    """Schedule, vote on, decide or amend one request: whoever runs the committee, unless they hold the request
    or are linked to its holder (`applications.conflicts`)."""
    return can_run_committee(user, committee) and not is_conflicted(user, application)


def can_record_payment(user, fund: Fund, application: Application | None = None) -> bool:
    """Record payments of the fund; with `application`, never one the user holds or is linked to."""
    if application is not None and is_conflicted(user, application):
        return False
    return can_manage_fund(user, fund)


def role_of(user, application: Application) -> Role | None:
    """The workflow role a user plays on this request, or None.

    The owner is the holder even if they also work for the association (they act as an applicant).
    """
    if not user.is_authenticated:
        return None
    if is_owner(user, application):
        return Role.HOLDER
    if is_fund_staff(user, application):
        return Role.STAFF
    sitting = CommitteeMember.objects.filter(committee__fund_id=application.fund_id, user=user)
    if sitting.active_on(timezone.localdate()).exists():
        return Role.COMMITTEE
    return None
