"""Webhook endpoints registered by an association's staff (or an administrator), and their deliveries.

A delivery is one event sent to one endpoint; each HTTP try is a `WebhookAttempt`, kept so the staff see
what the receiver answered. The secret signs every body (see webhooks.signing and docs/webhooks.md).
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from funds.models import CarrierAssociation


class Event(models.TextChoices):
    REQUEST_FILED = "request.filed", _("Demande déposée")
    DECISION_TAKEN = "decision.taken", _("Décision du comité")
    PAYMENT_RECORDED = "payment.recorded", _("Versement enregistré")
    BILAN_FILED = "bilan.filed", _("Bilan déposé")


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """A URL that receives the events of one association's funds, or of every fund (administrators only)."""

    association = models.ForeignKey(
        CarrierAssociation,
        verbose_name=_("association porteuse"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        help_text=_("Vide : les évènements de tous les fonds (administrateurs seulement)."),
    )
    url = models.URLField(_("adresse de réception (URL)"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("évènements"), default=list)
    secret = models.CharField(_("secret de signature"), max_length=100, default=new_secret, editable=False)
    is_active = models.BooleanField(_("actif"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("créé par"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("point de réception webhook")
        verbose_name_plural = _("points de réception webhook")
        ordering = ["association__name", "url", "id"]

    def __str__(self) -> str:
        return self.url

    def event_labels(self) -> list[str]:
        return [str(Event(event).label) for event in self.events if event in Event.values]


class WebhookDelivery(models.Model):
    """One event for one endpoint: the payload as sent, its state and when it is tried next."""

    class State(models.TextChoices):
        PENDING = "pending", _("En attente")
        RETRYING = "retrying", _("Nouvel essai prévu")
        DELIVERED = "delivered", _("Livrée")
        FAILED = "failed", _("Abandonnée")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("évènement"), max_length=40, choices=Event.choices)
    event_id = models.CharField(_("identifiant de l'évènement"), max_length=40)
    payload = models.JSONField(_("contenu"))
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    attempt_count = models.PositiveIntegerField(_("essais"), default=0)
    next_attempt_at = models.DateTimeField(_("prochain essai"), null=True, blank=True, db_index=True)
    # Retries stop one day (WEBHOOKS_RETRY_WINDOW) after this moment: the creation, or the last "Rejouer".
    window_started_at = models.DateTimeField(_("début de la période d'essais"))
    delivered_at = models.DateTimeField(_("livrée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("livraison webhook")
        verbose_name_plural = _("livraisons webhook")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.state})"


class WebhookAttempt(models.Model):
    """One HTTP try of a delivery: when, what the receiver answered (or the network error)."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    attempted_at = models.DateTimeField(_("essayé le"))
    status_code = models.PositiveSmallIntegerField(_("code de réponse"), null=True, blank=True)
    error = models.CharField(_("erreur"), max_length=500, blank=True)
    response_excerpt = models.TextField(_("début de la réponse"), blank=True)
    duration_ms = models.PositiveIntegerField(_("durée (ms)"), default=0)

    class Meta:
        verbose_name = _("essai de livraison")
        verbose_name_plural = _("essais de livraison")
        ordering = ["attempted_at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.attempted_at:%d/%m/%Y %H:%M} {self.status_code or self.error}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
