"""Association staff instruct a request and put it on a committee's agenda; the session is held (attendance,
quorum, automatic recusal, votes, decision), closed, a decision amended and the advance paid. And the
administrator reads the audit log.

The journey runs on its own fund, committee and request (created here, one set per viewport) under the demo
association: the demo funds' figures, which other journeys read (the Région's annual report), stay untouched.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import check_page, click_and_wait, login

pytestmark = pytest.mark.e2e

STAFF_EMAIL = "equipe@hommelet.demo.example.org"
ADMIN_EMAIL = "admin@demo.example.org"
NBSP = "\u00a0"
NARROW_NBSP = "\u202f"  # between thousands


def euros(amount: str) -> str:
    """How the portal writes an amount: '200,00 €' with a no-break space."""
    return f"{amount}{NBSP}€"


def prepare_fund(viewport: str):
    """A fund of the demo association (this year), its committee of four members and one filed request.

    The request is filed through the real service (reference, status, acknowledgement) three weeks ago, so that it
    may go on the agenda of a session held today (the fund asks for filing 15 days before the committee).
    """
    today = timezone.localdate()
    fund = _create_the_fund(viewport, today)
    committee = _create_the_committee(fund, viewport)
    application, holder = _file_the_request(fund, viewport, today)
    return fund, committee, application, holder


def _create_the_fund(viewport: str, today: datetime.date):
    """The journey's fund, this year, under the demo association."""
    from funds.models import CarrierAssociation
    from tests.factories import FundFactory

    hommelet = CarrierAssociation.objects.get(slug="centre-social-hommelet")
    return FundFactory(
        association=hommelet,
        slug=f"parcours-comite-{viewport}",
        name=f"Fonds du parcours comité ({viewport})",
        year=today.year,
        envelope=Decimal("5000.00"),
        call_opens_on=datetime.date(today.year, 1, 1),
        call_closes_on=datetime.date(today.year, 12, 31),
        max_grant=Decimal("900.00"),
        filing_days_before_committee=15,
        advance_percent=Decimal("80"),
        themes=list(hommelet.funds.get(slug="pic-hommelet-2025").themes.all()[:3]),
        neighbourhoods=list(hommelet.neighbourhoods.order_by("code")[:1]),
    )


def _create_the_committee(fund, viewport: str):
    """The fund's committee and its four members (none of them with an account)."""
    from committees.models import CommitteeMember
    from tests.factories import CommitteeFactory, CommitteeMemberFactory

    committee = CommitteeFactory(fund=fund, name=f"Comité du parcours ({viewport})")
    for full_name, college in [
        ("Aïcha Parcours", CommitteeMember.College.RESIDENT),
        ("Bruno Parcours", CommitteeMember.College.RESIDENT),
        ("Chantal Parcours", CommitteeMember.College.RESIDENT),
        ("Élue Parcours", CommitteeMember.College.EX_OFFICIO),
    ]:
        CommitteeMemberFactory(committee=committee, user=None, full_name=full_name, college=college)
    return committee


def _file_the_request(fund, viewport: str, today: datetime.date):
    """A resident's request to the fund, filed through the real service three weeks ago: (request, holder)."""
    from applications import services as app_services
    from applications.models import Application
    from tests.factories import ApplicationFactory, AttachmentFactory, HolderFactory, UserFactory

    resident = UserFactory(email=f"porteuse.parcours.{viewport}@example.org", email_confirmed_at=timezone.now())
    holder = HolderFactory(owner=resident, name=f"Collectif du square Parcours ({viewport})")
    application = ApplicationFactory(
        fund=fund,
        created_by=resident,
        holder=holder,
        title=f"Repas de quartier du parcours ({viewport})",
        starts_at=timezone.make_aware(datetime.datetime(today.year, 6, 20, 14, 0)),
        ends_at=timezone.make_aware(datetime.datetime(today.year, 6, 20, 18, 0)),
    )
    AttachmentFactory(application=application)
    app_services.submit_application(user=resident, application=application, today=today)
    Application.objects.filter(pk=application.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=21))
    # Filed: residents no longer see the fund among the open calls (the other journeys pick the demo's).
    type(fund).objects.filter(pk=fund.pk).update(is_published=False)
    application.refresh_from_db()
    assert application.status == "submitted" and application.reference, application.status
    return application, holder


def check(page, step: str) -> None:
    """check_page (screenshot, axe-core, Nu Html Checker), and no page-wide horizontal scrolling (WCAG 1.4.10,
    reflow): at 375 px, wide tables scroll inside their own box, never the whole page."""
    check_page(page, step)
    overflow = page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            if (document.documentElement.scrollWidth <= width) return [];
            const culprits = [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > width + 1)
                .filter(e => !e.parentElement.closest('.table-responsive')
                    || getComputedStyle(e).position === 'absolute')
                .slice(0, 5)
                .map(e => `${e.tagName.toLowerCase()}.${e.className} (${Math.round(e.getBoundingClientRect().right)})`);
            return culprits.length ? culprits : [`page ${document.documentElement.scrollWidth} px wide`];
        }"""
    )
    assert not overflow, f"{page.url} ({step}) scrolls sideways at {page.viewport_size['width']} px: {overflow}"


def fund_money(fund) -> tuple:
    """A fund's granted and paid totals."""
    from committees.selectors import fund_money_summary

    summary = fund_money_summary(fund=fund)
    return summary.granted, summary.paid


def row_value(scope, header: str) -> str:
    """The value cell of the table row headed exactly `header` (a `th scope=row`)."""
    row = scope.locator("tr").filter(has=scope.page.get_by_role("rowheader", name=header, exact=True))
    return row.locator("td").first.inner_text()


def test_staff_instruct_and_hold_committee(page, viewport):
    from committees.models import CommitteeMember
    from funds.models import Fund

    demo_fund = Fund.objects.get(slug="pic-hommelet-2025")
    demo_money_before = fund_money(demo_fund)
    fund, committee, application, holder = prepare_fund(viewport)
    reference = application.reference
    today = timezone.localdate()

    _find_the_filed_request(page, fund, application, reference)
    _instruct_the_request(page, fund, application)
    _complete_the_committee(page, committee, holder, viewport, today)
    session = _convene_a_session(page, committee, application, reference, viewport, today)
    _take_the_attendance(page)
    item, card, decision = _vote_and_decide(page, session, reference)
    _close_and_amend(page, session, application, item, card, decision, reference, today)
    _pay_the_advance(page, fund, application, reference)
    assert CommitteeMember.objects.filter(committee=committee).count() == 5
    # The demo fund read by the other journeys (annual report) is untouched.
    assert fund_money(demo_fund) == demo_money_before


def _find_the_filed_request(page, fund, application, reference) -> None:
    """Staff find the request among those to instruct, filtered by its fund and the « Déposée » status."""
    login(page, STAFF_EMAIL)
    page.goto("/tableau-de-bord/")
    check(page, "tableau-de-bord")
    expect(page.get_by_role("heading", name="Instruction et comités")).to_be_visible()
    expect(page.get_by_role("link", name=fund.name)).to_be_visible()
    click_and_wait(page, page.get_by_role("link", name="Demandes à instruire"))
    check(page, "demandes-a-instruire")
    expect(page.get_by_role("heading", level=1)).to_have_text("Demandes à instruire")

    # Filter by this fund and the « Déposée » status.
    toggle = page.get_by_role("button", name="Afficher ou masquer les filtres")
    if toggle.is_visible():
        toggle.click()
        # Bootstrap's collapse animates (class "collapsing"): wait until it is shown for good.
        expect(page.locator("#filtres-demandes")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    page.get_by_label("Fonds", exact=True).select_option(str(fund.pk))
    statuses = page.locator("details", has=page.locator("summary", has_text="Statuts"))
    statuses.locator("summary").click()
    expect(statuses).to_have_attribute("open", "")
    page.get_by_label("Déposée", exact=True).check()
    click_and_wait(page, page.get_by_role("button", name="Filtrer"))
    check(page, "demandes-filtrees")
    expect(page.locator("main")).to_contain_text("1 demande")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(application.title)
    click_and_wait(page, page.get_by_role("link", name=reference))
    check(page, "demande")
    expect(page.get_by_role("heading", level=1)).to_have_text(application.title)


def _instruct_the_request(page, fund, application) -> None:
    """The instruction: started, the eligibility grid filled in, an internal note, the request declared eligible."""
    from applications.models import CriterionCheck, StaffNote

    click_and_wait(page, page.get_by_role("button", name="Commencer l'instruction"))
    check(page, "instruction-commencee")
    expect(page.locator("main")).to_contain_text("L'instruction est commencée")
    application.refresh_from_db()
    assert application.status == "under_review", application.status

    # The fund's eligibility grid: every criterion checked « Oui, rempli ».
    criteria = list(fund.eligibility_criteria.order_by("position", "pk"))
    assert criteria, "starting the instruction gives the fund its default grid"
    # One form for the whole grid (issue 17): every answer, then one click.
    for number, criterion in enumerate(criteria, start=1):
        block = page.locator(f"#critere-{criterion.pk}")
        block.get_by_label("Oui, rempli").check()
        if number == 1:
            block.get_by_label("Commentaire interne").fill("Quartier prioritaire vérifié sur la carte.")
    click_and_wait(page, page.get_by_role("button", name="Enregistrer la grille"))
    check(page, "grille")
    for criterion in criteria:
        expect(page.locator(f"#critere-{criterion.pk}")).to_contain_text("Rempli")
    total = len(criteria)
    expect(page.locator("main")).to_contain_text(f"Critères obligatoires remplis : {total} sur {total}.")
    assert CriterionCheck.objects.filter(application=application, met=True).count() == len(criteria)

    page.get_by_label("Nouvelle note interne").fill("Référente rencontrée au centre social : projet solide.")
    click_and_wait(page, page.get_by_role("button", name="Enregistrer la note interne"))
    check(page, "note-interne")
    expect(page.locator("#notes")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Référente rencontrée au centre social : projet solide.")
    assert StaffNote.objects.filter(application=application, body__startswith="Référente rencontrée").exists()

    page.get_by_label("Message au porteur (facultatif)").fill("Votre demande passera au prochain comité.")
    click_and_wait(page, page.get_by_role("button", name="Déclarer la demande recevable"))
    check(page, "recevable")
    expect(page.locator("main")).to_contain_text("La demande est déclarée recevable")
    application.refresh_from_db()
    assert application.status == "eligible", application.status


def _complete_the_committee(page, committee, holder, viewport, today) -> None:
    """A member added, another's details changed, a member's link with the holder declared."""
    from committees.models import CommitteeMemberLink

    page.goto("/comites/")
    check(page, "comites")
    click_and_wait(page, page.get_by_role("link", name=committee.name))
    check(page, "comite")
    expect(page.get_by_role("heading", level=1)).to_have_text(committee.name)

    click_and_wait(page, page.get_by_role("link", name="Ajouter un membre"))
    check(page, "membre-ajout")
    page.get_by_label("Nom et prénom").fill("Denis Parcours")
    page.get_by_label("Collège").select_option("resident")
    page.get_by_label("Adresse e-mail pour la convocation").fill(f"denis.parcours.{viewport}@example.org")
    click_and_wait(page, page.get_by_role("button", name="Enregistrer"))
    check(page, "membre-ajoute")
    expect(page.locator("main")).to_contain_text("Denis Parcours siège désormais au comité.")
    assert committee.members.filter(full_name="Denis Parcours", mandate_start=today).exists()

    click_and_wait(page, page.get_by_role("link", name="Modifier — Chantal Parcours"))
    check(page, "membre-modification")
    page.get_by_label("Structure représentée").fill("Amicale des locataires")
    page.get_by_label("Adresse e-mail pour la convocation").fill(f"chantal.parcours.{viewport}@example.org")
    click_and_wait(page, page.get_by_role("button", name="Enregistrer"))
    check(page, "membre-modifie")
    expect(page.locator("main")).to_contain_text("La fiche de Chantal Parcours est enregistrée.")
    chantal = committee.members.get(full_name="Chantal Parcours")
    assert chantal.organisation == "Amicale des locataires"

    # Aïcha knows the holder: she will step out of the vote on its request.
    click_and_wait(page, page.get_by_role("link", name="Déclarer un lien — Aïcha Parcours"))
    check(page, "lien-interet")
    page.get_by_label("Porteur de projet").select_option(label=holder.name)
    page.get_by_label("Nature du lien").fill("Voisine et amie de la référente")
    click_and_wait(page, page.get_by_role("button", name="Enregistrer le lien"))
    check(page, "lien-enregistre")
    expect(page.locator("main")).to_contain_text(f"{holder.name} — Voisine et amie de la référente")
    assert CommitteeMemberLink.objects.filter(member__full_name="Aïcha Parcours", holder=holder).exists()


def _convene_a_session(page, committee, application, reference, viewport, today):
    """A session today, the request on its agenda, the convocations sent: the session."""
    from django.core import mail

    from committees.models import CommitteeSession

    click_and_wait(page, page.get_by_role("link", name="Créer une séance"))
    check(page, "seance-nouvelle")
    page.get_by_label("Date de la séance").fill(today.isoformat())
    page.get_by_label("Heure").fill("18:00")
    page.get_by_label("Lieu").fill("Salle du centre social, 76 rue de la Paix")
    click_and_wait(page, page.get_by_role("button", name="Créer la séance"))
    check(page, "seance-creee")
    session = CommitteeSession.objects.get(committee=committee)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Séance du {today:%d/%m/%Y} à 18:00")
    expect(page.locator("main")).to_contain_text("L'ordre du jour est vide.")

    page.get_by_label("Demande à inscrire").select_option(str(application.pk))
    click_and_wait(page, page.get_by_role("button", name="Ajouter à l'ordre du jour"))
    check(page, "ordre-du-jour")
    expect(page.locator("main")).to_contain_text(f"La demande {reference} est inscrite à l'ordre du jour.")
    application.refresh_from_db()
    assert application.status == "on_agenda", application.status

    click_and_wait(page, page.get_by_role("button", name="Envoyer les convocations"))
    check(page, "convocations")
    expect(page.locator("main")).to_contain_text("Convocations en cours d'envoi : 2 membres et 1 porteur invité")
    expect(page.locator("main")).to_contain_text("Sans adresse e-mail, à convoquer autrement")
    convened = {address for message in mail.outbox for address in message.to}
    assert f"denis.parcours.{viewport}@example.org" in convened, convened
    assert f"chantal.parcours.{viewport}@example.org" in convened, convened
    return session


def _take_the_attendance(page) -> None:
    """The session opened, the attendance taken: the quorum is reached."""
    click_and_wait(page, page.get_by_role("button", name="Ouvrir la séance"))
    check(page, "seance-ouverte")
    expect(page.locator("#quorum-etat")).to_contain_text("Quorum non atteint")
    for name in ("Aïcha Parcours", "Bruno Parcours", "Denis Parcours", "Élue Parcours"):
        page.get_by_label(name).check()
    click_and_wait(page, page.get_by_role("button", name="Enregistrer les présences"))
    check(page, "presences")
    # Four voting members, three present (the ex officio member does not count): quorum 3 is reached.
    expect(page.locator("#quorum-etat")).to_contain_text("Quorum atteint")
    expect(page.locator("#quorum-etat")).to_contain_text("3 membres votants présents sur 4 ; quorum : 3.")


def _vote_and_decide(page, session, reference):
    """The vote (Aïcha steps out automatically) and the decision: (agenda item, its card, the decision)."""
    from committees.models import Decision

    item = session.items.get()
    card = page.locator(f"#point-{item.pk}")
    click_and_wait(page, card.get_by_role("button", name="Ouvrir le vote"))
    check(page, "vote-ouvert")
    expect(page.locator("main")).to_contain_text("Se déportent automatiquement : Aïcha Parcours")
    votes = card.locator(f"#form-vote-{item.pk}")
    expect(votes.locator("legend", has_text="Aïcha Parcours")).to_have_count(0)
    for name in ("Bruno Parcours", "Denis Parcours"):
        votes.get_by_role("group", name=name).get_by_label("Pour").check()
    click_and_wait(page, votes.get_by_role("button", name="Enregistrer les votes"))
    check(page, "votes")
    expect(page.locator("main")).to_contain_text("2 votes enregistrés.")
    expect(card).to_contain_text("2 pour, 0 contre, 0 abstention")

    decision_form = card.locator(f"#form-decision-{item.pk}")
    decision_form.get_by_label("Accordée").check()
    decision_form.get_by_label("Montant accordé (€)").fill("200")
    decision_form.get_by_label("Conditions").fill("Présenter les tickets de caisse avant le solde.")
    click_and_wait(page, decision_form.get_by_role("button", name="Enregistrer la décision"))
    check(page, "decision")
    expect(page.locator("main")).to_contain_text(f"Décision enregistrée pour la demande {reference} : Accordée.")
    assert f"Décision : Accordée — montant accordé : {euros('200,00')}" in card.inner_text()
    expect(card).to_contain_text("Conditions : Présenter les tickets de caisse avant le solde.")
    decision = Decision.objects.get(item=item)
    assert (decision.outcome, decision.amount_granted, decision.votes_for) == ("granted", Decimal("200.00"), 2)
    assert decision.item.recusals.filter(member__full_name="Aïcha Parcours").exists()
    return item, card, decision


def _close_and_amend(page, session, application, item, card, decision, reference, today) -> None:
    """The session closed (the request is granted), then the decision amended: 200 € → 225 €."""
    from committees.models import Amendment

    click_and_wait(page, page.get_by_role("link", name="Clore la séance"))
    check(page, "cloture")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Clore la séance du {today:%d/%m/%Y}")
    click_and_wait(page, page.get_by_role("button", name="Oui, clore la séance"))
    check(page, "seance-close")
    expect(page.locator("main")).to_contain_text("La séance est close.")
    expect(page.get_by_role("link", name="Télécharger le procès-verbal (PDF)")).to_be_visible()
    session.refresh_from_db()
    assert session.status == "closed"
    application.refresh_from_db()
    assert application.status == "granted", application.status

    card.locator("summary", has_text="Rectifier la décision").click()
    amendment_form = card.locator(f"#form-rectif-{item.pk}")
    amendment_form.get_by_label("Montant accordé (€)").fill("225")
    amendment_form.get_by_label("Pourquoi rectifier ?").fill("Location de la vaisselle oubliée dans le calcul.")
    click_and_wait(page, amendment_form.get_by_role("button", name="Enregistrer la rectification"))
    check(page, "rectification")
    expect(page.locator("main")).to_contain_text(f"La décision sur la demande {reference} est rectifiée")
    assert f"montant {euros('200,00')} → {euros('225,00')}" in card.inner_text()
    amendment = Amendment.objects.get(decision=decision)
    assert amendment.amount_delta == Decimal("25.00")


def _pay_the_advance(page, fund, application, reference) -> None:
    """The fund's follow-up shows the amended grant; the advance (80 %) is paid."""
    from committees.models import Payment

    page.goto(fund.get_absolute_url())
    check(page, "fonds")
    expect(page.get_by_role("heading", level=1)).to_have_text(fund.name)
    follow_up = page.locator("section", has=page.get_by_role("heading", name="Suivi financier"))
    assert row_value(follow_up, "Accordé") == euros("225,00")
    assert row_value(follow_up, "Reste de l'enveloppe (non accordé)") == euros(f"4{NARROW_NBSP}775,00")
    click_and_wait(page, page.get_by_role("link", name="Voir l'état des versements"))
    check(page, "versements")
    click_and_wait(page, page.get_by_role("link", name=f"Verser l'acompte — {reference}"))
    check(page, "versement-acompte")
    # The advance is 80 % of the amended grant.
    expect(page.get_by_label("Montant (€)")).to_have_value("180,00")
    page.get_by_label("Référence du paiement").fill("VIR-PARCOURS-001")
    click_and_wait(page, page.get_by_role("button", name="Enregistrer le versement"))
    check(page, "versement-enregistre")
    expect(page.locator("main")).to_contain_text(f"Versement enregistré : acompte de {euros('180,00')}")
    paid = page.locator("section", has=page.get_by_role("heading", name="Versements enregistrés"))
    assert "VIR-PARCOURS-001" in paid.inner_text()
    assert euros("180,00") in paid.locator("tfoot").inner_text()
    payment = Payment.objects.get(application=application)
    assert (payment.kind, payment.amount, payment.reference) == ("advance", Decimal("180.00"), "VIR-PARCOURS-001")
    application.refresh_from_db()
    assert application.status == "advance_paid", application.status


def test_admin_reads_audit_log(page):
    """The administrator reads the audit log and filters it by action."""
    login(page, ADMIN_EMAIL)
    page.goto("/administration/journal/")
    check(page, "journal")
    expect(page.get_by_role("heading", level=1)).to_have_text("Journal d'audit")
    rows = page.locator("table tbody tr")
    expect(rows.first).to_be_visible()
    action = page.get_by_label("Action")
    options = action.locator("option").all_inner_texts()
    assert len(options) > 1, options
    action.select_option(index=1)
    chosen = action.input_value()
    click_and_wait(page, page.get_by_role("button", name="Filtrer"))
    check(page, "journal-filtre")
    assert f"action={chosen}" in page.url, page.url
    expect(page.locator("main")).to_contain_text("entrée")
