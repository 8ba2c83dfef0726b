"""The transactional outbox (see core.outbox.services) and the registry of attachments built at delivery."""

from core.outbox.registry import UnknownAttachmentBuilder, build_attachment, register_attachment
from core.outbox.services import (
    claim,
    deliver,
    enqueue_delivery,
    queue_message,
    resend,
    resend_failures,
    retry_delay,
    schedule_delivery,
    sweep,
    target_key,
)

__all__ = [
    "UnknownAttachmentBuilder",
    "build_attachment",
    "claim",
    "deliver",
    "enqueue_delivery",
    "queue_message",
    "register_attachment",
    "resend",
    "resend_failures",
    "retry_delay",
    "schedule_delivery",
    "sweep",
    "target_key",
]
