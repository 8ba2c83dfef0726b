"""Reminders sent to holders whose bilan is due or late."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Application


class BilanReminder(models.Model):
    """A reminder e-mail sent about a bilan: at most one of each kind per request."""

    class Kind(models.TextChoices):
        BEFORE_7 = "before_7", _("7 jours avant la date limite")
        AFTER_7 = "after_7", _("7 jours après la date limite")
        AFTER_30 = "after_30", _("30 jours après la date limite")
        MANUAL = "manual", _("Relance par l'équipe")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="bilan_reminders")
    kind = models.CharField(_("relance"), max_length=10, choices=Kind.choices)
    due_date = models.DateField(_("date limite du bilan"))
    recipient = models.EmailField(_("destinataire"))
    sent_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    # Who sent it, for a relance by the staff (the scheduled ones have no author).
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("envoyée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("relance de bilan")
        verbose_name_plural = _("relances de bilan")
        ordering = ["-sent_at"]
        constraints = [
            # The scheduled reminders go once each; the staff may chase again (`MANUAL_REMINDER_GAP` apart).
            models.UniqueConstraint(
                fields=["application", "kind"], condition=~Q(kind="manual"), name="unique_bilan_reminder_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.get_kind_display()}"


# Days from the due date to each reminder, in the order they are sent.
REMINDER_OFFSETS: dict[str, int] = {
    BilanReminder.Kind.BEFORE_7: -7,
    BilanReminder.Kind.AFTER_7: 7,
    BilanReminder.Kind.AFTER_30: 30,
}

# A staff member's "Relancer" is refused if any reminder went to the holder less than this long ago.
MANUAL_REMINDER_GAP = datetime.timedelta(hours=24)
