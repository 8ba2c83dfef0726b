from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevdataConfig(AppConfig):
    """Demo data (`seed_demo`) and the benchmark's load data (`generate_load_data`). Nothing imports it."""

    name = "devdata"
    verbose_name = _("Données de démonstration")
