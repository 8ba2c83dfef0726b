"""After a deferral: what the request said when the committee deferred it, and the holder sending it back."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import deferrals, rules
from applications.locks import lock_application
from applications.models import Application, BudgetLine, DeferralRevision
from applications.permissions import is_owner
from applications.services.guards import check_version, refused
from applications.services.notices import send_staff_notice
from applications.services.transitions import apply_transition
from applications.workflow import Role, Status, get_transition, may_take
from core.services import record_audit
from core.validation import copy_fields, full_save, raise_if


def record_deferral(*, application: Application, reason: str) -> DeferralRevision:
    """Keep what the request says as the committee defers it, and what it asks for (inside the caller's
    transaction, with the request's row locked: the committee's decision)."""
    lines = list(BudgetLine.objects.filter(application=application).order_by("side", "position", "id"))
    application = Application.objects.select_related("theme", "ambition__stake", "neighbourhood").get(pk=application.pk)
    revision = DeferralRevision(
        application=application,
        reason=(reason or "").strip(),
        snapshot=deferrals.snapshot(application, lines),
        attachment_ids=deferrals.attachment_refs(application.attachments.order_by("kind", "uploaded_at", "id")),
    )
    full_save(revision)
    return revision


def correct_deferral_reason(*, application: Application, decided_at, reason: str) -> int:
    """The committee's request as a rectified deferral now states it (inside the caller's transaction): on the
    deferral recorded with the decision taken at `decided_at`. Returns the number of deferrals corrected."""
    revision = (
        DeferralRevision.objects.filter(application=application, deferred_at__gte=decided_at)
        .order_by("deferred_at", "pk")
        .first()
    )
    if revision is None:
        return 0
    revision.reason = (reason or "").strip()
    full_save(revision)
    return 1


def _latest_revision(application: Application) -> DeferralRevision | None:
    return DeferralRevision.objects.filter(application=application).order_by("-deferred_at", "-pk").first()


def _check_deferred(locked: Application) -> None:
    """Only a request deferred by the committee can be sent back."""
    if not may_take(get_transition("send_back"), status=locked.status, role=Role.HOLDER):
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _("Cette demande ne peut être renvoyée qu'après un ajournement du comité (statut : %(status)s).")
                    % {"status": Status(locked.status).label}
                ]
            }
        )


def send_back_application(
    *, user, application: Application, comment: str = "", expected_version: int | None = None
) -> Application:
    """The holder sends a deferred request back, with what the committee asked for: it may then go on a
    session's agenda again. The changes since the deferral are kept for the staff and the committee."""
    if not is_owner(user, application):
        raise refused(_("Seule la personne qui a déposé cette demande peut la renvoyer."))
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = lock_application(application)
        check_version(locked, expected_version)
        _check_deferred(locked)
        raise_if(rules.validate_for_submission(application=locked, today=timezone.localdate()))
        revision = _latest_revision(locked)
        changes, added, removed = [], [], []
        if revision is not None:
            changes, added, removed = deferrals.live_comparison([revision])[revision.pk]
        if revision is not None and not (changes or added or removed or comment):
            raise ValidationError(
                {
                    "comment": [
                        _(
                            "Rien n'a changé depuis l'ajournement : ajoutez le document ou modifiez ce que le comité "
                            "demande, ou expliquez ici ce que vous répondez au comité."
                        )
                    ]
                }
            )
        apply_transition(user=user, application=locked, transition="send_back", role=Role.HOLDER, comment=comment)
        if revision is not None:
            revision.sent_back_at = timezone.now()
            revision.sent_back_by = user
            revision.changes = changes
            revision.attachments_added = added + [{**ref, "removed": True} for ref in removed]
            full_save(revision)
        record_audit(
            actor=user,
            action="application.deferral_changes",
            target=locked,
            summary=_("%(fields)s champ(s) modifié(s), %(files)s document(s) ajouté(s)")
            % {"fields": len(changes), "files": len(added)},
            data={
                "revision": revision.pk if revision else None,
                "fields": [change["field"] for change in changes],
                "attachments_added": [ref["id"] for ref in added],
                "attachments_removed": [ref["id"] for ref in removed],
            },
        )
        send_staff_notice(application_id=locked.pk, name="sent_back_staff", comment=comment)
    copy_fields(application, locked, ("status", "version", "updated_at"))
    return locked
