from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The pages on top of every app (home, personal space, audit log, personal data). Nothing imports it."""

    name = "portal"
    verbose_name = _("Portail")
