"""What both kinds of bilan share: limits, field builders and the bilan's life (status, who, when)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.models import MAX_PEOPLE
from funds.models import MONEY
from reports.workflow import BILAN_EDITABLE, BilanStatus

MAX_AMOUNT = Decimal("10000000")

# The box the holder ticks to file a bilan; stored with the bilan as it reads on the day it was ticked.
CERTIFICATION_TEXT = _("Je certifie que les informations de ce bilan sont exactes.")


MIN_OBJECTIVES = 2


MAX_OBJECTIVES = 5


SHORT_DESCRIPTION_MAX_LINES = 10


def people_field(label):
    return models.PositiveIntegerField(label, null=True, blank=True, validators=[MaxValueValidator(MAX_PEOPLE)])


def money_field(label, **kwargs):
    return models.DecimalField(
        label, validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AMOUNT)], **MONEY, **kwargs
    )


class CopiedFundQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """As `save()`, rows written in bulk (load data, tests) take their parent's fund."""
        objs = list(objs)
        for row in objs:
            row.fill_fund()
        return super().bulk_create(objs, *args, **kwargs)


class CopiedFund:
    """A row that carries its parent's fund (`fund_parent`: the request of a bilan, the bilan of an effect), so that
    a fund's rows are read through an index of their own. A parent never changes fund once the row exists."""

    fund_parent = "application"

    def save(self, *args, **kwargs):
        self.fill_fund()
        super().save(*args, **kwargs)

    def fill_fund(self) -> None:
        if self.fund_id is None:
            self.fund_id = getattr(self, self.fund_parent).fund_id


class BaseBilan(CopiedFund, models.Model):
    """What both kinds of bilan share: their life (status, who filed and reviewed it, when)."""

    status = models.CharField(
        _("statut du bilan"), max_length=20, choices=BilanStatus.choices, default=BilanStatus.DRAFT, db_index=True
    )
    return_comment = models.TextField(
        _("motif du renvoi"),
        blank=True,
        max_length=5000,
        help_text=_("Ce que le porteur doit corriger ou compléter, quand l'association renvoie le bilan."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("commencé par"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("déposé le"), null=True, blank=True)
    certification_text = models.CharField(
        _("certification cochée au dépôt"),
        max_length=300,
        blank=True,
        help_text=_("Le texte exact que le porteur a certifié en cochant la case au dépôt du bilan."),
    )
    certified_at = models.DateTimeField(_("certifié le"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("étudié par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("étudié le"), null=True, blank=True)
    created_at = models.DateTimeField(_("commencé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    # The request's fund, copied when the bilan starts (a granted request never changes fund): the annual report
    # and its fingerprint read a fund's bilans through this index, whatever the number of bilans in the region.
    fund = models.ForeignKey(
        "funds.Fund", verbose_name=_("fonds"), on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = CopiedFundQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_editable(self) -> bool:
        return self.status in BILAN_EDITABLE
