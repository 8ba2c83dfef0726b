"""Audit entries become webhook deliveries, once the transaction that wrote them has committed."""

from django.db import transaction

from webhooks.events import event_for_action


def on_audit_entry(sender, instance, created=False, raw=False, **kwargs):
    if raw or not created:
        return
    event = event_for_action(instance.action)
    if event is None:
        return
    from webhooks import services
    from webhooks.models import WebhookEndpoint

    if not WebhookEndpoint.objects.filter(is_active=True).exists():
        return  # the common case: nobody listens, nothing is queued
    arguments = {
        "event": str(event),
        "event_id": f"evt_{instance.pk}",
        "occurred_at": instance.created_at,
        "target_type": instance.target_type,
        "target_id": instance.target_id,
    }
    # robust: a webhook problem never turns a committed change into an error page.
    transaction.on_commit(lambda: services.enqueue_event(**arguments), robust=True)
