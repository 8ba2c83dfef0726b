from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API de lecture")

    def ready(self):
        # Registers the token scheme with drf-spectacular (the OpenAPI description).
        from api import schema  # noqa: F401
