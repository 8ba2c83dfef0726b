"""The periodic tasks, kept in the database by django-celery-beat (editable in the admin, "Periodic tasks").

Created after `migrate` when missing (a post_migrate handler, see PortalConfig.ready): an administrator's change
of a schedule, or a task disabled on purpose, is left as it is.
"""

from django.db import transaction

# name -> (task, crontab fields or None, every N seconds or None)
SCHEDULES = {
    "Balayage des e-mails sortants": ("core.tasks.sweep_outbox", None, 60),
    "Relances de bilan": ("portal.tasks.send_bilan_reminders", {"minute": "0", "hour": "7"}, None),
    "Purge des données personnelles": ("portal.tasks.purge_personal_data", {"minute": "30", "hour": "3"}, None),
    "Point du jour aux associations": ("portal.tasks.send_staff_digests", {"minute": "0", "hour": "8"}, None),
}


def ensure_periodic_tasks(**kwargs) -> None:
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    with transaction.atomic():
        existing = set(PeriodicTask.objects.filter(name__in=SCHEDULES).values_list("name", flat=True))
        for name, (task, crontab, every) in SCHEDULES.items():
            if name in existing:
                continue
            if crontab is not None:
                schedule, _ = CrontabSchedule.objects.get_or_create(
                    **crontab, day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/Paris"
                )
                PeriodicTask.objects.create(name=name, task=task, crontab=schedule)
            else:
                schedule, _ = IntervalSchedule.objects.get_or_create(every=every, period=IntervalSchedule.SECONDS)
                PeriodicTask.objects.create(name=name, task=task, interval=schedule)
