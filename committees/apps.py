from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = _("Comités d'attribution")

    def ready(self):
        from applications.models import Application
        from committees.models import Amendment, CommitteeMember, Decision
        from core import public_cache, signals

        signals.watch_committee_seats(CommitteeMember)
        # The showcase shows granted amounts, and the public fields of granted requests: saving a draft (or any
        # request no committee granted) leaves the cached public pages alone.
        public_cache.watch(Decision, Amendment)
        public_cache.watch_if(Application, shown=_granted)


def _granted(application) -> bool:
    from committees.models import Decision

    return Decision.objects.filter(item__application_id=application.pk, outcome=Decision.Outcome.GRANTED).exists()
