"""A dossier bundle: the ZIP of one request's whole file, or of every filed request of a fund (one year).

Built in the background (bundles.tasks); the download link is valid `BUNDLE_LINK_DAYS`, then the file is
deleted. `full_access` says the ZIP was built for the association's staff (bank details, letters, minutes
and bilan pieces included): the download then requires that access still.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from funds.models import Fund


def bundle_path(instance, filename: str) -> str:
    return f"private/bundles/{instance.pk}/{filename}"


class BundleQuerySet(models.QuerySet):
    def for_pages(self):
        """With what the bundle pages show and `may_read_bundle` reads: the fund's and the request's association."""
        return self.select_related("fund__association", "application__fund__association")


class Bundle(models.Model):
    class Scope(models.TextChoices):
        APPLICATION = "application", _("Une demande")
        FUND = "fund", _("Un fonds (toutes ses demandes de l'année)")

    class State(models.TextChoices):
        PENDING = "pending", _("En préparation")
        READY = "ready", _("Prêt")
        FAILED = "failed", _("Échec")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("demandé par"), on_delete=models.CASCADE, related_name="+"
    )
    scope = models.CharField(_("périmètre"), max_length=12, choices=Scope.choices)
    fund = models.ForeignKey(Fund, verbose_name=_("fonds"), on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(
        Application, verbose_name=_("demande"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    full_access = models.BooleanField(_("contenu complet (équipe de l'association)"), default=False)
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    file = models.FileField(_("fichier"), upload_to=bundle_path, max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("taille (octets)"), default=0)
    file_count = models.PositiveIntegerField(_("nombre de fichiers"), default=0)
    error = models.CharField(_("erreur"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    ready_at = models.DateTimeField(_("prêt le"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True, db_index=True)

    objects = BundleQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier complet")
        verbose_name_plural = _("dossiers complets")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope="fund") | models.Q(application__isnull=False),
                name="bundle_application_scope_has_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} {self.label} ({self.state})"

    @property
    def label(self) -> str:
        if self.scope == self.Scope.APPLICATION and self.application is not None:
            return self.application.reference
        return f"{self.fund.name} ({self.fund.year})"

    @property
    def filename(self) -> str:
        if self.scope == self.Scope.APPLICATION and self.application is not None:
            return f"dossier-{self.application.reference}.zip"
        return f"dossier-{self.fund.slug}-{self.fund.year}.zip"
