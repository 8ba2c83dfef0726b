"""What a request said when the committee deferred it, and what its holder changed before sending it back."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.models.requests import Application


class DeferralRevision(models.Model):
    """One deferral of a request: the committee's request, the request's fields at that moment (`snapshot`, as
    displayed text by field name) and the documents it had; once the holder sends it back, the `changes` (field
    name, old and new text) and the documents added, as they were then."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="deferral_revisions")
    reason = models.TextField(
        _("ce que le comité demande"), blank=True, max_length=5000, validators=[MaxLengthValidator(5000)]
    )
    deferred_at = models.DateTimeField(_("ajournée le"), auto_now_add=True, db_index=True)
    snapshot = models.JSONField(_("contenu au moment de l'ajournement"), default=dict, blank=True)
    attachment_ids = models.JSONField(_("documents au moment de l'ajournement"), default=list, blank=True)
    sent_back_at = models.DateTimeField(_("renvoyée le"), null=True, blank=True)
    sent_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("renvoyée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changes = models.JSONField(_("champs modifiés"), default=list, blank=True)
    attachments_added = models.JSONField(_("documents ajoutés"), default=list, blank=True)

    class Meta:
        verbose_name = _("ajournement d'une demande")
        verbose_name_plural = _("ajournements des demandes")
        ordering = ["application", "deferred_at", "id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.deferred_at:%Y-%m-%d}"
