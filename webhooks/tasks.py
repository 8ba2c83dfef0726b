"""Background tasks of the webhooks (Celery): one delivery, and the periodic sweep of due retries."""

from celery import shared_task

from webhooks import delivery


@shared_task(name="webhooks.deliver", ignore_result=True)
def deliver(delivery_id: str) -> None:
    delivery.attempt_delivery(delivery_id=delivery_id)


@shared_task(name="webhooks.retry_due", ignore_result=True)
def retry_due() -> int:
    return delivery.retry_due()
