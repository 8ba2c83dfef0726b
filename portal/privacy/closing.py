"""`close_account`: drafts and unused holders deleted, roles given up, the account anonymised."""

from dataclasses import asdict, dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from applications.models import Application, Attachment, Holder
from applications.workflow import Status
from committees.models import CommitteeMember
from core.services import record_audit
from fiftyfifty.models import Builder, Project
from funds.models import AssociationStaff, FunderStaff
from portal.privacy.common import delete_files_on_commit

CLOSED_ACCOUNT_NAME = "Compte fermé"

CLOSED_ACCOUNT_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "email_confirmed_at",
    "is_active",
    "is_staff",
    "password",
)


@dataclass(frozen=True)
class ClosedAccount:
    drafts_deleted: int
    holders_deleted: int
    filed_requests_kept: int
    roles_given_up: int


def close_account(*, user: User, password: str) -> ClosedAccount:
    """Close the account of `user`, who confirms with their password. The caller logs them out.

    Raises ValidationError (key `password`) when the password is wrong, and ValidationError without a key
    for the site administrator, whose rights another administrator must remove first.
    """
    check_may_close(user=user, password=password)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        files, drafts_deleted, holders_deleted = _delete_drafts(locked)
        filed_requests_kept = Application.objects.filter(created_by=locked).count()
        # The account is anonymised first, so the entries below do not write the address down again.
        old_email = locked.email
        _anonymise(locked)
        roles_given_up = _give_up_roles(locked)
        if apps.is_installed("axes"):
            from axes.models import AccessAttempt

            AccessAttempt.objects.filter(username__iexact=old_email).delete()
        result = ClosedAccount(
            drafts_deleted=drafts_deleted,
            holders_deleted=holders_deleted,
            filed_requests_kept=filed_requests_kept,
            roles_given_up=roles_given_up,
        )
        record_audit(
            actor=locked, action="account.closed", target=locked, summary="Account closed", data=asdict(result)
        )
        delete_files_on_commit(files)

    # The caller's instance (often request.user) follows, so nothing downstream sees the old identity.
    for name in CLOSED_ACCOUNT_FIELDS:
        setattr(user, name, getattr(locked, name))
    return result


def check_may_close(*, user: User, password: str) -> None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise ValidationError(_("Ce compte est déjà fermé."))
    if user.is_superuser:
        raise ValidationError(
            _(
                "Un compte d'administrateur du site ne peut pas être fermé ainsi. Demandez à une autre personne "
                "administratrice de retirer vos droits d'administration, puis recommencez."
            )
        )
    if not password or not user.check_password(password):
        raise ValidationError(
            {"password": _("Mot de passe incorrect. Tapez le mot de passe avec lequel vous vous connectez.")}
        )


def _delete_drafts(locked: User) -> tuple[list, int, int]:
    """Drafts (their files deleted once committed) and the holders no request uses any more."""
    drafts = Application.objects.filter(created_by=locked, status=Status.DRAFT)
    files = [
        (attachment.file.storage, attachment.file.name)
        for attachment in Attachment.objects.filter(application__in=drafts)
        if attachment.file.name
    ]
    drafts_deleted = drafts.count()
    for draft in drafts:
        draft.delete()
    orphans = Holder.objects.filter(owner=locked, applications__isnull=True)
    holders_deleted = orphans.count()
    for holder in orphans:
        holder.delete()
    return files, drafts_deleted, holders_deleted


def _anonymise(locked: User) -> None:
    locked.first_name = CLOSED_ACCOUNT_NAME
    locked.last_name = ""
    locked.email = f"closed-{locked.pk}@invalid"
    locked.phone = ""
    locked.email_confirmed_at = None
    locked.is_active = False
    locked.is_staff = False
    locked.set_unusable_password()
    # `closed-<id>@invalid` is deliberately not a deliverable address (RFC 2606): the e-mail validator
    # would refuse it, so it is left out of the check.
    locked.full_clean(exclude=["email"])
    locked.save()


def _give_up_roles(locked: User) -> int:
    """Roles are given up one row at a time, so each leaves its audit entry (core.signals). How many."""
    roles = list(AssociationStaff.objects.filter(user=locked)) + list(FunderStaff.objects.filter(user=locked))
    for link in roles:
        link.delete()
    # A bâtisseur entry lives on consent: closing the account withdraws it. The ideas stay (the town's records)
    # without the proposer's own contact details.
    for builder in Builder.objects.filter(user=locked):
        builder.delete()
    Project.objects.filter(proposer=locked).update(contact_email="", contact_phone="")
    seats = list(CommitteeMember.objects.filter(user=locked))
    for seat in seats:
        seat.user = None
        seat.full_clean()
        seat.save(update_fields=["user"])
    return len(roles) + len(seats)
