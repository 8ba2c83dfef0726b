"""Who may manage webhook endpoints: the staff of the endpoint's carrier association, or an administrator.

An endpoint without association receives every fund's events: administrators only.
"""

from django.db.models import QuerySet

from funds.models import CarrierAssociation
from funds.permissions import is_any_association_staff, is_association_staff
from webhooks.models import WebhookEndpoint


def may_use_webhooks(user) -> bool:
    return is_any_association_staff(user)


def may_manage_endpoint(user, endpoint: WebhookEndpoint) -> bool:
    if not user.is_authenticated:
        return False
    if endpoint.association_id is None:
        return user.is_superuser
    return is_association_staff(user, endpoint.association)


def manageable_associations(user) -> QuerySet[CarrierAssociation]:
    if not user.is_authenticated:
        return CarrierAssociation.objects.none()
    if user.is_superuser:
        return CarrierAssociation.objects.all()
    return CarrierAssociation.objects.filter(staff_links__user=user)


def manageable_endpoints(user) -> QuerySet[WebhookEndpoint]:
    if not user.is_authenticated:
        return WebhookEndpoint.objects.none()
    if user.is_superuser:
        return WebhookEndpoint.objects.all()
    return WebhookEndpoint.objects.filter(association__staff_links__user=user)
