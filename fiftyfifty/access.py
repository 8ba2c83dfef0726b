"""The one way a view fetches a fifty/fifty row for a user: 404 for whoever may not see it."""

from core.access import get_or_404_for
from fiftyfifty.models import Initiative, Project
from fiftyfifty.permissions import can_view_initiative, can_view_project, is_town
from funds.models import Fund

PROJECT_RELATED = ("fund__association", "proposer")


def get_project_for_user(user, pk: int) -> Project:
    """A project its proposer or the town may read."""
    queryset = Project.objects.select_related(*PROJECT_RELATED)
    return get_or_404_for(user, queryset, may=can_view_project, pk=pk)


def get_project_for_town(user, pk: int) -> Project:
    """A project the town acts on (meetings, commitments, convention, outcome)."""
    return get_or_404_for(user, Project.objects.select_related(*PROJECT_RELATED), may=is_town, pk=pk)


def get_initiative_for_user(user, pk: int) -> Initiative:
    return get_or_404_for(user, Initiative.objects.select_related("fund__association"), may=can_view_initiative, pk=pk)


def get_initiative_for_town(user, pk: int) -> Initiative:
    return get_or_404_for(user, Initiative.objects.select_related("fund__association"), may=is_town, pk=pk)


def get_open_fund(slug: str) -> Fund:
    """A published fifty/fifty fund residents may bring an idea or an initiative to (404 otherwise)."""
    return get_or_404_for(
        None,
        Fund.objects.select_related("association").filter(scheme=Fund.Scheme.FIFTY_FIFTY, is_published=True),
        slug=slug,
    )
