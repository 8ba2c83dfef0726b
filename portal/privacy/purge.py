"""`purge_personal_data`: the personal data of requests ended before the retention period, anonymised."""

import datetime
from dataclasses import dataclass, fields
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import timezone

from applications.models import Application, Attachment, DeferralRevision, Holder, Message, StaffNote, StatusChange
from applications.workflow import ENDED
from core.services import record_audit
from portal.privacy.common import delete_files_on_commit, reports_installed

ANONYMISED_HOLDER_NAME = "Porteur anonymisé"
REMOVED_TEXT = "[Texte supprimé : durée de conservation des données personnelles dépassée]"

# Requests whose story is over: the purge may anonymise them once the retention period has passed.
ENDED_STATUSES = ENDED

# Holder fields that identify people, and their anonymised values.
HOLDER_ANONYMOUS = {
    "name": ANONYMISED_HOLDER_NAME,
    "referent_name": "",
    "referent_phone": "",
    "co_holders_first_names": "",
    "siret": "",
    "rna": "",
    "address": "",
}
# Free texts of a PIC bilan that no report reads (the annual report quotes `difficulties` and `other_ideas`,
# the showcase `results` and `positive_points`): emptied by the purge.
BILAN_PRIVATE_TEXTS = ("main_objective", "proceedings", "helpers", "help_received", "help_comment", "return_comment")
# The annex 3 names a referent person: emptied by the purge. The rest describes the action of an association.
CVS_BILAN_PRIVATE_FIELDS = (
    "referent_first_name",
    "referent_last_name",
    "referent_function",
    "referent_email",
    "referent_phone",
    "return_comment",
)


@dataclass
class PurgeReport:
    applications: int = 0
    holders: int = 0
    messages: int = 0
    comments: int = 0
    staff_notes: int = 0
    attachments: int = 0
    message_attachments: int = 0
    deferral_revisions: int = 0
    bilan_reminders: int = 0
    bilans: int = 0
    bilan_attachments: int = 0
    effect_narratives: int = 0
    cvs_bilans: int = 0
    cvs_requests: int = 0

    @property
    def total(self) -> int:
        return sum(getattr(self, field.name) for field in fields(self) if field.name != "applications")


def purge_candidates(*, now: datetime.datetime | None = None) -> models.QuerySet[Application]:
    """Requests that ended (closed, refused, ineligible, withdrawn) before the retention period."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)
    return (
        Application.objects.filter(status__in=ENDED_STATUSES)
        .annotate(ended_at=Coalesce(Max("status_changes__created_at"), "updated_at"))
        .filter(ended_at__lt=limit)
        .order_by("pk")
    )


def _replace_texts(queryset: models.QuerySet, field: str) -> int:
    return queryset.exclude(**{field: ""}).exclude(**{field: REMOVED_TEXT}).update(**{field: REMOVED_TEXT})


def _purge_bilans(application: Application, files: list[tuple[Any, str]]) -> dict[str, int]:
    from reports.models import Bilan, BilanAttachment, CvsBilan, EffectObservation

    counts = {"bilans": 0, "bilan_attachments": 0, "effect_narratives": 0, "cvs_bilans": 0}
    bilans = Bilan.objects.filter(application=application)
    still_written = models.Q()
    for name in BILAN_PRIVATE_TEXTS:
        still_written |= ~models.Q(**{name: ""})
    counts["bilans"] = bilans.filter(still_written).update(**dict.fromkeys(BILAN_PRIVATE_TEXTS, ""))
    counts["effect_narratives"] = (
        EffectObservation.objects.filter(bilan__application=application).exclude(narrative="").update(narrative="")
    )
    for attachment in BilanAttachment.objects.filter(bilan__application=application):
        if attachment.file.name:
            files.append((attachment.file.storage, attachment.file.name))
        attachment.delete()
        counts["bilan_attachments"] += 1
    cvs_written = models.Q()
    for name in CVS_BILAN_PRIVATE_FIELDS:
        cvs_written |= ~models.Q(**{name: ""})
    counts["cvs_bilans"] = (
        CvsBilan.objects.filter(application=application)
        .filter(cvs_written)
        .update(**dict.fromkeys(CVS_BILAN_PRIVATE_FIELDS, ""))
    )
    return counts


def _purge_application(application: Application, files: list[tuple[Any, str]]) -> dict[str, int]:
    counts = {
        "messages": _replace_texts(Message.objects.filter(application=application), "body"),
        "comments": _replace_texts(StatusChange.objects.filter(application=application), "comment"),
        "staff_notes": _replace_texts(StaffNote.objects.filter(application=application), "body"),
        "attachments": 0,
        "message_attachments": 0,
        "bilan_reminders": 0,
    }
    for attachment in Attachment.objects.filter(application=application):
        if attachment.file.name:
            files.append((attachment.file.storage, attachment.file.name))
        attachment.delete()
        counts["attachments"] += 1
    # The files of the thread's messages: deleted once committed, the message keeps no trace of them.
    with_files = Message.objects.filter(application=application).exclude(attachment="")
    for message in with_files.only("pk", "attachment"):
        files.append((message.attachment.storage, message.attachment.name))
    counts["message_attachments"] = with_files.update(
        attachment="", attachment_name="", attachment_content_type="", attachment_size=None
    )
    # What the request said at each deferral, and what its holder changed then.
    counts["deferral_revisions"], _by_model = DeferralRevision.objects.filter(application=application).delete()
    if reports_installed():
        from reports.models import BilanReminder

        counts["bilan_reminders"], _by_model = BilanReminder.objects.filter(application=application).delete()
        counts.update(_purge_bilans(application, files))
    counts["cvs_requests"] = _purge_cvs_request(application)
    return counts


def _purge_cvs_request(application: Application) -> int:
    """The people a CVS call request names (its representative and referent)."""
    from cvs.models import CVS_PERSONAL_FIELDS, CvsRequest

    written = models.Q()
    for name in CVS_PERSONAL_FIELDS:
        written |= ~models.Q(**{name: ""})
    return (
        CvsRequest.objects.filter(application=application)
        .filter(written)
        .update(**dict.fromkeys(CVS_PERSONAL_FIELDS, ""))
    )


def purge_personal_data(*, dry_run: bool = False, now: datetime.datetime | None = None) -> PurgeReport:
    """Anonymise the requests that ended before the retention period (see the module's docstring).

    Idempotent. With `dry_run`, everything is computed in a transaction that is then rolled back: the report
    tells exactly what a real run would change, and nothing is written (no file deleted either).
    """
    report = PurgeReport()
    with transaction.atomic():
        candidates = list(purge_candidates(now=now).select_related("holder"))
        candidate_ids = {application.pk for application in candidates}
        files: list[tuple[Any, str]] = []
        holders_done: set[int] = set()
        for application in candidates:
            counts = _purge_application(application, files)
            holder = application.holder
            counts["holders"] = 0
            if holder is not None and holder.pk not in holders_done:
                holders_done.add(holder.pk)
                still_running = holder.applications.exclude(pk__in=candidate_ids).exists()
                if not still_running:
                    # A bulk update on purpose: the anonymised holder would no longer pass the form's checks
                    # (a referent is required to file a request), and it will never file one again.
                    counts["holders"] = (
                        Holder.objects.filter(pk=holder.pk)
                        .exclude(**HOLDER_ANONYMOUS)
                        .update(**HOLDER_ANONYMOUS, updated_at=timezone.now())
                    )
            if not any(counts.values()):
                continue
            report.applications += 1
            for key, value in counts.items():
                setattr(report, key, getattr(report, key) + value)
            record_audit(
                actor=None,
                action="privacy.purged",
                target=application,
                summary=application.reference,
                data=counts,
            )
        if dry_run:
            transaction.set_rollback(True)
        else:
            delete_files_on_commit(files)
    return report
