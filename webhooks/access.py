"""Fetch a webhook endpoint or delivery for a user: 404 for anything they may not manage."""

from django.http import Http404

from core.access import get_or_404_for
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.permissions import manageable_endpoints, may_use_webhooks


def require_webhook_user(user) -> None:
    if not may_use_webhooks(user):
        raise Http404


def get_endpoint_for_user(user, pk: int) -> WebhookEndpoint:
    require_webhook_user(user)
    return get_or_404_for(user, manageable_endpoints(user).select_related("association", "created_by"), pk=pk)


def get_delivery_for_user(user, pk) -> WebhookDelivery:
    require_webhook_user(user)
    deliveries = WebhookDelivery.objects.select_related("endpoint__association")
    return get_or_404_for(user, deliveries, pk=pk, endpoint__in=manageable_endpoints(user))
