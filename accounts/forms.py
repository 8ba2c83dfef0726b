from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import User
from accounts.services import queue_password_reset
from core import ratelimit

INVALID_EMAIL_MESSAGE = _(
    "Cette adresse e-mail n'est pas valide. Vérifiez-la : elle ressemble à prenom.nom@exemple.fr, sans espace."
)

phone_validator = RegexValidator(
    r"^\+?[0-9 .()-]{6,25}$",
    _("Ce numéro n'est pas valide. Écrivez-le avec des chiffres, par exemple 06 12 34 56 78."),
)


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse e-mail"),
        error_messages={"invalid": INVALID_EMAIL_MESSAGE},
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "Adresse e-mail ou mot de passe incorrect. Vérifiez les majuscules, ou utilisez « Mot de passe oublié »."
        ),
        "inactive": _("Ce compte est désactivé. Contactez l'association porteuse."),
    }


class EmailPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        error_messages={"invalid": INVALID_EMAIL_MESSAGE},
        help_text=_("L'adresse avec laquelle vous avez créé votre compte."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def save(self, *args, request=None, **kwargs):
        """Send the reset link, unless this address or this IP asked too often (core.ratelimit): the page
        answers the same either way, so it tells nobody whether the address has an account."""
        if request is not None and not ratelimit.email_allowed(
            request, address=self.cleaned_data["email"], scope="password_reset"
        ):
            return None
        return super().save(*args, request=request, **kwargs)

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        """Queued in the outbox like every e-mail of the portal: the visitor never waits on the mail server."""
        queue_password_reset(
            subject_template_name=subject_template_name,
            email_template_name=email_template_name,
            context=context,
            to_email=to_email,
        )


class ProfileForm(forms.Form):
    """Identity fields a resident can edit themselves."""

    first_name = forms.CharField(
        label=_("Prénom"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Nom"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    phone = forms.CharField(
        label=_("Téléphone (facultatif)"),
        max_length=30,
        required=False,
        validators=[phone_validator],
        help_text=_("Utile si l'association veut vous appeler au sujet de votre demande."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )


def email_field(help_text) -> forms.EmailField:
    return forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        error_messages={"invalid": INVALID_EMAIL_MESSAGE},
        help_text=help_text,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class SignupForm(ProfileForm):
    email = email_field(_("Vous vous connecterez avec cette adresse. Nous y enverrons un lien pour la confirmer."))
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        help_text=password_validation.password_validators_help_text_html(),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirm = forms.CharField(
        label=_("Mot de passe, une deuxième fois"),
        strip=False,
        help_text=_("Tapez le même mot de passe, pour éviter une faute de frappe."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = ["email", "first_name", "last_name", "phone", "password", "password_confirm"]

    def clean_email(self) -> str:
        """No "already taken" error here: sign-up answers the same for every address (accounts.services.sign_up)."""
        return services.normalize_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        confirm = cleaned.get("password_confirm")
        if password:
            candidate = User(
                email=cleaned.get("email") or self.data.get("email", ""),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password, user=candidate)
            except ValidationError as exc:
                self.add_error("password", exc)
        if password and confirm and password != confirm:
            self.add_error(
                "password_confirm",
                ValidationError(
                    _("Les deux mots de passe sont différents. Tapez deux fois exactement le même mot de passe."),
                    code="password_mismatch",
                ),
            )
        return cleaned


class ResendConfirmationForm(forms.Form):
    email = email_field(_("L'adresse indiquée en créant votre compte."))


class CloseAccountForm(forms.Form):
    """Closing an account is confirmed with the password (checked again by portal.privacy.close_account)."""

    password = forms.CharField(
        label=_("Votre mot de passe, pour confirmer"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class EmailChangeForm(forms.Form):
    """A new address for the account, confirmed with the current password; a link goes to the new address."""

    new_email = forms.EmailField(
        label=_("Nouvelle adresse e-mail"),
        max_length=254,
        error_messages={"invalid": INVALID_EMAIL_MESSAGE, "required": _("Tapez votre nouvelle adresse e-mail.")},
        help_text=_("Nous y enverrons un lien : votre adresse ne changera que lorsque vous l'aurez ouvert."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Votre mot de passe actuel, pour confirmer"),
        strip=False,
        error_messages={"required": _("Tapez votre mot de passe actuel.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
