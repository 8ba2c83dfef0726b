"""Fields and widgets the bilan forms share: French amounts, yes/no radios, date inputs."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import MoneyField

MONEY_ERRORS = {
    "invalid": _("Écrivez un montant en euros, en chiffres, par exemple 120 ou 120,50."),
    "min_value": _("Le montant ne peut pas être négatif : écrivez 0 si rien n'a été dépensé."),
    "max_value": _("Ce montant est trop élevé : vérifiez le nombre de zéros."),
    "max_decimal_places": _("Indiquez au plus 2 chiffres après la virgule (les centimes)."),
    "max_digits": _("Ce montant est trop élevé : vérifiez le nombre de zéros."),
    "max_whole_digits": _("Ce montant est trop élevé : vérifiez le nombre de zéros."),
}


YES_NO = [("true", _("Oui")), ("false", _("Non"))]


DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def money_field(label, *, required: bool = False, **kwargs) -> forms.DecimalField:
    return MoneyField(
        label=label,
        required=required,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("10000000"),
        localize=True,
        error_messages=MONEY_ERRORS,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "class": "text-end"}),
        **kwargs,
    )


def yes_no_field(label, **kwargs) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "true",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        **kwargs,
    )


def yes_no_initial(value) -> str | None:
    return None if value is None else ("true" if value else "false")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def textareas(*names: str, rows: int = 4) -> dict:
    return {name: forms.Textarea(attrs={"rows": rows}) for name in names}
