from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import optional_text
from webhooks.models import Event
from webhooks.permissions import manageable_associations


class EndpointForm(forms.Form):
    url = forms.URLField(
        label=_("Adresse de réception (URL)"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "Une adresse https:// publique de votre système d'information, par exemple https://si.example.org/pic."
        ),
    )
    description = optional_text(_("Description"), max_length=200)
    events = forms.MultipleChoiceField(
        label=_("Évènements envoyés"), choices=Event.choices, widget=forms.CheckboxSelectMultiple
    )


class NewEndpointForm(EndpointForm):
    association = forms.ModelChoiceField(label=_("Association porteuse"), queryset=None)

    field_order = ["association", "url", "description", "events"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["association"]
        field.queryset = manageable_associations(user).order_by("name")
        if user.is_superuser:
            field.required = False
            field.empty_label = _("Tous les fonds (réservé aux administrateurs)")
        else:
            field.empty_label = None
