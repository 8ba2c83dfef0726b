"""The daily digest to each carrier association's staff: new requests, new messages from holders, bilans due.

Counts with links, read with one query per kind (never one per association). A run that happens twice on the
same day (two beat processes, a retry) sends one digest per association: a shared-cache lock for the day, and a
check of the outbox for a digest already queued today.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, Message
from applications.rules import bilan_due_on
from applications.workflow import BILAN_OWING
from core import emails
from core.models import OutboxMessage
from funds.models import AssociationStaff, CarrierAssociation
from reports.selectors.bilans import with_grant_date

TOPIC = "digest"
BILAN_SOON_DAYS = 7  # a bilan due within a week (or overdue) is listed


@dataclass
class Digest:
    association: CarrierAssociation
    new_requests: int = 0
    new_messages: int = 0
    bilans_due: int = 0
    recipients: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.new_requests or self.new_messages or self.bilans_due)


def _by_association(rows) -> Counter:
    return Counter({row["association"]: row["n"] for row in rows})


def digests(*, now: datetime.datetime) -> list[Digest]:
    """One digest per association with something to report and someone to tell."""
    since = now - datetime.timedelta(days=1)
    today = timezone.localdate(now)
    new_requests = _by_association(
        Application.objects.filter(submitted_at__gte=since)
        .values(association=F("fund__association_id"))
        .annotate(n=Count("pk"))
    )
    new_messages = _by_association(
        Message.objects.filter(created_at__gte=since, author_id=F("application__created_by_id"))
        .values(association=F("application__fund__association_id"))
        .annotate(n=Count("pk"))
    )
    bilans_due: Counter = Counter()
    owing = with_grant_date(Application.objects.filter(status__in=BILAN_OWING)).values_list(
        "fund__association_id", "ends_at", "grant_decided_on", "fund__bilan_due_days"
    )
    for association_id, ends_at, decided_on, due_days in owing:
        due = bilan_due_on(
            project_end=timezone.localtime(ends_at).date() if ends_at else None,
            decided_on=decided_on,
            due_days=due_days,
        )
        if due is not None and due <= today + datetime.timedelta(days=BILAN_SOON_DAYS):
            bilans_due[association_id] += 1
    recipients: dict[int, list[str]] = {}
    for association_id, email in AssociationStaff.objects.filter(user__is_active=True).values_list(
        "association_id", "user__email"
    ):
        recipients.setdefault(association_id, []).append(email)
    ids = set(new_requests) | set(new_messages) | set(bilans_due)
    result = []
    for association in CarrierAssociation.objects.filter(pk__in=ids).order_by("pk"):
        digest = Digest(
            association=association,
            new_requests=new_requests[association.pk],
            new_messages=new_messages[association.pk],
            bilans_due=bilans_due[association.pk],
            recipients=emails.unique_addresses(recipients.get(association.pk, [])),
        )
        if digest.recipients and not digest.is_empty:
            result.append(digest)
    return result


def send_staff_digests(*, now: datetime.datetime | None = None) -> int:
    """Queue today's digests (once a day per association). Returns how many were queued."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not cache.add(f"portal:digest:{today.isoformat()}", True, timeout=6 * 3600):
        return 0
    start_of_day = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    already = set(
        OutboxMessage.objects.filter(topic=TOPIC, created_at__gte=start_of_day).values_list("target_id", flat=True)
    )
    links = {
        "inbox_url": emails.absolute_url(reverse("staff:inbox")),
        "bilans_url": emails.absolute_url(reverse("reports:staff_bilans")),
    }
    queued = 0
    for digest in digests(now=now):
        if str(digest.association.pk) in already:
            continue
        queued += emails.send_templated(
            name="portal/emails/digest",
            to=digest.recipients,
            context={"digest": digest, "day": today, **links},
            cause=TOPIC,
            target=digest.association,
        )
    return queued
