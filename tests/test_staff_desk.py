"""The staff's desk (issue 17): their home page after login, counts and five lines per kind of work waiting, each
line opening the page where the work is done; and a page cost that does not grow with the number of requests
(the desk and the inbox, 10 and 1,000 rows)."""

import datetime
import html

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Application
from applications.workflow import Status
from tests import factories as f
from tests.factories import DEFAULT_PASSWORD
from tests.staff_inbox.helpers import bulk_filed

TODAY = datetime.datetime(2025, 10, 1, 9, 0, tzinfo=datetime.UTC)  # bilans of June projects are late


def desk_page(client) -> str:
    with time_machine.travel(TODAY, tick=False):
        response = client.get(reverse("portal:desk"))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def block(page: str, key: str) -> str:
    start = page.index(f'<section id="{key}"')
    return page[start : page.index("</section>", start)]


def test_staff_land_on_their_desk_after_login_residents_on_their_space(client, staff, resident):
    response = client.post(reverse("login"), {"username": staff.email, "password": DEFAULT_PASSWORD})
    assert response.url == reverse("portal:desk")
    client.logout()
    response = client.post(reverse("login"), {"username": resident.email, "password": DEFAULT_PASSWORD})
    assert response.url == reverse("portal:dashboard")
    client.logout()
    # An explicit `next` still wins.
    response = client.post(
        reverse("login") + "?next=/equipe/demandes/", {"username": staff.email, "password": DEFAULT_PASSWORD}
    )
    assert response.url == "/equipe/demandes/"


def test_the_nav_offers_mon_bureau_to_association_staff_only(client, staff, resident, region_staff):
    client.force_login(staff)
    link = f'href="{reverse("portal:desk")}"'
    assert link in client.get(reverse("portal:dashboard")).content.decode()
    for user in (resident, region_staff):
        client.force_login(user)
        assert link not in client.get(reverse("portal:dashboard")).content.decode()


@pytest.mark.parametrize("persona", ["resident", "committee_member", "region_staff", "city_staff", "outsider"])
def test_the_desk_is_refused_to_whoever_is_not_association_staff(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("portal:desk")).status_code == 403


@pytest.fixture
def work(world, staff, resident):
    """One piece of each kind of work in the Hommelet fund, and one of Lille Sud's (never shown to Hommelet)."""
    from reports.models import Bilan

    fund = world.fund

    def filed(status, reference, title, day, fund=fund):
        return f.ApplicationFactory(
            fund=fund,
            status=status,
            reference=reference,
            title=title,
            submitted_at=datetime.datetime(2025, 3, day, 10, tzinfo=datetime.UTC),
            budget=False,
        )

    made = {
        "submitted": filed(Status.SUBMITTED, "PIC-2025-0001", "Fête des voisins", 1),
        "resubmitted": filed(Status.RESUBMITTED, "PIC-2025-0002", "Repair café", 2),
        "eligible": filed(Status.ELIGIBLE, "PIC-2025-0003", "Club de lecture", 3),
        "granted": filed(Status.GRANTED, "PIC-2025-0004", "Jardin partagé", 4),
        "late": f.GrantedApplicationFactory(fund=fund, title="Bal du quartier", reference="PIC-2025-0005"),
        "to_review": f.GrantedApplicationFactory(
            fund=fund, title="Fresque", reference="PIC-2025-0006", status=Status.BILAN_RECEIVED
        ),
        "accepted": f.GrantedApplicationFactory(
            fund=fund, title="Vide-grenier", reference="PIC-2025-0007", status=Status.BILAN_ACCEPTED
        ),
        "lille": filed(Status.SUBMITTED, "PIC-2025-0001", "Fête à Lille Sud", 1, fund=world.other_fund),
    }
    Bilan.objects.create(
        application=made["to_review"],
        created_by=made["to_review"].created_by,
        status="submitted",
        submitted_at=datetime.datetime(2025, 9, 20, 10, tzinfo=datetime.UTC),
    )
    Application.objects.filter(pk=made["submitted"].pk).update(staff_unread_messages=2)
    made["session"] = f.CommitteeSessionFactory(committee=world.committee, date=datetime.date(2025, 10, 20))
    f.CommitteeSessionFactory(
        committee=world.committee, date=datetime.date(2025, 9, 20), convocations_sent_at=TODAY
    )  # convened: nothing to prepare
    return made


def test_each_block_counts_its_work_and_each_line_opens_the_place_where_it_is_done(client, staff, world, work):
    client.force_login(staff)
    page = desk_page(client)
    assert "<h1>Mon bureau</h1>" in page
    staff_page = lambda key: reverse("staff:application", args=[work[key].pk])  # noqa: E731

    instruct = block(page, "a-instruire")
    assert "Demandes à instruire" in instruct and ">1<" in instruct
    assert f'href="{staff_page("submitted")}">PIC-2025-0001 — Fête des voisins</a>' in instruct
    assert "Fête à Lille Sud" not in page  # another association's request
    assert f'href="{staff_page("resubmitted")}"' in block(page, "complements")
    unread = block(page, "messages")
    assert "2 messages non lus" in unread
    assert f'href="{reverse("applications:application_detail", args=[work["submitted"].pk])}#messages"' in unread
    assert f'href="{staff_page("eligible")}"' in block(page, "ordre-du-jour")
    sessions = block(page, "seances")
    assert f'href="{reverse("committees:session_detail", args=[work["session"].pk])}"' in sessions
    assert "séance du 20/10/2025" in sessions and "séance du 20/09/2025" not in sessions
    payments = reverse("committees:payments", kwargs={"slug": world.fund.slug})
    assert f'href="{payments}?demande={work["granted"].pk}#titre-nouveau-versement"' in block(page, "acomptes")
    assert f'href="{payments}?demande={work["accepted"].pk}#titre-nouveau-versement"' in block(page, "soldes")
    late = block(page, "bilans-en-retard")
    assert f'href="{reverse("reports:staff_bilans")}?etat=overdue#bilan-{work["late"].pk}"' in late
    assert "attendu le 14/07/2025, 79 jours de retard" in late
    review = block(page, "bilans-a-etudier")
    assert f'href="{reverse("reports:bilan", args=[work["to_review"].pk])}"' in review
    assert "bilan déposé le 20/09/2025" in review


def test_other_association_staff_see_only_their_own_work(client, other_staff, work):
    client.force_login(other_staff)
    page = desk_page(client)
    assert "Fête à Lille Sud" in block(page, "a-instruire")
    assert "Fête des voisins" not in page and "Jardin partagé" not in page
    assert "Aucune séance n'attend ses convocations." in page


def test_a_block_shows_five_lines_and_says_how_many_there_are(client, staff, world):
    bulk_filed(world.fund, 7)
    client.force_login(staff)
    instruct = block(desk_page(client), "a-instruire")
    assert instruct.count("<li ") == 5
    assert "5 lignes affichées sur 7." in instruct
    assert f'href="{reverse("staff:inbox")}?status=submitted&amp;status=under_review&amp;ordre=submitted_at"' in (
        instruct.replace("&", "&amp;")
    )


# --- Query counts: 10 and 1,000 rows ---------------------------------------------------------------------


def _fill(world, count: int, start: int) -> None:
    """`count` requests spread over every kind of work of the desk, in a handful of INSERTs."""
    share = count // 5
    bulk_filed(world.fund, share, status=Status.SUBMITTED, start=start)
    bulk_filed(world.fund, share, status=Status.ELIGIBLE, start=start + share)
    bulk_filed(world.fund, share, status=Status.GRANTED, start=start + 2 * share)
    bulk_filed(world.fund, share, status=Status.ADVANCE_PAID, start=start + 3 * share)  # bilans late (granted too)
    bulk_filed(world.fund, count - 4 * share, status=Status.BILAN_RECEIVED, start=start + 4 * share)
    Application.objects.filter(fund=world.fund, number__gte=start).filter(
        number__lt=start + count, number__gt=start + count - 3
    ).update(staff_unread_messages=1, instructor=None)
    for offset in range(2):
        f.CommitteeSessionFactory(committee=world.committee, date=datetime.date(2025, 11, 1 + offset + start % 20))


def _queries(client, url: str, **params) -> tuple[int, object]:
    from django.core.cache import caches

    caches["pages"].clear()  # a full render each time (the inbox's filters are cached once rendered)
    with time_machine.travel(TODAY, tick=False), CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries), response


def _desk_and_inbox_queries(client, world, staff) -> dict:
    """Every request of the fund given to `staff`, then the queries and response of the desk and the inbox."""
    Application.objects.filter(fund=world.fund).update(instructor=staff)
    return {
        "desk": _queries(client, reverse("portal:desk")),
        "inbox": _queries(client, reverse("staff:inbox")),
        "mine": _queries(client, reverse("staff:inbox"), mine="on", ordre="-last_activity_at"),
    }


def test_the_desk_and_the_inbox_cost_the_same_with_10_and_1000_requests(client, world, staff):
    client.force_login(staff)
    _queries(client, reverse("portal:desk"))  # the menu reads the roles once per day (cached): warm that day up
    _fill(world, 10, start=1)
    small = _desk_and_inbox_queries(client, world, staff)
    _fill(world, 990, start=11)
    large = _desk_and_inbox_queries(client, world, staff)
    assert Application.objects.filter(fund=world.fund).count() == 1000
    assert large["inbox"][1].context["page"].paginator.count == 1000
    waiting = {b.key: b.count for b in large["desk"][1].context["blocks"]}
    assert waiting["a-instruire"] == 200 and waiting["bilans-en-retard"] == 400 and waiting["seances"] == 4
    for name in small:
        assert large[name][0] == small[name][0], (name, small[name][0], large[name][0])
