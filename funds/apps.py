from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "funds"
    verbose_name = _("Fonds et associations porteuses")

    def ready(self):
        from core import public_cache, signals
        from funds.models import (
            AssociationStaff,
            CarrierAssociation,
            Fund,
            FundCoFunder,
            FunderStaff,
            Neighbourhood,
            Theme,
        )

        signals.watch_staff_rows(AssociationStaff, kind="association_staff", organisation_field="association")
        signals.watch_staff_rows(FunderStaff, kind="funder_staff", organisation_field="funder")
        # The public pages (home, open calls, showcase) show funds, their funders, themes and neighbourhoods.
        public_cache.watch(Fund, FundCoFunder, CarrierAssociation, Neighbourhood, Theme)
