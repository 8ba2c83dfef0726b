from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Socle du portail")

    def ready(self):
        from accounts.models import User
        from applications.models import Application, Holder
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
        # What a user's own cached pages (the holder's space) show.
        public_cache.watch_owned(Application, "created_by_id")
        public_cache.watch_owned(Holder, "owner_id")
        public_cache.watch_owned(User, "pk")
