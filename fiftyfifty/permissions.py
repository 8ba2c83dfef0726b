"""Who may do what on a fifty/fifty project or an initiative. The town is the staff of the fund's carrier
association (for Loos-en-Gohelle, the commune itself); the resident is the person who proposed the idea."""

from fiftyfifty.models import Initiative, Project
from fiftyfifty.workflow import Role, Status
from funds.permissions import is_association_staff


def is_town(user, project_or_initiative: Project | Initiative) -> bool:
    return is_association_staff(user, project_or_initiative.fund.association)


def is_proposer(user, project: Project) -> bool:
    return user.is_authenticated and project.proposer_id is not None and project.proposer_id == user.pk


def role_of(user, project: Project) -> str | None:
    """The role the user acts in on this project (the town first: a town agent who proposed an idea acts as the
    town), or None when the user has no part in it."""
    if is_town(user, project):
        return Role.TOWN
    if is_proposer(user, project):
        return Role.RESIDENT
    return None


def can_view_project(user, project: Project) -> bool:
    return role_of(user, project) is not None


def can_manage_project(user, project: Project) -> bool:
    return is_town(user, project)


def can_sign_for_residents(user, project: Project) -> bool:
    """Only the proposer signs for the residents in the portal (the town records a paper signature instead)."""
    return is_proposer(user, project) and not is_town(user, project) and project.status == Status.AGREED


def can_view_initiative(user, initiative: Initiative) -> bool:
    if initiative.is_showcased:
        return True
    if not user.is_authenticated:
        return False
    return is_town(user, initiative) or initiative.declared_by_id == user.pk
