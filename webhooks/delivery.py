"""Sending one delivery: claim it, POST it signed, record the attempt, plan the next try or give up.

Retries: after a failure (a network error or any answer but 2xx) the next try waits 30 s, then twice as long
each time (1 min, 2 min, 4 min...), at most 6 h between two tries; once the next try would fall more than
`WEBHOOKS_RETRY_WINDOW` (one day) after the delivery was created (or replayed), it is abandoned. With a
broker, each retry is a task queued with that countdown; without one (tasks run in-process), the periodic
sweep `retry_due` (beat, or `manage.py deliver_webhooks`) sends what is due. Either way the row's
`next_attempt_at` is the truth: a task that comes early or twice finds nothing to do.
"""

import datetime
import http.client
import json
import logging
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from webhooks import destinations, signing, transport
from webhooks.models import WebhookAttempt, WebhookDelivery

logger = logging.getLogger(__name__)

FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 6 * 3600
TIMEOUT_SECONDS = 10
# While one worker sends, the row is out of reach of the others for this long.
CLAIM_SECONDS = 5 * 60
SWEEP_BATCH = 100
USER_AGENT = "PortailPIC-Webhooks/1.0"


def retry_window() -> datetime.timedelta:
    return datetime.timedelta(seconds=getattr(settings, "WEBHOOKS_RETRY_WINDOW_SECONDS", 24 * 3600))


def retry_delay(attempt_count: int) -> int:
    """Seconds to wait after the `attempt_count`-th failed try."""
    return min(FIRST_RETRY_SECONDS * 2 ** max(attempt_count - 1, 0), MAX_RETRY_SECONDS)


def body_bytes(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _claim(delivery_id, now: datetime.datetime) -> WebhookDelivery | None:
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.state not in (WebhookDelivery.State.PENDING, WebhookDelivery.State.RETRYING):
            return None
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
            return None
        endpoint = delivery.endpoint
        if not endpoint.is_active:
            delivery.state, delivery.next_attempt_at = WebhookDelivery.State.FAILED, None
            delivery.save(update_fields=["state", "next_attempt_at"])
            return None
        delivery.next_attempt_at = now + datetime.timedelta(seconds=CLAIM_SECONDS)
        delivery.save(update_fields=["next_attempt_at"])
    return delivery


def _send(delivery: WebhookDelivery) -> dict:
    """POST the delivery once; the attempt's fields (status code or error, excerpt, duration)."""
    endpoint = delivery.endpoint
    body = body_bytes(delivery.payload)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Portail-Event": delivery.event,
        "X-Portail-Delivery": str(delivery.pk),
        "X-Portail-Signature": signing.signature_header(secret=endpoint.secret, timestamp=timestamp, body=body),
    }
    started = time.monotonic()
    result = {"status_code": None, "error": "", "response_excerpt": ""}
    try:
        _, _, _, addresses = destinations.resolve(endpoint.url)
        response = transport.post(
            url=endpoint.url, address=addresses[0], body=body, headers=headers, timeout=TIMEOUT_SECONDS
        )
        result["status_code"], result["response_excerpt"] = response.status_code, response.excerpt
        if not 200 <= response.status_code < 300:
            result["error"] = f"HTTP {response.status_code}"
    except destinations.UnsafeDestination as error:
        result["error"] = str(error)
    except (OSError, http.client.HTTPException) as error:
        result["error"] = f"{type(error).__name__}: {error}"[:500]
    result["duration_ms"] = int((time.monotonic() - started) * 1000)
    return result


def _schedule(delivery_id, delay: int) -> None:
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return  # in-process tasks would run at once, countdown or not: the sweep sends it when due
    from webhooks import tasks

    transaction.on_commit(lambda: tasks.deliver.apply_async((str(delivery_id),), countdown=delay), robust=True)


def _record(delivery: WebhookDelivery, result: dict, *, attempted_at: datetime.datetime) -> WebhookDelivery:
    now = timezone.now()
    with transaction.atomic():
        locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        WebhookAttempt.objects.create(delivery=locked, attempted_at=attempted_at, **result)
        locked.attempt_count += 1
        if result["status_code"] is not None and not result["error"]:
            locked.state, locked.delivered_at, locked.next_attempt_at = WebhookDelivery.State.DELIVERED, now, None
        else:
            delay = retry_delay(locked.attempt_count)
            next_at = now + datetime.timedelta(seconds=delay)
            if next_at <= locked.window_started_at + retry_window():
                locked.state, locked.next_attempt_at = WebhookDelivery.State.RETRYING, next_at
                _schedule(locked.pk, delay)
            else:
                locked.state, locked.next_attempt_at = WebhookDelivery.State.FAILED, None
        locked.save(update_fields=["attempt_count", "state", "delivered_at", "next_attempt_at"])
    return locked


def attempt_delivery(*, delivery_id) -> WebhookDelivery | None:
    """One try of a due delivery; None when it is not due (already sent, planned later, being sent)."""
    now = timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return None
    result = _send(delivery)
    if result["error"]:
        logger.info("Webhook delivery %s failed: %s", delivery.pk, result["error"])
    return _record(delivery, result, attempted_at=now)


def retry_due() -> int:
    """Send the deliveries whose next try is due; how many were tried."""
    due = list(
        WebhookDelivery.objects.filter(
            state__in=(WebhookDelivery.State.PENDING, WebhookDelivery.State.RETRYING),
            next_attempt_at__lte=timezone.now(),
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    return sum(attempt_delivery(delivery_id=pk) is not None for pk in due)
