"""Bilan pages: the holder fills and files; the association's staff review; co-funders read; others get 404."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.workflow import Status
from reports import services
from reports.models import Bilan, BilanStatus, CvsBilan
from tests import factories as f
from tests.bilan_fixtures import action_answers, application_fixture, fill_for_submission, jpeg_with_gps  # noqa: F401  (fixtures)
from tests.factories import DEFAULT_PASSWORD
from tests.form_helpers import management


def login(client, user):
    """Log `client` in as `user`, out of whoever it was before."""
    client.logout()
    assert client.login(username=user.email, password=DEFAULT_PASSWORD)
    return client


def url(name: str, application, **kwargs) -> str:
    return reverse(f"reports:{name}", kwargs={"pk": application.pk, **kwargs})


def section(application, slug: str) -> str:
    return url("bilan_section", application, section=slug)


@pytest.fixture
def filed(application, resident):
    bilan = fill_for_submission(services.start_bilan(user=resident, application=application), resident)
    return services.submit_bilan(user=resident, bilan=bilan)


# --- The holder ----------------------------------------------------------------------------------------


def _fill_every_section(client, application) -> None:
    """Answers each section of the PIC bilan; every answer is saved and leads on."""
    response = client.post(section(application, "action"), action_answers("2025-06-14T16:00", "2025-06-14T20:00"))
    assert response.status_code == 302 and response["Location"] == section(application, "appreciation")
    answers = [
        (
            "appreciation",
            {"positive_points": "L'ambiance", "help_sufficient": "true", "wants_to_renew": "false", "action": "next"},
        ),
        (
            "depenses",
            {
                **management("depenses", 2, 1),
                "depenses-0-category": "60",
                "depenses-0-label": "Goûter et boissons",
                "depenses-0-planned_amount": "300,00",
                "depenses-0-actual_amount": "280,50",
                "depenses-1-category": "",
                "depenses-1-label": "",
                "action": "next",
            },
        ),
        (
            "effets",
            {
                "effet-health-observed": "on",
                "effet-health-changes": ["health.confidence"],
                "effet-social_ties-publics": ["neighbours"],  # not ticked as observed: ignored
                "action": "next",
            },
        ),
        (
            "pieces",
            {
                "piece-kind": "photo",
                "piece-file": SimpleUploadedFile("fete.jpg", jpeg_with_gps(), content_type="image/jpeg"),
                "piece-public_consent": "on",
                "piece-description": "Le goûter",
                "action": "upload",
            },
        ),
        (
            "pieces",
            {
                "piece-kind": "receipt",
                "piece-file": SimpleUploadedFile("ticket.pdf", f.MINIMAL_PDF),
                "action": "upload",
            },
        ),
    ]
    for slug, data in answers:
        assert client.post(section(application, slug), data).status_code == 302, slug


def test_holder_fills_the_pic_bilan_section_by_section_and_files_it(client, application, resident, staff):
    login(client, resident)
    page = client.get(url("bilan", application))
    assert page.status_code == 200 and "Commencer le bilan" in page.content.decode()

    response = client.post(url("start_bilan", application))
    assert response.status_code == 302 and response["Location"] == section(application, "action")
    bilan = Bilan.objects.get(application=application)
    for slug in ("action", "appreciation", "depenses", "effets", "pieces", "envoi"):
        assert client.get(section(application, slug)).status_code == 200, slug

    _fill_every_section(client, application)

    bilan.refresh_from_db()
    assert (bilan.mobilised_women, bilan.participant_men, bilan.help_sufficient, bilan.wants_to_renew) == (
        11,
        28,
        True,
        False,
    )
    assert [e.actual_amount for e in bilan.expenses.all()] == [Decimal("280.50")]
    assert [o.effect for o in bilan.effects.all()] == ["health"]
    photo = bilan.attachments.get(kind="photo")
    assert photo.public_consent and b"Exif" not in photo.file.open("rb").read()

    summary = client.get(section(application, "envoi"))
    assert "Le bilan est complet" in summary.content.decode()
    assert client.post(section(application, "envoi"), {}).status_code == 200  # the box must be ticked
    response = client.post(section(application, "envoi"), {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == url("bilan", application)
    bilan.refresh_from_db()
    application.refresh_from_db()
    assert bilan.status == BilanStatus.SUBMITTED and application.status == Status.BILAN_RECEIVED
    assert client.get(section(application, "action")).status_code == 302  # no longer editable
    pdf = client.get(url("bilan_pdf", application))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_form_errors_are_shown_in_french_and_nothing_is_saved(client, application, resident):
    login(client, resident)
    client.post(url("start_bilan", application))
    response = client.post(
        section(application, "action"),
        {"held_from": "2025-06-14T20:00", "held_until": "2025-06-14T10:00", "proceedings": "Oups", "action": "next"},
    )
    assert response.status_code == 200
    assert "La fin de l&#x27;action doit venir après son début" in response.content.decode()
    response = client.post(section(application, "action"), {"mobilised_women": "-1", "action": "next"})
    assert response.status_code == 200
    assert "supérieure ou égale à 0" in response.content.decode()
    assert Bilan.objects.get(application=application).proceedings == ""
    response = client.post(
        section(application, "effets"),
        {"effet-gender_equality-observed": "on", "action": "next"},
    )
    assert response.status_code == 200
    assert "décrivez-le" in response.content.decode()
    summary = client.get(section(application, "envoi")).content.decode()
    assert "Racontez le déroulement de l&#x27;action." in summary


def test_another_resident_gets_404_everywhere(client, application, resident, other_resident, filed):
    attachment = filed.attachments.first()
    login(client, other_resident)
    for target in (
        url("bilan", application),
        section(application, "action"),
        url("bilan_pdf", application),
        url("download_attachment", application, attachment_pk=attachment.pk),
    ):
        assert client.get(target).status_code == 404, target
    assert client.post(url("start_bilan", application)).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(client, application):
    response = client.get(url("bilan", application))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- The association's staff ---------------------------------------------------------------------------


def test_staff_do_not_see_a_draft_that_was_never_filed(client, application, resident, staff):
    services.start_bilan(user=resident, application=application)
    login(client, staff)
    assert client.get(url("bilan", application)).status_code == 404
    assert client.get(url("bilan_pdf", application)).status_code == 404


def test_staff_accept_a_filed_bilan(client, application, filed, staff):
    login(client, staff)
    page = client.get(url("bilan", application)).content.decode()
    assert "Accepter le bilan" in page
    attachment = filed.attachments.first()
    assert client.get(url("download_attachment", application, attachment_pk=attachment.pk)).status_code == 200

    response = client.post(url("accept_bilan", application))
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == BilanStatus.ACCEPTED


def test_staff_return_with_a_comment_the_holder_is_told(
    client, application, filed, staff, resident, django_capture_on_commit_callbacks
):
    login(client, staff)
    response = client.post(url("return_bilan", application), {"comment": ""})
    assert response.status_code == 400
    assert "le commentaire est obligatoire" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("return_bilan", application), {"comment": "Il manque la facture de la sono."})
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == BilanStatus.RETURNED
    assert mail.outbox[-1].to == [resident.email]

    login(client, resident)
    page = client.get(section(application, "action")).content.decode()
    assert "Il manque la facture de la sono." in page


def test_other_associations_staff_get_404(client, application, filed, other_staff):
    login(client, other_staff)
    assert client.get(url("bilan", application)).status_code == 404
    assert client.get(url("bilan_pdf", application)).status_code == 404
    assert client.post(url("accept_bilan", application)).status_code == 404
    assert client.post(url("return_bilan", application), {"comment": "Non"}).status_code == 404
    filed.refresh_from_db()
    assert filed.status == BilanStatus.SUBMITTED


def test_close_once_accepted_and_nothing_left_to_pay(client, application, filed, staff):
    login(client, staff)
    services.accept_bilan(user=staff, bilan=filed)  # no grant recorded: nothing to pay
    page = client.get(url("bilan", application)).content.decode()
    assert "Clôturer la demande" in page
    assert client.post(url("close_application", application)).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.CLOSED


# --- The co-funders' staff -----------------------------------------------------------------------------


def test_cofunders_download_the_pdf_but_cannot_act(client, application, filed, region_staff, city_staff):
    attachment = filed.attachments.first()
    for funder_user in (region_staff, city_staff):
        login(client, funder_user)
        response = client.get(url("bilan_pdf", application))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        page = client.get(url("bilan", application))
        assert page.status_code == 200 and "Accepter le bilan" not in page.content.decode()
        assert client.post(url("accept_bilan", application)).status_code == 404
        assert client.get(url("download_attachment", application, attachment_pk=attachment.pk)).status_code == 404
    filed.refresh_from_db()
    assert filed.status == BilanStatus.SUBMITTED


def test_a_funder_of_another_fund_gets_404(client, world, application, filed):
    lille_agent = f.UserFactory()
    f.FunderStaffFactory(funder=world.city_lille, user=lille_agent)
    login(client, lille_agent)
    assert client.get(url("bilan_pdf", application)).status_code == 404


# --- Lists ---------------------------------------------------------------------------------------------


def test_staff_list_shows_their_funds_bilans_only(client, world, application, filed, resident, staff, other_staff):
    late = f.GrantedApplicationFactory(fund=world.fund, created_by=resident, title="Repair café en retard")
    elsewhere = f.GrantedApplicationFactory(fund=world.other_fund, created_by=resident, title="Projet de Lille Sud")
    login(client, staff)
    page = client.get(reverse("reports:staff_bilans")).content.decode()
    assert application.title in page and late.title in page and "En retard" in page
    assert elsewhere.title not in page
    filtered = client.get(reverse("reports:staff_bilans"), {"etat": "to_review"}).content.decode()
    assert application.title in filtered and late.title not in filtered
    assert client.get(reverse("reports:staff_bilans"), {"fonds": world.other_fund.slug}).status_code == 404

    login(client, other_staff)
    page = client.get(reverse("reports:staff_bilans")).content.decode()
    assert elsewhere.title in page and application.title not in page

    login(client, resident)
    assert client.get(reverse("reports:staff_bilans")).status_code == 404
    mine = client.get(reverse("reports:my_bilans")).content.decode()
    assert application.title in mine and elsewhere.title in mine


def test_staff_list_shows_fifty_bilans_per_page_late_ones_first(client, world, resident, staff):
    def count_queries(params=None) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("reports:staff_bilans"), params or {}).status_code == 200
        return len(queries)

    login(client, staff)
    for number in range(3):
        f.GrantedApplicationFactory(fund=world.fund, created_by=resident, title=f"Projet {number:02d}")
    with_three = count_queries()
    for number in range(3, 52):
        f.GrantedApplicationFactory(fund=world.fund, created_by=resident, title=f"Projet {number:02d}")
    assert count_queries() == with_three
    first = client.get(reverse("reports:staff_bilans")).content.decode()
    second = client.get(reverse("reports:staff_bilans"), {"page": "2"}).content.decode()
    shown = [title for title in (f"Projet {n:02d}" for n in range(52)) if title in first]
    assert len(shown) == 50
    assert sum(1 for n in range(52) if f"Projet {n:02d}" in second) == 2
    assert 'aria-label="Pages de la liste des bilans"' in first
    assert client.get(reverse("reports:staff_bilans"), {"page": "x"}).status_code == 200


def test_holders_with_a_grant_find_mes_bilans_from_their_pages(client, world, resident, other_resident):
    f.GrantedApplicationFactory(fund=world.fund, created_by=resident)
    f.ApplicationFactory(fund=world.fund, created_by=other_resident)  # a draft: no bilan to write
    link = f'href="{reverse("reports:my_bilans")}"'
    login(client, resident)
    assert link in client.get(reverse("portal:dashboard")).content.decode()
    assert link in client.get(reverse("portal:my_applications")).content.decode()
    login(client, other_resident)
    assert link not in client.get(reverse("portal:dashboard")).content.decode()
    assert link not in client.get(reverse("portal:my_applications")).content.decode()


# --- The CVS bilan -------------------------------------------------------------------------------------


def test_holder_fills_the_cvs_bilan(client, resident):
    application = f.GrantedApplicationFactory(fund=f.CvsFundFactory(), created_by=resident)
    login(client, resident)
    client.post(url("start_bilan", application))
    bilan = CvsBilan.objects.get(application=application)
    for slug in ("identite", "avancement", "partenaires", "appreciation", "budget", "envoi"):
        assert client.get(section(application, slug)).status_code == 200, slug

    def objectives_post(count: int) -> dict:
        data = {**management("objectifs", count), "progress_status": "closed", "progress_since": "2025-06-30"}
        for n in range(count):
            data |= {
                f"objectifs-{n}-objective": f"Organiser {n + 1}0 ateliers",
                f"objectifs-{n}-indicators": "Ateliers",
                f"objectifs-{n}-result": "Fait",
            }
        return data

    response = client.post(section(application, "avancement"), objectives_post(6) | {"action": "stay"})
    assert response.status_code == 200
    assert "5 objectifs opérationnels au plus" in response.content.decode()
    assert bilan.objectives.count() == 0

    response = client.post(section(application, "avancement"), objectives_post(2) | {"action": "next"})
    assert response.status_code == 302
    assert bilan.objectives.count() == 2
    bilan.refresh_from_db()
    assert bilan.progress_status == "closed"

    response = client.post(
        section(application, "budget"),
        {
            **management("budget", 2),
            "budget-0-line": "charge|60|60.supplies",
            "budget-0-planned_amount": "1 000,00",
            "budget-0-realised_amount": "900",
            "budget-1-line": "resource|74|74.commune_specific",
            "budget-1-commune_name": "Lille",
            "budget-1-planned_amount": "1000",
            "budget-1-realised_amount": "800",
            "action": "next",
        },
    )
    assert response.status_code == 302
    lines = list(bilan.budget_lines.values_list("side", "account", "item", "commune_name", "planned_amount"))
    assert lines == [
        ("charge", "60", "60.supplies", "", Decimal("1000.00")),
        ("resource", "74", "74.commune_specific", "Lille", Decimal("1000.00")),
    ]
    summary = client.get(section(application, "envoi")).content.decode()
    assert "budget réalisé n&#x27;est pas équilibré" in summary
    assert "Les chiffres clés sont obligatoires" in summary
    assert client.get(url("bilan_pdf", application)).status_code == 200


def test_a_bilan_that_does_not_exist_yet_has_no_pdf(client, application, resident):
    login(client, resident)
    assert client.get(url("bilan_pdf", application)).status_code == 404
    assert client.get(section(application, "action")).status_code == 302


def test_holder_cannot_start_before_the_grant(client, world, resident):
    application = f.GrantedApplicationFactory(fund=world.fund, created_by=resident, status=Status.UNDER_REVIEW)
    login(client, resident)
    response = client.post(url("start_bilan", application), follow=True)
    assert "une fois la subvention accordée" in response.content.decode()
    assert not Bilan.objects.exists()


def test_delete_a_piece(client, application, resident):
    bilan = services.start_bilan(user=resident, application=application)
    png = f.png_bytes("black", (4, 4))
    attachment = services.add_bilan_attachment(
        user=resident, bilan=bilan, kind="photo", uploaded_file=SimpleUploadedFile("a.png", png)
    )
    login(client, resident)
    response = client.post(url("delete_attachment", application, attachment_pk=attachment.pk))
    assert response.status_code == 302
    assert not bilan.attachments.exists()


def test_cvs_bilan_is_reviewed_by_its_association_and_read_by_its_funders(client, resident):
    bilan = f.CvsBilanFactory(application__created_by=resident)
    f.CvsObjectiveFactory.create_batch(2, bilan=bilan)
    f.CvsBudgetLineFactory(
        bilan=bilan, side="charge", account="60", planned_amount=Decimal("500"), realised_amount=Decimal("400")
    )
    f.CvsBudgetLineFactory(
        bilan=bilan,
        side="resource",
        account="74",
        item="74.state_specific",
        planned_amount=Decimal("500"),
        realised_amount=Decimal("400"),
    )
    services.submit_cvs_bilan(user=resident, bilan=bilan)
    application = bilan.application
    reviewer = f.UserFactory()
    f.AssociationStaffFactory(association=application.fund.association, user=reviewer)
    state_agent = f.UserFactory()
    state = f.FunderFactory(name="État — Préfecture du Nord", kind="state")
    f.FundCoFunderFactory(fund=application.fund, funder=state)
    f.FunderStaffFactory(funder=state, user=state_agent)

    login(client, state_agent)
    assert client.get(url("bilan_pdf", application)).status_code == 200
    page = client.get(url("bilan", application)).content.decode()
    assert "Le bilan (annexe 3)" in page and "Accepter le bilan" not in page
    assert client.post(url("accept_bilan", application)).status_code == 404

    login(client, reviewer)
    page = client.get(url("bilan", application)).content.decode()
    assert "Organiser 30 ateliers" in page and "Accepter le bilan" in page
    client.post(url("accept_bilan", application))
    bilan.refresh_from_db()
    assert bilan.status == BilanStatus.ACCEPTED
