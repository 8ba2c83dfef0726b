"""Signed, expiring tokens for the e-mail confirmation link."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Token for `/compte/confirmer/<uidb64>/<token>/`.

    A different salt from password reset, so a reset token never confirms an
    e-mail and the other way round. The hash covers the address and
    `email_confirmed_at`: once the address is confirmed (or changed), every link
    sent before stops working, so a link works once. It deliberately leaves out
    the password and the last login date: logging in again on another phone
    must not break a link the resident has not opened yet.
    Validity: settings.PASSWORD_RESET_TIMEOUT (3 days by default).
    """

    key_salt = "accounts.tokens.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp: int) -> str:
        confirmed_at = (
            ""
            if user.email_confirmed_at is None
            else user.email_confirmed_at.replace(microsecond=0, tzinfo=None).isoformat()
        )
        return f"{user.pk}{user.email}{confirmed_at}{timestamp}"


email_confirmation_token = EmailConfirmationTokenGenerator()
