"""The Celery application: background work (e-mail delivery, PDFs, webhooks, bundles) and schedules.

With `CELERY_BROKER_URL` (by default `REDIS_URL`) set, web processes only enqueue and a worker
(`celery -A pic_portal worker`) runs the tasks; beat (`celery -A pic_portal beat`) runs the schedules kept in
the database by django-celery-beat. Without a broker (`make run`, the test suite), tasks run in-process, right
after the transaction that queued them commits (see settings.CELERY_TASK_ALWAYS_EAGER).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pic_portal.settings")

app = Celery("pic_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
