"""The PIC / FPH / fifty-fifty bilan (seed 000), its expense lines, receipts and photos."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.budget import ExpenseCategory, plain_expense_label
from applications.models import Application
from reports.models.base import BaseBilan, money_field, people_field

# The bilan's fields the holder fills in, by section (the forms and `save_bilan` read them from here).
PIC_ACTION_FIELDS = (
    "main_objective",
    "held_from",
    "held_until",
    "dates_confirmed",
    "proceedings",
    "mobilised_women",
    "mobilised_men",
    "participant_women",
    "participant_men",
)
PIC_APPRAISAL_FIELDS = (
    "positive_points",
    "difficulties",
    "results",
    "helpers",
    "help_received",
    "help_sufficient",
    "help_comment",
    "wants_to_renew",
    "other_ideas",
)
PIC_FIELDS = PIC_ACTION_FIELDS + PIC_APPRAISAL_FIELDS


class Bilan(BaseBilan):
    """The bilan of a micro-project (seed 000): what happened, who took part, what it changed, what it cost."""

    application = models.OneToOneField(
        Application, verbose_name=_("demande"), on_delete=models.PROTECT, related_name="bilan"
    )
    main_objective = models.TextField(
        _("objectif principal du projet au regard de la thématique d'intervention choisie"),
        blank=True,
        max_length=5000,
    )
    held_from = models.DateTimeField(_("réalisé du"), null=True, blank=True)
    held_until = models.DateTimeField(_("réalisé jusqu'au"), null=True, blank=True)
    dates_confirmed = models.BooleanField(
        _("dates confirmées"),
        default=False,
        help_text=_("Le porteur confirme des dates hors de l'année du fonds ou éloignées des dates prévues."),
    )
    proceedings = models.TextField(_("déroulement de l'action"), blank=True, max_length=10000)
    mobilised_women = people_field(_("habitantes mobilisées pour mettre en œuvre l'action"))
    mobilised_men = people_field(_("habitants mobilisés pour mettre en œuvre l'action"))
    participant_women = people_field(_("habitantes ayant participé ou assisté à l'action"))
    participant_men = people_field(_("habitants ayant participé ou assisté à l'action"))
    positive_points = models.TextField(_("points positifs"), blank=True, max_length=5000)
    difficulties = models.TextField(_("difficultés rencontrées"), blank=True, max_length=5000)
    results = models.TextField(_("résultats obtenus"), blank=True, max_length=5000)
    helpers = models.TextField(_("qui vous a aidé dans l'organisation de votre projet ?"), blank=True, max_length=2000)
    help_received = models.TextField(
        _("quelles aides avez-vous reçues pour monter ce projet ?"), blank=True, max_length=2000
    )
    help_sufficient = models.BooleanField(_("cet accompagnement était-il suffisant ?"), null=True, blank=True)
    help_comment = models.TextField(_("commentaire sur l'accompagnement"), blank=True, max_length=2000)
    wants_to_renew = models.BooleanField(_("souhaitez-vous reconduire votre action ?"), null=True, blank=True)
    other_ideas = models.TextField(_("avez-vous d'autres idées de projet ?"), blank=True, max_length=3000)

    class Meta:
        verbose_name = _("bilan de projet")
        verbose_name_plural = _("bilans de projet")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(held_from__isnull=True)
                | Q(held_until__isnull=True)
                | Q(held_until__gte=models.F("held_from")),
                name="bilan_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Bilan')} — {self.application}"


class BilanExpense(models.Model):
    """One line of what was spent: planned in the request (copied, or 0 for a new line) and actually spent."""

    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, related_name="expenses")
    category = models.CharField(_("catégorie"), max_length=10, choices=ExpenseCategory.choices)
    label = models.CharField(_("libellé"), max_length=200)
    planned_amount = money_field(_("montant prévu"), default=Decimal("0"))
    actual_amount = money_field(_("montant réellement dépensé"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("dépense du bilan")
        verbose_name_plural = _("dépenses du bilan")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(planned_amount__gte=0), name="bilan_expense_planned_not_negative"),
            models.CheckConstraint(
                condition=Q(actual_amount__isnull=True) | Q(actual_amount__gte=0),
                name="bilan_expense_actual_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.label}"

    @property
    def plain_category(self):
        """The category in everyday words, its account beside it: « Achats : matériel, nourriture… (compte 60) »."""
        return plain_expense_label(self.category)


def bilan_attachment_path(instance, filename: str) -> str:
    return f"private/bilans/{instance.bilan.application_id}/{instance.kind}/{filename}"


class BilanAttachment(models.Model):
    """A receipt or a photo of the project. Never served by URL: a view checks who may download it.

    Images are re-encoded on upload, without their metadata (EXIF, GPS position, camera).
    """

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Justificatif de dépense")
        PHOTO = "photo", _("Photo du projet")

    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("fichier"), upload_to=bilan_attachment_path, max_length=255)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(_("type de contenu"), max_length=100)
    size = models.PositiveIntegerField(_("taille (octets)"))
    description = models.CharField(
        _("description"),
        max_length=300,
        blank=True,
        help_text=_("Pour une photo : ce qu'elle montre (lu aux personnes aveugles ou malvoyantes)."),
    )
    public_consent = models.BooleanField(
        _("les personnes visibles acceptent que la photo soit publiée"),
        default=False,
        help_text=_("Cochez seulement si chaque personne reconnaissable sur la photo a donné son accord."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("envoyé par"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("pièce du bilan")
        verbose_name_plural = _("pièces du bilan")
        ordering = ["kind", "uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(public_consent=False) | Q(kind="photo"), name="bilan_attachment_consent_only_for_photos"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name
