"""Steps 2 to 4: the project, when and where, the people (model forms on the request itself)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications import rules
from applications.models import Application
from core.forms import add_errors


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["title", "theme", "ambition", "objectives", "description"]
        labels = {
            "title": _("Titre du projet"),
            "theme": _("Thématique"),
            "ambition": _("Ambition du contrat de ville"),
            "objectives": _("Objectifs : à quoi va servir le projet ?"),
            "description": _("Description : qu'allez-vous faire, avec qui, comment ?"),
        }
        help_texts = {
            "title": _(
                "En quelques mots, par exemple « Fête des voisins de la rue de la Paix » (200 caractères au plus)."
            ),
            "theme": _("Choisissez la thématique qui correspond le mieux à votre projet."),
        }
        widgets = {"objectives": forms.Textarea(attrs={"rows": 4}), "description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, fund, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = fund.themes.filter(is_active=True)
        self.fields["theme"].empty_label = _("— Choisissez une thématique —")
        self.fields["theme"].error_messages["invalid_choice"] = _("Choisissez une thématique de la liste.")
        if fund.scheme == fund.Scheme.CVS:
            self.fields["ambition"].queryset = fund.ambitions.select_related("stake")
            self.fields["ambition"].empty_label = _("— Choisissez une ambition —")
        else:
            del self.fields["ambition"]


class WhenWhereForm(forms.ModelForm):
    """Dates and times as separate HTML date and time inputs; `clean()` joins them into starts_at / ends_at."""

    error_aliases = {"starts_at": "start_date", "ends_at": "end_date"}

    start_date = forms.DateField(
        label=_("Date de début"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start_time = forms.TimeField(
        label=_("Heure de début"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_date = forms.DateField(
        label=_("Date de fin"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end_time = forms.TimeField(
        label=_("Heure de fin"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    class Meta:
        model = Application
        fields = ["start_date", "start_time", "end_date", "end_time", "place", "neighbourhood"]
        labels = {"place": _("Lieu"), "neighbourhood": _("Quartier")}
        help_texts = {
            "place": _("Adresse ou nom du lieu, par exemple « Square de la Paix, Roubaix »."),
            "neighbourhood": _("Le quartier prioritaire où le projet a lieu."),
        }

    def __init__(self, *args, fund, **kwargs):
        super().__init__(*args, **kwargs)
        self.fund = fund
        self.fields["neighbourhood"].queryset = fund.neighbourhoods.all()
        self.fields["neighbourhood"].empty_label = _("— Choisissez un quartier —")
        self.fields["neighbourhood"].error_messages["invalid_choice"] = _("Choisissez un quartier de la liste.")
        for name in ("start_date", "end_date"):
            self.fields[name].error_messages["invalid"] = _("Écrivez une date, par exemple 14/06/2025.")
        for name in ("start_time", "end_time"):
            self.fields[name].error_messages["invalid"] = _("Écrivez une heure, par exemple 14:30.")
        instance = self.instance
        for prefix, value in (("start", instance.starts_at), ("end", instance.ends_at)):
            if value:
                local = timezone.localtime(value)
                self.initial.setdefault(f"{prefix}_date", local.date())
                self.initial.setdefault(f"{prefix}_time", local.time().replace(second=0, microsecond=0))

    def _join(self, prefix: str) -> datetime.datetime | None:
        day, hour = self.cleaned_data.get(f"{prefix}_date"), self.cleaned_data.get(f"{prefix}_time")
        if f"{prefix}_date" in self.errors or f"{prefix}_time" in self.errors:
            return None
        if day is None and hour is not None:
            self.add_error(f"{prefix}_date", _("Indiquez aussi la date, par exemple 14/06/2025."))
        elif day is not None and hour is None:
            self.add_error(f"{prefix}_time", _("Indiquez aussi l'heure, par exemple 14:30."))
        if day is None or hour is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(day, hour))

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = self._join("start"), self._join("end")
        cleaned["starts_at"], cleaned["ends_at"] = starts_at, ends_at
        if starts_at or ends_at:
            add_errors(self, rules.check_dates(fund=self.fund, starts_at=starts_at, ends_at=ends_at))
        for name in ("start_date", "start_time", "end_date", "end_time"):
            cleaned.pop(name, None)
        return cleaned


class PeopleForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["expected_public", "expected_women", "expected_men", "residents_mobilised"]
        labels = {
            "expected_public": _("Public attendu : qui va venir ?"),
            "expected_women": _("Nombre de femmes attendues"),
            "expected_men": _("Nombre d'hommes attendus"),
            "residents_mobilised": _("Nombre d'habitant·es qui aident à organiser"),
        }
        help_texts = {
            "expected_public": _("Par exemple : familles du quartier, enfants de 6 à 12 ans, personnes âgées."),
            "expected_women": _("Une estimation suffit."),
            "expected_men": _("Une estimation suffit."),
        }
        widgets = {"expected_public": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("expected_women", "expected_men", "residents_mobilised"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "min": 0})
            self.fields[name].error_messages.update(
                {
                    "invalid": _("Écrivez un nombre entier, par exemple 25."),
                    "min_value": _("Écrivez un nombre positif ou 0."),
                }
            )
