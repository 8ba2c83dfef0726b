"""Forms of the bilans. Thin: fields and French labels here, rules in `reports.services`.

Nothing here saves: views hand `cleaned_data` (or the lists built by the formset helpers) to the services.
"""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from applications.budget import ExpenseCategory, ResourceCategory
from core.forms import MoneyField
from reports.models import (
    CVS_ITEM_ACCOUNTS,
    EFFECT_LEVELS,
    EFFECT_QUESTIONS,
    EFFECTS_WITH_PUBLICS,
    ITEM_REQUIRED_ACCOUNTS,
    MAX_OBJECTIVES,
    MIN_OBJECTIVES,
    Bilan,
    BilanAttachment,
    BudgetSide,
    CvsBilan,
    CvsBudgetItem,
    Effect,
    EffectLevel,
    EffectObservation,
    ObservedPublic,
    changes_of,
)

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


def _yes_no_initial(value) -> str | None:
    return None if value is None else ("true" if value else "false")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _textareas(*names: str, rows: int = 4) -> dict:
    return {name: forms.Textarea(attrs={"rows": rows}) for name in names}


# --- The PIC bilan --------------------------------------------------------------------------------------


class PicActionForm(forms.ModelForm):
    """The action: its objective, dates, how it went, who organised it and who came."""

    held_from = forms.DateTimeField(
        label=_("Début de l'action"),
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_FORMAT, "%d/%m/%Y %H:%M"],
        error_messages={"invalid": _("Écrivez la date et l'heure, par exemple 24/05/2025 09:00.")},
    )
    held_until = forms.DateTimeField(
        label=_("Fin de l'action"),
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_FORMAT, "%d/%m/%Y %H:%M"],
        error_messages={"invalid": _("Écrivez la date et l'heure, par exemple 24/05/2025 16:00.")},
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("held_from"), data.get("held_until")
        if start and end and end < start:
            self.add_error("held_until", _("La fin de l'action doit venir après son début : corrigez les dates."))
        return data

    class Meta:
        model = Bilan
        fields = [
            "main_objective",
            "held_from",
            "held_until",
            "proceedings",
            "mobilised_women",
            "mobilised_men",
            "participant_women",
            "participant_men",
        ]
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
            **_textareas("main_objective", "proceedings", rows=6),
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
        fields = [
            "positive_points",
            "difficulties",
            "results",
            "helpers",
            "help_received",
            "help_sufficient",
            "help_comment",
            "wants_to_renew",
            "other_ideas",
        ]
        labels = {
            "positive_points": _("Points positifs"),
            "difficulties": _("Difficultés rencontrées"),
            "results": _("Résultats obtenus"),
            "helpers": _("Qui vous a aidé dans l'organisation de votre projet ?"),
            "help_received": _("Quelles aides avez-vous reçues pour monter ce projet ?"),
            "help_comment": _("Précisez si vous le souhaitez"),
            "other_ideas": _("Avez-vous d'autres idées de projet ?"),
        }
        widgets = _textareas(
            "positive_points", "difficulties", "results", "helpers", "help_received", "help_comment", "other_ideas"
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance is not None:
            self.initial["help_sufficient"] = _yes_no_initial(self.instance.help_sufficient)
            self.initial["wants_to_renew"] = _yes_no_initial(self.instance.wants_to_renew)


class ExpenseLineForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Catégorie"),
        choices=[("", _("Choisissez…")), *ExpenseCategory.choices],
        required=False,
    )
    label = forms.CharField(label=_("Libellé"), max_length=200, required=False)
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


ExpenseFormSet = forms.formset_factory(ExpenseLineForm, extra=3, can_delete=True, max_num=40, validate_max=True)


def expense_lines(formset) -> list[dict]:
    """The filled-in, not deleted lines of a valid expense formset, for `save_bilan_expenses`."""
    return [
        {key: form.cleaned_data.get(key) for key in ("category", "label", "planned_amount", "actual_amount")}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE") and not form.is_blank()
    ]


class EffectForm(forms.Form):
    """One effect of the grid: observed or not, between whom, what changed, and a narrative."""

    observed = forms.BooleanField(required=False)
    publics = forms.MultipleChoiceField(
        label=_("Entre quels publics ?"),
        choices=ObservedPublic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    changes = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    narrative = forms.CharField(
        label=_("Racontez ce que vous avez observé"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, effect: str, observation: EffectObservation | None = None, **kwargs):
        super().__init__(*args, prefix=f"effet-{effect}", **kwargs)
        self.effect = effect
        self.label = Effect(effect).label
        self.level = EFFECT_LEVELS[effect]
        self.fields["observed"].label = _("Nous avons observé cet effet : %(effect)s") % {"effect": self.label}
        self.fields["changes"].label = EFFECT_QUESTIONS[effect]
        self.fields["changes"].choices = changes_of(effect)
        if effect not in EFFECTS_WITH_PUBLICS:
            del self.fields["publics"]
        if observation is not None and not self.is_bound:
            self.initial = {
                "observed": True,
                "publics": observation.publics(),
                "changes": [change.change for change in observation.changes.all()],
                "narrative": observation.narrative,
            }

    def observation(self) -> dict | None:
        """The dict `set_effects` expects, or None when the effect is not ticked."""
        data = self.cleaned_data
        if not data.get("observed"):
            return None
        return {
            "effect": self.effect,
            "publics": data.get("publics") or [],
            "changes": data.get("changes") or [],
            "narrative": data.get("narrative") or "",
        }


class EffectsGrid:
    """The ten effects of the grid as one form per effect, grouped by level for the page."""

    def __init__(self, data=None, *, observations: list[EffectObservation]):
        by_effect = {observation.effect: observation for observation in observations}
        self.forms = [EffectForm(data, effect=effect, observation=by_effect.get(effect)) for effect in Effect.values]

    def levels(self) -> list[tuple[str, list[EffectForm]]]:
        return [(label, [form for form in self.forms if form.level == level]) for level, label in EffectLevel.choices]

    def is_valid(self) -> bool:
        return all(form.is_valid() for form in self.forms)

    def observations(self) -> list[dict]:
        return [observation for form in self.forms if (observation := form.observation()) is not None]

    def add_errors(self, errors: dict) -> None:
        by_effect = {form.effect: form for form in self.forms}
        for key, messages in errors.items():
            form = by_effect.get(key, self.forms[0])
            for message in messages:
                form.add_error(None, message)


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
    description = forms.CharField(
        label=_("Description"),
        required=False,
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


class SubmitForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Je certifie que les informations de ce bilan sont exactes."),
        error_messages={"required": _("Cochez la case pour certifier que le bilan est exact.")},
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Ce que le porteur doit corriger ou compléter"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Expliquez au porteur ce qu'il doit corriger : le commentaire est obligatoire.")},
    )


# --- The CVS bilan --------------------------------------------------------------------------------------


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
        fields = [
            "period_start",
            "period_end",
            "structure",
            "referent_first_name",
            "referent_last_name",
            "referent_function",
            "referent_email",
            "referent_phone",
            "action_created_year",
            "territory",
            "target_public",
            "partnerships",
            "dedicated_staff",
            "material_means",
            "communication_means",
            "planned_cost",
            "short_description",
        ]
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            **_textareas(
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
        fields = ["progress_status", "progress_since"]
        widgets = {"progress_status": forms.RadioSelect, "progress_since": DateInput()}
        help_texts = {"progress_since": _("Pour un projet en cours ou clôturé : depuis quelle date.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["progress_status"].choices = [
            choice for choice in self.fields["progress_status"].choices if choice[0]
        ]


class ObjectiveForm(forms.Form):
    objective = forms.CharField(
        label=_("Objectif opérationnel"),
        required=False,
        max_length=1000,
        help_text=_("Un verbe d'action à l'infinitif, une indication chiffrée, de temps et d'unité."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    indicators = forms.CharField(
        label=_("Indicateurs de suivi"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    result = forms.CharField(
        label=_("Résultat"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    comments = forms.CharField(
        label=_("Commentaires éventuels"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def is_blank(self) -> bool:
        return not any(self.cleaned_data.get(key) for key in ("objective", "indicators", "result", "comments"))


# Five slots are shown; the service says, in its own words, when more than five are filled in.
ObjectiveFormSet = forms.formset_factory(
    ObjectiveForm, extra=MAX_OBJECTIVES, min_num=MIN_OBJECTIVES, max_num=MAX_OBJECTIVES, absolute_max=10
)


def objective_rows(formset) -> list[dict]:
    return [form.cleaned_data for form in formset.forms if form.cleaned_data and not form.is_blank()]


class CvsCoordinationForm(forms.ModelForm):
    class Meta:
        model = CvsBilan
        fields = ["coordination"]
        widgets = _textareas("coordination")


class PartnerForm(forms.Form):
    actor = forms.CharField(label=_("Acteur impliqué"), required=False, max_length=200)
    is_new_partner = forms.BooleanField(label=_("Nouveau partenaire"), required=False)
    role = forms.CharField(
        label=_("Rôle dans le projet"),
        required=False,
        max_length=500,
        help_text=_("Informe, prescrit, accompagne, coordonne, oriente, pilote, finance..."),
    )
    when_associated = forms.CharField(
        label=_("À quel(s) moment(s) a-t-il été associé ?"),
        required=False,
        max_length=500,
        help_text=_("Sur sollicitation, en continu, lors des comités de suivi ou de pilotage..."),
    )
    satisfied = yes_no_field(_("Le partenariat vous a-t-il semblé satisfaisant ?"))
    room_for_progress = forms.CharField(
        label=_("Marges de progrès"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def is_blank(self) -> bool:
        return not self.cleaned_data.get("actor") and not self.cleaned_data.get("role")


PartnerFormSet = forms.formset_factory(PartnerForm, extra=2, can_delete=True, max_num=20, validate_max=True)


def partner_rows(formset) -> list[dict]:
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE") and not form.is_blank()
    ]


def partner_initial(partners) -> list[dict]:
    return [
        {
            "actor": p.actor,
            "is_new_partner": p.is_new_partner,
            "role": p.role,
            "when_associated": p.when_associated,
            "satisfied": _yes_no_initial(p.satisfied),
            "room_for_progress": p.room_for_progress,
        }
        for p in partners
    ]


class CvsAppraisalForm(forms.ModelForm):
    class Meta:
        model = CvsBilan
        fields = [
            "achievements",
            "successes",
            "difficulties",
            "positive_impacts",
            "negative_impacts",
            "perspective",
            "perspective_comment",
            "key_figures",
            "swot_strengths",
            "swot_weaknesses",
            "swot_opportunities",
            "swot_threats",
        ]
        widgets = {
            **_textareas(
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


def budget_line_choices() -> list:
    """Grouped choices "side|account|item": each account of the annex, then its sub-lines."""
    groups = []
    for side, categories in ((BudgetSide.CHARGE, ExpenseCategory), (BudgetSide.RESOURCE, ResourceCategory)):
        for category in categories:
            options = []
            if (side, category.value) not in ITEM_REQUIRED_ACCOUNTS:
                options.append((f"{side}|{category.value}|", _("%(account)s (autre)") % {"account": category.label}))
            options.extend(
                (f"{side}|{category.value}|{item.value}", item.label)
                for item in CvsBudgetItem
                if CVS_ITEM_ACCOUNTS[item.value] == (side, category.value)
            )
            side_label = BudgetSide(side).label
            groups.append((f"{side_label} — {category.label}", options))
    return groups


class CvsBudgetLineForm(forms.Form):
    line = forms.ChoiceField(label=_("Poste"), required=False)
    commune_name = forms.CharField(
        label=_("Commune"), required=False, max_length=150, help_text=_("Pour une subvention d'une commune.")
    )
    label = forms.CharField(label=_("Précisions"), required=False, max_length=200)
    planned_amount = money_field(_("Montant prévisionnel"))
    realised_amount = money_field(_("Montant réalisé"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [("", _("Choisissez…")), *budget_line_choices()]

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not data.get("line") and data.get("planned_amount") is None and data.get("realised_amount") is None

    def clean(self):
        data = super().clean()
        if not self.is_blank() and not data.get("line"):
            self.add_error("line", _("Choisissez le poste du budget."))
        return data

    def line_data(self) -> dict:
        side, account, item = self.cleaned_data["line"].split("|")
        return {
            "side": side,
            "account": account,
            "item": item,
            "commune_name": self.cleaned_data.get("commune_name") or "",
            "label": self.cleaned_data.get("label") or "",
            "planned_amount": self.cleaned_data.get("planned_amount"),
            "realised_amount": self.cleaned_data.get("realised_amount"),
        }


CvsBudgetFormSet = forms.formset_factory(CvsBudgetLineForm, extra=3, can_delete=True, max_num=100, validate_max=True)


def budget_rows(formset) -> list[dict]:
    return [
        form.line_data()
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE") and not form.is_blank()
    ]


def budget_initial(lines) -> list[dict]:
    return [
        {
            "line": f"{line.side}|{line.account}|{line.item}",
            "commune_name": line.commune_name,
            "label": line.label,
            "planned_amount": line.planned_amount,
            "realised_amount": line.realised_amount,
        }
        for line in lines
    ]
