"""Personal data (RGPD): a resident's export, closing an account, and the purge after the retention period.

`export_user_data(user=...)`: what the portal holds about one person, as a JSON-ready dict
(`/compte/mes-donnees.json`). Stable structure, version 1; a key is only ever added, a change of meaning
gets a new version number:

    format            "portail-pic/donnees-personnelles"
    version           1
    generated_at      ISO 8601 date and time of the export
    account           email, first_name, last_name, phone, date_joined, last_login, email_confirmed_at, is_active
    roles             carrier_associations [name], funders [name],
                      committees [{committee, fund, college, organisation, mandate_start, mandate_end}]
    holders           [{id, kind, name, referent_name, referent_phone, co_holders_count, co_holders_first_names,
                        siret, rna, address, postcode, city, republican_commitment_accepted_at, created_at,
                        updated_at}]
    applications      requests the person filed or drafted:
                      [{id, reference, status, status_label, fund {slug, name, year}, holder_id, title, theme,
                        ambition, objectives, description, starts_at, ends_at, place, neighbourhood {code, name},
                        expected_public, expected_women, expected_men, residents_mobilised, amount_requested,
                        showcase_consent, submitted_at, created_at, updated_at,
                        budget_lines [{side, category, grant_source, label, amount}],
                        status_changes [{transition, from_status, to_status, comment, created_at, by_me}],
                        attachments [{kind, original_name, content_type, size, uploaded_at}] (never the files),
                        decisions [{outcome, amount_granted, conditions, reason, decided_at}],
                        payments [{kind, amount, paid_on, method}],
                        bilan (null or every field of the bilan form, with expenses, effects and attachments'
                               metadata), cvs_bilan (null or every field of the annex 3, with objectives, partners
                               and budget_lines)}]
    messages          messages the person wrote: [{application, body, created_at}]

Dates are ISO 8601 strings, amounts decimal strings ("250.00"). Other people's data (staff notes,
committee votes, messages written by others, who took each step) is not part of it.

`close_account(user=..., password=...)`: drafts are deleted (with their files), holders used by no filed
request too, roles are given up; filed requests stay for the carrier association and the funders, but the
account is anonymised ("Compte fermé", `closed-<id>@invalid`, no phone, no password) and deactivated.

`purge_personal_data(dry_run=...)`: requests closed, refused, ineligible or withdrawn for longer than
settings.PERSONAL_DATA_RETENTION_DAYS (counted from their last status change) lose their personal data:
holder identity (when none of its requests is still running), messages, comments, staff notes, attachments
and their files, bilan reminders (e-mail addresses), bilan receipts and photos, and the free texts of the
bilans that no report reads. Kept, because the annual reports and the public showcase are made of them:
amounts, counts, themes, neighbourhoods, dates, statuses, decisions, effects, the request's title and
description, and the bilans' difficulties, ideas, positive points and results. Running it again changes
nothing.
"""

import datetime
import logging
from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from applications.models import Application, Attachment, Holder, Message, StaffNote, StatusChange
from applications.workflow import Status
from committees.models import CommitteeMember, Decision, Payment
from core.services import record_audit
from funds.models import AssociationStaff, FunderStaff

logger = logging.getLogger(__name__)

EXPORT_FORMAT = "portail-pic/donnees-personnelles"
EXPORT_VERSION = 1

CLOSED_ACCOUNT_NAME = "Compte fermé"
ANONYMISED_HOLDER_NAME = "Porteur anonymisé"
REMOVED_TEXT = "[Texte supprimé : durée de conservation des données personnelles dépassée]"

# Requests whose story is over: the purge may anonymise them once the retention period has passed.
ENDED_STATUSES = (Status.CLOSED, Status.REFUSED, Status.INELIGIBLE, Status.WITHDRAWN)

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


def _reports_installed() -> bool:
    return apps.is_installed("reports")


# --- Export ---------------------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return value


def _pick(obj: models.Model, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: _json_value(getattr(obj, name)) for name in names}


def _plain_fields(obj: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every non-relational field of a row (files and links to other rows left out)."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.is_relation or isinstance(field, models.FileField) or field.name in exclude:
            continue
        data[field.name] = _json_value(getattr(obj, field.attname))
    return data


ACCOUNT_FIELDS = (
    "email",
    "first_name",
    "last_name",
    "phone",
    "date_joined",
    "last_login",
    "email_confirmed_at",
    "is_active",
)
HOLDER_FIELDS = (
    "id",
    "kind",
    "name",
    "referent_name",
    "referent_phone",
    "co_holders_count",
    "co_holders_first_names",
    "siret",
    "rna",
    "address",
    "postcode",
    "city",
    "republican_commitment_accepted_at",
    "created_at",
    "updated_at",
)
APPLICATION_FIELDS = (
    "id",
    "reference",
    "status",
    "holder_id",
    "title",
    "objectives",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "expected_public",
    "expected_women",
    "expected_men",
    "residents_mobilised",
    "amount_requested",
    "showcase_consent",
    "submitted_at",
    "created_at",
    "updated_at",
)
ATTACHMENT_FIELDS = ("kind", "original_name", "content_type", "size", "uploaded_at")


def _roles(user: User) -> dict[str, Any]:
    memberships = CommitteeMember.objects.filter(user=user).select_related("committee__fund").order_by("pk")
    return {
        "carrier_associations": list(
            AssociationStaff.objects.filter(user=user)
            .order_by("association__name")
            .values_list("association__name", flat=True)
        ),
        "funders": list(
            FunderStaff.objects.filter(user=user).order_by("funder__name").values_list("funder__name", flat=True)
        ),
        "committees": [
            {
                "committee": member.committee.name,
                "fund": member.committee.fund.name,
                "college": member.college,
                "organisation": member.organisation,
                "mandate_start": _json_value(member.mandate_start),
                "mandate_end": _json_value(member.mandate_end),
            }
            for member in memberships
        ],
    }


def _bilan_export(application: Application) -> dict[str, Any] | None:
    from reports.models import PUBLIC_FIELDS, Bilan

    bilan = (
        Bilan.objects.filter(application=application)
        .prefetch_related("expenses", "effects__changes", "attachments")
        .first()
    )
    if bilan is None:
        return None
    data = _plain_fields(bilan)
    data["expenses"] = [_plain_fields(expense, exclude=("id",)) for expense in bilan.expenses.all()]
    data["effects"] = [
        {
            "effect": effect.effect,
            "publics": [public for public, field in PUBLIC_FIELDS.items() if getattr(effect, field)],
            "changes": [change.change for change in effect.changes.all()],
            "narrative": effect.narrative,
        }
        for effect in bilan.effects.all()
    ]
    data["attachments"] = [
        _pick(attachment, ("kind", "original_name", "content_type", "size", "description", "public_consent"))
        | {"uploaded_at": _json_value(attachment.uploaded_at)}
        for attachment in bilan.attachments.all()
    ]
    return data


def _cvs_bilan_export(application: Application) -> dict[str, Any] | None:
    from reports.models import CvsBilan

    bilan = (
        CvsBilan.objects.filter(application=application)
        .prefetch_related("objectives", "partners", "budget_lines")
        .first()
    )
    if bilan is None:
        return None
    data = _plain_fields(bilan)
    data["objectives"] = [_plain_fields(row, exclude=("id",)) for row in bilan.objectives.all()]
    data["partners"] = [_plain_fields(row, exclude=("id",)) for row in bilan.partners.all()]
    data["budget_lines"] = [_plain_fields(row, exclude=("id",)) for row in bilan.budget_lines.all()]
    return data


def _application_export(application: Application, *, user: User) -> dict[str, Any]:
    data = _pick(application, APPLICATION_FIELDS)
    data["status_label"] = str(application.get_status_display())
    data["fund"] = {"slug": application.fund.slug, "name": application.fund.name, "year": application.fund.year}
    data["theme"] = application.theme.name if application.theme_id else None
    data["ambition"] = str(application.ambition) if application.ambition_id else None
    data["neighbourhood"] = (
        {"code": application.neighbourhood.code, "name": application.neighbourhood.name}
        if application.neighbourhood_id
        else None
    )
    data["budget_lines"] = [
        _pick(line, ("side", "category", "grant_source", "label", "amount")) for line in application.budget_lines.all()
    ]
    data["status_changes"] = [
        _pick(change, ("transition", "from_status", "to_status", "comment", "created_at"))
        | {"by_me": change.actor_id == user.pk}
        for change in application.status_changes.all()
    ]
    data["attachments"] = [_pick(attachment, ATTACHMENT_FIELDS) for attachment in application.attachments.all()]
    data["decisions"] = [
        _pick(decision, ("outcome", "amount_granted", "conditions", "reason", "decided_at"))
        for decision in Decision.objects.filter(item__application=application).order_by("decided_at", "pk")
    ]
    data["payments"] = [
        _pick(payment, ("kind", "amount", "paid_on", "method"))
        for payment in Payment.objects.filter(application=application).order_by("paid_on", "pk")
    ]
    data["bilan"] = _bilan_export(application) if _reports_installed() else None
    data["cvs_bilan"] = _cvs_bilan_export(application) if _reports_installed() else None
    return data


def export_user_data(*, user: User) -> dict[str, Any]:
    """Everything the portal holds about `user`, in the documented structure above. Records the export."""
    if not getattr(user, "is_authenticated", False):
        raise ValidationError(_("Seule une personne connectée peut télécharger ses données."))
    applications = (
        Application.objects.filter(created_by=user)
        .select_related("fund", "theme", "ambition__stake", "neighbourhood")
        .prefetch_related("budget_lines", "status_changes", "attachments")
        .order_by("created_at", "pk")
    )
    messages = Message.objects.filter(author=user).select_related("application").order_by("created_at", "pk")
    data = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "generated_at": timezone.now().isoformat(),
        "account": _pick(user, ACCOUNT_FIELDS),
        "roles": _roles(user),
        "holders": [_pick(holder, HOLDER_FIELDS) for holder in Holder.objects.filter(owner=user).order_by("pk")],
        "applications": [_application_export(application, user=user) for application in applications],
        "messages": [
            {
                "application": message.application.display_reference,
                "body": message.body,
                "created_at": _json_value(message.created_at),
            }
            for message in messages
        ],
    }
    with transaction.atomic():
        record_audit(
            actor=user,
            action="privacy.data_exported",
            target=user,
            summary="Personal data export",
            data={"applications": len(data["applications"]), "messages": len(data["messages"])},
        )
    return data


# --- Closing an account -------------------------------------------------------------------------------

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


def _delete_files_on_commit(paths: list[tuple[Any, str]]) -> None:
    def delete() -> None:
        for storage, name in paths:
            try:
                storage.delete(name)
            except OSError:
                logger.exception("Could not delete the stored file %s", name)

    if paths:
        transaction.on_commit(delete)


def close_account(*, user: User, password: str) -> ClosedAccount:
    """Close the account of `user`, who confirms with their password. The caller logs them out.

    Raises ValidationError (key `password`) when the password is wrong, and ValidationError without a key
    for the site administrator, whose rights another administrator must remove first.
    """
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

    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
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
        filed_requests_kept = Application.objects.filter(created_by=locked).count()

        # The account is anonymised first, so the entries below do not write the address down again.
        old_email = locked.email
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

        # Roles are given up one row at a time, so each leaves its audit entry (core.signals).
        roles = list(AssociationStaff.objects.filter(user=locked)) + list(FunderStaff.objects.filter(user=locked))
        for link in roles:
            link.delete()
        seats = list(CommitteeMember.objects.filter(user=locked))
        for seat in seats:
            seat.user = None
            seat.full_clean()
            seat.save(update_fields=["user"])

        if apps.is_installed("axes"):
            from axes.models import AccessAttempt

            AccessAttempt.objects.filter(username__iexact=old_email).delete()
        result = ClosedAccount(
            drafts_deleted=drafts_deleted,
            holders_deleted=holders_deleted,
            filed_requests_kept=filed_requests_kept,
            roles_given_up=len(roles) + len(seats),
        )
        record_audit(
            actor=locked, action="account.closed", target=locked, summary="Account closed", data=asdict(result)
        )
        _delete_files_on_commit(files)

    # The caller's instance (often request.user) follows, so nothing downstream sees the old identity.
    for name in CLOSED_ACCOUNT_FIELDS:
        setattr(user, name, getattr(locked, name))
    return result


# --- Purge after the retention period ------------------------------------------------------------------


@dataclass
class PurgeReport:
    applications: int = 0
    holders: int = 0
    messages: int = 0
    comments: int = 0
    staff_notes: int = 0
    attachments: int = 0
    bilan_reminders: int = 0
    bilans: int = 0
    bilan_attachments: int = 0
    effect_narratives: int = 0
    cvs_bilans: int = 0

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
        "bilan_reminders": 0,
    }
    for attachment in Attachment.objects.filter(application=application):
        if attachment.file.name:
            files.append((attachment.file.storage, attachment.file.name))
        attachment.delete()
        counts["attachments"] += 1
    if _reports_installed():
        from reports.models import BilanReminder

        counts["bilan_reminders"], _by_model = BilanReminder.objects.filter(application=application).delete()
        counts.update(_purge_bilans(application, files))
    return counts


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
            _delete_files_on_commit(files)
    return report
