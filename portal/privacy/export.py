"""`export_user_data`: what the portal holds about one person (structure: see the package's docstring)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from applications.models import APPLICATION_PROJECT_FIELDS, Application, Holder, Message
from applications.models import HOLDER_FIELDS as HOLDER_INPUT_FIELDS
from committees.models import CommitteeMember, Decision, Payment
from core.services import record_audit
from funds.models import AssociationStaff, FunderStaff
from portal.privacy.common import json_value, pick, plain_fields, reports_installed

EXPORT_FORMAT = "portail-pic/donnees-personnelles"
EXPORT_VERSION = 1

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
HOLDER_FIELDS = ("id", *HOLDER_INPUT_FIELDS, "republican_commitment_accepted_at", "created_at", "updated_at")
APPLICATION_FIELDS = (
    "id",
    "reference",
    "status",
    "holder_id",
    "title",
    *APPLICATION_PROJECT_FIELDS,
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
                "mandate_start": json_value(member.mandate_start),
                "mandate_end": json_value(member.mandate_end),
                "postal_address": member.postal_address,
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
    data = plain_fields(bilan)
    data["expenses"] = [plain_fields(expense, exclude=("id",)) for expense in bilan.expenses.all()]
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
        pick(attachment, ("kind", "original_name", "content_type", "size", "description", "public_consent"))
        | {"uploaded_at": json_value(attachment.uploaded_at)}
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
    data = plain_fields(bilan)
    data["objectives"] = [plain_fields(row, exclude=("id",)) for row in bilan.objectives.all()]
    data["partners"] = [plain_fields(row, exclude=("id",)) for row in bilan.partners.all()]
    data["budget_lines"] = [plain_fields(row, exclude=("id",)) for row in bilan.budget_lines.all()]
    return data


def _cvs_request_export(application: Application) -> dict[str, Any] | None:
    """What a CVS call request says beside the request (CERFA 12156): people, project, funding asked."""
    from cvs.models import CvsRequest

    cvs = (
        CvsRequest.objects.filter(application=application)
        .prefetch_related("funding_asks__funder", "neighbourhoods", "ambitions__stake")
        .first()
    )
    if cvs is None:
        return None
    data = plain_fields(cvs)
    data["neighbourhoods"] = [{"code": n.code, "name": n.name} for n in cvs.neighbourhoods.all()]
    data["ambitions"] = [str(ambition) for ambition in cvs.ambitions.all()]
    data["funding_asks"] = [
        {"funder": ask.funder.name} | plain_fields(ask, exclude=("id",)) for ask in cvs.funding_asks.all()
    ]
    return data


def _application_export(application: Application, *, user: User) -> dict[str, Any]:
    data = pick(application, APPLICATION_FIELDS)
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
        pick(line, ("side", "category", "grant_source", "label", "amount")) for line in application.budget_lines.all()
    ]
    data["status_changes"] = [
        pick(change, ("transition", "from_status", "to_status", "comment", "created_at"))
        | {"by_me": change.actor_id == user.pk}
        for change in application.status_changes.all()
    ]
    data["attachments"] = [pick(attachment, ATTACHMENT_FIELDS) for attachment in application.attachments.all()]
    data["deferrals"] = [
        pick(revision, ("reason", "deferred_at", "sent_back_at", "changes", "attachments_added"))
        for revision in application.deferral_revisions.all()
    ]
    data["decisions"] = [
        pick(decision, ("outcome", "amount_granted", "conditions", "reason", "decided_at"))
        for decision in Decision.objects.filter(item__application=application).order_by("decided_at", "pk")
    ]
    data["payments"] = [
        pick(payment, ("kind", "amount", "paid_on", "method"))
        for payment in Payment.objects.filter(application=application).order_by("paid_on", "pk")
    ]
    data["bilan"] = _bilan_export(application) if reports_installed() else None
    data["cvs_bilan"] = _cvs_bilan_export(application) if reports_installed() else None
    data["cvs_request"] = _cvs_request_export(application)
    return data


def _fifty_fifty_export(user: User) -> dict[str, Any]:
    """The fifty/fifty ideas the user proposed, the initiatives they declared, their bâtisseur entries."""
    from fiftyfifty.models import Builder, Initiative, Project

    project_fields = ("title", "idea", "place", "carried_by", "contact_email", "contact_phone", "status")
    initiative_fields = ("title", "description", "carried_by", "happened_on", "place", "status")
    builder_fields = ("name", "email", "phone", "wishes", "contact_consent", "consent_at")
    return {
        "projects": [pick(p, project_fields) for p in Project.objects.filter(proposer=user).order_by("pk")],
        "initiatives": [pick(i, initiative_fields) for i in Initiative.objects.filter(declared_by=user).order_by("pk")],
        "builders": [pick(b, builder_fields) for b in Builder.objects.filter(user=user).order_by("pk")],
    }


def export_user_data(*, user: User) -> dict[str, Any]:
    """Everything the portal holds about `user`, in the documented structure above. Records the export."""
    if not getattr(user, "is_authenticated", False):
        raise ValidationError(_("Seule une personne connectée peut télécharger ses données."))
    applications = (
        Application.objects.filter(created_by=user)
        .select_related("fund", "theme", "ambition__stake", "neighbourhood")
        .prefetch_related("budget_lines", "status_changes", "attachments", "deferral_revisions")
        .order_by("created_at", "pk")
    )
    messages = Message.objects.filter(author=user).select_related("application").order_by("created_at", "pk")
    data = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "generated_at": timezone.now().isoformat(),
        "account": pick(user, ACCOUNT_FIELDS),
        "roles": _roles(user),
        "holders": [pick(holder, HOLDER_FIELDS) for holder in Holder.objects.filter(owner=user).order_by("pk")],
        "applications": [_application_export(application, user=user) for application in applications],
        "messages": [
            {
                "application": message.application.display_reference,
                "body": message.body,
                "created_at": json_value(message.created_at),
                "attachment": {
                    "name": message.attachment_name,
                    "content_type": message.attachment_content_type,
                    "size": message.attachment_size,
                }
                if message.attachment
                else None,
            }
            for message in messages
        ],
        "fifty_fifty": _fifty_fifty_export(user),
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
