"""Forms of the CVS bilan (annex 3): identity, progress and objectives, coordination and partners, appraisal."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import optional_text
from reports.forms.fields import DateInput, money_field, textareas, yes_no_field, yes_no_initial
from reports.forms.tables import filled_forms, rows_initial
from reports.models import (
    CVS_APPRAISAL_FIELDS,
    CVS_COORDINATION_FIELDS,
    CVS_IDENTITY_FIELDS,
    CVS_PROGRESS_FIELDS,
    MAX_OBJECTIVES,
    MIN_OBJECTIVES,
    CvsBilan,
)


class CvsIdentityForm(forms.ModelForm):
    planned_cost = money_field(_("Rappel du coût prévisionnel du projet"))

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("La fin de la période doit venir après son début : corrigez les dates."))
        return data

    class Meta:
        model = CvsBilan
        fields = list(CVS_IDENTITY_FIELDS)
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            **textareas(
                "territory",
                "target_public",
                "partnerships",
                "dedicated_staff",
                "material_means",
                "communication_means",
                rows=2,
            ),
            "short_description": forms.Textarea(attrs={"rows": 10}),
        }


class CvsProgressForm(forms.ModelForm):
    class Meta:
        model = CvsBilan
        fields = list(CVS_PROGRESS_FIELDS)
        widgets = {"progress_status": forms.RadioSelect, "progress_since": DateInput()}
        help_texts = {"progress_since": _("Pour un projet en cours ou clôturé : depuis quelle date.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["progress_status"].choices = [
            choice for choice in self.fields["progress_status"].choices if choice[0]
        ]


class ObjectiveForm(forms.Form):
    objective = optional_text(
        _("Objectif opérationnel"),
        max_length=1000,
        help_text=_("Un verbe d'action à l'infinitif, une indication chiffrée, de temps et d'unité."),
        rows=2,
    )
    indicators = optional_text(_("Indicateurs de suivi"), max_length=1000, rows=2)
    result = optional_text(_("Résultat"), max_length=2000, rows=2)
    comments = optional_text(_("Commentaires éventuels"), max_length=2000, rows=2)

    def is_blank(self) -> bool:
        return not any(self.cleaned_data.get(key) for key in ("objective", "indicators", "result", "comments"))


# Five slots are shown; the service says, in its own words, when more than five are filled in.
ObjectiveFormSet = forms.formset_factory(
    ObjectiveForm, extra=MAX_OBJECTIVES, min_num=MIN_OBJECTIVES, max_num=MAX_OBJECTIVES, absolute_max=10
)


def objective_rows(formset) -> list[dict]:
    return [form.cleaned_data for form in filled_forms(formset)]


class CvsCoordinationForm(forms.ModelForm):
    class Meta:
        model = CvsBilan
        fields = list(CVS_COORDINATION_FIELDS)
        widgets = textareas("coordination")


class PartnerForm(forms.Form):
    actor = optional_text(_("Acteur impliqué"), max_length=200)
    is_new_partner = forms.BooleanField(label=_("Nouveau partenaire"), required=False)
    role = optional_text(
        _("Rôle dans le projet"),
        max_length=500,
        help_text=_("Informe, prescrit, accompagne, coordonne, oriente, pilote, finance..."),
    )
    when_associated = optional_text(
        _("À quel(s) moment(s) a-t-il été associé ?"),
        max_length=500,
        help_text=_("Sur sollicitation, en continu, lors des comités de suivi ou de pilotage..."),
    )
    satisfied = yes_no_field(_("Le partenariat vous a-t-il semblé satisfaisant ?"))
    room_for_progress = optional_text(_("Marges de progrès"), max_length=1000, rows=2)

    def is_blank(self) -> bool:
        return not self.cleaned_data.get("actor") and not self.cleaned_data.get("role")


PartnerFormSet = forms.formset_factory(PartnerForm, extra=2, can_delete=True, max_num=20, validate_max=True)


def partner_rows(formset) -> list[dict]:
    return [form.cleaned_data for form in filled_forms(formset)]


def partner_initial(partners) -> list[dict]:
    rows = rows_initial(
        partners, ("actor", "is_new_partner", "role", "when_associated", "satisfied", "room_for_progress")
    )
    return [{**row, "satisfied": yes_no_initial(row["satisfied"])} for row in rows]


def objective_initial(objectives) -> list[dict]:
    return rows_initial(objectives, ("objective", "indicators", "result", "comments"))


class CvsAppraisalForm(forms.ModelForm):
    class Meta:
        model = CvsBilan
        fields = list(CVS_APPRAISAL_FIELDS)
        widgets = {
            **textareas(
                "achievements",
                "successes",
                "difficulties",
                "positive_impacts",
                "negative_impacts",
                "perspective_comment",
                "key_figures",
                "swot_strengths",
                "swot_weaknesses",
                "swot_opportunities",
                "swot_threats",
            ),
            "perspective": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["perspective"].choices = [choice for choice in self.fields["perspective"].choices if choice[0]]
