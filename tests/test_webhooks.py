"""Webhooks: signed deliveries to a real receiver on 127.0.0.1, retries with back-off, refused destinations,
and who may see or manage an endpoint."""

import datetime
import hashlib
import hmac
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from applications.workflow import Status
from core.models import AuditEntry
from core.services import record_audit
from tests import factories as f
from webhooks import delivery as delivery_module
from webhooks import destinations, services, signing
from webhooks.models import Event, WebhookDelivery, WebhookEndpoint


class Receiver:
    """A webhook receiver on 127.0.0.1 in a thread: records each request, answers with `status`."""

    def __init__(self, status: int = 200):
        self.status = status
        self.requests: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                self.send_response(receiver.status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if receiver.status < 300 else b"boom: receiver error")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/pic"


@pytest.fixture
def receiver():
    running = Receiver()
    running.thread.start()
    yield running
    running.server.shutdown()
    running.server.server_close()


@pytest.fixture
def insecure(settings):
    settings.WEBHOOKS_ALLOW_INSECURE = True
    return settings


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.WEBHOOKS_ALLOW_INSECURE = False
    return settings


def make_endpoint(association, url, *, events=None, user=None) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        association=association, url=url, events=events or list(Event.values), created_by=user
    )


def filed_request(world, **kwargs):
    fields = {"reference": "PIC-2025-0042", "number": 42, "amount_requested": "750.00", **kwargs}
    return f.ApplicationFactory(fund=world.fund, status=Status.SUBMITTED, submitted_at=timezone.now(), **fields)


def file_request_event(application, capture):
    """What submit_application writes: the audit entry of the "submit" transition, then commit."""
    with capture(execute=True):
        record_audit(actor=None, action="application.submit", target=application, data={"to": "submitted"})


# --- Delivery, signature ---------------------------------------------------------------------------------


def test_a_filed_request_reaches_the_receiver_signed(
    world, staff, receiver, insecure, django_capture_on_commit_callbacks
):
    endpoint = make_endpoint(world.hommelet, receiver.url, user=staff)
    application = filed_request(world)
    f.StaffNoteFactory(application=application, author=staff, body="Note privée à ne jamais envoyer")

    file_request_event(application, django_capture_on_commit_callbacks)

    assert len(receiver.requests) == 1
    sent = receiver.requests[0]
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert sent["path"] == "/hooks/pic"
    assert sent["headers"]["X-Portail-Event"] == "request.filed"
    assert sent["headers"]["X-Portail-Delivery"] == str(delivery.pk)
    # The receiver's check, written independently of webhooks.signing.
    fields = dict(part.split("=", 1) for part in sent["headers"]["X-Portail-Signature"].split(","))
    expected = hmac.new(endpoint.secret.encode(), fields["t"].encode() + b"." + sent["body"], hashlib.sha256)
    assert hmac.compare_digest(fields["v1"], expected.hexdigest())
    assert abs(int(fields["t"]) - time.time()) < 60
    assert signing.verify(
        secret=endpoint.secret, header=sent["headers"]["X-Portail-Signature"], body=sent["body"], now=int(time.time())
    )
    assert not signing.verify(
        secret="whsec_wrong", header=sent["headers"]["X-Portail-Signature"], body=sent["body"], now=int(time.time())
    )
    assert not signing.verify(
        secret=endpoint.secret,
        header=sent["headers"]["X-Portail-Signature"],
        body=sent["body"],
        now=int(time.time()) + 3600,
    )

    payload = json.loads(sent["body"])
    assert payload["event"] == "request.filed"
    assert payload["id"].startswith("evt_")
    assert payload["occurred_at"]
    request = payload["data"]["request"]
    assert request["reference"] == "PIC-2025-0042"
    assert request["status"] == "submitted"
    assert request["amount_requested"] == "750.00"
    assert request["fund"]["slug"] == "pic-hommelet-2025"
    text = sent["body"].decode()
    assert "Note privée" not in text
    assert application.holder.name not in text
    assert application.created_by.email not in text

    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.DELIVERED
    attempt = delivery.attempts.get()
    assert attempt.status_code == 200
    assert attempt.response_excerpt == "ok"


def test_only_subscribed_endpoints_of_the_fund_association_receive(
    world, staff, receiver, insecure, django_capture_on_commit_callbacks
):
    make_endpoint(world.hommelet, receiver.url, events=["payment.recorded"])
    make_endpoint(world.lille_sud, receiver.url)
    file_request_event(filed_request(world), django_capture_on_commit_callbacks)
    assert receiver.requests == []
    global_endpoint = make_endpoint(None, receiver.url, events=["request.filed"])
    file_request_event(filed_request(world, reference="PIC-2025-0043", number=43), django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.get().endpoint == global_endpoint


def test_payment_and_decision_events_carry_their_amounts(
    world, staff, receiver, insecure, django_capture_on_commit_callbacks
):
    make_endpoint(world.hommelet, receiver.url)
    application = f.GrantedApplicationFactory(fund=world.fund)
    decision = f.record_grant_for_bilan(application=application, amount="600", decided_by=staff)
    payment = f.PaymentFactory(application=application, amount="480.00", recorded_by=staff)
    with django_capture_on_commit_callbacks(execute=True):
        record_audit(actor=staff, action="committees.decide.granted", target=decision)
        record_audit(actor=staff, action="committees.record_payment.advance", target=payment)
        record_audit(actor=staff, action="committees.add_member", target=decision)  # not an event
    events = [json.loads(r["body"]) for r in receiver.requests]
    assert [e["event"] for e in events] == ["decision.taken", "payment.recorded"]
    assert events[0]["data"]["decision"]["amount_granted"] == "600.00"
    assert events[1]["data"]["payment"]["amount"] == "480.00"
    assert "reference" not in events[1]["data"]["payment"]  # the transfer's reference stays in the portal


# --- Retries ---------------------------------------------------------------------------------------------


def test_a_failing_receiver_gets_retries_with_back_off_for_a_day(
    world, staff, receiver, insecure, client, django_capture_on_commit_callbacks
):
    receiver.status = 500
    endpoint = make_endpoint(world.hommelet, receiver.url)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        file_request_event(filed_request(world), django_capture_on_commit_callbacks)
        delivery = WebhookDelivery.objects.get(endpoint=endpoint)
        assert delivery.state == WebhookDelivery.State.RETRYING
        assert delivery.attempt_count == 1
        assert delivery.next_attempt_at == start + datetime.timedelta(seconds=30)

        assert delivery_module.retry_due() == 0  # not due yet: nothing sent
        delays = []
        while delivery.state == WebhookDelivery.State.RETRYING:
            delays.append((delivery.next_attempt_at - timezone.now()).total_seconds())
            traveller.move_to(delivery.next_attempt_at)
            assert delivery_module.retry_due() == 1
            delivery.refresh_from_db()

    assert delays[:5] == [30, 60, 120, 240, 480]
    assert max(delays) == 6 * 3600
    assert delivery.state == WebhookDelivery.State.FAILED
    assert delivery.attempt_count == 13 == len(receiver.requests)
    attempts = list(delivery.attempts.all())
    assert all(a.status_code == 500 and a.error == "HTTP 500" for a in attempts)
    assert attempts[-1].attempted_at - attempts[0].attempted_at <= datetime.timedelta(days=1)

    client.force_login(staff)
    page = client.get(reverse("webhooks:delivery_detail", args=[delivery.pk]))
    assert page.status_code == 200
    assert page.content.decode().count("<td>500</td>") == 13
    assert "Abandonnée" in page.content.decode()

    # "Rejouer": once the receiver is fixed, the same delivery goes through, and the replay is audited.
    receiver.status = 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("webhooks:delivery_replay", args=[delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.DELIVERED
    assert delivery.attempts.count() == 14
    assert receiver.requests[-1]["headers"]["X-Portail-Delivery"] == str(delivery.pk)
    assert AuditEntry.objects.filter(action="webhooks.replay_delivery", actor=staff).exists()


def test_with_a_broker_a_retry_is_a_task_queued_with_its_countdown(
    world, receiver, insecure, django_capture_on_commit_callbacks
):
    receiver.status = 503
    endpoint = make_endpoint(world.hommelet, receiver.url)
    file_request_event(filed_request(world), django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    delivery.next_attempt_at = timezone.now()
    delivery.save()
    insecure.CELERY_TASK_ALWAYS_EAGER = False
    with (
        mock.patch("webhooks.tasks.deliver.apply_async") as apply_async,
        django_capture_on_commit_callbacks(execute=True),
    ):
        delivery_module.attempt_delivery(delivery_id=delivery.pk)
    apply_async.assert_called_once_with((str(delivery.pk),), countdown=60)


def test_a_network_error_is_an_attempt_too(world, insecure, django_capture_on_commit_callbacks):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoint = make_endpoint(world.hommelet, f"http://127.0.0.1:{port}/")
    file_request_event(filed_request(world), django_capture_on_commit_callbacks)
    attempt = WebhookDelivery.objects.get(endpoint=endpoint).attempts.get()
    assert attempt.status_code is None
    assert "ConnectionRefusedError" in attempt.error


def test_a_disabled_endpoint_drops_its_planned_retries(world, receiver, insecure, django_capture_on_commit_callbacks):
    receiver.status = 500
    endpoint = make_endpoint(world.hommelet, receiver.url)
    file_request_event(filed_request(world), django_capture_on_commit_callbacks)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    assert delivery_module.retry_due() == 0
    assert WebhookDelivery.objects.get().state == WebhookDelivery.State.FAILED
    assert len(receiver.requests) == 1


# --- Destinations --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://192.168.1.20/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "https://0.0.0.0/hook",
        "http://93.184.215.14/hook",
        "https://user:secret@93.184.215.14/hook",
    ],
)
def test_private_addresses_and_plain_http_are_refused_in_production(world, staff, production, url):
    with pytest.raises(ValidationError) as refused:
        services.create_endpoint(user=staff, association=world.hommelet, url=url, events=["request.filed"])
    assert "url" in refused.value.message_dict
    assert not WebhookEndpoint.objects.exists()


def test_a_public_https_url_is_accepted_in_production(world, staff, production):
    with mock.patch("socket.getaddrinfo", return_value=[(2, 1, 6, "", ("93.184.215.14", 443))]):
        endpoint = services.create_endpoint(
            user=staff, association=world.hommelet, url="https://si.example.org/pic", events=["bilan.filed"]
        )
    assert endpoint.secret.startswith("whsec_")
    assert AuditEntry.objects.filter(action="webhooks.create_endpoint", target_id=str(endpoint.pk)).exists()


def test_the_address_is_checked_again_at_delivery_time(world, receiver, production, django_capture_on_commit_callbacks):
    """Registered while the name was public, it now resolves to a private address: nothing is sent."""
    endpoint = make_endpoint(world.hommelet, f"https://hooks.example.org:{receiver.port}/")
    with mock.patch("socket.getaddrinfo", return_value=[(2, 1, 6, "", ("127.0.0.1", receiver.port))]):
        file_request_event(filed_request(world), django_capture_on_commit_callbacks)
    attempt = WebhookDelivery.objects.get(endpoint=endpoint).attempts.get()
    assert attempt.status_code is None
    assert "adresse privée" in attempt.error
    assert receiver.requests == []


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("::ffff:127.0.0.1", False),
        ("fd00::1", False),
        ("fe80::1", False),
        ("100.64.0.1", False),
        ("240.0.0.1", False),
        ("224.0.0.1", False),
    ],
)
def test_public_address_check(address, public):
    assert destinations.is_public_address(address) is public


# --- Pages and permissions -----------------------------------------------------------------------------


def test_staff_register_edit_disable_and_enable_an_endpoint(world, staff, client, insecure):
    client.force_login(staff)
    response = client.post(
        reverse("webhooks:endpoint_create"),
        {"association": world.hommelet.pk, "url": "http://127.0.0.1:9/pic", "events": ["request.filed", "bilan.filed"]},
    )
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302
    assert endpoint.association == world.hommelet and endpoint.created_by == staff
    detail = client.get(reverse("webhooks:endpoint_detail", args=[endpoint.pk])).content.decode()
    assert endpoint.secret in detail
    response = client.post(
        reverse("webhooks:endpoint_edit", args=[endpoint.pk]),
        {"url": "http://127.0.0.1:9/v2", "events": ["payment.recorded"]},
    )
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events) == ("http://127.0.0.1:9/v2", ["payment.recorded"])
    client.post(reverse("webhooks:endpoint_disable", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    client.post(reverse("webhooks:endpoint_enable", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.is_active
    actions = set(AuditEntry.objects.filter(actor=staff).values_list("action", flat=True))
    assert {
        "webhooks.create_endpoint",
        "webhooks.update_endpoint",
        "webhooks.disable_endpoint",
        "webhooks.enable_endpoint",
    } <= actions


def test_the_form_shows_a_refused_url_in_production(world, staff, client, production):
    client.force_login(staff)
    response = client.post(
        reverse("webhooks:endpoint_create"),
        {"association": world.hommelet.pk, "url": "https://127.0.0.1/pic", "events": ["request.filed"]},
    )
    assert response.status_code == 400
    assert "adresse privée" in response.content.decode()


def test_staff_cannot_register_for_another_association_nor_globally(world, staff, client, insecure):
    client.force_login(staff)
    for association in (world.lille_sud.pk, ""):
        response = client.post(
            reverse("webhooks:endpoint_create"),
            {"association": association, "url": "http://127.0.0.1:9/", "events": ["request.filed"]},
        )
        assert response.status_code == 400
    assert not WebhookEndpoint.objects.exists()


def test_an_administrator_registers_a_global_endpoint(admin_user, client, insecure, world):
    client.force_login(admin_user)
    client.post(
        reverse("webhooks:endpoint_create"),
        {"association": "", "url": "http://127.0.0.1:9/", "events": ["bilan.filed"]},
    )
    assert WebhookEndpoint.objects.get().association is None


def test_other_associations_residents_and_funders_get_404(
    world, staff, other_staff, resident, region_staff, client, receiver, insecure, django_capture_on_commit_callbacks
):
    endpoint = make_endpoint(world.hommelet, receiver.url, user=staff)
    global_endpoint = make_endpoint(None, receiver.url)
    file_request_event(filed_request(world), django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    own = [
        reverse("webhooks:endpoint_detail", args=[endpoint.pk]),
        reverse("webhooks:endpoint_edit", args=[endpoint.pk]),
        reverse("webhooks:delivery_detail", args=[delivery.pk]),
    ]
    posts = [
        reverse("webhooks:endpoint_disable", args=[endpoint.pk]),
        reverse("webhooks:delivery_replay", args=[delivery.pk]),
    ]
    client.force_login(other_staff)
    assert all(client.get(url).status_code == 404 for url in own)
    assert all(client.post(url).status_code == 404 for url in posts)
    assert client.get(reverse("webhooks:endpoint_detail", args=[global_endpoint.pk])).status_code == 404
    assert endpoint.url not in client.get(reverse("webhooks:endpoint_list")).content.decode()
    for user in (resident, region_staff):
        client.force_login(user)
        assert client.get(reverse("webhooks:endpoint_list")).status_code == 404
        assert client.get(reverse("webhooks:endpoint_create")).status_code == 404
        assert all(client.get(url).status_code == 404 for url in own)
        assert all(client.post(url).status_code == 404 for url in posts)
    endpoint.refresh_from_db()
    assert endpoint.is_active
    client.force_login(staff)
    assert all(client.get(url).status_code == 200 for url in own)
    assert client.get(reverse("webhooks:endpoint_detail", args=[global_endpoint.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("webhooks:endpoint_list")).status_code == 302
