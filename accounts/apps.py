from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Comptes")

    def ready(self):
        from accounts.models import User
        from core import public_cache, signals

        signals.watch_user_flags(User)
        # A holder's cached space shows the account's name.
        public_cache.watch_owned(User, "pk")
