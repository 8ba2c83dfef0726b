"""Committee pages: who may do what (404 for outsiders, 403 for members who read), and navigation."""

import pytest
from django.urls import reverse

from committees import services
from committees.models import (
    AgendaItem,
    Amendment,
    Attendance,
    CommitteeMember,
    CommitteeMemberLink,
    CommitteeSession,
    Decision,
    Payment,
    Recusal,
    Vote,
)
from core.models import AuditEntry
from tests import factories as f
from tests.committee_helpers import FOR, client_for, page_text, page_url, vote_data

# The evening of the session of 24/05/2025: requests filed on 1 May are on time.
pytestmark = pytest.mark.usefixtures("on_the_session_day")


# --- Who may do what ------------------------------------------------------------------------------


# Every page and action of one committee: (what the URL takes, G for GET and/or P for POST, URL names).
_URLS = [
    ("committee", "G", ["committee_detail"]),
    ("committee", "GP", ["member_add"]),
    ("member", "GP", ["member_edit", "member_link_add"]),
    ("committee", "GP", ["session_create"]),
    ("session", "G", ["session_detail"]),
    ("session", "P", ["build_agenda", "add_item", "send_convocations", "open_session", "record_attendance"]),
    ("session", "GP", ["close_session"]),
    ("session", "G", ["minutes_pdf"]),
    ("item", "G", ["letter_pdf"]),
    ("item", "P", ["remove_item", "start_vote", "declare_recusal", "record_votes", "decide", "amend_decision"]),
    ("fund", "GP", ["payments"]),
    ("fund", "G", ["payments_csv"]),
]


def _every_url(board, item, fund, member) -> tuple[list[str], list[str]]:
    """(GET URLs, POST URLs) of one committee, one session, one agenda item and one fund."""
    session = board.session
    args = {
        "committee": (board.committee.pk,),
        "member": (member.pk,),
        "session": (session.pk,),
        "item": (session.pk, item.pk),
        "fund": (fund.slug,),
    }
    urls = [(methods, page_url(name, *args[takes])) for takes, methods, names in _URLS for name in names]
    return [url for methods, url in urls if "G" in methods], [url for methods, url in urls if "P" in methods]


def _state(item) -> tuple:
    return (
        CommitteeMember.objects.count(),
        CommitteeMemberLink.objects.count(),
        CommitteeSession.objects.count(),
        AgendaItem.objects.count(),
        Attendance.objects.count(),
        Recusal.objects.count(),
        Vote.objects.count(),
        Decision.objects.count(),
        Amendment.objects.count(),
        Payment.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("persona", ["other_staff", "resident", "outsider", "city_staff"])
def test_outsiders_to_the_committee_get_404_on_every_url(request, world, staff, closed_board, persona):
    board, item, _decision = closed_board
    user = request.getfixturevalue(persona)
    gets, posts = _every_url(board, item, world.fund, board.voters[0])
    client = client_for(user)
    before = _state(item)
    # City staff read the fund they co-fund (its payments statement): see test_funder_staff_*.
    readable = (
        {page_url("payments", world.fund.slug), page_url("payments_csv", world.fund.slug)}
        if persona == "city_staff"
        else set()
    )
    for url in gets:
        expected = 200 if url in readable else 404
        assert client.get(url).status_code == expected, url
    for url in posts:
        assert client.post(url, {"reason": "x"}).status_code in (403, 404), url
    assert _state(item) == before
    assert world.committee.name not in page_text(client.get(page_url("committee_list")))


def test_anonymous_visitors_are_sent_to_the_login_page(world, staff, closed_board):
    board, item, _decision = closed_board
    gets, posts = _every_url(board, item, world.fund, board.voters[0])
    client = client_for()
    for url in [page_url("committee_list"), *gets]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url
    for url in posts:
        assert client.post(url).status_code == 302, url


def test_a_committee_member_reads_the_session_but_cannot_act(world, staff, open_board, committee_member):
    board, item = open_board
    seat_of_member = CommitteeMember.objects.get(user=committee_member)
    services.record_attendance(user=staff, session=board.session, member=seat_of_member, present=True)
    client = client_for(committee_member)
    page = page_text(client.get(page_url("session_detail", board.session.pk)))
    assert item.application.reference in page and "Quorum atteint" in page
    for action in ("Enregistrer les votes", "Enregistrer la décision", "Ouvrir le vote", "Enregistrer les présences"):
        assert action not in page
    assert client.get(page_url("committee_detail", board.committee.pk)).status_code == 200
    assert world.committee.name in page_text(client.get(page_url("committee_list")))

    gets, posts = _every_url(board, item, world.fund, board.voters[0])
    before = _state(item)
    for url in posts:
        expected = (404,) if "/fonds/" in url else (403,)
        assert client.post(url, vote_data(item, {board.voters[0]: FOR})).status_code in expected, url
    assert _state(item) == before
    for name in ("member_add", "session_create"):
        assert client.get(page_url(name, board.committee.pk)).status_code == 403
    assert client.get(page_url("close_session", board.session.pk)).status_code == 403


def test_a_committee_member_downloads_the_minutes_but_not_the_letters(world, staff, closed_board, committee_member):
    board, item, _decision = closed_board
    client = client_for(committee_member)
    response = client.get(page_url("minutes_pdf", board.session.pk))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.get(page_url("letter_pdf", board.session.pk, item.pk)).status_code == 403
    page = page_text(client.get(page_url("session_detail", board.session.pk)))
    assert "Rectifier la décision" not in page


def test_the_administrator_may_run_any_committee(world, staff, admin_user, open_board):
    board, item = open_board
    response = client_for(admin_user).post(
        page_url("record_votes", board.session.pk, item.pk), vote_data(item, {board.voters[0]: FOR})
    )
    assert response.status_code == 302 and Vote.objects.get().recorded_by == admin_user


# --- Navigation -----------------------------------------------------------------------------------


def test_the_dashboard_links_to_the_committees_and_the_inbox(world, staff, committee_member, resident):
    page = client_for(staff).get(reverse("portal:dashboard")).content.decode()
    assert reverse("committees:committee_list") in page and reverse("staff:inbox") in page
    page = client_for(committee_member).get(reverse("portal:dashboard")).content.decode()
    assert reverse("committees:committee_list") in page and reverse("staff:inbox") not in page
    own = f.ApplicationFactory(fund=world.fund, created_by=resident, title="Jardin partagé")
    page = client_for(resident).get(reverse("portal:dashboard")).content.decode()
    assert own.title in page
    assert reverse("committees:committee_list") not in page and reverse("staff:inbox") not in page
