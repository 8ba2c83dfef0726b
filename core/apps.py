from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Socle du portail")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from core import converters, middleware, signals

        converters.register()
        user_logged_in.connect(middleware.stamp_login, dispatch_uid="portal_idle_session_stamp")
        signals.connect_audit_log()
