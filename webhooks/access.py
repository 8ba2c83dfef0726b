"""Fetch a webhook endpoint or delivery for a user: 404 for anything they may not manage."""

from django.http import Http404

from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.permissions import manageable_endpoints, may_use_webhooks


def require_webhook_user(user) -> None:
    if not may_use_webhooks(user):
        raise Http404


def get_endpoint_for_user(user, pk: int) -> WebhookEndpoint:
    require_webhook_user(user)
    endpoint = manageable_endpoints(user).select_related("association", "created_by").filter(pk=pk).first()
    if endpoint is None:
        raise Http404
    return endpoint


def get_delivery_for_user(user, pk) -> WebhookDelivery:
    require_webhook_user(user)
    delivery = (
        WebhookDelivery.objects.select_related("endpoint__association")
        .filter(pk=pk, endpoint__in=manageable_endpoints(user))
        .first()
    )
    if delivery is None:
        raise Http404
    return delivery
