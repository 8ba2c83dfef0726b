"""Who is linked to a request's holder: nobody acts on a request they hold or are linked to.

A real attribution committee asks a member linked to the applicant to step out of the vote; the same holds
for the association's staff. A person is *conflicted* on a request when they:

- filed it (`created_by`) or own its holder record;
- own another holder record that names the same group or association (same name, SIRET or RNA);
- declared a link to its holder, as staff (`HolderLink`) or as a committee member (`CommitteeMemberLink`,
  read through the user's memberships so that this module imports nothing above `applications`).

Such a person may not instruct the request, put it on an agenda, record votes or a decision on it, pay it or
accept its bilan: the permission predicates of each app check `is_conflicted`, and the services' refusals use
`refusal`. Another staff member does it; a fund whose association has a single staff member needs a second
person (`needs_second_person`).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from applications.models import Application, Holder, HolderLink
from funds.models import AssociationStaff


def _holder_matches(holder: Holder, *, prefix: str = "") -> Q:
    """Holder records (or links, with `prefix`) naming the same group or association as `holder`."""
    match = Q(**{f"{prefix}holder": holder})
    name = (holder.name or "").strip()
    if name:
        match |= Q(**{f"{prefix}holder_name__iexact": name})
        match |= Q(**{f"{prefix}holder__name__iexact": name})  # another record of the same group (e.g. staff-entered)
    return match


def is_conflicted(user, application: Application) -> bool:
    """The user holds the request or is linked to its holder (see the module's docstring)."""
    if not user.is_authenticated:
        return False
    # Staff who file a request on behalf of its holder keep it (`created_by`) until the holder takes it over:
    # they are not its holder, and may instruct it unless they are linked to the holder.
    on_behalf = application.is_on_behalf_pending and application.filed_on_behalf_by_id == user.pk
    if application.created_by_id == user.pk and not on_behalf:
        return True
    if application.holder_id is None:
        return False
    holder = application.holder
    if holder.owner_id == user.pk and not holder.entered_by_staff:
        return True
    same = Q(name__iexact=(holder.name or "").strip())
    if holder.siret:
        same |= Q(siret=holder.siret)
    if holder.rna:
        same |= Q(rna=holder.rna)
    if Holder.objects.filter(owner=user, entered_by_staff=False).filter(same).exists():
        return True
    return is_linked_to_holder(user, holder)


def is_linked_to_holder(user, holder: Holder) -> bool:
    """The user declared a link to `holder` (as staff, or as a committee member)."""
    if HolderLink.objects.filter(user=user).filter(_holder_matches(holder)).exists():
        return True
    return user.committee_memberships.filter(_holder_matches(holder, prefix="links__")).exists()


def refusal(action: str) -> str:
    """The French refusal: `action` completes « un·e autre membre de l'équipe doit … » (e.g. « l'instruire »)."""
    return _(
        "Vous portez cette demande ou vous êtes lié·e à son porteur : un·e autre membre de l'équipe doit %(action)s."
    ) % {"action": action}


def ensure_not_conflicted(user, application: Application, *, action: str) -> None:
    """Refuse (PermissionDenied, with the French reason) whoever holds the request or is linked to its holder."""
    if is_conflicted(user, application):
        message = refusal(action)
        if needs_second_person(application):
            message = f"{message} {second_person_message()}"
        raise PermissionDenied(message)


def needs_second_person(application: Application) -> bool:
    """Nobody else in the fund's association may act: a single staff member, and they are conflicted."""
    staff = AssociationStaff.objects.filter(association_id=application.fund.association_id).select_related("user")
    return not any(not is_conflicted(link.user, application) for link in staff)


def second_person_message() -> str:
    return _(
        "L'association porteuse n'a pas d'autre membre d'équipe sans lien avec ce porteur : une deuxième "
        "personne doit rejoindre l'équipe pour instruire, inscrire, décider, verser et accepter le bilan de "
        "cette demande."
    )
