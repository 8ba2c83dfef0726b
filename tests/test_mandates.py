"""Rule 2 of issue 14: a committee member whose mandate has ended (or not begun) reads nothing of the committee.

The attacker: a former member who kept their account and bookmarks; they try the committee list, the
committee page (members and declared links), a session, its minutes and a notification letter.
"""

import datetime
from html import unescape

import pytest
import time_machine
from django.urls import reverse

from committees.models import CommitteeMember
from tests import factories as f
from tests.committee_helpers import client_for

TODAY = datetime.datetime(2025, 9, 15, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _in_september_2025():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def session(world):
    return f.CommitteeSessionFactory(committee=world.committee, date=datetime.date(2025, 6, 20))


def _member(world, **mandate) -> CommitteeMember:
    user = f.UserFactory()
    return f.CommitteeMemberFactory(committee=world.committee, user=user, full_name="Ancien membre", **mandate)


def _urls(world, session, member) -> list[str]:
    return [
        reverse("committees:committee_detail", args=[world.committee.pk]),
        reverse("committees:member_edit", args=[member.pk]),
        reverse("committees:session_detail", args=[session.pk]),
        reverse("committees:minutes_pdf", args=[session.pk]),
    ]


@pytest.mark.parametrize(
    "mandate",
    [
        {"mandate_start": datetime.date(2024, 1, 1), "mandate_end": datetime.date(2025, 6, 30)},  # ended
        {"mandate_start": datetime.date(2026, 1, 1)},  # not begun
    ],
    ids=["ended", "not-begun"],
)
def test_a_member_out_of_mandate_reads_no_session_agenda_or_member(world, session, mandate):
    member = _member(world, **mandate)
    client = client_for(member.user)
    for url in _urls(world, session, member):
        assert client.get(url).status_code == 404, url
    listing = client.get(reverse("committees:committee_list"))
    assert listing.status_code == 200 and world.committee.name not in unescape(listing.content.decode())


def test_a_member_in_mandate_still_reads_them(world, session):
    member = _member(world, mandate_start=datetime.date(2025, 1, 1), mandate_end=datetime.date(2025, 12, 31))
    client = client_for(member.user)
    committee_page, _edit, session_page, _minutes = _urls(world, session, member)
    for url in (committee_page, session_page):
        assert client.get(url).status_code == 200, url
    assert world.committee.name in unescape(client.get(reverse("committees:committee_list")).content.decode())
