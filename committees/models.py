from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from funds.models import Fund


class Committee(models.Model):
    """An attribution committee (*comité d'attribution*) of a fund."""

    fund = models.ForeignKey(Fund, verbose_name=_("fonds"), on_delete=models.CASCADE, related_name="committees")
    name = models.CharField(_("nom"), max_length=200)

    class Meta:
        verbose_name = _("comité d'attribution")
        verbose_name_plural = _("comités d'attribution")
        ordering = ["fund", "name"]

    def __str__(self) -> str:
        return f"{self.name} — {self.fund}"


class CommitteeMemberQuerySet(models.QuerySet):
    def active_on(self, day):
        return self.filter(Q(mandate_start__lte=day), Q(mandate_end__isnull=True) | Q(mandate_end__gte=day))

    def voting(self):
        return self.exclude(college=CommitteeMember.College.EX_OFFICIO)


class CommitteeMember(models.Model):
    """Role: a person sitting on a committee, with a college and a mandate."""

    class College(models.TextChoices):
        RESIDENT = "resident", _("Habitant·e")
        ASSOCIATION = "association", _("Représentant·e d'une association")
        EX_OFFICIO = "ex_officio", _("Membre de droit (sans droit de vote)")

    committee = models.ForeignKey(Committee, verbose_name=_("comité"), on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="committee_memberships",
    )
    full_name = models.CharField(_("nom et prénom"), max_length=200)
    college = models.CharField(_("collège"), max_length=20, choices=College.choices)
    organisation = models.CharField(
        _("structure représentée"), max_length=200, blank=True, help_text=_("Association, bailleur, collectivité...")
    )
    mandate_start = models.DateField(_("début du mandat"))
    mandate_end = models.DateField(_("fin du mandat"), null=True, blank=True)

    objects = CommitteeMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("membre du comité")
        verbose_name_plural = _("membres du comité")
        ordering = ["committee", "full_name"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "user"], name="unique_committee_user"),
            models.CheckConstraint(
                condition=Q(mandate_end__isnull=True) | Q(mandate_end__gte=models.F("mandate_start")),
                name="committee_mandate_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_college_display()})"

    @property
    def has_vote(self) -> bool:
        return self.college != self.College.EX_OFFICIO

    def clean(self):
        if self.mandate_start and self.mandate_end and self.mandate_end < self.mandate_start:
            raise ValidationError({"mandate_end": _("La fin du mandat doit suivre son début.")})
