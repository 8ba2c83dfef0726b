from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Demandes")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from applications.models import Application, Holder, Message, MessageRead
        from applications.services.notices import build_receipt
        from core import public_cache
        from core.outbox import register_attachment

        # The showcase shows granted requests: `committees` watches them (it knows which are granted). A
        # holder's cached space shows their requests and holders.
        public_cache.watch_owned(Application, "created_by_id")
        public_cache.watch_owned(Holder, "owner_id")
        # Its "À faire" block counts unread messages: a new message, or one read, moves the holder's version.
        public_cache.watch_owned(MessageRead, "user_id")

        application_field = Message._meta.get_field("application")

        def message_changed(sender, instance, **_kwargs):
            if application_field.is_cached(instance):
                owner_id = instance.application.created_by_id
            else:  # e.g. deleted with its request: read the owner without loading a row that may be gone
                owner_id = (
                    Application.objects.filter(pk=instance.application_id)
                    .values_list("created_by_id", flat=True)
                    .first()
                )
            public_cache.invalidate_user(owner_id)

        post_save.connect(message_changed, sender=Message, weak=False, dispatch_uid="personal-pages-save-message")
        post_delete.connect(message_changed, sender=Message, weak=False, dispatch_uid="personal-pages-delete-message")
        # The receipt's PDF is built by the worker that delivers the acknowledgement, not in the submit click.
        register_attachment("applications.receipt", build_receipt)
