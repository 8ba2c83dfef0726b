"""Account business rules: resident sign-up, e-mail confirmation, profile.

Sign-up answers the same way whether or not the address already has an account (issue 14, rule 9): nobody is
logged in on the spot; a new account receives its confirmation link (which confirms the address and logs the
person in), the owner of an existing account receives a warning with links to log in and to reset the
password. Confirmation is still what allows *submitting* a request: the applications app checks
`is_email_confirmed(user)` before the submission, so the association can answer the resident at a working
address.
"""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from accounts import signals
from accounts.models import User
from accounts.tokens import email_confirmation_token
from core import emails, ratelimit
from core.models import OutboxMessage
from core.services import record_audit

logger = logging.getLogger(__name__)

DUPLICATE_EMAIL_MESSAGE = _(
    "Un compte existe déjà avec cette adresse : connectez-vous ou utilisez « Mot de passe oublié »."
)


def normalize_email(email: str) -> str:
    """E-mail addresses are stored trimmed and lower-case, and compared that way."""
    return (email or "").strip().lower()


def is_email_confirmed(user) -> bool:
    """True when this user confirmed their e-mail address (required to submit a request)."""
    return bool(getattr(user, "is_authenticated", False) and user.email_confirmed_at)


def register_resident(*, email: str, password: str, first_name: str, last_name: str, phone: str = "") -> User:
    """Create a resident account (not yet confirmed).

    Raises ValidationError keyed by field (`email`, `password`, `first_name`...)
    when the address is already used, the password is too weak or a field is invalid.
    """
    email = normalize_email(email)
    user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip(), phone=phone.strip())
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from exc
    user.set_password(password)
    try:
        with transaction.atomic():
            if User.objects.filter(email__iexact=email).exists():
                raise ValidationError({"email": DUPLICATE_EMAIL_MESSAGE}, code="duplicate_email")
            user.full_clean()
            user.save()
            record_audit(actor=user, action="account.created", target=user, summary="Resident sign-up")
    except IntegrityError as exc:
        # Two sign-ups with the same address at the same moment: the unique index decides.
        raise ValidationError({"email": DUPLICATE_EMAIL_MESSAGE}, code="duplicate_email") from exc
    return user


def confirmation_path(*, user: User) -> str:
    return reverse(
        "confirm_email",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": email_confirmation_token.make_token(user),
        },
    )


def _query(sign_in: bool, next_url: str) -> str:
    params = {"connexion": "1"} if sign_in else {}
    if next_url:
        params["next"] = next_url
    return f"?{urlencode(params)}" if params else ""


def send_confirmation_email(*, user: User, request: HttpRequest, sign_in: bool = False, next_url: str = "") -> bool:
    """Queue the confirmation link to the user's address (core.outbox delivers it, retrying on errors).

    False when the message is already known not to have left: without a task queue (`make run`) it is sent
    in-process right after commit, so a failing mail server shows at once; with a worker it is "envoi en cours".
    `sign_in`: the link also logs the person in (sent to someone who is not logged in: sign-up, "Renvoyer").
    """
    context = {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "user": user,
        "confirm_url": request.build_absolute_uri(confirmation_path(user=user) + _query(sign_in, next_url)),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    emails.send_templated(
        name="accounts/emails/confirmation", to=[user.email], context=context, cause="email_confirmation", target=user
    )
    return _last_message_left(topic="email_confirmation", user=user)


def sign_up(
    *,
    request: HttpRequest,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    phone: str = "",
    next_url: str = "",
) -> bool:
    """A sign-up form was filled in: create the account and send its confirmation link, or, when the address
    already has an account, warn its owner. The caller answers the same way in both cases.

    Both e-mails are throttled per address and per IP (core.ratelimit, the same "confirmation" counters).
    False when the e-mail was throttled or is known not to have left. Raises ValidationError on a weak password.
    """
    email = normalize_email(email)
    allowed = ratelimit.email_allowed(request, address=email, scope="confirmation")
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            user = register_resident(
                email=email, password=password, first_name=first_name, last_name=last_name, phone=phone
            )
        except ValidationError as exc:
            if "email" not in exc.message_dict:
                raise
            existing = User.objects.filter(email__iexact=email).first()  # lost a race to the same address
            if existing is None:  # an invalid address rather than a taken one: the form shows the error
                raise
        else:
            return allowed and send_confirmation_email(user=user, request=request, sign_in=True, next_url=next_url)
    make_password(password)  # the same hashing time as a new account: no timing difference to measure
    with transaction.atomic():
        record_audit(actor=None, action="account.signup_existing", target=existing, summary="Sign-up attempt")
        if allowed:
            _queue_existing_account_email(user=existing, request=request)
    return allowed and _last_message_left(topic="signup_existing", user=existing)


def _queue_existing_account_email(*, user: User, request: HttpRequest) -> None:
    context = {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "user": user,
        "login_url": request.build_absolute_uri(reverse("login")),
        "reset_url": request.build_absolute_uri(reverse("password_reset")),
    }
    emails.send_templated(
        name="accounts/emails/signup_existing", to=[user.email], context=context, cause="signup_existing", target=user
    )


def resend_confirmation_to(*, request: HttpRequest, email: str) -> bool:
    """ "Renvoyer l'e-mail" from the "Vérifiez votre boîte e-mail" page, for a visitor who is not logged in.

    A new link goes to an active account whose address is not confirmed yet; nothing goes anywhere else.
    The caller answers the same way whatever happened (throttled per address and per IP).
    """
    email = normalize_email(email)
    if not ratelimit.email_allowed(request, address=email, scope="confirmation"):
        return False
    user = User.objects.filter(email__iexact=email, is_active=True, email_confirmed_at__isnull=True).first()
    if user is None:
        return True
    return send_confirmation_email(user=user, request=request, sign_in=True)


def _last_message_left(*, topic: str, user: User) -> bool:
    latest = OutboxMessage.objects.filter(topic=topic, target_id=str(user.pk)).order_by("-pk").first()
    return latest is not None and not latest.last_error


def user_from_uidb64(*, uidb64: str) -> User | None:
    try:
        pk = urlsafe_base64_decode(uidb64).decode()
        return User.objects.get(pk=pk)
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError, User.DoesNotExist, ValidationError):
        return None


def confirm_email(*, user: User, token: str) -> bool:
    """Mark the address as confirmed if the token is valid for this user. A token works once."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.email_confirmed_at is not None or not email_confirmation_token.check_token(locked, token):
            return False
        locked.email_confirmed_at = timezone.now()
        locked.full_clean()
        locked.save(update_fields=["email_confirmed_at"])
        record_audit(actor=locked, action="account.email_confirmed", target=locked, summary="E-mail address confirmed")
        signals.email_confirmed.send(sender=User, user=locked)
    user.email_confirmed_at = locked.email_confirmed_at
    return True


def update_profile(*, user: User, first_name: str, last_name: str, phone: str) -> User:
    with transaction.atomic():
        user.first_name = first_name.strip()
        user.last_name = last_name.strip()
        user.phone = phone.strip()
        user.full_clean()
        user.save(update_fields=["first_name", "last_name", "phone"])
    return user


def queue_password_reset(*, subject_template_name: str, email_template_name: str, context: dict, to_email: str) -> None:
    """The password-reset link, rendered now (in French) and queued in the outbox (see EmailPasswordResetForm)."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from core import outbox

    with translation.override("fr"):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
    user = context.get("user")
    outbox.queue_message(
        subject=subject,
        body=body,
        to=[to_email],
        topic="password_reset",
        template=email_template_name,
        target=user,
        actor=None,
    )


# --- Changing one's e-mail address --------------------------------------------------------------------------

EMAIL_CHANGE_SALT = "accounts.email_change"


def email_change_token(*, user: User, new_email: str) -> str:
    """A signed token naming the account, its current address and the new one (expires: `email_change_max_age`).

    It works once: once the address has changed, the current address it names no longer matches."""
    return signing.dumps({"u": user.pk, "old": user.email, "new": new_email}, salt=EMAIL_CHANGE_SALT, compress=True)


def email_change_max_age() -> int:
    return settings.PASSWORD_RESET_TIMEOUT


def request_email_change(*, request: HttpRequest, user: User, new_email: str, password: str) -> bool:
    """ "Changer mon adresse e-mail": check the password, then send a confirmation link to the NEW address.

    The address changes only when the link is followed (`confirm_email_change`). An address that already has an
    account gets the same answer on screen (no account enumeration): its owner receives a notice instead of a
    link. False when the e-mail was throttled. Raises ValidationError (password, new_email) on a wrong password
    or the current address.
    """
    new_email = normalize_email(new_email)
    if not user.check_password(password or ""):
        raise ValidationError(
            {
                "password": _(
                    "Ce n'est pas votre mot de passe actuel : retapez-le, ou utilisez « Mot de passe oublié »."
                )
            },
            code="wrong_password",
        )
    if new_email == normalize_email(user.email):
        raise ValidationError({"new_email": _("C'est déjà votre adresse : tapez la nouvelle adresse.")}, code="same")
    if not ratelimit.email_allowed(request, address=new_email, scope="confirmation"):
        return False
    taken = User.objects.filter(email__iexact=new_email).exists()
    with transaction.atomic():
        record_audit(
            actor=user,
            action="account.email_change_requested",
            target=user,
            summary="E-mail change requested",
            data={"to_existing_account": taken},
        )
        context = {"PORTAL_NAME": settings.PORTAL_NAME, "user": user, "new_email": new_email}
        if taken:
            context["login_url"] = request.build_absolute_uri(reverse("login"))
            emails.send_templated(
                name="accounts/emails/email_change_taken", to=[new_email], context=context, cause="email_change"
            )
        else:
            token = email_change_token(user=user, new_email=new_email)
            context["confirm_url"] = request.build_absolute_uri(
                reverse("email_change_confirm", kwargs={"token": token})
            )
            context["valid_days"] = max(1, email_change_max_age() // 86400)
            emails.send_templated(
                name="accounts/emails/email_change", to=[new_email], context=context, cause="email_change", target=user
            )
    return True


def confirm_email_change(*, token: str) -> User | None:
    """The link sent to the new address was followed: the account's address becomes it (confirmed), and the old
    address is told. None when the link is wrong, expired, already used, or the address was taken meanwhile."""
    try:
        payload = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=email_change_max_age())
        pk, old, new = payload["u"], payload["old"], normalize_email(payload["new"])
    except (signing.BadSignature, KeyError, TypeError):
        return None
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=pk, is_active=True).first()
        if user is None or user.email != old or User.objects.filter(email__iexact=new).exclude(pk=pk).exists():
            return None
        user.email = new
        user.email_confirmed_at = timezone.now()
        try:
            user.full_clean()
            with transaction.atomic():  # a savepoint: the unique index may still refuse the address
                user.save(update_fields=["email", "email_confirmed_at"])
        except (ValidationError, IntegrityError):
            return None
        record_audit(actor=user, action="account.email_changed", target=user, summary="E-mail address changed")
        emails.send_templated(
            name="accounts/emails/email_changed_notice",
            to=[old],
            context={"PORTAL_NAME": settings.PORTAL_NAME, "user": user, "new_email": new},
            cause="email_changed",
            target=user,
            actor=user,
        )
    return user
