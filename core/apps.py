from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Socle du portail")

    def ready(self):
        from applications.models import Application
        from committees.models import Amendment, Decision
        from core import public_cache, signals
        from funds.models import CarrierAssociation, Fund, FundCoFunder, Neighbourhood, Theme
        from reports.models import Bilan, BilanAttachment, CvsBilan

        signals.connect()
        # What the public pages (home, open calls, showcase) show.
        public_cache.watch(
            Application,
            Decision,
            Amendment,
            Bilan,
            CvsBilan,
            BilanAttachment,
            Fund,
            FundCoFunder,
            CarrierAssociation,
            Neighbourhood,
            Theme,
        )
