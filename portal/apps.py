from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The pages on top of every app (home, personal space, audit log, personal data). Nothing imports it."""

    name = "portal"
    verbose_name = _("Portail")

    def ready(self):
        from portal.schedules import ensure_periodic_tasks

        post_migrate.connect(ensure_periodic_tasks, sender=self, dispatch_uid="portal_periodic_tasks")
