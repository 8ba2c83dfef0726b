from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from django.db.models.signals import post_save

        from core.models import AuditEntry
        from webhooks import signals

        # Every state change of the portal writes an audit entry in its own transaction: listening to those
        # entries keeps the webhooks out of every service.
        post_save.connect(signals.on_audit_entry, sender=AuditEntry, dispatch_uid="webhooks.on_audit_entry")
