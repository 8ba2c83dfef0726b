"""`{% outbox_messages target %}`: the e-mails about one object, with their state and "Renvoyer" buttons.

    {% load outbox %}{% outbox_messages application %}

The buttons post to the portal's resend views, which check that the user may manage the object.
"""

from django import template

from core.models import OutboxMessage
from core.outbox import target_key

register = template.Library()

LIMIT = 50


@register.inclusion_tag("core/_outbox_messages.html", takes_context=True)
def outbox_messages(context, target):
    target_type, target_id = target_key(target)
    rows = list(OutboxMessage.objects.filter(target_type=target_type, target_id=target_id)[:LIMIT])
    request = context.get("request")
    return {
        "rows": rows,
        "failures": sum(row.state == OutboxMessage.State.FAILED for row in rows),
        "target_type": target_type,
        "target_id": target_id,
        "target_key": f"{target_type.replace('.', '-')}-{target_id}",
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }
