from typing import Any

from django.db import models

from core.models import AuditEntry


def record_audit(
    *, actor, action: str, target: models.Model, summary: str = "", data: dict[str, Any] | None = None
) -> AuditEntry:
    """Write one audit entry. Call it inside the transaction of the change it records."""
    entry = AuditEntry(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        summary=summary[:500],
        data=data or {},
    )
    entry.full_clean()
    entry.save()
    return entry
