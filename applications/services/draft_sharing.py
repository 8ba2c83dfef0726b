"""A resident shares their draft with the carrier association to get help, and takes it back.

Staff see a request only once it is filed (`applications.permissions.can_view_application`): a draft is the
resident's own work in progress. Sharing is an explicit, revocable act of the holder, recorded in the audit
log; while shared, the association's staff read the draft and its attachments (they still cannot edit it).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from applications.permissions import is_owner
from applications.workflow import Status
from core.services import record_audit


def _locked_draft(*, user, application: Application) -> Application:
    if not is_owner(user, application):
        raise PermissionDenied(_("Seule la personne qui a commencé ce brouillon peut le partager."))
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status != Status.DRAFT:
        raise ValidationError(_("Cette demande est déposée : l'association porteuse la voit déjà."))
    return locked


def set_draft_shared(*, user, application: Application, shared: bool) -> Application:
    """Share (`shared=True`) or stop sharing the draft with the fund's association. Idempotent."""
    with transaction.atomic():
        locked = _locked_draft(user=user, application=application)
        if bool(locked.draft_shared_at) == shared:
            return locked
        locked.draft_shared_at = timezone.now() if shared else None
        locked.save(update_fields=["draft_shared_at", "updated_at"])
        record_audit(
            actor=user,
            action="applications.share_draft" if shared else "applications.unshare_draft",
            target=locked,
            summary=locked.display_reference,
            data={"fund": locked.fund_id},
        )
    application.draft_shared_at = locked.draft_shared_at
    return locked
