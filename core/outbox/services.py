"""The transactional outbox: write the e-mail in the caller's transaction, deliver it after commit, outside
any web request, with retries.

States: pending -> sending (claimed by one delivery, with a conditional UPDATE: two deliveries of the same row at
once send it once) -> sent, or back to pending with `next_attempt_at` pushed back (1, 2, 4... minutes, capped)
after an error, and `failed` once the first attempt of the series is older than OUTBOX_GIVE_UP_SECONDS (a day).
A worker killed mid-send leaves its row `sending`: the sweep puts rows stuck for OUTBOX_STUCK_SECONDS back to
pending and re-queues every pending row that is due.

Delivery never raises: what went wrong is written on the row (`last_error`) and shown to staff and to the
administrator (portal's outbox page).
"""

import base64
import datetime
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.middleware import current_user
from core.models import OutboxMessage
from core.outbox.registry import build_attachment
from core.services import record_audit

logger = logging.getLogger(__name__)

State = OutboxMessage.State
RESENDABLE = (State.FAILED, State.SENT)


def retry_delay(attempts: int) -> int:
    """Seconds before the next attempt after `attempts` failed ones: base, 2 x base, 4 x base... capped."""
    base = settings.OUTBOX_RETRY_BASE_SECONDS
    return int(min(base * 2 ** max(attempts - 1, 0), settings.OUTBOX_RETRY_MAX_SECONDS))


def target_key(target: models.Model | None) -> tuple[str, str]:
    if target is None:
        return "", ""
    return target._meta.label_lower, str(target.pk)


# --- Writing -------------------------------------------------------------------------------------------------


def queue_message(
    *,
    subject: str,
    body: str,
    to: Iterable[str],
    reply_to: Iterable[str] | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
    attachment_builders: list[dict] | None = None,
    topic: str = "",
    template: str = "",
    target: models.Model | None = None,
    actor=None,
) -> OutboxMessage | None:
    """Write one e-mail in the current transaction and deliver it once that transaction commits.

    Returns None (and writes nothing) when `to` is empty. `actor` defaults to the logged-in user of the request.
    """
    recipients = [address for address in to if address]
    if not recipients:
        return None
    actor = actor if actor is not None else current_user()
    target_type, target_id = target_key(target)
    message = OutboxMessage(
        subject=subject[:500],
        body=body,
        recipients=recipients,
        reply_to=[address for address in reply_to or [] if address],
        attachments=[
            {"filename": filename, "mimetype": mimetype, "content_b64": base64.b64encode(content).decode()}
            for filename, content, mimetype in attachments or []
        ],
        attachment_builders=list(attachment_builders or []),
        topic=topic[:60],
        template=template[:200],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        target_type=target_type,
        target_id=target_id,
        next_attempt_at=timezone.now(),
    )
    message.full_clean()
    message.save()
    schedule_delivery(message.pk)
    return message


def enqueue_delivery(pk: int) -> None:
    """Hand the row to the task queue now (in-process when there is no broker)."""
    from core.tasks import deliver_outbox_message

    deliver_outbox_message.delay(pk)


def schedule_delivery(pk: int) -> None:
    """Deliver row `pk` once the current transaction commits (at once outside a transaction).

    `robust`: a broker that cannot be reached must not turn a saved change into an error page; the sweep will
    pick the row up.
    """
    transaction.on_commit(lambda: enqueue_delivery(pk), robust=True)


# --- Delivering ----------------------------------------------------------------------------------------------


def claim(pk: int, *, now: datetime.datetime | None = None) -> bool:
    """Take row `pk` for one delivery: True for exactly one caller while the row is pending and due."""
    now = now or timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    claimed = OutboxMessage.objects.filter(due, pk=pk, state=State.PENDING).update(
        state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return claimed == 1


def email_of(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage(subject=message.subject, body=message.body, to=message.recipients, reply_to=message.reply_to)
    for item in message.attachments:
        email.attach(item["filename"], base64.b64decode(item["content_b64"]), item["mimetype"])
    for spec in message.attachment_builders:
        email.attach(*build_attachment(spec))
    return email


def deliver(pk: int) -> int | None:
    """Send row `pk` if it is pending and due. Returns the seconds to wait before the next try, or None.

    SMTP waits at most EMAIL_TIMEOUT (Django's SMTP back-end reads the setting).
    """
    if not claim(pk):
        return None
    message = OutboxMessage.objects.get(pk=pk)
    try:
        email_of(message).send()
    except Exception as error:  # any failure (SMTP, network, a builder) is recorded, never raised
        return record_failure(message, error)
    OutboxMessage.objects.filter(pk=pk).update(
        state=State.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None
    )
    return None


def record_failure(message: OutboxMessage, error: Exception) -> int | None:
    now = timezone.now()
    text = f"{type(error).__name__}: {error}"[:2000]
    logger.warning("E-mail #%s (attempt %s) failed: %s", message.pk, message.attempts, text)
    if (now - message.queued_at).total_seconds() >= settings.OUTBOX_GIVE_UP_SECONDS:
        OutboxMessage.objects.filter(pk=message.pk).update(state=State.FAILED, last_error=text, next_attempt_at=None)
        return None
    delay = retry_delay(message.attempts)
    OutboxMessage.objects.filter(pk=message.pk).update(
        state=State.PENDING, last_error=text, next_attempt_at=now + datetime.timedelta(seconds=delay)
    )
    return delay


def sweep(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """Put stuck `sending` rows back to pending, then queue every pending row that is due. Returns how many."""
    now = now or timezone.now()
    stuck_before = now - datetime.timedelta(seconds=settings.OUTBOX_STUCK_SECONDS)
    OutboxMessage.objects.filter(state=State.SENDING, claimed_at__lt=stuck_before).update(
        state=State.PENDING, next_attempt_at=now, last_error="Envoi interrompu (processus arrêté) : nouvel essai."
    )
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    pks = list(
        OutboxMessage.objects.filter(due, state=State.PENDING)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in pks:
        schedule_delivery(pk)
    return len(pks)


# --- Resending -----------------------------------------------------------------------------------------------


def _requeue(message: OutboxMessage) -> OutboxMessage:
    """A failed row goes back to pending; a sent one is copied into a new row (what left stays recorded)."""
    now = timezone.now()
    if message.state == State.SENT:
        message.pk = None
        message._state.adding = True
        message.sent_at = None
        message.attempts = 0
    message.state = State.PENDING
    message.queued_at = now
    message.next_attempt_at = now
    message.last_error = ""
    message.save()
    schedule_delivery(message.pk)
    return message


def resend(*, message: OutboxMessage, actor) -> OutboxMessage:
    """Send a failed or sent e-mail again (audit-logged). Pending or sending ones are left as they are."""
    with transaction.atomic():
        locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if locked.state not in RESENDABLE:
            return locked
        original_pk = locked.pk
        queued = _requeue(locked)
        record_audit(
            actor=actor,
            action="outbox.resent",
            target=queued,
            summary=queued.subject,
            data={"from": original_pk, "recipients": queued.recipients, "topic": queued.topic},
        )
    return queued


def resend_failures(*, actor, target: models.Model | None = None) -> int:
    """Queue again every failed e-mail (about `target` only, when given). Returns how many; audit-logged."""
    with transaction.atomic():
        failed = OutboxMessage.objects.select_for_update().filter(state=State.FAILED)
        if target is not None:
            target_type, target_id = target_key(target)
            failed = failed.filter(target_type=target_type, target_id=target_id)
        messages = list(failed)
        for message in messages:
            _requeue(message)
            record_audit(
                actor=actor,
                action="outbox.resent",
                target=message,
                summary=message.subject,
                data={"from": message.pk, "recipients": message.recipients, "topic": message.topic, "bulk": True},
            )
    return len(messages)
