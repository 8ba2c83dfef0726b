"""A resident on a phone (375 px) reads the next committee dates on the open calls, starts a request, files for
"un groupe d'habitants" and sees only its fields, types a project date before the first committee the request can
still reach and is told whom to call, then fills the budget with everyday words.

The journey runs on its own fund and committee (created here) under the demo association, with three sessions to
come: one whose last filing day has passed, two still open.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import check_page, click_to, fill_fields, login, save_and_continue, visit

pytestmark = pytest.mark.e2e

FUND_NAME = "Fonds du parcours des mots"
EMAIL = "habitante.mots@example.org"


def prepare_fund():
    """A fund open today filing 15 days before its committee, with sessions in 5, 20 and 50 days; a resident."""
    from funds.models import CarrierAssociation
    from tests.factories import CommitteeFactory, CommitteeSessionFactory, FundFactory, UserFactory

    today = timezone.localdate()
    project_day = today + datetime.timedelta(days=3)
    hommelet = CarrierAssociation.objects.get(slug="centre-social-hommelet")
    fund = FundFactory(
        association=hommelet,
        slug="parcours-des-mots",
        name=FUND_NAME,
        year=project_day.year,
        envelope=Decimal("5000.00"),
        call_opens_on=today - datetime.timedelta(days=30),
        call_closes_on=today + datetime.timedelta(days=90),
        max_grant=Decimal("900.00"),
        filing_days_before_committee=15,
        themes=list(hommelet.funds.get(slug="pic-hommelet-2025").themes.all()[:3]),
        neighbourhoods=list(hommelet.neighbourhoods.order_by("code")[:1]),
    )
    committee = CommitteeFactory(fund=fund, name="Comité du parcours des mots")
    sessions = [
        CommitteeSessionFactory(committee=committee, date=today + datetime.timedelta(days=n)) for n in (5, 20, 50)
    ]
    resident = UserFactory(email=EMAIL, first_name="Malika", last_name="Mots", email_confirmed_at=timezone.now())
    return fund, sessions, project_day, resident


@pytest.mark.parametrize("viewport", ["mobile"], indirect=True)
def test_resident_sees_committee_dates_and_plain_words(page, viewport):
    fund, sessions, project_day, resident = prepare_fund()
    passed, first_open, later = sessions

    last_day = _read_the_committee_dates(page, passed, first_open, later)
    _start_a_request_for_a_group(page, first_open, last_day)
    application = _describe_the_project(page, fund, resident)
    _give_a_date_before_the_first_committee(page, project_day, first_open)
    _describe_the_public(page)
    _fill_in_the_budget(page, application)
    _read_the_summary(page, application)


def _read_the_committee_dates(page, passed, first_open, later):
    """The open calls: the next sessions and the last day to file for each; the last day for the first open one."""
    visit(page, "/appels-a-projets/", "appels-ouverts")
    card = page.locator("article", has_text=FUND_NAME)
    expect(card.get_by_role("heading", name="Prochains comités d'attribution")).to_be_visible()
    expect(card).to_contain_text(
        f"trop tard pour ce comité (dépôt jusqu'au {passed.date - datetime.timedelta(days=15):%d/%m/%Y})"
    )
    last_day = first_open.date - datetime.timedelta(days=15)
    expect(card).to_contain_text(f"déposez votre demande au plus tard le {last_day:%d/%m/%Y}")
    expect(card).to_contain_text(f"{later.date:%d/%m/%Y}")
    return last_day


def _start_a_request_for_a_group(page, first_open, last_day) -> None:
    """Start a request: the first step shows the dates too, and asks for whom first; a group of residents."""
    from tests.factories.accounts import DEFAULT_PASSWORD

    main = page.locator("main")
    login(page, EMAIL, DEFAULT_PASSWORD)
    visit(page, "/appels-a-projets/", "appels-ouverts-connecte")
    click_to(page, page.get_by_role("link", name=f"Faire une demande au fonds {FUND_NAME}"), "nouvelle-demande")
    expect(main).to_contain_text(f"déposez votre demande au plus tard le {last_day:%d/%m/%Y}")
    click_to(page, page.get_by_role("button", name="Commencer ma demande"), "etape-porteur")
    expect(main).to_contain_text(
        f"{first_open.date:%d/%m/%Y} : déposez votre demande au plus tard le {last_day:%d/%m/%Y}"
    )
    group_fields = page.locator("fieldset[data-holder-kind='group']")
    association_fields = page.locator("fieldset[data-holder-kind='association']")
    # Nothing chosen yet: neither kind's fields show.
    expect(page.get_by_text("Vous déposez pour : un groupe d'habitants ou une association ?")).to_be_visible()
    expect(group_fields).to_be_hidden()
    expect(association_fields).to_be_hidden()
    page.get_by_label("Un groupe d'habitants", exact=True).check()
    expect(group_fields).to_be_visible()
    expect(association_fields).to_be_hidden()
    expect(page.get_by_label("Numéro SIRET (14 chiffres)")).to_be_hidden()
    check_page(page, "etape-porteur-groupe")
    fill_fields(
        page,
        {
            "#id_new-name": "Les voisins des mots",
            "#id_new-referent_name": "Malika Mots",
            "#id_new-co_holders_count": "2",
            "#id_new-co_holders_first_names": "Inès, Paul",
        },
    )
    save_and_continue(page, "etape-projet")


def _describe_the_project(page, fund, resident):
    """The holder saved as a group (no SIRET); the project described: the request."""
    from applications.models import Application, Holder

    application = Application.objects.get(fund=fund, created_by=resident)
    assert application.holder.kind == Holder.Kind.GROUP and application.holder.siret == ""
    page.get_by_label("Titre du projet").fill("Lecture partagée au square")
    page.get_by_label("Thématique").select_option(index=1)
    page.get_by_label("Objectifs : à quoi va servir le projet ?").fill("Lire ensemble, petits et grands.")
    page.get_by_label("Description : qu'allez-vous faire, avec qui, comment ?").fill(
        "Des lectures à voix haute chaque mercredi, avec la médiathèque."
    )
    save_and_continue(page, "etape-dates")
    return application


def _give_a_date_before_the_first_committee(page, project_day, first_open) -> None:
    """A start date before the first committee the request can still reach: the warning, and whom to call."""
    main = page.locator("main")
    warning = page.locator("#date-avant-comite")
    expect(warning).to_be_hidden()
    fill_fields(page, {"Date de début": project_day.isoformat(), "Heure de début": "15:00"})
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(f"Votre projet commence le {project_day:%d/%m/%Y}")
    expect(warning).to_contain_text(f"au plus tôt au comité du {first_open.date:%d/%m/%Y}")
    expect(warning.get_by_role("link", name="03 20 00 00 00")).to_have_attribute("href", "tel:0320000000")
    expect(warning.get_by_role("link", name="contact@hommelet.demo.example.org")).to_be_visible()
    check_page(page, "etape-dates-avertissement")
    fill_fields(page, {"Date de fin": project_day.isoformat(), "Heure de fin": "18:00"})
    page.get_by_label("Lieu", exact=True).fill("Square Watteau")
    page.get_by_label("Quartier").select_option(index=1)
    save_and_continue(page, "etape-public")
    # Saved, and said again at once on the next page (also without JavaScript).
    expect(main).to_contain_text(f"Attention : votre projet commence le {project_day:%d/%m/%Y}")
    expect(main).to_contain_text("Centre social de l'Hommelet (03 20 00 00 00, contact@hommelet.demo.example.org)")


def _describe_the_public(page) -> None:
    fill_fields(
        page,
        {
            "Public attendu : qui va venir ?": "Les familles du square",
            "Nombre de femmes attendues": "12",
            "Nombre d'hommes attendus": "8",
            "Nombre d'habitant·es qui aident à organiser": "3",
        },
    )
    save_and_continue(page, "etape-budget")


def _fill_in_the_budget(page, application) -> None:
    """The budget in everyday words, the account beside them."""
    from applications.models import BudgetLine

    expense_type = page.locator("#id_expense-0-category")
    expect(expense_type.locator("option[value='60']")).to_have_text(
        "Achats : matériel, nourriture, boissons, petites fournitures (compte 60)"
    )
    expect(page.get_by_text("Type de dépense").first).to_be_visible()
    expense_type.select_option(label="Achats : matériel, nourriture, boissons, petites fournitures (compte 60)")
    fill_fields(
        page,
        {
            "#id_expense-0-label": "Livres et goûter",
            "#id_expense-0-amount": "200",
            "Montant demandé au fonds (€)": "200",
        },
    )
    page.get_by_label("Montant demandé au fonds (€)").blur()
    page.get_by_text("Le budget est équilibré").wait_for()
    save_and_continue(page, "etape-pieces")
    line = BudgetLine.objects.get(application=application, side="expense")
    assert (line.category, line.label) == ("60", "Livres et goûter")


def _read_the_summary(page, application) -> None:
    """The summary: the warning before the submit button, the budget in everyday words."""
    main = page.locator("main")
    page.goto(f"/demandes/{application.pk}/etape/summary/")
    check_page(page, "recapitulatif")
    expect(main).to_contain_text("Attention : votre projet commence avant le comité")
    expect(main.get_by_role("link", name="Changer la date du projet")).to_be_visible()
    expect(main).to_contain_text("Achats : matériel, nourriture, boissons, petites fournitures (compte 60)")
