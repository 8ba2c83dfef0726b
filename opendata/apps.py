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
        # A holder is public through its granted requests only: saving the holder of drafts moves nothing.
        public_cache.watch(Payment)
        public_cache.watch_if(Holder, shown=_has_granted_request)


def _has_granted_request(holder) -> bool:
    from committees.models import Decision

    return Decision.objects.filter(item__application__holder_id=holder.pk, outcome=Decision.Outcome.GRANTED).exists()
