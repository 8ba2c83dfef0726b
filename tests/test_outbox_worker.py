"""The outbox with a REAL Celery worker and a REAL Redis (needs PostgreSQL and Redis at 127.0.0.1:6379).

The worker is a subprocess (`celery -A pic_portal worker --pool=solo`) on the test database, so the tests are
transactional: it sees what they commit. Redis db 9, flushed. Faults injected: SMTP down then back, SMTP that
accepts and never answers, worker killed (SIGKILL) mid-delivery.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from core import outbox
from core.models import OutboxMessage
from tests import factories as f
from tests.smtp_stub import SMTPStub, free_port

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

REDIS_URL = "redis://127.0.0.1:6379/9"
ROOT = Path(__file__).resolve().parent.parent
State = OutboxMessage.State


def _redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"needs Redis at 127.0.0.1:6379 ({error})")
    return client


@pytest.fixture
def broker(transactional_db):
    """Redis db 9, empty; this process enqueues into it (no more in-process tasks) for the test's length."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker process must see the rows the test commits")
    client = _redis_or_skip()
    client.flushdb()
    from pic_portal.celery import app

    saved = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    app.conf.update(broker_url=REDIS_URL, task_always_eager=False)
    # In-process tasks built connection pools on the default broker: start afresh on Redis, and after the test.
    app._pool = app.amqp._producer_pool = None
    yield app
    app.conf.update(**saved)
    app._pool = app.amqp._producer_pool = None
    client.flushdb()


class Worker:
    def __init__(self, env: dict, name: str):
        self.lines: list[str] = []
        self.ready = threading.Event()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "pic_portal", "worker", "--pool=solo", "-l", "info",
             "--without-heartbeat", "--without-gossip", "--without-mingle", "-n", f"{name}@%h"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )  # fmt: skip
        threading.Thread(target=self._read, daemon=True).start()
        if not self.ready.wait(40):
            self.kill()
            pytest.fail("the worker did not start:\n" + "".join(self.lines[-30:]))

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)
            if " ready." in line:
                self.ready.set()

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


@pytest.fixture
def start_worker(broker):
    workers: list[Worker] = []
    database = connection.settings_dict

    def start(*, smtp_port: int, email_timeout: float = 10) -> Worker:
        env = {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{database['USER']}:{database['PASSWORD'] or ''}"
                f"@{database['HOST']}:{database['PORT'] or 5432}/{database['NAME']}"
            ),
            "REDIS_URL": REDIS_URL,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_USE_TLS": "0",
            "EMAIL_TIMEOUT": str(email_timeout),
            "PORTAL_OUTBOX_RETRY_BASE_SECONDS": "1",
            "PORTAL_OUTBOX_RETRY_MAX_SECONDS": "2",
            "PORTAL_OUTBOX_STUCK_SECONDS": "2",
        }
        worker = Worker(env, f"test{len(workers)}")
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.kill()


def wait_for(predicate, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.2)
    return None


def state_of(row) -> str:
    row.refresh_from_db()
    return row.state


def test_smtp_down_then_back_the_message_leaves_without_a_click(start_worker):
    port = free_port()  # nothing listens there: connection refused
    start_worker(smtp_port=port)
    row = outbox.queue_message(subject="Convocation", body="Séance jeudi", to=["membre@example.org"])
    assert wait_for(lambda: OutboxMessage.objects.filter(pk=row.pk, attempts__gte=2).exists())
    row.refresh_from_db()
    assert row.state in (State.PENDING, State.SENDING) and "refused" in row.last_error.lower()

    smtp = SMTPStub(port)  # the mail server comes back
    try:
        assert wait_for(lambda: state_of(row) == State.SENT), row.last_error
        assert len(smtp.messages) == 1 and b"membre@example.org" in smtp.messages[0]
    finally:
        smtp.close()


def test_a_hanging_smtp_does_not_delay_the_web_response(start_worker, broker, client):
    smtp = SMTPStub(hang=True)
    try:
        start_worker(smtp_port=smtp.port, email_timeout=2)
        user = f.UserFactory(email="oubli@example.org")
        # A warm process, as a web worker is: URLs, templates and the broker connection loaded.
        client.get(reverse("password_reset"))
        client.post(reverse("password_reset"), {"email": "inconnu@example.org"})
        broker.connection_for_write().ensure_connection()
        started = time.monotonic()
        response = client.post(reverse("password_reset"), {"email": user.email})
        elapsed = time.monotonic() - started
        assert response.status_code == 302
        assert elapsed < 1.5, f"the password-reset POST took {elapsed:.2f} s"
        row = OutboxMessage.objects.get(topic="password_reset")
        # The worker waits EMAIL_TIMEOUT, records the error, and will try again.
        assert wait_for(lambda: OutboxMessage.objects.filter(pk=row.pk).exclude(last_error="").exists())
        row.refresh_from_db()
        assert row.state != State.SENT and "timed out" in row.last_error.lower()
    finally:
        smtp.close()


def test_a_worker_killed_mid_delivery_delivers_once_after_a_restart(start_worker, broker, settings):
    settings.OUTBOX_STUCK_SECONDS = 2  # as the workers' (see start_worker)
    hanging = SMTPStub(hang=True)
    first = start_worker(smtp_port=hanging.port, email_timeout=30)
    row = outbox.queue_message(subject="Décision", body="Accordée", to=["porteur@example.org"])
    assert wait_for(lambda: state_of(row) == State.SENDING and hanging.connections >= 1)
    first.kill()  # SIGKILL in the middle of the SMTP dialogue
    hanging.close()

    smtp = SMTPStub()
    try:
        start_worker(smtp_port=smtp.port)
        time.sleep(2.5)  # PORTAL_OUTBOX_STUCK_SECONDS
        assert outbox.sweep() == 1  # what beat runs every minute
        assert wait_for(lambda: state_of(row) == State.SENT), row.last_error
        # A late copy of the task (the broker redelivering the unacknowledged one) sends nothing more.
        broker.send_task("core.tasks.deliver_outbox_message", args=[row.pk])
        outbox.sweep()
        time.sleep(1.5)
        assert len(smtp.messages) == 1
        row.refresh_from_db()
        assert row.attempts == 2
    finally:
        smtp.close()
