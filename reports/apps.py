from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Bilans et rapports")

    def ready(self):
        from core import public_cache
        from reports.models import Bilan, BilanAttachment, CvsBilan

        # The showcase shows bilans' figures and consented photos.
        public_cache.watch(Bilan, CvsBilan, BilanAttachment)
