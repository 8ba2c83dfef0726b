from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The pages on top of every app (home, personal space, audit log, personal data). Nothing imports it."""

    name = "portal"
    verbose_name = _("Portail")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save

        from applications.models import Application
        from committees.models import CommitteeMember
        from funds.models import AssociationStaff, FunderStaff
        from portal.menu import forget_roles, remember_roles
        from portal.schedules import ensure_periodic_tasks

        post_migrate.connect(ensure_periodic_tasks, sender=self, dispatch_uid="portal_periodic_tasks")

        user_logged_in.connect(remember_roles, dispatch_uid="menu-roles-login")

        # The menu's roles (portal.menu): a changed staff link, funder link or mandate is seen at the next page.
        def role_changed(sender, instance, **_kwargs):
            forget_roles(instance.user_id)

        for model in (AssociationStaff, FunderStaff, CommitteeMember):
            label = model._meta.label
            post_save.connect(role_changed, sender=model, weak=False, dispatch_uid=f"menu-roles-save-{label}")
            post_delete.connect(role_changed, sender=model, weak=False, dispatch_uid=f"menu-roles-delete-{label}")

        def first_request(sender, instance, created=False, raw=False, **_kwargs):
            if created and not raw:
                forget_roles(instance.created_by_id)

        post_save.connect(first_request, sender=Application, weak=False, dispatch_uid="menu-roles-first-request")
