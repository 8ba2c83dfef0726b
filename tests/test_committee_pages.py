"""Committee pages: query count of the session page and accessible HTML of the forms."""

from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from committees import services
from committees.models import (
    Decision,
    Recusal,
    Vote,
)
from tests import factories as f
from tests.committee_helpers import FOR, client_for, eligible_application, make_board, page_url, put_on_agenda, seat

# The evening of the session of 24/05/2025: requests filed on 1 May are on time.
pytestmark = pytest.mark.usefixtures("on_the_session_day")


# --- Query count ----------------------------------------------------------------------------------


def _busy_items(board, staff, count: int) -> None:
    """Agenda lines with votes, a recusal, and every third one decided (written directly, for speed)."""
    start = board.session.items.count()
    now = timezone.now()
    for index in range(start, start + count):
        item = f.AgendaItemFactory(session=board.session, position=index + 1, vote_started_at=now)
        Recusal.objects.create(item=item, member=board.voters[2], automatic=True, reason="Lien")
        for member in board.voters[:2]:
            Vote.objects.create(item=item, member=member, choice=FOR, recorded_by=staff)
        if index % 3 == 0:
            Decision.objects.create(
                item=item, outcome=Decision.Outcome.DEFERRED, reason="Dossier à compléter", decided_by=staff
            )


def test_the_session_page_runs_as_many_queries_for_3_and_30_requests(world, staff):
    board = make_board(world, staff)
    seat(board, staff, count=3)
    eligible_application(world.fund)  # a candidate for the "add a request" list
    client = client_for(staff)

    _busy_items(board, staff, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(page_url("session_detail", board.session.pk)).status_code == 200
    _busy_items(board, staff, 27)
    with CaptureQueriesContext(connection) as many:
        response = client.get(page_url("session_detail", board.session.pk))
    assert response.status_code == 200
    assert response.content.decode().count('class="card mb-3"') == 30
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Accessible HTML ------------------------------------------------------------------------------


class _FormAudit(HTMLParser):
    """Collects ids, the targets of <label for>, the fields, and the fieldsets without a legend."""

    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.label_targets: set[str] = set()
        self.fields: list[str] = []
        self.fieldsets: list[bool] = []  # open fieldsets: has a legend yet?
        self.fieldsets_without_legend = 0
        self.tables_without_caption = 0
        self._table_open = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "label" and attrs.get("for"):
            self.label_targets.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.fields.append(attrs.get("id", ""))
        if tag == "fieldset":
            self.fieldsets.append(False)
        if tag == "legend" and self.fieldsets:
            self.fieldsets[-1] = True
        if tag == "table":
            self._table_open = True
        elif self._table_open:
            self.tables_without_caption += tag != "caption"
            self._table_open = False

    def handle_endtag(self, tag):
        if tag == "fieldset" and self.fieldsets:
            self.fieldsets_without_legend += not self.fieldsets.pop()


def _audit(response) -> _FormAudit:
    audit = _FormAudit()
    audit.feed(response.content.decode())
    return audit


def test_pages_have_unique_ids_labelled_fields_legends_and_captions(world, staff, granted_requests):
    board = make_board(world, staff, committee=f.CommitteeFactory(fund=world.fund, name="Comité bis"))
    seat(board, staff, count=3)
    for _ in range(2):
        put_on_agenda(board, staff, eligible_application(world.fund))
    eligible_application(world.fund)  # a candidate, for the "add a request" form
    first = board.session.items.order_by("position").first()
    services.start_vote(user=staff, item=first)
    client = client_for(staff)
    pages = [
        client.get(page_url("session_detail", board.session.pk)),
        client.get(page_url("session_detail", granted_requests[0].agenda_items.get().session_id)),  # closed
        client.get(page_url("committee_detail", world.committee.pk)),
        client.get(page_url("payments", world.fund.slug), {"demande": granted_requests[0].pk}),
        client.get(page_url("member_add", world.committee.pk)),
        client.get(page_url("member_link_add", board.voters[0].pk)),
        client.get(page_url("session_create", world.committee.pk)),
        client.get(reverse("portal:fund_detail", args=[world.fund.slug])),
    ]
    for response in pages:
        assert response.status_code == 200
        audit = _audit(response)
        duplicates = {identifier for identifier in audit.ids if audit.ids.count(identifier) > 1}
        assert not duplicates, (response.request["PATH_INFO"], duplicates)
        unlabelled = [field for field in audit.fields if field not in audit.label_targets]
        assert not unlabelled, (response.request["PATH_INFO"], unlabelled)
        assert audit.fieldsets_without_legend == 0, response.request["PATH_INFO"]
        assert audit.tables_without_caption == 0, response.request["PATH_INFO"]
    open_page = _audit(pages[0])
    assert any(field.startswith(f"id_vote-{first.pk}-member_") for field in open_page.fields)
    assert any(field.startswith("id_rectif-") for field in _audit(pages[1]).fields)
