"""The association's own words in the annual report (summary, highlights, difficulties, perspectives)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import NARRATIVE_FIELDS, NARRATIVE_MAX_LENGTH

TOO_LONG = _(
    "Ce texte est trop long : %(limit_value)d caractères au plus (il en compte %(show_value)d). Raccourcissez-le."
)


def _text(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=NARRATIVE_MAX_LENGTH,
        error_messages={"max_length": TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AnnualNarrativeForm(forms.Form):
    """Every part may stay empty; the report then says "non renseigné"."""

    summary = _text(_("Synthèse de l'année"), _("En quelques phrases : ce que le fonds a permis cette année."))
    highlights = _text(_("Temps forts"), _("Les projets ou les moments marquants de l'année."))
    difficulties = _text(
        _("Difficultés rencontrées"), _("Ce qui a été difficile pour l'association, les porteurs ou le comité.")
    )
    perspectives = _text(_("Perspectives"), _("Ce que l'association prévoit pour l'année qui vient."))

    @classmethod
    def initial_from(cls, narrative) -> dict:
        return {name: getattr(narrative, name) for name in NARRATIVE_FIELDS} if narrative else {}
