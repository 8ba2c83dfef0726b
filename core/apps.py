from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Socle du portail")

    def ready(self):
        from core import converters, signals

        converters.register()
        signals.connect_audit_log()
