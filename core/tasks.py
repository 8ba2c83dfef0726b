"""Core background tasks: deliver one outbox row, sweep the outbox. Scheduled ones are listed in portal.schedules.

Tasks are acknowledged late (settings.CELERY_TASK_ACKS_LATE): a worker killed mid-task leaves the message in the
broker and its row `sending`; the sweep puts it back. Running a delivery twice at once sends once (core.outbox
claims the row with a conditional UPDATE).
"""

from celery import shared_task
from django.conf import settings

from core import outbox


@shared_task(bind=True, ignore_result=True, acks_late=True)
def deliver_outbox_message(self, pk: int) -> None:
    delay = outbox.deliver(pk)
    # In a worker, try again after the back-off; in-process (no broker), the sweep does it: a web request must not
    # wait for a retry.
    if delay is not None and not self.request.is_eager and delay <= settings.OUTBOX_COUNTDOWN_MAX_SECONDS:
        deliver_outbox_message.apply_async((pk,), countdown=delay)


@shared_task(ignore_result=True)
def sweep_outbox() -> int:
    return outbox.sweep()


@shared_task(ignore_result=True, acks_late=True)
def build_generated_document(pk: int) -> None:
    """Build one document asked for through core.generated_documents (a long PDF, outside any web request)."""
    from core import generated_documents

    generated_documents.build(pk)
