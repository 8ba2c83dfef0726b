"""Writes of the webhooks app: endpoints (create, edit, disable, enable), events queued, a delivery replayed.

Each endpoint change is audit-logged in its transaction. Deliveries are sent by webhooks.tasks once the
transaction that created them commits.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import record_audit
from funds.models import CarrierAssociation
from webhooks import destinations, events
from webhooks.models import Event, WebhookDelivery, WebhookEndpoint
from webhooks.permissions import may_manage_endpoint


def _refused() -> ValidationError:
    return ValidationError({NON_FIELD_ERRORS: [_("Vous ne pouvez pas gérer ce point de réception.")]})


def _check_fields(*, url: str, selected: list[str]) -> None:
    errors: dict[str, list[str]] = {}
    try:
        destinations.resolve(url)
    except destinations.UnsafeDestination as error:
        errors["url"] = [str(error)]
    unknown = [event for event in selected if event not in Event.values]
    if not selected or unknown:
        errors["events"] = [_("Choisissez au moins un évènement dans la liste.")]
    if errors:
        raise ValidationError(errors)


def _queue(delivery_ids: list) -> None:
    from webhooks import tasks

    for delivery_id in delivery_ids:
        transaction.on_commit(lambda pk=delivery_id: tasks.deliver.delay(str(pk)), robust=True)


def create_endpoint(
    *, user, association: CarrierAssociation | None, url: str, events: list[str], description: str = ""
) -> WebhookEndpoint:
    """Register a URL for some events of an association's funds (None: every fund, administrators only)."""
    endpoint = WebhookEndpoint(association=association, url=url.strip(), events=sorted(set(events)))
    endpoint.description = description.strip()
    if not may_manage_endpoint(user, endpoint):
        raise _refused()
    _check_fields(url=endpoint.url, selected=endpoint.events)
    with transaction.atomic():
        endpoint.created_by = user
        endpoint.full_clean()
        endpoint.save()
        record_audit(
            actor=user,
            action="webhooks.create_endpoint",
            target=endpoint,
            summary=endpoint.url,
            data={"association": association.pk if association else None, "events": endpoint.events},
        )
    return endpoint


def update_endpoint(*, user, endpoint: WebhookEndpoint, url: str, events: list[str], description: str = "") -> None:
    if not may_manage_endpoint(user, endpoint):
        raise _refused()
    url, selected = url.strip(), sorted(set(events))
    _check_fields(url=url, selected=selected)
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        before = {"url": locked.url, "events": locked.events, "description": locked.description}
        locked.url, locked.events, locked.description = url, selected, description.strip()
        locked.full_clean()
        locked.save()
        after = {"url": locked.url, "events": locked.events, "description": locked.description}
        changed = {key: {"before": before[key], "after": after[key]} for key in before if before[key] != after[key]}
        record_audit(actor=user, action="webhooks.update_endpoint", target=locked, summary=url, data=changed)
    endpoint.url, endpoint.events, endpoint.description = locked.url, locked.events, locked.description


def _set_active(*, user, endpoint: WebhookEndpoint, active: bool) -> None:
    if not may_manage_endpoint(user, endpoint):
        raise _refused()
    if active:
        _check_fields(url=endpoint.url, selected=endpoint.events)
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        locked.is_active = active
        locked.save(update_fields=["is_active", "updated_at"])
        action = "webhooks.enable_endpoint" if active else "webhooks.disable_endpoint"
        record_audit(actor=user, action=action, target=locked, summary=locked.url)
    endpoint.is_active = active


def disable_endpoint(*, user, endpoint: WebhookEndpoint) -> None:
    """Stop sending: no new delivery, and the planned retries are dropped when their turn comes."""
    _set_active(user=user, endpoint=endpoint, active=False)


def enable_endpoint(*, user, endpoint: WebhookEndpoint) -> None:
    """Send again (the URL is checked again first)."""
    _set_active(user=user, endpoint=endpoint, active=True)


def replay_delivery(*, user, delivery: WebhookDelivery) -> None:
    """ "Rejouer": send the same event again now, with a new day of retries if it fails."""
    if not may_manage_endpoint(user, delivery.endpoint):
        raise _refused()
    if not delivery.endpoint.is_active:
        raise ValidationError(
            {NON_FIELD_ERRORS: [_("Ce point de réception est désactivé : réactivez-le avant de rejouer.")]}
        )
    now = timezone.now()
    with transaction.atomic():
        locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        locked.state = WebhookDelivery.State.PENDING
        locked.next_attempt_at = now
        locked.window_started_at = now
        locked.save(update_fields=["state", "next_attempt_at", "window_started_at"])
        record_audit(
            actor=user,
            action="webhooks.replay_delivery",
            target=locked.endpoint,
            summary=locked.event,
            data={"delivery": str(locked.pk), "event_id": locked.event_id},
        )
        _queue([locked.pk])
    delivery.state, delivery.next_attempt_at = locked.state, locked.next_attempt_at


def enqueue_event(*, event: str, event_id: str, occurred_at, target_type: str, target_id: str) -> list:
    """One delivery per active endpoint subscribed to `event` for the fund's association (or global)."""
    subject = events.event_subject(event=event, target_type=target_type, target_id=target_id)
    if subject is None:
        return []
    application, extra = subject
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(is_active=True).filter(
            Q(association_id=application.fund.association_id) | Q(association__isnull=True)
        )
        if event in endpoint.events
    ]
    if not endpoints:
        return []
    payload = events.build_payload(
        event=event, event_id=event_id, occurred_at=occurred_at, application=application, extra=extra
    )
    now = timezone.now()
    with transaction.atomic():
        deliveries = [
            WebhookDelivery.objects.create(
                endpoint=endpoint,
                event=event,
                event_id=event_id,
                payload=payload,
                next_attempt_at=now,
                window_started_at=now,
            )
            for endpoint in endpoints
        ]
        _queue([delivery.pk for delivery in deliveries])
    return deliveries
