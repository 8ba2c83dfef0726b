"""The staff's desk and the inbox as a worklist (issue 17), in a browser.

Staff log in and land on their desk, follow a line to a request and assign it to themselves, put two eligible
requests on a session's agenda in one go from the inbox, export a selection, and chase a late bilan ("Relancer").
At 375 px, the inbox keeps each request's reference, title and status on screen.

The journey works on its own fund, committee, session and requests (created here, one set per viewport) under the
demo association, so the demo's own figures, which other journeys read, stay untouched.
"""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import check_page, click_and_wait, login

pytestmark = pytest.mark.e2e

STAFF_EMAIL = "equipe@hommelet.demo.example.org"


def check(page, step: str) -> None:
    """check_page (screenshot, axe-core, Nu Html Checker), and no page-wide sideways scrolling at any width."""
    check_page(page, step)
    overflow = page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            if (document.documentElement.scrollWidth <= width) return [];
            return [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > width + 1)
                .filter(e => !e.parentElement.closest('.table-responsive'))
                .slice(0, 5).map(e => `${e.tagName.toLowerCase()}.${e.className}`);
        }"""
    )
    assert not overflow, f"{page.url} ({step}) scrolls sideways: {overflow}"


def prepare(viewport: str) -> dict:
    """A fund of the demo association with a planned session, a request filed long ago (first on the desk), two
    eligible requests filed in time for the session, and a granted request whose bilan is late."""
    from funds.models import CarrierAssociation
    from tests.factories import CommitteeFactory, CommitteeSessionFactory, FundFactory, HolderFactory, UserFactory

    today = timezone.localdate()
    hommelet = CarrierAssociation.objects.get(slug="centre-social-hommelet")
    demo_fund = hommelet.funds.get(slug="pic-hommelet-2025")
    fund = FundFactory(
        association=hommelet,
        slug=f"parcours-bureau-{viewport}",
        name=f"Fonds du parcours bureau ({viewport})",
        year=today.year,
        envelope=Decimal("5000.00"),
        call_opens_on=datetime.date(today.year, 1, 1),
        call_closes_on=datetime.date(today.year, 12, 31),
        filing_days_before_committee=15,
        is_published=False,
        themes=list(demo_fund.themes.all()[:2]),
        neighbourhoods=list(hommelet.neighbourhoods.order_by("code")[:1]),
    )
    committee = CommitteeFactory(fund=fund, name=f"Comité du parcours bureau ({viewport})")
    session = CommitteeSessionFactory(committee=committee, date=today + datetime.timedelta(days=30))
    resident = UserFactory(email=f"porteuse.bureau.{viewport}@example.org", email_confirmed_at=timezone.now())
    holder = HolderFactory(owner=resident, name=f"Collectif du bureau ({viewport})", referent_phone="06 01 02 03 04")
    return _requests(viewport, fund, session, resident, holder)


def _requests(viewport: str, fund, session, resident, holder) -> dict:
    """The journey's requests: filed long ago, eligible (two), granted with a late bilan; with the fund and session."""
    from applications.workflow import Status
    from tests.factories import ApplicationFactory, GrantedApplicationFactory

    tag = viewport[0].upper()

    def filed(number: int, title: str, status: str, days_ago: int, factory=ApplicationFactory):
        return factory(
            fund=fund,
            created_by=resident,
            holder=holder,
            title=f"{title} ({viewport})",
            status=status,
            number=number,
            reference=f"BUR{tag}-{number:04d}",
            submitted_at=timezone.now() - datetime.timedelta(days=days_ago),
            budget=False,
        )

    return {
        "fund": fund,
        "session": session,
        "first": filed(1, "Goûter des anciens", Status.SUBMITTED, 400),
        "eligible": [
            filed(2, "Atelier vélo", Status.ELIGIBLE, 21),
            filed(3, "Fresque du square", Status.ELIGIBLE, 21),
        ],
        "late": filed(4, "Bal de la Saint-Jean", Status.ADVANCE_PAID, 500, GrantedApplicationFactory),
        "resident": resident,
    }


@pytest.mark.parametrize("viewport", ["desktop"])
def test_staff_desk(page, viewport):
    data = prepare(viewport)
    first, (bike, fresco), late = data["first"], data["eligible"], data["late"]

    _assign_the_first_request_from_the_desk(page, first)
    _put_two_on_the_agenda_from_the_inbox(page, data, first, bike, fresco)
    _export_a_selection(page, data, first)
    _chase_a_late_bilan(page, data, late)


def _assign_the_first_request_from_the_desk(page, first) -> None:
    """Login: the desk; follow the line to the request; assign it to oneself."""
    login(page, STAFF_EMAIL)
    expect(page).to_have_url(re.compile(r"/equipe/bureau/$"))
    check(page, "bureau")
    expect(page.get_by_role("heading", level=1, name="Mon bureau")).to_be_visible()
    expect(page.get_by_role("link", name="Mon bureau")).to_have_attribute("aria-current", "page")
    to_instruct = page.locator("#a-instruire")
    expect(to_instruct.get_by_role("heading", name=re.compile("Demandes à instruire"))).to_be_visible()

    # Follow the line to the request; assign it to oneself.
    click_and_wait(page, to_instruct.get_by_role("link", name=f"{first.reference} — {first.title}"))
    expect(page).to_have_url(re.compile(rf"/equipe/demandes/{first.pk}/$"))
    check(page, "demande-a-instruire")
    click_and_wait(page, page.get_by_role("button", name="Me l'attribuer"))
    check(page, "demande-attribuee")
    expect(page.get_by_text("Cette demande vous est attribuée")).to_be_visible()
    expect(page.get_by_text("Attribuée à")).to_be_visible()
    first.refresh_from_db()
    assert first.instructor.email == STAFF_EMAIL


def _put_two_on_the_agenda_from_the_inbox(page, data, first, bike, fresco) -> None:
    """The inbox: "Mes dossiers", then two eligible requests on the session's agenda in one go."""
    from applications.models import Application
    from committees.models import AgendaItem

    page.goto("/equipe/demandes/?mine=on")
    check(page, "mes-dossiers")
    expect(page.get_by_role("rowheader", name=first.reference)).to_be_visible()
    page.goto(f"/equipe/demandes/?fund={data['fund'].pk}&status=eligible&ordre=reference")
    check(page, "demandes-recevables")
    page.get_by_label(f"Cocher la demande {bike.reference}").check()
    page.get_by_label(f"Cocher la demande {fresco.reference}").check()
    session_label = f"{data['session'].committee.name} — séance du {data['session'].date:%d/%m/%Y}"
    page.get_by_label("Séance du comité").select_option(label=session_label)
    click_and_wait(page, page.get_by_role("button", name="Inscrire à l'ordre du jour"))
    check(page, "inscrites-a-l-ordre-du-jour")
    expect(
        page.get_by_text(f"2 demandes inscrites à l'ordre du jour de la séance du {data['session'].date:%d/%m/%Y}.")
    ).to_be_visible()
    assert sorted(
        AgendaItem.objects.filter(session=data["session"]).values_list("application_id", flat=True)
    ) == sorted([bike.pk, fresco.pk])
    assert set(Application.objects.filter(pk__in=[bike.pk, fresco.pk]).values_list("status", flat=True)) == {
        "on_agenda"
    }


def _export_a_selection(page, data, first) -> None:
    """Export a selection (CSV with its stable codes)."""
    page.goto(f"/equipe/demandes/?fund={data['fund'].pk}&ordre=reference")
    page.get_by_label(f"Cocher la demande {first.reference}").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Exporter la sélection en CSV").click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert content.splitlines()[0].startswith("reference;title;")
    assert len(content.splitlines()) == 2 and first.reference in content


def _chase_a_late_bilan(page, data, late) -> None:
    """Chase a late bilan; a second click the same day sends nothing."""
    from django.core import mail

    from reports.models import BilanReminder

    page.goto("/equipe/bureau/")
    click_and_wait(page, page.get_by_role("link", name="Tous les bilans en retard, pour relancer"))
    page.goto(f"/bilans/?fonds={data['fund'].slug}&etat=overdue")
    check(page, "bilans-en-retard")
    row = page.locator(f"#bilan-{late.pk}")
    expect(row.get_by_role("link", name=late.reference)).to_be_visible()
    expect(row.get_by_role("link", name=data["resident"].email)).to_be_visible()
    expect(row.get_by_role("link", name="06 01 02 03 04")).to_be_visible()
    before = len(mail.outbox)
    click_and_wait(page, row.get_by_role("button", name=re.compile("Relancer")))
    check(page, "bilan-relance")
    expect(page.get_by_text(f"Le porteur de la demande {late.reference} est relancé par e-mail.")).to_be_visible()
    expect(page.locator(f"#bilan-{late.pk}").get_by_text(f"Relancé le {timezone.localdate():%d/%m/%Y}")).to_be_visible()
    assert BilanReminder.objects.filter(application=late, kind="manual").count() == 1
    assert [m.to for m in mail.outbox[before:]] == [[data["resident"].email]]
    # A second click the same day sends nothing and says why.
    click_and_wait(page, page.locator(f"#bilan-{late.pk}").get_by_role("button", name=re.compile("Relancer")))
    expect(page.get_by_text("a déjà été relancé le")).to_be_visible()
    assert BilanReminder.objects.filter(application=late, kind="manual").count() == 1


@pytest.mark.parametrize("viewport", ["mobile"])
def test_staff_inbox_on_a_phone(page, viewport):
    data = prepare(viewport)
    first = data["first"]
    login(page, STAFF_EMAIL)
    expect(page).to_have_url(re.compile(r"/equipe/bureau/$"))
    check(page, "bureau-telephone")
    page.goto(f"/equipe/demandes/?fund={data['fund'].pk}&ordre=reference")
    check(page, "demandes-telephone")
    row = page.locator("tbody tr").filter(has=page.get_by_role("rowheader", name=first.reference))
    row.scroll_into_view_if_needed()
    expect(row.get_by_role("link", name=first.reference)).to_be_in_viewport()
    expect(row.get_by_text(first.title)).to_be_in_viewport()
    expect(row.get_by_text("Déposée", exact=True)).to_be_in_viewport()
    expect(page.get_by_role("columnheader", name="Porteur")).to_be_hidden()
    expect(page.get_by_role("columnheader", name="Statut")).to_be_in_viewport()
