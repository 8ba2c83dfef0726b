"""The bilan of a granted request: the holder fills every section and files it, the association's staff
send it back once, then accept it, record the balance and close the request; the project then shows
publicly with its consented photo.

Each journey builds its own association, fund and granted request (through the factories and the
services), so the demo funds (read by the Région's annual report journey) are left as they are. The
fund's call is closed: it never appears among the open calls that the resident journeys use.
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image

from tests.e2e.conftest import (
    check_page,
    click_and_wait,
    click_to,
    fill_fields,
    login,
    logout,
    main_text,
    save_and_continue,
    visit,
)
from tests.e2e.test_resident import MINIMAL_PDF

pytestmark = pytest.mark.e2e

GRANTED = Decimal("250.00")


def photo_png() -> bytes:
    """A small but real picture (stripes), re-encoded by the portal like any photo."""
    image = Image.new("RGB", (96, 64), (40, 110, 170))
    for x in range(0, 96, 8):
        for y in range(64):
            image.putpixel((x, y), (250, 200, 30))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def granted_request(viewport: str, *, scheme: str = "pic"):
    """A carrier association with one staff member, a fund whose call is over, and a holder's request
    granted 250 € by a committee whose advance (80 %) is paid: its bilan is due."""
    from committees import services as committee_services
    from funds.models import Fund, Neighbourhood, Theme
    from tests import factories as f

    today = timezone.localdate()
    now = timezone.now()
    kind = "Contrat de ville" if scheme == "cvs" else "PIC"
    association = f.CarrierAssociationFactory(
        name=f"Maison du Pile ({kind}, {viewport})", slug=f"maison-du-pile-{scheme}-{viewport}"
    )
    staff = f.UserFactory(
        email=f"equipe.{scheme}.{viewport}@pile.example.org",
        first_name="Karim",
        last_name="Équipe",
        email_confirmed_at=now,
    )
    f.AssociationStaffFactory(association=association, user=staff)
    holder = f.UserFactory(
        email=f"porteuse.{scheme}.{viewport}@example.org",
        first_name="Nadia",
        last_name="Porteuse",
        email_confirmed_at=now,
    )
    themes = list(Theme.objects.filter(is_active=True).order_by("position")[:3])
    neighbourhoods = list(Neighbourhood.objects.filter(communes__insee_code="59512").order_by("code")[:1])
    fund = f.FundFactory(
        association=association,
        name=f"{kind} du Pile {today.year} ({viewport})",
        slug=f"{scheme}-pile-{today.year}-{viewport}",
        scheme=Fund.Scheme.CVS if scheme == "cvs" else Fund.Scheme.PIC,
        year=today.year,
        call_opens_on=datetime.date(today.year, 1, 1),
        call_closes_on=today - datetime.timedelta(days=60),
        themes=themes,
        neighbourhoods=neighbourhoods,
    )
    funder = f.FunderFactory(name=f"Ville du Pile ({kind}, {viewport})")
    f.FundCoFunderFactory(fund=fund, funder=funder, amount=fund.envelope)
    starts = now - datetime.timedelta(days=12)
    application = f.GrantedApplicationFactory(
        fund=fund,
        created_by=holder,
        status="granted",
        title=f"Repas partagé de la rue du Pile ({viewport})",
        reference=f"{kind[:3].upper()}-{today.year}-PILE-{viewport[:3].upper()}",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=4),
        showcase_consent=True,
    )
    f.record_grant_for_bilan(application=application, amount=GRANTED, decided_by=staff)
    committee_services.record_payment(
        user=staff, application=application, kind="advance", paid_on=today, method="transfer"
    )
    application.refresh_from_db()
    assert application.status == "advance_paid", application.status
    return application, holder, staff


def _holder_fills_the_first_sections(page, application, bilan) -> None:
    """Sections 1 to 3 of the PIC bilan: the action, the appraisal and the expenses."""
    from core.templatetags.portal_format import format_money

    # 1. The action: objective and dates are copied from the request; narrative and who took part.
    check_page(page, "section-action")
    assert page.locator("#id_main_objective").input_value() == application.objectives
    page.get_by_label("Déroulement de l'action").fill(
        "Un repas sous les arbres de la rue : chaque famille a apporté un plat, les enfants ont décoré les tables."
    )
    # Four counts labelled "Femmes" / "Hommes": each pair is named by its group.
    mobilised = page.get_by_role("group", name="Habitants mobilisés pour mettre en œuvre l'action")
    mobilised.get_by_label("Femmes").fill("7")
    mobilised.get_by_label("Hommes").fill("3")
    participants = page.get_by_role("group", name="Habitants ayant participé ou assisté à l'action")
    participants.get_by_label("Femmes").fill("46")
    participants.get_by_label("Hommes").fill("33")

    # 2. The appraisal.
    save_and_continue(page, "section-appreciation")
    assert page.url.endswith("/bilan/appreciation/"), page.url
    fill_fields(
        page,
        {
            "Points positifs": "Des voisin·es qui ne se parlaient pas ont cuisiné ensemble.",
            "Difficultés rencontrées": "Trouver des tables en nombre suffisant.",
            "Résultats obtenus": "Une fête de rue que les habitant·es veulent refaire.",
            "Qui vous a aidé dans l'organisation de votre projet ?": "La Maison du Pile",
            "Quelles aides avez-vous reçues pour monter ce projet ?": "Le prêt des tables",
        },
    )
    page.locator("#id_help_sufficient_0").check()
    page.locator("#id_wants_to_renew_0").check()
    page.get_by_label("Avez-vous d'autres idées de projet ?").fill("Un atelier de cuisine du monde.")

    # 3. Expenses: the planned line is there; what was really spent, and one unplanned expense.
    save_and_continue(page, "section-depenses")
    assert page.url.endswith("/bilan/depenses/"), page.url
    assert page.locator("#id_depenses-0-label").input_value() == "Goûter et boissons"
    assert page.locator("#id_depenses-0-planned_amount").input_value() in ("300,00", "300")
    page.locator("#id_depenses-0-actual_amount").fill("212,40")
    page.locator("#id_depenses-1-category").select_option("61")
    fill_fields(
        page,
        {
            "#id_depenses-1-label": "Location de tables",
            "#id_depenses-1-planned_amount": "0",
            "#id_depenses-1-actual_amount": "37,60",
        },
    )
    click_to(page, page.get_by_role("button", name="Enregistrer", exact=True), "section-depenses-enregistree")
    assert "Enregistré." in main_text(page)
    assert format_money(Decimal("250.00")) in page.locator("#titre-subvention + dl").inner_text()
    assert [(e.label, e.planned_amount, e.actual_amount) for e in bilan.expenses.order_by("position")] == [
        ("Goûter et boissons", Decimal("300.00"), Decimal("212.40")),
        ("Location de tables", Decimal("0.00"), Decimal("37.60")),
    ]


def _holder_fills_the_effects_and_pieces(page, receipt, photo) -> None:
    """Sections 4 and 5 of the PIC bilan: the effects grid, then the receipts and photos."""
    # 4. The effects grid: two effects observed, between whom, what changed, in words.
    save_and_continue(page, "section-effets")
    assert page.url.endswith("/bilan/effets/"), page.url
    page.get_by_label("Nous avons observé cet effet : Lien social").check()
    page.locator("#effet-social_ties").get_by_label("voisin·e·s du quartier").check()
    page.locator("#effet-social_ties").get_by_label("lors d'évènements grand public").check()
    page.locator("#id_effet-social_ties-narrative").fill("Des voisins ont échangé leurs numéros pour la suite.")
    page.get_by_label("Nous avons observé cet effet : Égalité femmes/hommes").check()
    page.locator("#effet-gender_equality").get_by_label("publics : plus de femmes que d'hommes").check()

    # 5. Receipts and photos: a receipt, then a photo whose people agreed to publication.
    save_and_continue(page, "section-pieces")
    assert page.url.endswith("/bilan/pieces/"), page.url
    page.get_by_label("Justificatif de dépense").check()
    page.get_by_label("Fichier").set_input_files(str(receipt))
    page.get_by_label("Description").fill("Ticket de caisse du supermarché")
    click_to(page, page.get_by_role("button", name="Envoyer cette pièce"), "piece-justificatif")
    assert "« ticket-de-caisse.pdf » est ajouté au bilan." in main_text(page)
    page.get_by_label("Photo du projet", exact=True).check()
    page.get_by_label("Fichier").set_input_files(str(photo))
    page.get_by_label("Description").fill("Les tables dressées dans la rue")
    page.get_by_label("Les personnes reconnaissables sur la photo acceptent", exact=False).check()
    click_to(page, page.get_by_role("button", name="Envoyer cette pièce"), "piece-photo")
    assert "publication autorisée" in page.locator("main .list-group").inner_text()


def _holder_files_the_bilan(page, application, bilan) -> None:
    """Section 6: the summary, the filing, what was saved, and the filed bilan that can no longer change."""
    from core.templatetags.portal_format import format_money

    # 6. The summary: complete, certified, filed.
    save_and_continue(page, "section-envoi")
    assert page.url.endswith("/bilan/envoi/"), page.url
    assert "Le bilan est complet" in main_text(page)
    summary = main_text(page)
    assert "46 Femme(s), 33 Homme(s)" in summary
    assert "7 Femme(s), 3 Homme(s)" in summary
    assert format_money(Decimal("250.00")) in summary  # 212,40 + 37,60 spent
    page.get_by_label("Je certifie que les informations de ce bilan sont exactes.").check()
    click_to(page, page.get_by_role("button", name="Déposer le bilan"), "bilan-depose")
    assert "Votre bilan est déposé." in main_text(page)
    assert "statut du bilan : Déposé" in main_text(page)
    bilan.refresh_from_db()
    application.refresh_from_db()
    assert bilan.status == "submitted" and bilan.submitted_at is not None
    assert application.status == "bilan_received"
    assert (bilan.participant_women, bilan.participant_men, bilan.mobilised_women, bilan.mobilised_men) == (
        46,
        33,
        7,
        3,
    )
    assert bilan.help_sufficient is True and bilan.wants_to_renew is True
    observed = {o.effect: sorted(c.change for c in o.changes.all()) for o in bilan.effects.all()}
    assert observed == {
        "social_ties": ["social_ties.public_events"],
        "gender_equality": ["gender_equality.public_more_women"],
    }
    assert bilan.effects.get(effect="social_ties").public_neighbours is True
    assert sorted(bilan.attachments.values_list("kind", "public_consent")) == [("photo", True), ("receipt", False)]
    # A filed bilan can no longer be changed.
    visit(page, f"/demandes/{application.pk}/bilan/action/", "bilan-depose-non-modifiable")
    assert page.url.endswith(f"/demandes/{application.pk}/bilan/"), page.url
    assert "ne peut plus être modifié" in main_text(page)
    visit(page, "/bilans/mes-bilans/", "mes-bilans-recu")
    assert "Reçu, à étudier" in page.locator("main li", has_text=application.title).inner_text()
    response = page.request.get(f"/demandes/{application.pk}/bilan/bilan.pdf")
    assert response.ok and response.body()[:5] == b"%PDF-"
    logout(page)


def _staff_send_it_back(page, application, bilan, staff) -> None:
    """The association's staff find the bilan to study and send it back with a comment."""
    # The association's staff: from their space to the bilans to study, filtered on the fund.
    login(page, staff.email, password="motdepasse-de-test-2025")
    visit(page, "/tableau-de-bord/", "espace-equipe")
    click_to(page, page.get_by_role("link", name="Bilans attendus, en retard et reçus"), "suivi-des-bilans")
    page.get_by_label("Fonds").select_option(application.fund.slug)
    page.get_by_label("État").select_option("to_review")
    click_to(page, page.get_by_role("button", name="Filtrer"), "suivi-des-bilans-filtre")
    rows = page.locator("main tbody tr")
    assert rows.count() == 1
    assert "Reçu, à étudier" in rows.first.inner_text()
    click_to(page, rows.first.get_by_role("link", name=application.title), "bilan-a-etudier")

    # Sending it back needs a comment: the error is said, then the bilan goes back with it.
    click_to(page, page.get_by_role("button", name="Renvoyer le bilan au porteur"), "renvoi-sans-commentaire")
    assert "le commentaire est obligatoire" in main_text(page)
    bilan.refresh_from_db()
    assert bilan.status == "submitted"
    page.get_by_label("Ce que le porteur doit corriger ou compléter").fill(
        "Précisez combien de familles ont apporté un plat."
    )
    click_to(page, page.get_by_role("button", name="Renvoyer le bilan au porteur"), "bilan-renvoye")
    assert "Le bilan est renvoyé au porteur" in main_text(page)
    bilan.refresh_from_db()
    application.refresh_from_db()
    assert bilan.status == "returned" and application.status == "bilan_due"
    logout(page)


def _holder_corrects_and_files_again(page, application, bilan, holder) -> None:
    """The holder reads the comment, completes the narrative and files the bilan again."""
    # The holder reads the comment, completes the narrative and files the bilan again.
    login(page, holder.email, password="motdepasse-de-test-2025")
    visit(page, f"/demandes/{application.pk}/bilan/", "bilan-renvoye-porteuse")
    assert "Précisez combien de familles ont apporté un plat." in main_text(page)
    click_to(page, page.get_by_role("link", name="L'action"), "section-action-correction")
    narrative = page.get_by_label("Déroulement de l'action")
    narrative.fill(narrative.input_value() + " Vingt-deux familles ont apporté un plat.")
    click_to(page, page.get_by_role("button", name="Enregistrer et quitter"), "bilan-corrige")
    assert "Votre bilan est enregistré." in main_text(page)
    click_to(page, page.get_by_role("link", name="Récapitulatif et dépôt"), "section-envoi-correction")
    page.get_by_label("Je certifie que les informations de ce bilan sont exactes.").check()
    click_to(page, page.get_by_role("button", name="Déposer le bilan"), "bilan-redepose")
    bilan.refresh_from_db()
    assert bilan.status == "submitted" and "Vingt-deux familles" in bilan.proceedings
    logout(page)


def _staff_accept_pay_the_balance_and_close(page, application, bilan, staff) -> None:
    """The staff accept the bilan; once the balance is paid, they close the request."""
    from committees import services as committee_services
    from core.templatetags.portal_format import format_money

    # The staff accept it; the balance (20 %) is due before closing.
    login(page, staff.email, password="motdepasse-de-test-2025")
    visit(page, f"/demandes/{application.pk}/bilan/", "bilan-a-etudier-2")
    click_to(page, page.get_by_role("button", name="Accepter le bilan"), "bilan-accepte")
    assert "Le bilan est accepté et le porteur prévenu." in main_text(page)
    assert f"Reste à verser : {format_money(Decimal('50.00'))}" in main_text(page)
    assert page.get_by_role("button", name="Clôturer la demande").count() == 0
    bilan.refresh_from_db()
    assert bilan.status == "accepted" and bilan.reviewed_by == staff
    # The balance is recorded on the payments page (another journey): through the service here.
    committee_services.record_payment(
        user=staff, application=application, kind="balance", paid_on=timezone.localdate(), method="transfer"
    )
    visit(page, "/bilans/?etat=accepted", "suivi-des-bilans-acceptes")
    row = page.locator("main tbody tr", has_text=application.title)
    assert "Accepté" in row.inner_text()
    click_to(page, row.get_by_role("link", name=application.title), "solde-verse")
    assert "Reste à verser" not in main_text(page)
    click_to(page, page.get_by_role("button", name="Clôturer la demande"), "demande-cloturee")
    assert "La demande est clôturée." in main_text(page)
    assert "Statut de la demande : Clôturée" in main_text(page)
    application.refresh_from_db()
    assert application.status == "closed"

    # The fund's money: granted and entirely paid.
    visit(page, f"/fonds/{application.fund.slug}/", "fonds")
    money = page.locator("#titre-suivi-financier + div table").inner_text()
    assert f"Accordé\t{format_money(GRANTED)}" in money and f"Versé\t{format_money(GRANTED)}" in money
    logout(page)


def test_holder_files_the_bilan_and_staff_close_the_request(page, viewport, tmp_path):
    from reports.models import Bilan

    application, holder, staff = granted_request(viewport)
    receipt, photo = tmp_path / "ticket-de-caisse.pdf", tmp_path / "repas-partage.png"
    receipt.write_bytes(MINIMAL_PDF)
    photo.write_bytes(photo_png())

    # The holder finds the bilan to do among her bilans, and starts it.
    login(page, holder.email, password="motdepasse-de-test-2025")
    visit(page, "/bilans/mes-bilans/", "mes-bilans-attendu")
    row = page.locator("main li", has_text=application.title)
    assert "Attendu" in row.inner_text()
    click_to(page, page.get_by_role("link", name=application.title), "bilan-a-commencer")
    click_and_wait(page, page.get_by_role("button", name="Commencer le bilan"))
    bilan = Bilan.objects.get(application=application)
    assert bilan.status == "draft"
    assert page.url.endswith(f"/demandes/{application.pk}/bilan/action/"), page.url

    _holder_fills_the_first_sections(page, application, bilan)
    _holder_fills_the_effects_and_pieces(page, receipt, photo)
    _holder_files_the_bilan(page, application, bilan)
    _staff_send_it_back(page, application, bilan, staff)
    _holder_corrects_and_files_again(page, application, bilan, holder)
    _staff_accept_pay_the_balance_and_close(page, application, bilan, staff)

    # Anyone now sees the project, its results and the consented photo.
    visit(page, f"/projets/{application.pk}/", "projet-public")
    text = main_text(page)
    assert application.title in text
    assert "79 habitant·es y ont participé : 46 femmes et 33 hommes." in text
    assert "Une fête de rue que les habitant·es veulent refaire." in text
    picture = page.get_by_role("img", name="Les tables dressées dans la rue")
    picture.scroll_into_view_if_needed()
    assert picture.evaluate("img => img.complete && img.naturalWidth") == 96
    assert "Nadia" not in text and holder.email not in text


def test_association_files_the_cvs_bilan(page, viewport):
    """The annex 3 bilan of the Contrat de ville: identity, progress and 2 objectives, partners, appraisal
    and SWOT, the budget table planned against realised; filed, then accepted by the staff."""
    application, holder, staff = granted_request(viewport, scheme="cvs")

    bilan = _holder_starts_the_cvs_bilan(page, application, holder)
    _holder_fills_the_cvs_identity(page, application, holder)
    _holder_fills_the_cvs_progress_and_partners(page)
    _holder_fills_the_cvs_appraisal_and_budget(page)
    _holder_files_the_cvs_bilan(page, bilan)
    _staff_accept_the_cvs_bilan(page, application, bilan, staff)


def _holder_starts_the_cvs_bilan(page, application, holder):
    """The holder starts the bilan from her bilans: the annex 3 bilan."""
    from reports.models import CvsBilan

    login(page, holder.email, password="motdepasse-de-test-2025")
    visit(page, "/bilans/mes-bilans/", "mes-bilans")
    click_to(page, page.get_by_role("link", name=application.title), "bilan-cvs-a-commencer")
    click_and_wait(page, page.get_by_role("button", name="Commencer le bilan"))
    bilan = CvsBilan.objects.get(application=application)
    return bilan


def _holder_fills_the_cvs_identity(page, application, holder) -> None:
    """1. Identity: prefilled from the request; the short description is added."""
    check_page(page, "section-identite")
    assert page.url.endswith("/bilan/identite/"), page.url
    assert page.locator("#id_structure").input_value() == application.holder.name
    referent = page.get_by_role("group", name="Personne référente du projet")
    assert referent.get_by_label("E-mail").input_value() == holder.email
    referent.get_by_label("Fonction").fill("Présidente")
    page.locator("#id_territory").fill("Quartier de l'Épeule, Roubaix")
    page.locator("#id_short_description").fill(
        "Un repas partagé chaque trimestre dans la rue, préparé par les familles."
    )


def _holder_fills_the_cvs_progress_and_partners(page) -> None:
    """Sections 2 and 3 (each reached by saving the one before)."""
    # 2. Progress and two quantified objectives.
    save_and_continue(page, "section-avancement")
    assert page.url.endswith("/bilan/avancement/"), page.url
    page.get_by_label("En cours", exact=False).check()
    page.locator("#id_progress_since").fill(f"{timezone.localdate().year}-03-01")
    for number, (objective, indicators, result) in enumerate(
        [
            ("Organiser 4 repas partagés dans l'année", "Nombre de repas", "3 repas organisés"),
            ("Réunir 60 habitant·es à chaque repas", "Feuilles de présence", "75 personnes en moyenne"),
        ]
    ):
        page.locator(f"#id_objectifs-{number}-objective").fill(objective)
        page.locator(f"#id_objectifs-{number}-indicators").fill(indicators)
        page.locator(f"#id_objectifs-{number}-result").fill(result)

    # 3. Coordination and one partner.
    save_and_continue(page, "section-partenaires")
    assert page.url.endswith("/bilan/partenaires/"), page.url
    fill_fields(
        page,
        {
            "#id_coordination": "Un point d'étape avec le centre social après chaque repas.",
            "#id_partenaires-0-actor": "Bailleur social",
            "#id_partenaires-0-role": "Prête la cour de la résidence",
        },
    )
    page.locator("#id_partenaires-0-satisfied_0").check()


def _holder_fills_the_cvs_appraisal_and_budget(page) -> None:
    """Sections 4 and 5 (each reached by saving the one before)."""
    # 4. Appraisal, perspectives, key figures and SWOT.
    save_and_continue(page, "section-appreciation-cvs")
    assert page.url.endswith("/bilan/appreciation/"), page.url
    page.locator("#id_achievements").fill("Trois repas partagés.")
    page.locator("#id_successes").fill("Des familles nouvelles à chaque repas.")
    page.get_by_label("Maintien").check()
    page.locator("#id_key_figures").fill("225 personnes touchées en QPV (feuilles de présence, 2026).")
    page.locator("#id_swot_strengths").fill("Des bénévoles fidèles.")

    # 5. The budget: the planned lines come from the request; what was realised is added.
    save_and_continue(page, "section-budget-cvs")
    assert page.url.endswith("/bilan/budget/"), page.url
    planned = [page.locator(f"#id_budget-{i}-label").input_value() for i in range(3)]
    assert planned[0] == "Goûter et boissons" and planned[1] == "Buvette", planned
    for index, realised in enumerate(("280", "30", "250")):
        page.locator(f"#id_budget-{index}-realised_amount").fill(realised)
    click_to(page, page.get_by_role("button", name="Enregistrer", exact=True), "section-budget-cvs-enregistree")
    assert "Le budget est équilibré." in main_text(page)


def _holder_files_the_cvs_bilan(page, bilan) -> None:
    """6. Summary and filing."""
    save_and_continue(page, "section-envoi-cvs")
    assert "Le bilan est complet" in main_text(page)
    page.get_by_label("Je certifie que les informations de ce bilan sont exactes.").check()
    click_to(page, page.get_by_role("button", name="Déposer le bilan"), "bilan-cvs-depose")
    assert "Votre bilan est déposé." in main_text(page)
    bilan.refresh_from_db()
    assert bilan.status == "submitted" and bilan.progress_status == "in_progress"
    assert bilan.objectives.count() == 2 and bilan.partners.get().actor == "Bailleur social"
    assert sorted(bilan.budget_lines.values_list("realised_amount", flat=True)) == [
        Decimal("30.00"),
        Decimal("250.00"),
        Decimal("280.00"),
    ]
    logout(page)


def _staff_accept_the_cvs_bilan(page, application, bilan, staff) -> None:
    """The staff accept the annex 3 bilan from their list."""
    login(page, staff.email, password="motdepasse-de-test-2025")
    visit(page, "/bilans/?etat=to_review", "suivi-des-bilans-cvs")
    click_to(page, page.locator("main tbody tr").get_by_role("link", name=application.title), "bilan-cvs-a-etudier")
    click_to(page, page.get_by_role("button", name="Accepter le bilan"), "bilan-cvs-accepte")
    bilan.refresh_from_db()
    assert bilan.status == "accepted"
    assert "statut du bilan : Accepté" in main_text(page)
