from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = _("Données ouvertes")

    def ready(self):
        from applications.models import Holder
        from committees.models import Payment
        from core import public_cache

        # The open data files are public pages: a payment moves `conditionsVersement` and
        # `datesPeriodeVersement`, a holder's name or SIRET moves `nomBeneficiaire` (decisions, amendments,
        # requests, funds and associations are already watched by their own apps).
        public_cache.watch(Payment, Holder)
