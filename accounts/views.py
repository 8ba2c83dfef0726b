"""Resident sign-up, e-mail confirmation and the "Mon compte" page.

Sign-up never logs in on the spot (see accounts.services.sign_up): every sign-up lands on "Vérifiez votre
boîte e-mail", and the confirmation link of a new account confirms the address and logs the person in.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.forms import EmailChangeForm, ProfileForm, ResendConfirmationForm, SignupForm
from core import ratelimit
from core.forms import apply_errors, run_service


def _safe_next(request) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""


@sensitive_post_parameters("password", "password_confirm")
@never_cache
@require_http_methods(["GET", "POST"])
def signup(request):
    """Answers the same whether or not the address already has an account: "Vérifiez votre boîte e-mail"."""
    if request.user.is_authenticated:
        return redirect("account")
    next_url = _safe_next(request)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent = services.sign_up(
                request=request,
                email=data["email"],
                password=data["password"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                phone=data["phone"],
                next_url=next_url,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if not sent:
                messages.warning(request, _check_mail_failed_message())
            return redirect("signup_done")
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


@never_cache
@require_http_methods(["GET", "POST"])
def signup_done(request):
    """ "Vérifiez votre boîte e-mail", and its "Renvoyer l'e-mail" form (same answer for every address)."""
    form = ResendConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.resend_confirmation_to(request=request, email=form.cleaned_data["email"]):
            messages.info(
                request,
                _("C'est noté. Si un compte attend sa confirmation à cette adresse, un nouvel e-mail vient de partir."),
            )
        else:
            messages.warning(request, _check_mail_failed_message())
        return redirect("signup_done")
    return render(request, "accounts/signup_done.html", {"form": form})


@never_cache
@require_http_methods(["GET"])
def confirm_email(request, uidb64: str, token: str):
    user = services.user_from_uidb64(uidb64=uidb64)
    if user is not None and services.confirm_email(user=user, token=token):
        if request.user.is_authenticated and request.user.pk == user.pk:
            request.user.email_confirmed_at = user.email_confirmed_at
        elif request.GET.get("connexion") == "1" and not request.user.is_authenticated and user.is_active:
            # The link sent at sign-up (the account was never opened): it works once and only from that inbox.
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        context = {"confirmed_email": user.email, "next": _safe_next(request)}
        return render(request, "accounts/confirm_email_done.html", context)
    current = request.user
    context = {
        "already_confirmed": (
            current.is_authenticated
            and user is not None
            and current.pk == user.pk
            and services.is_email_confirmed(current)
        ),
        "can_resend": current.is_authenticated and not services.is_email_confirmed(current),
    }
    return render(request, "accounts/confirm_email_invalid.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def resend_confirmation(request):
    """POST sends a new link. A GET (e.g. after logging in from a link) just leads to "Mon compte"."""
    if request.method == "GET":
        return redirect("account")
    user = request.user
    if services.is_email_confirmed(user):
        messages.info(request, _("Votre adresse e-mail est déjà confirmée. Vous n'avez rien d'autre à faire."))
    elif not _may_send(request, user):
        messages.warning(request, _throttled_message())
    elif services.send_confirmation_email(user=user, request=request):
        messages.success(
            request,
            _(
                "Un nouvel e-mail de confirmation a été envoyé à %(email)s. S'il n'arrive pas dans quelques minutes, "
                "regardez dans le dossier « Courrier indésirable » ou « Spam »."
            )
            % {"email": user.email},
        )
    else:
        messages.warning(request, _send_failed_message())
    return redirect("account")


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    user = request.user
    initial = {"first_name": user.first_name, "last_name": user.last_name, "phone": user.phone}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(user=user, **form.cleaned_data)
        except ValidationError as exc:
            user.refresh_from_db()
            apply_errors(form, exc)
        else:
            messages.success(request, _("Vos informations sont enregistrées."))
            return redirect("account")
    return render(
        request, "accounts/account.html", {"form": form, "email_confirmed": services.is_email_confirmed(user)}
    )


def _send_failed_message() -> str:
    return _(
        "L'e-mail de confirmation n'a pas pu partir. Réessayez dans quelques minutes avec le bouton "
        "« Renvoyer l'e-mail de confirmation » sur la page « Mon compte »."
    )


def _check_mail_failed_message() -> str:
    return _(
        "L'e-mail n'a pas pu partir pour le moment (trop de demandes récentes, ou un souci du serveur d'envoi). "
        "Attendez une heure, puis utilisez « Renvoyer l'e-mail » ci-dessous, et regardez aussi dans le dossier "
        "« Courrier indésirable » ou « Spam »."
    )


def _may_send(request, user) -> bool:
    """Confirmation e-mails are throttled per address and per IP (core.ratelimit, settings)."""
    return ratelimit.email_allowed(request, address=user.email, scope="confirmation")


def _throttled_message() -> str:
    return _(
        "Plusieurs e-mails de confirmation ont déjà été envoyés récemment : attendez une heure avant d'en "
        "demander un autre, et regardez dans le dossier « Courrier indésirable » ou « Spam »."
    )


class LoginView(auth_views.LoginView):
    """Django's login page; without a `next`, carrier associations' staff land on their desk
    (`settings.STAFF_LOGIN_REDIRECT_URL`), everyone else on `settings.LOGIN_REDIRECT_URL`."""

    def get_default_redirect_url(self):
        user = self.request.user
        if user.is_authenticated and user.association_links.exists():
            return resolve_url(settings.STAFF_LOGIN_REDIRECT_URL)
        return super().get_default_redirect_url()


@sensitive_post_parameters("password")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def email_change(request):
    """ "Changer mon adresse e-mail": a link goes to the new address; the same answer whether or not it is used."""
    form = EmailChangeForm(request.POST or None)
    if request.method == "POST":
        run = run_service(
            form,
            lambda data: services.request_email_change(
                request=request, user=request.user, new_email=data["new_email"], password=data["password"]
            ),
        )
        if run.done:
            if run.result:
                messages.success(
                    request,
                    _(
                        "C'est noté. Si cette adresse peut être utilisée, un lien de confirmation vient de partir à "
                        "%(email)s. Ouvrez-le pour terminer : votre adresse actuelle reste valable jusque-là. "
                        "Pensez au dossier « Courrier indésirable » ou « Spam »."
                    )
                    % {"email": form.cleaned_data["new_email"]},
                )
            else:
                messages.warning(request, _throttled_message())
            return redirect("account")
    return render(request, "accounts/email_change.html", {"form": form})


@never_cache
@require_http_methods(["GET"])
def email_change_confirm(request, token: str):
    """The link sent to the new address: the address changes now (the old one receives a notice)."""
    user = services.confirm_email_change(token=token)
    if user is not None and request.user.is_authenticated and request.user.pk == user.pk:
        request.user.email, request.user.email_confirmed_at = user.email, user.email_confirmed_at
    return render(request, "accounts/email_change_confirm.html", {"changed_to": user.email if user else ""})
