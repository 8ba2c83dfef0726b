"""The main menu, computed in one place from the user's roles (a context processor: `main_menu`).

Each role sees what it uses: a resident their requests; the staff of a carrier association their staff pages;
funders' staff (Région, City) their dashboard and never "Mes demandes" (unless they filed a request themselves);
committee members their committee's sessions. The roles cost one query (four EXISTS in one row), read at log-in
and kept in the shared cache for the day: a page costs no query for its menu. A change of role (staff link,
funder link, committee mandate, a first request) reads them again at once (`forget_roles`, connected in
apps.py).

To add a link: append one `MenuItem` in `_items()` under the role that uses it.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from committees.models import CommitteeMember
from core import public_cache
from funds.models import AssociationStaff, FunderStaff

ROLES_KEY = "menu-roles:{user_id}:{day}"
ROLES_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Roles:
    association_staff: bool = False
    funder_staff: bool = False
    committee_member: bool = False
    has_requests: bool = False

    @property
    def resident(self) -> bool:
        """Someone who files requests: anyone who is neither association nor funder staff, or who filed one."""
        return self.has_requests or not (self.association_staff or self.funder_staff)


@dataclass(frozen=True)
class MenuItem:
    label: str
    url: str
    current: bool = False


def _read_roles(user_id, day) -> Roles:
    """The four roles in one query."""
    row = (
        get_user_model()
        .objects.filter(pk=user_id)
        .annotate(
            association_staff=Exists(AssociationStaff.objects.filter(user=OuterRef("pk"))),
            funder_staff=Exists(FunderStaff.objects.filter(user=OuterRef("pk"))),
            committee_member=Exists(
                CommitteeMember.objects.filter(user=OuterRef("pk")).filter(
                    Q(mandate_start__lte=day), Q(mandate_end__isnull=True) | Q(mandate_end__gte=day)
                )
            ),
            has_requests=Exists(Application.objects.filter(created_by=OuterRef("pk"))),
        )
        .values("association_staff", "funder_staff", "committee_member", "has_requests")
        .first()
    )
    if row is None:
        return Roles()
    return Roles(**row)


def _key(user_id, day) -> str:
    return ROLES_KEY.format(user_id=user_id, day=f"{day:%Y%m%d}")


def _store(user_id, day) -> Roles:
    roles = _read_roles(user_id, day)
    cache.set(_key(user_id, day), roles.__dict__, timeout=ROLES_SECONDS)
    return roles


def roles_of(user) -> Roles:
    """The user's roles today, from the shared cache (no query), else read once (one query). They are read at
    log-in and again when a role changes, so a page seldom reads them."""
    if not getattr(user, "is_authenticated", False):
        return Roles()
    day = timezone.localdate()
    cached = cache.get(_key(user.pk, day))
    if cached is not None:
        return Roles(**cached)
    return _store(user.pk, day)


def remember_roles(sender, user, **_kwargs) -> None:
    """`user_logged_in`: read the roles with the log-in, not on the first page."""
    _store(user.pk, timezone.localdate())


def forget_roles(user_id) -> None:
    """A role of this user changed: read them again now (and render the user's cached personal pages again)."""
    if user_id is None:
        return
    _store(user_id, timezone.localdate())
    public_cache.invalidate_user(user_id)


def _items(request, user, roles: Roles) -> list[MenuItem]:
    current = getattr(getattr(request, "resolver_match", None), "view_name", "") or ""

    def item(label, name) -> MenuItem:
        return MenuItem(str(label), reverse(name), current == name)

    items = [item(_("Appels ouverts"), "funds:open_calls"), item(_("Projets financés"), "annual:showcase")]
    if not getattr(user, "is_authenticated", False):
        return items
    items.append(item(_("Mon espace"), "portal:dashboard"))
    if roles.resident:
        items.append(item(_("Mes demandes"), "portal:my_applications"))
    if roles.association_staff or user.is_superuser:
        items.append(item(_("Mon bureau"), "portal:desk"))
        items.append(item(_("Instruction"), "staff:inbox"))
        items.append(item(_("Comités"), "committees:committee_list"))
        items.append(item(_("Suivi des bilans"), "reports:staff_bilans"))
    elif roles.committee_member:
        items.append(item(_("Mon comité et ses séances"), "committees:committee_list"))
    if roles.funder_staff:
        items.append(item(_("Tableau de bord des financeurs"), "annual:dashboard"))
    return items


def main_menu(request) -> dict:
    """Context processor: `main_menu`, the list of `MenuItem` of the main navigation (computed when used)."""

    def build() -> list[MenuItem]:
        user = getattr(request, "user", None)
        return _items(request, user, roles_of(user))

    return {"main_menu": SimpleLazyObject(build)}
