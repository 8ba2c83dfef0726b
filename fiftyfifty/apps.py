from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiftyFiftyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "fiftyfifty"
    verbose_name = _("Fifty/fifty et initiatives")

    def ready(self):
        from core import public_cache
        from fiftyfifty.models import Initiative, Project

        # The public showcase shows carried-out public projects and validated initiatives only: a save of
        # anything else (an idea being discussed, a declaration to validate) keeps the cached pages.
        public_cache.watch_if(Project, shown=lambda row: row.is_showcased, compare_stored=True)
        public_cache.watch_if(Initiative, shown=lambda row: row.is_showcased, compare_stored=True)
