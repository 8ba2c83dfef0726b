from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Demandes")

    def ready(self):
        from applications.models import Application, Holder
        from applications.services.notices import build_receipt
        from core import public_cache
        from core.outbox import register_attachment

        # The showcase shows granted requests: `committees` watches them (it knows which are granted). A
        # holder's cached space shows their requests and holders.
        public_cache.watch_owned(Application, "created_by_id")
        public_cache.watch_owned(Holder, "owner_id")
        # The receipt's PDF is built by the worker that delivers the acknowledgement, not in the submit click.
        register_attachment("applications.receipt", build_receipt)
