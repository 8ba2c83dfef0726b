"""Who may do what with committees, sessions, decisions and payments.

Association staff of the fund's carrier association run sessions and record payments; the committee's
members read their committee's sessions; the site administrator may do everything.
"""

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
    if not user.is_authenticated:
        return False
    return committee.members.filter(user=user).exists()


def can_view_session(user, session: CommitteeSession) -> bool:
    """Read a session, its agenda and its minutes: association staff, the committee's members, the administrator."""
    return can_run_session(user, session) or is_committee_member(user, session.committee)


def can_record_payment(user, fund: Fund) -> bool:
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
    if CommitteeMember.objects.filter(committee__fund_id=application.fund_id, user=user).exists():
        return Role.COMMITTEE
    return None
