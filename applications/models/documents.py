from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.models.requests import Application, Holder
from applications.workflow import Status
from funds.models import Fund


def attachment_path(instance, filename: str) -> str:
    return f"private/applications/{instance.application_id}/{instance.kind}/{filename}"


class Attachment(models.Model):
    """A document attached to a request. Never served by URL: a view checks who may download it."""

    class Kind(models.TextChoices):
        QUOTE = "quote", _("Devis")
        BANK_DETAILS = "bank_details", _("Relevé d'identité bancaire (RIB)")
        STATUTES = "statutes", _("Statuts de l'association")
        OTHER = "other", _("Autre document")
        SIGNED_FORM = "signed_form", _("Formulaire papier signé par le porteur")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("type de document"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("fichier"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("nom du fichier"), max_length=255)
    content_type = models.CharField(_("type de contenu"), max_length=100)
    size = models.PositiveIntegerField(_("taille (octets)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("envoyé par"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["kind", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class StatusChange(models.Model):
    """One step of a request's timeline: who took which transition, when, and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="status_changes")
    transition = models.CharField(_("transition"), max_length=40)
    from_status = models.CharField(_("statut de départ"), max_length=30, choices=Status.choices)
    to_status = models.CharField(_("nouveau statut"), max_length=30, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.TextField(_("commentaire"), blank=True, max_length=5000, validators=[MaxLengthValidator(5000)])
    created_at = models.DateTimeField(_("le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("changement de statut")
        verbose_name_plural = _("historique des statuts")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} → {self.to_status}"


def message_attachment_path(instance, filename: str) -> str:
    return f"private/applications/{instance.application_id}/messages/{filename}"


class Message(models.Model):
    """A message between the holder and the carrier association's staff about one request, with at most one
    attached file (never served by URL: a view checks who may read the thread)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur"), on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("message"), max_length=5000, validators=[MaxLengthValidator(5000)])
    attachment = models.FileField(
        _("pièce jointe"), upload_to=message_attachment_path, max_length=255, blank=True, default=""
    )
    attachment_name = models.CharField(_("nom du fichier joint"), max_length=255, blank=True, default="")
    attachment_content_type = models.CharField(_("type du fichier joint"), max_length=100, blank=True, default="")
    attachment_size = models.PositiveIntegerField(_("taille du fichier joint (octets)"), null=True, blank=True)
    created_at = models.DateTimeField(_("envoyé le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:50]}"


class MessageRead(models.Model):
    """When a user last read a request's messages: messages written after it by someone else are unread."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="message_reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(_("lus le"))

    class Meta:
        verbose_name = _("lecture des messages")
        verbose_name_plural = _("lectures des messages")
        constraints = [models.UniqueConstraint(fields=["application", "user"], name="message_read_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.application_id}: {self.read_at:%Y-%m-%d %H:%M}"


# --- Instruction (carrier association's staff only; never shown to the holder) ------------------------


class EligibilityCriterion(models.Model):
    """One line of a fund's eligibility grid, checked by staff on every request of that fund."""

    fund = models.ForeignKey(
        Fund, verbose_name=_("fonds"), on_delete=models.CASCADE, related_name="eligibility_criteria"
    )
    label = models.CharField(_("critère"), max_length=255)
    help_text = models.TextField(
        _("aide pour l'instruction"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)]
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    auto_check = models.CharField(
        _("vérification automatique"),
        max_length=20,
        blank=True,
        choices=[
            ("neighbourhood", _("Quartier couvert par le fonds")),
            ("dates", _("Dates dans l'année du fonds")),
            ("amount", _("Montant dans le plafond")),
            ("budget", _("Budget équilibré")),
            ("attachments", _("Pièces obligatoires jointes (RIB…)")),
        ],
        help_text=_("Ce que le portail vérifie déjà : la grille est pré-remplie pour que l'équipe confirme."),
    )
    is_required = models.BooleanField(
        _("obligatoire"),
        default=True,
        help_text=_("Une demande ne peut être déclarée recevable que si ce critère est rempli."),
    )

    class Meta:
        verbose_name = _("critère de recevabilité")
        verbose_name_plural = _("critères de recevabilité")
        ordering = ["fund", "position", "id"]

    def __str__(self) -> str:
        return self.label


class CriterionCheck(models.Model):
    """Staff's verdict on one criterion for one request: met, not met, or not checked yet (None)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="criterion_checks")
    criterion = models.ForeignKey(
        EligibilityCriterion, verbose_name=_("critère"), on_delete=models.CASCADE, related_name="checks"
    )
    met = models.BooleanField(_("critère rempli"), null=True, blank=True)
    comment = models.TextField(_("commentaire"), blank=True, max_length=2000, validators=[MaxLengthValidator(2000)])
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vérifié par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("vérifié le"), null=True, blank=True)

    class Meta:
        verbose_name = _("vérification d'un critère")
        verbose_name_plural = _("vérifications des critères")
        constraints = [
            models.UniqueConstraint(fields=["application", "criterion"], name="unique_check_per_application_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.criterion_id} = {self.met}"


class StaffNote(models.Model):
    """A private note of the association's staff on a request. The holder never sees it (page, PDF, e-mail)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="staff_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur"), on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("note interne"), max_length=5000, validators=[MaxLengthValidator(5000)])
    created_at = models.DateTimeField(_("écrite le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("note interne")
        verbose_name_plural = _("notes internes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:50]}"


class HolderLink(models.Model):
    """A conflict of interest declared by a person (usually the association's staff): they are linked to a
    holder (member of its board, family...). Like a committee member's link (`CommitteeMemberLink`), it names
    a holder record or a holder's name (matched without regard to case). The person may then neither
    instruct, schedule, decide, pay nor accept the bilan of that holder's requests (`applications.conflicts`).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("compte"), on_delete=models.CASCADE, related_name="holder_links"
    )
    holder = models.ForeignKey(
        Holder,
        verbose_name=_("porteur de projet"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="declared_links",
    )
    holder_name = models.CharField(_("nom du porteur ou de l'association"), max_length=200, blank=True)
    reason = models.CharField(_("nature du lien"), max_length=300)
    created_at = models.DateTimeField(_("déclaré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("lien d'intérêt déclaré")
        verbose_name_plural = _("liens d'intérêt déclarés")
        ordering = ["user", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(holder__isnull=False) | ~Q(holder_name=""), name="holder_link_names_a_holder"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ↔ {self.holder or self.holder_name}"
