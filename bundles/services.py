"""Writes of the bundles app: ask for a bundle, build it (the task's work), delete the expired ones."""

import datetime
import logging
import tempfile

from django.conf import settings
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application
from bundles import builder, permissions
from bundles.models import Bundle
from core.emails import absolute_url, send_templated
from core.services import record_audit
from funds.models import Fund

logger = logging.getLogger(__name__)

DOWNLOAD_SALT = "bundles.download"
# A failed bundle is kept this long so its requester sees why, then deleted with the expired ones.
FAILED_KEPT = datetime.timedelta(days=7)


def download_token(bundle: Bundle) -> str:
    """The signed part of the e-mailed link: which bundle, for whom (the expiry is the bundle's own)."""
    return signing.dumps({"b": bundle.pk, "u": bundle.requested_by_id}, salt=DOWNLOAD_SALT)


def read_download_token(token: str) -> dict | None:
    try:
        return signing.loads(token, salt=DOWNLOAD_SALT)
    except signing.BadSignature:
        return None


def _queue(bundle_id: int) -> None:
    from bundles import tasks

    transaction.on_commit(lambda: tasks.build.delay(bundle_id), robust=True)


def _create(*, user, fund: Fund, application: Application | None, full_access: bool) -> Bundle:
    scope = Bundle.Scope.APPLICATION if application else Bundle.Scope.FUND
    with transaction.atomic():
        bundle = Bundle(requested_by=user, scope=scope, fund=fund, application=application, full_access=full_access)
        bundle.full_clean()
        bundle.save()
        record_audit(
            actor=user,
            action=f"bundles.request_{scope}",
            target=bundle,
            summary=bundle.label,
            data={"fund": fund.pk, "application": application.pk if application else None, "full": full_access},
        )
        _queue(bundle.pk)
    return bundle


def request_application_bundle(*, user, application: Application) -> Bundle:
    """The ZIP of one filed request, for its association's staff or an administrator."""
    if not permissions.may_bundle_application(user, application):
        raise ValidationError({NON_FIELD_ERRORS: [_("Vous ne pouvez pas demander le dossier de cette demande.")]})
    return _create(user=user, fund=application.fund, application=application, full_access=True)


def request_fund_bundle(*, user, fund: Fund) -> Bundle:
    """The ZIP of every filed request of a fund; co-funders get the content their pages show them."""
    if not permissions.may_bundle_fund(user, fund):
        raise ValidationError({NON_FIELD_ERRORS: [_("Vous ne pouvez pas demander le dossier de ce fonds.")]})
    full_access = permissions.has_full_access(user, fund)
    return _create(user=user, fund=fund, application=None, full_access=full_access)


def _fail(bundle: Bundle, message: str) -> None:
    bundle.state, bundle.error = Bundle.State.FAILED, message[:500]
    bundle.expires_at = timezone.now() + FAILED_KEPT
    bundle.save(update_fields=["state", "error", "expires_at"])


def _notify_ready(bundle: Bundle) -> None:
    link = absolute_url(reverse("bundles:download", args=[download_token(bundle)]))
    send_templated(
        name="bundles/emails/ready",
        to=[bundle.requested_by.email],
        context={"bundle": bundle, "link": link, "expires_at": timezone.localtime(bundle.expires_at)},
    )


def build_bundle(*, bundle_id: int) -> Bundle | None:
    """Build a pending bundle (the task's work): write the ZIP, store it, then e-mail the link."""
    bundle = Bundle.objects.select_related("fund__association", "application__fund", "requested_by").get(pk=bundle_id)
    if bundle.state != Bundle.State.PENDING:
        return None
    if not permissions.may_read_bundle(bundle.requested_by, bundle):
        _fail(bundle, _("Vous n'avez plus accès à ce dossier."))
        return bundle
    with tempfile.TemporaryFile() as archive:
        try:
            count = builder.write_zip(bundle, archive)
        except Exception as error:  # a failed bundle says so on its page instead of staying "en préparation"
            logger.exception("Bundle %s could not be built", bundle.pk)
            _fail(bundle, _("Le dossier n'a pas pu être préparé (%(error)s).") % {"error": type(error).__name__})
            return bundle
        _store(bundle, archive, count)
    return bundle


def _store(bundle: Bundle, archive, count: int) -> None:
    with transaction.atomic():
        bundle.file.save(bundle.filename, File(archive), save=False)
        bundle.size, bundle.file_count = bundle.file.size, count
        bundle.state, bundle.ready_at = Bundle.State.READY, timezone.now()
        bundle.expires_at = bundle.ready_at + datetime.timedelta(days=settings.BUNDLE_LINK_DAYS)
        bundle.save()
        record_audit(actor=None, action="bundles.ready", target=bundle, data={"files": count, "size": bundle.size})
        transaction.on_commit(lambda: _notify_ready(bundle), robust=True)


def purge_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete the bundles (file and row) whose link has expired; how many."""
    now = now or timezone.now()
    count = 0
    for bundle in Bundle.objects.filter(expires_at__lte=now):
        if bundle.file:
            bundle.file.delete(save=False)
        bundle.delete()
        count += 1
    return count
