from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CvsConfig(AppConfig):
    name = "cvs"
    verbose_name = _("Contrat de ville et des solidarités")
