"""The association's own words in a fund's annual report (issue 17): written by its staff, read by the funders."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from funds.models import Fund

NARRATIVE_MAX_LENGTH = 5000
NARRATIVE_FIELDS = ("summary", "highlights", "difficulties", "perspectives")


def _text(verbose_name, help_text):
    return models.TextField(
        verbose_name,
        blank=True,
        help_text=help_text,
        validators=[MaxLengthValidator(NARRATIVE_MAX_LENGTH)],
    )


class AnnualNarrative(models.Model):
    """The narrative parts of a fund's annual report. A fund runs one year (`Fund.year`): one text per fund is one
    text per fund and year."""

    fund = models.OneToOneField(Fund, verbose_name=_("fonds"), on_delete=models.CASCADE, related_name="narrative")
    summary = _text(_("synthèse de l'année"), _("En quelques phrases : ce que le fonds a permis cette année."))
    highlights = _text(_("temps forts"), _("Les projets ou les moments marquants de l'année."))
    difficulties = _text(_("difficultés"), _("Ce qui a été difficile pour l'association, les porteurs ou le comité."))
    perspectives = _text(_("perspectives"), _("Ce que l'association prévoit pour l'année qui vient."))
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modifié par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("texte du rapport annuel")
        verbose_name_plural = _("textes des rapports annuels")

    def __str__(self) -> str:
        return f"{self.fund}"

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name).strip() for name in NARRATIVE_FIELDS)
