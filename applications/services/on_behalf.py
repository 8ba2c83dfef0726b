"""Filing on behalf of a resident: staff open and fill a request for a holder without an account (or with little
digital practice), record the holder's agreement (the signed paper form), file it, and later invite the holder to
take it over with their own account.

Until the holder takes it over, the staff member who filed it is its `created_by` (so the resident's own step
pages serve them unchanged) and `filed_on_behalf_by` says so; `applications.conflicts` does not count them as its
holder. The holder's records move to the holder's account on take-over.

Staff may also record a request for a call that has closed or a project already carried out (`late_entry_reason`):
the closed-call rule is bypassed through this path only, by the fund's association staff, and the reason stays in
the audit log and on the request.
"""

import datetime
import secrets

from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import emails, rules
from applications.locks import lock_application, lock_holder
from applications.models import Application, Attachment
from applications.permissions import can_instruct, files_on_behalf
from applications.services.attachments import add_attachment
from applications.services.guards import check_version, refused
from applications.workflow import Status
from core.services import record_audit
from core.validation import Errors, add_error, copy_fields, raise_if
from funds.models import AssociationStaff, Fund
from funds.permissions import can_manage_fund

TAKEOVER_SALT = "applications.takeover"
TAKEOVER_MAX_AGE = 60 * 60 * 24 * 60  # an invitation link is valid for 60 days


def on_behalf_label(application: Application) -> str:
    """« déposée par <staff> pour le compte de <holder> » (the staff page and the audit log)."""
    staff = application.filed_on_behalf_by
    holder = application.holder
    return _("déposée par %(staff)s pour le compte de %(holder)s") % {
        "staff": staff.get_full_name() or staff.email if staff else "—",
        "holder": holder.name if holder else _("un porteur à préciser"),
    }


def start_draft_on_behalf(
    *,
    user,
    fund: Fund,
    holder_email: str = "",
    late_entry_reason: str = "",
    today: datetime.date | None = None,
) -> Application:
    """Open a draft that staff fill in for a holder. With the call closed (or not open), a reason is required."""
    if not user.is_authenticated or not can_manage_fund(user, fund):
        raise refused(_("Seule l'équipe de l'association porteuse du fonds peut déposer une demande pour un porteur."))
    today = today or timezone.localdate()
    late_entry_reason = (late_entry_reason or "").strip()
    holder_email = (holder_email or "").strip()
    call_errors = rules.check_call_open(fund=fund, today=today)
    if call_errors and not late_entry_reason:
        raise ValidationError(
            {
                "late_entry_reason": [
                    _(
                        "L'appel à projets « %(fund)s » n'est pas ouvert aujourd'hui : pour enregistrer cette demande "
                        "quand même (appel clos, projet déjà réalisé), écrivez pourquoi dans « Motif de la saisie "
                        "hors appel »."
                    )
                    % {"fund": fund.name}
                ]
            }
        )
    if call_errors and not AssociationStaff.objects.filter(user=user, association_id=fund.association_id).exists():
        # The bypass is the association's own decision: its staff only (not the site administrator).
        raise refused(_("Seule l'équipe de l'association porteuse du fonds peut enregistrer une demande hors appel."))
    application = Application(
        fund=fund,
        created_by=user,
        filed_on_behalf_by=user,
        holder_email=holder_email,
        late_entry_reason=late_entry_reason,
        status=Status.DRAFT,
    )
    with transaction.atomic():
        application.full_clean()
        application.save()
        record_audit(
            actor=user,
            action="application.start_on_behalf",
            target=application,
            summary=_("Demande saisie par l'équipe pour le compte d'un porteur (%(fund)s)") % {"fund": fund.name},
        )
        if late_entry_reason:
            record_audit(
                actor=user,
                action="application.late_entry",
                target=application,
                summary=_("Saisie hors appel : %(reason)s") % {"reason": late_entry_reason},
                data={"reason": late_entry_reason, "call_open": not call_errors},
            )
    return application


def _agreement_errors(*, agreed_on, method: str, today: datetime.date) -> Errors:
    errors: Errors = {}
    if agreed_on is None:
        add_error(errors, "agreed_on", _("Indiquez la date à laquelle le porteur a signé le formulaire papier."))
    elif agreed_on > today:
        add_error(
            errors,
            "agreed_on",
            _("La date de l'accord ne peut pas être dans le futur : indiquez la date de signature."),
        )
    if method not in Application.AgreementMethod.values:
        add_error(errors, "method", _("Choisissez comment le porteur a donné son accord."))
    return errors


def record_holder_agreement(
    *,
    user,
    application: Application,
    agreed_on: datetime.date | None,
    method: str,
    holder_email: str = "",
    signed_form=None,
    expected_version: int | None = None,
) -> Application:
    """Record that the holder agreed to the request filed for them (date, how) and keep the signed paper form.

    The signed form is required unless one is already attached. All or nothing.
    """
    if not files_on_behalf(user, application):
        raise refused(
            _("Seule la personne de l'équipe qui saisit cette demande pour le porteur peut noter son accord.")
        )
    today = timezone.localdate()
    errors = _agreement_errors(agreed_on=agreed_on, method=method, today=today)
    has_form = application.attachments.filter(kind=Attachment.Kind.SIGNED_FORM).exists()
    if signed_form is None and not has_form:
        add_error(
            errors,
            "signed_form",
            _("Joignez le formulaire papier signé par le porteur (scan ou photo : PDF, JPEG ou PNG)."),
        )
    raise_if(errors)
    with transaction.atomic():
        locked = lock_application(application)
        check_version(locked, expected_version)
        if locked.status != Status.DRAFT or not files_on_behalf(user, locked):
            raise ValidationError(
                {NON_FIELD_ERRORS: [_("L'accord se note avant le dépôt de la demande : elle est déjà déposée.")]}
            )
        if signed_form is not None:
            add_attachment(user=user, application=locked, kind=Attachment.Kind.SIGNED_FORM, uploaded_file=signed_form)
        locked.holder_agreed_on = agreed_on
        locked.holder_agreement_method = method
        if holder_email:
            locked.holder_email = holder_email.strip()
        locked.version += 1
        locked.full_clean()
        locked.save(
            update_fields=["holder_agreed_on", "holder_agreement_method", "holder_email", "version", "updated_at"]
        )
        record_audit(
            actor=user,
            action="application.holder_agreement",
            target=locked,
            summary=_("Accord du porteur le %(day)s : %(how)s")
            % {"day": agreed_on.strftime("%d/%m/%Y"), "how": Application.AgreementMethod(method).label},
            data={"agreed_on": agreed_on.isoformat(), "method": method},
        )
    copy_fields(
        application, locked, ("holder_agreed_on", "holder_agreement_method", "holder_email", "version", "updated_at")
    )
    return locked


# --- The holder takes the request over ------------------------------------------------------------------------


def takeover_token(application: Application) -> str:
    """The signed link's token: the request and the time of the latest invitation (an older link stops working)."""
    return signing.dumps({"a": application.pk, "n": application.takeover_nonce}, salt=TAKEOVER_SALT)


def takeover_url(application: Application) -> str:
    return emails.absolute_url(reverse("applications:take_over", kwargs={"token": takeover_token(application)}))


def invite_holder_to_take_over(
    *, user, application: Application, holder_email: str = "", expected_version: int | None = None
) -> Application:
    """E-mail the holder a signed link to take the filed request over with their own account (`holder_email`, if
    given, replaces the address recorded)."""
    if not can_instruct(user, application):
        raise refused(_("Seule l'équipe de l'association porteuse du fonds peut inviter le porteur."))
    with transaction.atomic():
        locked = lock_application(application)
        check_version(locked, expected_version)
        if holder_email:
            locked.holder_email = holder_email.strip()
        errors: Errors = {}
        if not locked.is_on_behalf_pending:
            add_error(
                errors, NON_FIELD_ERRORS, _("Cette demande n'est pas (ou plus) tenue par l'équipe pour le porteur.")
            )
        elif locked.status == Status.DRAFT:
            add_error(
                errors, NON_FIELD_ERRORS, _("Déposez d'abord la demande, puis invitez le porteur à la reprendre.")
            )
        elif not locked.holder_email:
            add_error(
                errors,
                NON_FIELD_ERRORS,
                _(
                    "Le porteur n'a pas d'adresse e-mail enregistrée : notez-la avec « Adresse e-mail du porteur », "
                    "puis envoyez l'invitation."
                ),
            )
        raise_if(errors)
        locked.takeover_invited_at = timezone.now()
        locked.takeover_nonce = secrets.token_hex(16)
        locked.full_clean(exclude=["holder", "theme", "ambition", "neighbourhood", "fund", "created_by"])
        locked.save(update_fields=["holder_email", "takeover_invited_at", "takeover_nonce", "updated_at"])
        emails.send(
            name="takeover_invitation",
            to=[locked.holder_email],
            context={**emails.base_context(locked), "takeover_url": takeover_url(locked)},
            reply_to=[locked.fund.association.contact_email],
            cause="takeover_invitation",
            target=locked,
            actor=user,
        )
        record_audit(
            actor=user,
            action="application.invite_takeover",
            target=locked,
            summary=_("Porteur invité à reprendre la demande (%(email)s)") % {"email": locked.holder_email},
        )
    copy_fields(application, locked, ("holder_email", "takeover_invited_at", "takeover_nonce", "updated_at"))
    return locked


def _invalid_link() -> ValidationError:
    return ValidationError(
        {
            NON_FIELD_ERRORS: [
                _(
                    "Ce lien n'est plus valable (il a expiré, a déjà servi ou une invitation plus récente a été "
                    "envoyée) : demandez à l'association un nouveau lien."
                )
            ]
        }
    )


def application_for_token(token: str) -> Application | None:
    """The request a take-over link names, while it still waits for its holder (None otherwise)."""
    try:
        payload = signing.loads(token, salt=TAKEOVER_SALT, max_age=TAKEOVER_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("a"), int):
        return None
    application = Application.objects.for_pages().filter(pk=payload["a"]).first()
    if application is None or not application.is_on_behalf_pending or not application.takeover_nonce:
        return None
    if not secrets.compare_digest(application.takeover_nonce, str(payload.get("n", ""))):
        return None
    return application


def take_over_application(*, user, token: str) -> Application:
    """The holder, logged in, takes over the request filed for them: it (and its holder) moves to their account."""
    if not user.is_authenticated:
        raise refused(_("Connectez-vous ou créez votre compte pour reprendre la demande."))
    application = application_for_token(token)
    if application is None:
        raise _invalid_link()
    if application.filed_on_behalf_by_id == user.pk:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    _(
                        "Ce lien est destiné au porteur : c'est vous qui avez saisi cette demande. Transmettez-le "
                        "au porteur pour qu'il la reprenne avec son propre compte."
                    )
                ]
            }
        )
    with transaction.atomic():
        locked = lock_application(application)
        if not locked.is_on_behalf_pending or locked.takeover_nonce != application.takeover_nonce:
            raise _invalid_link()
        staff = locked.created_by
        locked.created_by = user
        locked.taken_over_at = timezone.now()
        locked.takeover_nonce = ""  # the link has served
        locked.full_clean(exclude=["holder", "theme", "ambition", "neighbourhood", "fund"])
        locked.save(update_fields=["created_by", "taken_over_at", "takeover_nonce", "updated_at"])
        if locked.holder_id:
            holder = lock_holder(locked.holder)
            if holder.owner_id == staff.pk and holder.entered_by_staff:
                holder.owner = user
                holder.entered_by_staff = False
                holder.save(update_fields=["owner", "entered_by_staff", "updated_at"])
        record_audit(
            actor=user,
            action="application.take_over",
            target=locked,
            summary=_("Demande reprise par le porteur %(email)s (%(label)s)")
            % {"email": user.email, "label": on_behalf_label(locked)},
            data={"from": staff.pk, "to": user.pk},
        )
    return locked
