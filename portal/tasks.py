"""Scheduled work that reads several apps (run by Celery beat; see portal.schedules for the schedule).

Each task may run twice at once without doing its work twice: the bilan reminders are one row per reminder
(reports.BilanReminder), the purge is idempotent, the digest takes a lock for the day.
"""

import logging

from celery import shared_task
from django.core.management import call_command
from django.core.management.base import CommandError

from portal import digest, privacy

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def send_bilan_reminders() -> None:
    """The `send_bilan_reminders` command (7 days before a bilan is due, 7 and 30 days after)."""
    try:
        call_command("send_bilan_reminders")
    except CommandError:
        # Some reminders failed; the others left, and tomorrow's run tries the failed ones again.
        logger.exception("Some bilan reminders failed")


@shared_task(ignore_result=True)
def purge_personal_data() -> int:
    """Anonymise the requests past the retention period (portal.privacy). Returns how many."""
    return privacy.purge_personal_data().applications


@shared_task(ignore_result=True)
def send_staff_digests() -> int:
    """Each association's staff: the day's new requests, holders' messages and bilans due (portal.digest)."""
    return digest.send_staff_digests()
