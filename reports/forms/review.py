"""Filing a bilan, and returning it to its holder."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import CERTIFICATION_TEXT


class SubmitForm(forms.Form):
    confirm = forms.BooleanField(
        label=CERTIFICATION_TEXT,
        error_messages={"required": _("Cochez la case pour certifier que le bilan est exact.")},
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Ce que le porteur doit corriger ou compléter"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Expliquez au porteur ce qu'il doit corriger : le commentaire est obligatoire.")},
    )
