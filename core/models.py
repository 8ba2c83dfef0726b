from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """An immutable record of a state change: who did what to which object, and when."""

    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.CharField(_("type d'objet"), max_length=80)
    target_id = models.CharField(_("identifiant de l'objet"), max_length=40)
    summary = models.CharField(_("résumé"), max_length=500, blank=True)
    data = models.JSONField(_("détails"), default=dict, blank=True)

    class Meta:
        verbose_name = _("entrée du journal d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.action} {self.target_type}#{self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("Audit entries cannot be modified.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Audit entries cannot be deleted.")


class OutboxMessage(models.Model):
    """One e-mail the portal decided to send, written in the transaction of the change that causes it.

    Subject and body are rendered (in French) when the row is written, so delivery needs no model instance and a
    later change of the object does not change what was announced. Attachments that are slow to build (a PDF
    receipt) are kept as specs, `{"builder": "applications.receipt", "args": {...}, "filename": ...}`, built by
    the worker through `core.outbox.register_attachment()`. A worker delivers the row (core.tasks); the sweep
    re-queues what a lost task left behind. See core/outbox/ for the states.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("en attente d'envoi")
        SENDING = "sending", _("envoi en cours")
        SENT = "sent", _("envoyé")
        FAILED = "failed", _("échec")

    created_at = models.DateTimeField(_("créé le"), auto_now_add=True, db_index=True)
    # When the current series of attempts began (creation, or the last "Renvoyer"): retries stop a day after.
    queued_at = models.DateTimeField(_("mis en file le"), default=timezone.now)
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    topic = models.CharField(_("sujet"), max_length=60, blank=True, db_index=True)
    template = models.CharField(_("modèle"), max_length=200, blank=True)
    recipients = models.JSONField(_("destinataires"), default=list)
    reply_to = models.JSONField(_("répondre à"), default=list, blank=True)
    subject = models.CharField(_("objet"), max_length=500)
    body = models.TextField(_("texte"))
    # [{"filename", "mimetype", "content_b64"}]: small files given as bytes by the caller.
    attachments = models.JSONField(_("pièces jointes"), default=list, blank=True)
    # [{"builder", "args", "filename"}]: built at delivery time.
    attachment_builders = models.JSONField(_("pièces jointes à construire"), default=list, blank=True)
    attempts = models.PositiveIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), null=True, blank=True, db_index=True)
    claimed_at = models.DateTimeField(_("pris en charge le"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("à l'origine"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target_type = models.CharField(_("type d'objet"), max_length=80, blank=True)
    target_id = models.CharField(_("identifiant de l'objet"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("e-mail sortant")
        verbose_name_plural = _("e-mails sortants")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["state", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.recipients)} ({self.get_state_display()})"


def generated_document_path(instance, filename: str) -> str:
    kind = instance.kind.replace(".", "-")
    return f"private/generated/{kind}/{instance.key}/{filename}"


class GeneratedDocument(models.Model):
    """A document built in the background (core.generated_documents): a long PDF that a web request must not
    render itself. `kind` names a builder registered by an app, `key` what it is built for (e.g. a session's
    id), `fingerprint` what the document shows (an up-to-date ready file is reused rather than built again).
    Never served by URL: the app's view checks who may download it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En préparation")
        READY = "ready", _("Prêt")
        FAILED = "failed", _("Échec")

    kind = models.CharField(_("type de document"), max_length=80)
    key = models.CharField(_("objet du document"), max_length=80)
    fingerprint = models.CharField(_("empreinte du contenu"), max_length=64)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(_("fichier"), upload_to=generated_document_path, max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("taille (octets)"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("demandé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    started_at = models.DateTimeField(_("préparation commencée le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    error = models.CharField(_("erreur"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("document préparé en arrière-plan")
        verbose_name_plural = _("documents préparés en arrière-plan")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "key", "fingerprint"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} ({self.status})"
