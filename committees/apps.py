from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = _("Comités d'attribution")

    def ready(self):
        from committees.models import Amendment, CommitteeMember, Decision
        from core import public_cache, signals

        signals.watch_committee_seats(CommitteeMember)
        # The showcase shows granted amounts.
        public_cache.watch(Decision, Amendment)
