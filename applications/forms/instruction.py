"""The staff's instruction forms: one per criterion of the grid, the private note, the decisions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.forms.common import VersionedForm
from applications.models import StaffNote
from core.forms import optional_text

MET_CHOICES = [("yes", _("Oui, rempli")), ("no", _("Non, pas rempli")), ("", _("Pas encore vérifié"))]
MET_VALUES = {"yes": True, "no": False}


def met_to_choice(met: bool | None) -> str:
    return {True: "yes", False: "no"}.get(met, "")


class CriterionCheckForm(VersionedForm):
    """One criterion of the fund's grid for one request (one small form per criterion, prefixed by its id)."""

    met = forms.TypedChoiceField(
        label=_("Ce critère est-il rempli ?"),
        choices=MET_CHOICES,
        coerce=MET_VALUES.get,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    comment = optional_text(
        _("Commentaire interne sur ce critère (obligatoire si « Non, pas rempli »)"), max_length=2000, rows=2
    )

    def __init__(self, *args, criterion, **kwargs):
        super().__init__(*args, **kwargs)
        self.criterion = criterion
        # Each criterion has its own small form on the page: its question names it (screen readers list legends).
        self.fields["met"].label = _("« %(label)s » : ce critère est-il rempli ?") % {"label": criterion.label}
        self.fields["met"].error_messages["invalid_choice"] = _(
            "Choisissez « Oui, rempli », « Non, pas rempli » ou « Pas encore vérifié »."
        )


class StaffNoteForm(forms.ModelForm):
    class Meta:
        model = StaffNote
        fields = ["body"]
        labels = {"body": _("Nouvelle note interne")}
        help_texts = {"body": _("Note interne — jamais visible par le porteur.")}
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].error_messages["required"] = _("Écrivez la note avant de l'enregistrer.")


class StartReviewForm(VersionedForm):
    """No field: the button, and the place where a refusal is shown."""


class CompletionRequestForm(VersionedForm):
    error_aliases = {"comment": "message"}

    message = forms.CharField(
        label=_("Ce que le porteur doit compléter"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Envoyé au porteur par e-mail et visible dans l'historique de sa demande. Il complète sa demande, "
            "puis la redépose."
        ),
        error_messages={"required": _("Écrivez ce que le porteur doit compléter : ce message lui est envoyé.")},
    )


class DeclareEligibleForm(VersionedForm):
    comment = optional_text(
        _("Message au porteur (facultatif)"),
        max_length=5000,
        help_text=_("Envoyé au porteur par e-mail et visible dans l'historique de sa demande."),
        rows=2,
    )


class DeclareIneligibleForm(VersionedForm):
    error_aliases = {"comment": "reason"}

    reason = forms.CharField(
        label=_("Motif de non-recevabilité"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Envoyé au porteur par e-mail et visible dans l'historique de sa demande : des mots simples."),
        error_messages={"required": _("Écrivez le motif de non-recevabilité : il est envoyé au porteur par e-mail.")},
    )
