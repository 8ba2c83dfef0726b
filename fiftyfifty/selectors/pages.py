"""The pages of a project, of the resident's own entries, and of the town's list: each a fixed number of
queries whatever the number of projects."""

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Prefetch

from core.pagination import paginate_by_ids
from fiftyfifty.models import Builder, Commitment, Initiative, Project
from fiftyfifty.permissions import can_sign_for_residents, role_of
from fiftyfifty.workflow import COMMITMENTS_OPEN, IN_PROGRESS, InitiativeStatus, Role, Status, available
from funds.models import CarrierAssociation

PER_PAGE = 25


def _sides(commitments) -> list[dict]:
    sides = []
    for side, label in Commitment.Side.choices:
        rows = [c for c in commitments if c.side == side]
        sides.append({"side": side, "label": label, "rows": rows, "total": sum((c.value for c in rows), Decimal("0"))})
    return sides


def project_page(*, project: Project, user) -> dict:
    """Everything the project's page shows: meetings, what each side brings, the convention and its signatures,
    and what this user may do next."""
    role = role_of(user, project)
    commitments = list(project.commitments.all())
    convention = getattr(project, "convention", None) if project.status != Status.IDEA else None
    signatures = list(convention.signatures.all()) if convention else []
    signed_parties = {s.party for s in signatures}
    return {
        "project": project,
        "role": role,
        "is_town": role == Role.TOWN,
        "meetings": list(project.meetings.all()),
        "sides": _sides(commitments),
        "commitments_open": project.status in COMMITMENTS_OPEN,
        "convention": convention,
        "signatures": signatures,
        "may_sign": (
            project.status == Status.AGREED
            and (
                (role == Role.TOWN and "commune" not in signed_parties)
                or (can_sign_for_residents(user, project) and "residents" not in signed_parties)
            )
        ),
        "may_abandon": any(t.slug == "abandon" for t in available(status=project.status, role=role or "")),
        "may_reopen": role == Role.TOWN and project.status == Status.AGREED and not signatures,
        "follows": project.status in IN_PROGRESS,
    }


def my_entries(*, user) -> dict:
    """The resident's own ideas and declared initiatives (a handful: not paginated, capped)."""
    return {
        "projects": list(
            Project.objects.filter(proposer=user).select_related("fund__association").order_by("-created_at")[:50]
        ),
        "initiatives": list(
            Initiative.objects.filter(declared_by=user).select_related("fund").order_by("-happened_on")[:50]
        ),
    }


def town_desk(*, user, status: str = "", page: int | str = 1) -> dict:
    """The town's list: projects (paginated, by step) and initiatives waiting for validation."""
    projects = Project.objects.managed_by(user).select_related("fund").order_by("-updated_at", "-pk")
    if status in Status.values:
        projects = projects.filter(status=status)
    to_review = (
        Initiative.objects.managed_by(user)
        .filter(status=InitiativeStatus.DECLARED)
        .select_related("fund")
        .order_by("happened_on", "pk")
    )
    return {
        "page": paginate_by_ids(projects, per_page=PER_PAGE, number=page),
        "status": status,
        "query": urlencode({"etape": status}) if status in Status.values else "",
        "statuses": Status.choices,
        "to_review": list(to_review[:50]),
    }


def builders_for_town(*, user, page: int | str = 1) -> dict:
    associations = CarrierAssociation.objects.filter(staff_links__user=user)
    if user.is_superuser:
        associations = CarrierAssociation.objects.all()
    builders = (
        Builder.objects.filter(association__in=associations.values("pk"))
        .select_related("association")
        .prefetch_related(
            Prefetch("projects", queryset=Project.objects.only("pk", "title")),
            Prefetch("initiatives", queryset=Initiative.objects.only("pk", "title")),
        )
        .order_by("name", "pk")
    )
    # paginate_by_ids loads the page's rows through the queryset (in_bulk), prefetches included.
    return {"page": paginate_by_ids(builders, per_page=PER_PAGE, number=page)}
