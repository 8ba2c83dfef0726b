"""What the request's forms share: money inputs, and the hidden `version` that detects edit conflicts."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.money import CENT

MONEY_ERRORS = {
    "invalid": _("Écrivez un montant en euros, en chiffres, par exemple 120 ou 120,50."),
    "min_value": _("Le montant doit être supérieur à zéro : écrivez par exemple 120 ou 120,50."),
    "max_value": _("Ce montant est trop élevé : vérifiez le nombre de zéros."),
    "max_decimal_places": _("Indiquez au plus 2 chiffres après la virgule (les centimes)."),
    "max_digits": _("Ce montant est trop élevé : vérifiez le nombre de zéros."),
    "max_whole_digits": _("Ce montant est trop élevé : vérifiez le nombre de zéros."),
}


def money_field(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=12,
        decimal_places=2,
        min_value=CENT,
        max_value=Decimal("1000000"),
        localize=True,
        error_messages=MONEY_ERRORS,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "class": "text-end"}),
        **kwargs,
    )


class VersionedForm(forms.Form):
    """A form that carries, hidden, the request's `version` the user saw when the page was shown.

    The service refuses the change if the request changed meanwhile (another staff member, the holder).
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1)

    def seen_version(self) -> int | None:
        """The version posted with the form: None when none was posted (no check); -1 when it is garbled,
        which can match no request (refused as a conflict rather than silently skipping the check)."""
        field = self["version"]
        raw = field.data
        if raw in (None, ""):
            return None
        try:
            value = field.field.clean(raw)
        except forms.ValidationError:
            return -1
        return value


class VersionForm(VersionedForm):
    """Only the hidden version, for pages whose other forms are model forms or formsets (the holder's steps)."""
