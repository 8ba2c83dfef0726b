"""Forms of the micro-project bilan (PIC, FPH, fifty-fifty): the action, the appraisal, expenses, documents."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from applications.budget import plain_choices
from core.forms import optional_text
from reports.forms.fields import (
    DATETIME_FORMAT,
    DateTimeLocalInput,
    money_field,
    textareas,
    yes_no_field,
    yes_no_initial,
)
from reports.forms.tables import filled_forms, rows_initial
from reports.models import PIC_ACTION_FIELDS, PIC_APPRAISAL_FIELDS, Bilan, BilanAttachment
from reports.selectors.bilans import bilan_date_warnings


def _moment(label, invalid) -> forms.DateTimeField:
    """A date and time, from the browser's picker or written "24/05/2025 09:00"; `invalid` says how to write it."""
    return forms.DateTimeField(
        label=label,
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_FORMAT, "%d/%m/%Y %H:%M"],
        error_messages={"invalid": invalid},
    )


class PicActionForm(forms.ModelForm):
    """The action: its objective, dates, how it went, who organised it and who came."""

    held_from = _moment(_("Début de l'action"), _("Écrivez la date et l'heure, par exemple 24/05/2025 09:00."))
    held_until = _moment(_("Fin de l'action"), _("Écrivez la date et l'heure, par exemple 24/05/2025 16:00."))

    dates_confirmed = forms.BooleanField(
        label=_("Je confirme ces dates"),
        required=False,
        help_text=_("Cochez si les dates sont justes. Sinon, corrigez-les ci-dessus."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The warning (and its checkbox) is shown for the dates saved so far; without one, no checkbox.
        bilan = self.instance
        self.date_warnings = (
            bilan_date_warnings(held_from=bilan.held_from, held_until=bilan.held_until, application=bilan.application)
            if bilan is not None and bilan.application_id
            else []
        )
        if not self.date_warnings:
            del self.fields["dates_confirmed"]

    def clean(self):
        data = super().clean()
        start, end = data.get("held_from"), data.get("held_until")
        if start and end and end < start:
            self.add_error("held_until", _("La fin de l'action doit venir après son début : corrigez les dates."))
        return data

    class Meta:
        model = Bilan
        fields = list(PIC_ACTION_FIELDS)
        labels = {
            "main_objective": _("Objectif principal du projet au regard de la thématique d'intervention choisie"),
            "proceedings": _("Déroulement de l'action"),
            "mobilised_women": _("Femmes"),
            "mobilised_men": _("Hommes"),
            "participant_women": _("Femmes"),
            "participant_men": _("Hommes"),
        }
        help_texts = {
            "proceedings": _("Racontez comment la journée ou l'action s'est passée, l'ambiance, les retours."),
        }
        widgets = {
            **textareas("main_objective", "proceedings", rows=6),
            **{
                name: forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"})
                for name in ("mobilised_women", "mobilised_men", "participant_women", "participant_men")
            },
        }


class PicAppraisalForm(forms.ModelForm):
    """What the holder thinks of it: positives, difficulties, results, help, what next."""

    help_sufficient = yes_no_field(_("Cet accompagnement était-il suffisant ?"))
    wants_to_renew = yes_no_field(_("Souhaitez-vous reconduire votre action ?"))

    class Meta:
        model = Bilan
        fields = list(PIC_APPRAISAL_FIELDS)
        labels = {
            "positive_points": _("Points positifs"),
            "difficulties": _("Difficultés rencontrées"),
            "results": _("Résultats obtenus"),
            "helpers": _("Qui vous a aidé dans l'organisation de votre projet ?"),
            "help_received": _("Quelles aides avez-vous reçues pour monter ce projet ?"),
            "help_comment": _("Précisez si vous le souhaitez"),
            "other_ideas": _("Avez-vous d'autres idées de projet ?"),
        }
        widgets = textareas(
            "positive_points", "difficulties", "results", "helpers", "help_received", "help_comment", "other_ideas"
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance is not None:
            self.initial["help_sufficient"] = yes_no_initial(self.instance.help_sufficient)
            self.initial["wants_to_renew"] = yes_no_initial(self.instance.wants_to_renew)


class ExpenseLineForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Type de dépense"),
        choices=[("", _("Choisissez…")), *plain_choices("expense")],
        required=False,
    )
    label = optional_text(_("Libellé"), max_length=200)
    planned_amount = money_field(_("Montant prévu"), help_text=_("0 pour une dépense non prévue."))
    actual_amount = money_field(_("Montant réellement dépensé"))

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not data.get("category") and not data.get("label") and data.get("actual_amount") is None

    def clean(self):
        data = super().clean()
        if not self.is_blank():
            if not data.get("category"):
                self.add_error("category", _("Choisissez la catégorie de la dépense."))
            if not data.get("label"):
                self.add_error("label", _("Écrivez ce qui a été acheté ou payé."))
        return data


EXPENSE_FIELDS = ("category", "label", "planned_amount", "actual_amount")
ExpenseFormSet = forms.formset_factory(ExpenseLineForm, extra=3, can_delete=True, max_num=40, validate_max=True)


def expense_lines(formset) -> list[dict]:
    """The filled-in, not deleted lines of a valid expense formset, for `save_bilan_expenses`."""
    return [{key: form.cleaned_data.get(key) for key in EXPENSE_FIELDS} for form in filled_forms(formset)]


def expense_initial(expenses) -> list[dict]:
    return rows_initial(expenses, EXPENSE_FIELDS)


class BilanAttachmentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type de pièce"),
        choices=BilanAttachment.Kind.choices,
        widget=forms.RadioSelect,
        initial=BilanAttachment.Kind.RECEIPT,
    )
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_("PDF, JPEG ou PNG (photos : JPEG ou PNG), %(max)s Mo au plus.")
        % {"max": settings.MAX_UPLOAD_SIZE // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
        error_messages={"required": _("Choisissez un fichier à envoyer.")},
    )
    description = optional_text(
        _("Description"),
        max_length=300,
        help_text=_("Pour une photo : ce qu'elle montre. Pour un justificatif : ce qu'il prouve."),
    )
    public_consent = forms.BooleanField(
        label=_("Les personnes reconnaissables sur la photo acceptent qu'elle soit publiée pour valoriser le projet"),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("public_consent") and data.get("kind") != BilanAttachment.Kind.PHOTO:
            data["public_consent"] = False
        return data
