"""The staff's one-form eligibility grid, and the forms of a request filed on behalf of a resident."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from applications.forms.common import VersionedForm
from applications.forms.instruction import MET_CHOICES, MET_VALUES, met_to_choice
from applications.models import Application
from applications.services.criteria import grid_field
from core.forms import optional_text
from core.uploads import check_uploaded_file
from funds.models import Fund


class GridForm(VersionedForm):
    """The whole eligibility grid in one form (one click saves it): for each criterion, « rempli ? » and a comment.

    `rows` are the page's checklist rows ({"criterion", "check"}); `automatic` the portal's own checks by key
    (`selectors.automatic_checks`): a criterion not checked yet and bound to one is pre-filled with its result and
    the note « vérifié automatiquement : … », for the instructor to confirm.
    """

    def __init__(self, *args, rows, automatic: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        automatic = automatic or {}
        self.rows = []
        for row in rows:
            criterion, check = row["criterion"], row["check"]
            met_name, comment_name = grid_field(criterion.pk, "met"), grid_field(criterion.pk, "comment")
            self.fields[met_name] = forms.TypedChoiceField(
                label=_("« %(label)s » : ce critère est-il rempli ?") % {"label": criterion.label},
                choices=MET_CHOICES,
                coerce=MET_VALUES.get,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": _("Choisissez « Oui, rempli », « Non, pas rempli » ou « Pas encore vérifié »."),
                },
            )
            self.fields[comment_name] = optional_text(
                _("Commentaire interne (obligatoire si « Non, pas rempli »)"), max_length=2000, rows=2
            )
            auto = automatic.get(criterion.auto_check) if criterion.auto_check else None
            prefilled = False
            if check is not None and check.met is not None:
                self.initial[met_name] = met_to_choice(check.met)
                self.initial[comment_name] = check.comment
            elif auto is not None:
                self.initial[met_name] = "yes" if auto["ok"] else "no"
                self.initial[comment_name] = _("Vérifié automatiquement : %(note)s") % {"note": auto["note"]}
                prefilled = True
            elif check is not None:
                self.initial[comment_name] = check.comment
            self.rows.append(
                {
                    **row,
                    "met_field": self[met_name],
                    "comment_field": self[comment_name],
                    "auto": auto,
                    "prefilled": prefilled,
                }
            )

    def answers(self) -> dict[int, tuple[bool | None, str]]:
        return {
            row["criterion"].pk: (
                self.cleaned_data.get(grid_field(row["criterion"].pk, "met")),
                self.cleaned_data.get(grid_field(row["criterion"].pk, "comment"), ""),
            )
            for row in self.rows
        }


class StartOnBehalfForm(forms.Form):
    """Staff open a request for a holder: the fund, the holder's e-mail if any, and why if the call is not open."""

    fund = forms.ModelChoiceField(
        label=_("Fonds"),
        queryset=Fund.objects.none(),
        empty_label=_("— Choisissez le fonds —"),
        error_messages={"required": _("Choisissez le fonds de la demande.")},
    )
    holder_email = forms.EmailField(
        label=_("Adresse e-mail du porteur (facultatif)"),
        required=False,
        help_text=_("Pour l'inviter plus tard à reprendre la demande avec son propre compte."),
        error_messages={"invalid": _("Écrivez une adresse e-mail complète, par exemple nom@exemple.fr.")},
    )
    late_entry_reason = optional_text(
        _("Motif de la saisie hors appel (seulement si l'appel est clos ou le projet déjà réalisé)"),
        max_length=2000,
        help_text=_(
            "Par exemple « Micro-projet réalisé en 2024, saisi pour les archives ». Ce motif reste dans le journal."
        ),
        rows=2,
    )

    def __init__(self, *args, funds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = funds
        self.fields["fund"].error_messages["invalid_choice"] = _("Choisissez un fonds de la liste.")


class HolderAgreementForm(VersionedForm):
    """The holder's agreement to the request filed for them: date, how, the signed paper form."""

    agreed_on = forms.DateField(
        label=_("Date de signature du formulaire par le porteur"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Indiquez la date à laquelle le porteur a signé le formulaire papier."),
            "invalid": _("Écrivez la date au format JJ/MM/AAAA, par exemple 24/05/2025."),
        },
    )
    method = forms.ChoiceField(
        label=_("Comment le porteur a-t-il donné son accord ?"),
        choices=Application.AgreementMethod.choices,
        initial=Application.AgreementMethod.PAPER_FORM,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez comment le porteur a donné son accord.")},
    )
    signed_form = forms.FileField(
        label=_("Formulaire papier signé (scan ou photo)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )
    holder_email = forms.EmailField(
        label=_("Adresse e-mail du porteur (facultatif)"),
        required=False,
        help_text=_("Pour l'inviter à reprendre la demande avec son propre compte."),
        error_messages={"invalid": _("Écrivez une adresse e-mail complète, par exemple nom@exemple.fr.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        max_mb = settings.MAX_UPLOAD_SIZE // (1024 * 1024)
        self.fields["signed_form"].help_text = _(
            "PDF, JPEG ou PNG, %(max)s Mo maximum. Obligatoire pour déposer la demande pour le porteur."
        ) % {"max": max_mb}

    def clean_signed_form(self):
        uploaded = self.cleaned_data.get("signed_form")
        if uploaded:
            try:
                check_uploaded_file(uploaded_file=uploaded)
            except ValidationError as error:
                raise ValidationError(error.messages) from error
        return uploaded


class InviteHolderForm(VersionedForm):
    """The holder's e-mail (pre-filled with the one recorded) and the button that sends the take-over link."""

    holder_email = forms.EmailField(
        label=_("Adresse e-mail du porteur"),
        max_length=254,
        error_messages={
            "required": _("Écrivez l'adresse e-mail du porteur : l'invitation lui est envoyée."),
            "invalid": _("Écrivez une adresse e-mail complète, par exemple nom@exemple.fr."),
        },
    )


class TakeOverForm(forms.Form):
    """No field: the holder's button to take the request over."""
