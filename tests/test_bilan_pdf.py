"""The bilans as PDFs: every value is in the text, in seed 000's (PIC) or annex 3's (CVS) order; tagged PDF/UA."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from reports import services
from reports.documents.bilan_pdf import render_cvs_bilan_pdf, render_pic_bilan_pdf
from reports.models import Effect, ObservedChange, ObservedPublic
from tests import factories as f

PARIS_OFFSET = datetime.timezone(datetime.timedelta(hours=2))  # May 2025: summer time


def pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # One space for any run of spaces, line breaks and (narrow) no-break spaces.
    return reader, re.sub(r"[\s\u00a0\u202f]+", " ", text)


def assert_in_order(text: str, items: list[str]) -> None:
    position = 0
    for item in items:
        found = text.find(item, position)
        assert found >= 0, f"{item!r} missing after position {position}"
        position = found + len(item)


def assert_tagged(reader: PdfReader, title: str) -> None:
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "fr"
    assert reader.metadata.title == title


@pytest.fixture
def seed_like_bilan(world, resident, staff):
    """A bilan like seed 000 ("Lien social, partage et animation de quartier"), without real names."""
    application = _seed_like_granted_request(world, resident, staff)
    bilan = services.start_bilan(user=resident, application=application)
    _write_the_seed_like_answers(resident, bilan)
    _write_the_seed_like_expenses(resident, bilan)
    _write_the_seed_like_effects(resident, bilan)
    _attach_the_caterers_invoice(resident, bilan)
    return bilan


def _seed_like_granted_request(world, resident, staff):
    """Seed 000's request, its budget and its grant (1 234,50 €)."""
    application = f.GrantedApplicationFactory(
        fund=world.fund,
        created_by=resident,
        title="Lien social, partage et animation de quartier",
        theme=world.themes[0],  # Innovation sociale
        objectives="Créer du lien entre les habitant·es et adhérents.",
        starts_at=datetime.datetime(2025, 5, 24, 9, 0, tzinfo=PARIS_OFFSET),
        ends_at=datetime.datetime(2025, 5, 24, 16, 0, tzinfo=PARIS_OFFSET),
        reference="PIC-2025-0042",
        budget=False,
    )
    f.BudgetLineFactory(application=application, category="60", label="Barbecue et boissons", amount="1000.00")
    f.BudgetLineFactory(application=application, category="61", label="Location de tonnelles", amount="300.00")
    f.record_grant_for_bilan(application=application, amount="1234.50", decided_by=staff)
    return application


def _write_the_seed_like_answers(resident, bilan):
    services.save_bilan(
        user=resident,
        bilan=bilan,
        data={
            "main_objective": "Organiser un événement convivial ouvert aux familles du territoire.",
            "proceedings": "Malgré un temps pluvieux, l'ambiance générale fut conviviale et intergénérationnelle.",
            "mobilised_women": 11,
            "mobilised_men": 5,
            "participant_women": 51,
            "participant_men": 28,
            "positive_points": "Participation active des jeunes dans la logistique du barbecue.",
            "difficulties": "L'espace est restreint les jours de pluie.",
            "results": "Renforcement du sentiment d'appartenance, nouveaux liens créés.",
            "helpers": "Le centre social du quartier",
            "help_received": "Rédaction des dossiers de demande et mise en place de l'évènement",
            "help_sufficient": True,
            "help_comment": "Une aide précieuse pour le montage.",
            "wants_to_renew": False,
            "other_ideas": "Café citoyen, parcours citoyen pour les jeunes",
        },
    )


def _write_the_seed_like_expenses(resident, bilan):
    services.save_bilan_expenses(
        user=resident,
        bilan=bilan,
        lines=[
            {"category": "60", "label": "Barbecue et boissons", "planned_amount": "1000", "actual_amount": "934.50"},
            {"category": "61", "label": "Location de tonnelles", "planned_amount": "300", "actual_amount": "250"},
            {"category": "62", "label": "Affiches", "planned_amount": None, "actual_amount": "12.30"},
        ],
    )


def _write_the_seed_like_effects(resident, bilan):
    services.set_effects(
        user=resident,
        bilan=bilan,
        observations=[
            {
                "effect": Effect.SOCIAL_TIES,
                "publics": [ObservedPublic.NEIGHBOURS, ObservedPublic.LOCAL_ACTORS],
                "changes": [ObservedChange.SOCIAL_TIES_PUBLIC_EVENTS],
                "narrative": "Des familles qui ne se connaissaient pas ont échangé.",
            },
            {"effect": Effect.HEALTH, "changes": [ObservedChange.HEALTH_CONFIDENCE], "narrative": ""},
            {
                "effect": Effect.CARE_OF_SPACES,
                "changes": [ObservedChange.SPACES_ATTRACTIVENESS],
                "narrative": "La cour est plus accueillante.",
            },
        ],
    )


def _attach_the_caterers_invoice(resident, bilan):
    services.add_bilan_attachment(
        user=resident,
        bilan=bilan,
        kind="receipt",
        uploaded_file=SimpleUploadedFile("facture-barbecue.pdf", f.MINIMAL_PDF),
        description="Facture du traiteur",
    )


def test_pic_bilan_pdf_holds_every_value_in_seed_000s_order(seed_like_bilan):
    reader, text = pdf_text(render_pic_bilan_pdf(bilan=seed_like_bilan))

    assert_in_order(text, [*_pic_identity_lines(), *_pic_answer_lines(), *_pic_effect_lines(), *_pic_money_lines()])
    assert "Solidarité" not in text  # effects not observed are left out
    assert "PIC Hommelet 2025" in text and "Centre social de l'Hommelet" in text
    assert re.search(r"Page 1 sur \d", text)
    assert_tagged(reader, "Bilan du projet « Lien social, partage et animation de quartier » — demande PIC-2025-0042")
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)  # A4


def _pic_identity_lines() -> list[str]:
    """The project: title, funders, number, theme, objective and dates."""
    return [
        "Titre du projet",
        "Lien social, partage et animation de quartier",
        "Dispositif financé par",
        "Région Hauts-de-France",
        "avec le concours de",
        "Ville de Roubaix",
        "N° du projet",
        "PIC-2025-0042",
        "(Innovation sociale)",
        "Objectif principal du projet au regard de la thématique d'intervention choisie",
        "Organiser un événement convivial ouvert aux familles du territoire.",
        "Date de réalisation du projet",
        "Du 24/05/2025 à 09:00 au 24/05/2025 à 16:00",
    ]


def _pic_answer_lines() -> list[str]:
    """The holder's answers: proceedings, people, points, results, help and ideas."""
    return [
        "Déroulement de l'action",
        "Malgré un temps pluvieux, l'ambiance générale fut conviviale et intergénérationnelle.",
        "Nombre d'habitants mobilisés pour mettre en oeuvre l'action",
        "11 Femme(s), 5 Homme(s)",
        "Nombre d'habitants ayant participé ou assisté à l'action",
        "51 Femme(s), 28 Homme(s)",
        "Points positifs",
        "Participation active des jeunes dans la logistique du barbecue.",
        "Difficulté rencontrée",
        "L'espace est restreint les jours de pluie.",
        "Résultats obtenus",
        "Renforcement du sentiment d'appartenance, nouveaux liens créés.",
        "Qui vous a aidé dans l'organisation de votre projet ?",
        "Le centre social du quartier",
        "Quelles aides avez-vous reçues pour monter ce projet ?",
        "Rédaction des dossiers de demande et mise en place de l'évènement",
        "Cet accompagnement était-il suffisant ?",
        "Oui",
        "Une aide précieuse pour le montage.",
        "Souhaitez-vous reconduire votre action ?",
        "Non",
        "Avez-vous d'autres idées de projet ?",
        "Café citoyen, parcours citoyen pour les jeunes",
    ]


def _pic_effect_lines() -> list[str]:
    """The effects grid, by level."""
    return [
        "Effets observés",
        "Effets individuels",
        "Lien social",
        "voisin·e·s du quartier, acteur·rice·s du quartier",
        "lors d'évènements grand public",
        "Des familles qui ne se connaissaient pas ont échangé.",
        "Santé",
        "d'une plus grande confiance en eux",
        "Effets sur le quartier et le territoire",
        "Entretien des espaces",
        "l'attractivité des espaces",
        "La cour est plus accueillante.",
    ]


def _pic_money_lines() -> list[str]:
    """The money: expenses planned and made, the grant, what is left; then the receipts."""
    return [
        "Dépenses réalisées",
        "Achats : matériel, nourriture, boissons, petites fournitures (compte 60)",
        "Barbecue et boissons",
        "1 000,00 €",
        "934,50 €",
        "Location de tonnelles",
        "300,00 €",
        "250,00 €",
        "Affiches",
        "0,00 €",
        "12,30 €",
        "Total",
        "1 300,00 €",
        "1 196,80 €",
        "Subvention accordée",
        "1 234,50 €",
        "Reste non dépensé de la subvention",
        "37,70 €",
        "Justificatifs et photos",
        "facture-barbecue.pdf",
        "Facture du traiteur",
    ]


def test_pic_bilan_pdf_of_an_empty_draft_says_what_is_missing(world, resident):
    application = f.GrantedApplicationFactory(fund=world.fund, created_by=resident, budget=False)
    bilan = f.BilanFactory(
        application=application,
        mobilised_women=None,
        mobilised_men=None,
        help_sufficient=None,
        wants_to_renew=None,
        results="",
    )
    _reader, text = pdf_text(render_pic_bilan_pdf(bilan=bilan))
    assert "— Femme(s), — Homme(s)" in text
    assert "Aucune dépense indiquée." in text
    assert "Aucun effet n'a été indiqué" in text
    assert "Subvention accordée 0,00 €" in text


@pytest.fixture
def full_cvs_bilan(resident):
    bilan = f.CvsBilanFactory(
        application__created_by=resident,
        application__title="Jardins partagés du Secteur Sud",
        application__reference="CVS-2025-0007",
    )
    objectives = [
        (
            "Organiser 30 ateliers de jardinage d'ici juin",
            "Nombre d'ateliers réalisés",
            "24 ateliers",
            "Six ateliers annulés pour cause de pluie",
        ),
        ("Accueillir 40 familles sur l'année", "Familles inscrites", "46 familles", ""),
    ]
    for position, (objective, indicators, result, comments) in enumerate(objectives, start=1):
        f.CvsObjectiveFactory(
            bilan=bilan, position=position, objective=objective, indicators=indicators, result=result, comments=comments
        )
    f.CvsPartnerFactory(
        bilan=bilan,
        actor="Bailleur social du quartier",
        is_new_partner=True,
        role="Met à disposition la parcelle",
        when_associated="Lors des comités de suivi",
        satisfied=False,
        room_for_progress="Des réponses plus rapides",
    )
    lines = [
        ("charge", "60", "60.supplies", "", "Graines et terreau", "1000.00", "900.00"),
        ("charge", "64", "64.wages", "", "Animatrice", "5000.00", "5100.00"),
        ("charge", "indirect", "charge_indirect.fixed", "", "Part du loyer", "500.00", "500.00"),
        ("charge", "86", "86.volunteer_staff", "", "Bénévoles", "800.00", "800.00"),
        ("resource", "74", "74.state_specific", "", "BOP 147", "2500.00", "2500.00"),
        ("resource", "74", "74.commune_specific", "Lille", "Politique de la ville", "3000.00", "3000.00"),
        ("resource", "70", "", "", "Participation des familles", "1000.00", "1000.00"),
        ("resource", "87", "87.volunteering", "", "Bénévolat valorisé", "800.00", "800.00"),
    ]
    for side, account, item, commune, label, planned, realised in lines:
        f.CvsBudgetLineFactory(
            bilan=bilan,
            side=side,
            account=account,
            item=item,
            commune_name=commune,
            label=label,
            planned_amount=Decimal(planned),
            realised_amount=Decimal(realised),
        )
    return bilan


def test_cvs_bilan_pdf_follows_annex_3(full_cvs_bilan):
    bilan = full_cvs_bilan
    reader, text = pdf_text(render_cvs_bilan_pdf(bilan=bilan))
    assert_in_order(
        text,
        [
            *_cvs_identity_lines(bilan),
            *_cvs_objective_and_partner_lines(bilan),
            *_cvs_assessment_lines(bilan),
            *_cvs_financial_lines(),
        ],
    )
    assert "Contrat de ville" in text  # the fund's name
    assert re.search(r"Page 1 sur \d", text)
    assert_tagged(reader, "Bilan CVS (annexe 3) du projet « Jardins partagés du Secteur Sud » — demande CVS-2025-0007")


def _cvs_identity_lines(bilan) -> list[str]:
    """The project's identity card, its cost, description and progress."""
    return [
        "Annexe 3 : bilan du projet 2025",
        "Intitulé du projet 2025",
        "Jardins partagés du Secteur Sud",
        "Bilan réalisé au titre de la période",
        "du 01/01/2025 au 30/06/2025",
        "Fiche d'identité du projet",
        "Structure porteuse et statut",
        bilan.structure,
        "Prénom Référente",
        "Coordinatrice",
        "coordination@jardins.example.org / 03 20 00 00 00",
        "2021",
        bilan.territory,
        bilan.target_public,
        bilan.partnerships,
        bilan.dedicated_staff,
        bilan.material_means,
        bilan.communication_means,
        "Rappel du coût prévisionnel du projet",
        "12 000,00 €",
        "Descriptif synthétique du projet",
        bilan.short_description,
        "État d'avancement du projet",
        "En cours",
        "01/02/2025",
    ]


def _cvs_objective_and_partner_lines(bilan) -> list[str]:
    """The operational objectives, the coordination and the partners."""
    return [
        "Objectif opérationnel 1",
        "Organiser 30 ateliers de jardinage d'ici juin",
        "Nombre d'ateliers réalisés",
        "24 ateliers",
        "Six ateliers annulés pour cause de pluie",
        "Objectif opérationnel 2",
        "Accueillir 40 familles sur l'année",
        "46 familles",
        "Modalités de coordination et de pilotage du projet",
        bilan.coordination,
        "Bailleur social du quartier",
        "Oui",
        "Met à disposition la parcelle",
        "Lors des comités de suivi",
        "Non — Des réponses plus rapides",
    ]


def _cvs_assessment_lines(bilan) -> list[str]:
    """Achievements, difficulties, impacts, perspectives, key figures and the SWOT."""
    return [
        "Principales réalisations dans le cadre du projet",
        bilan.achievements,
        bilan.successes,
        "Difficultés et points de blocage",
        bilan.difficulties,
        "Positifs",
        bilan.positive_impacts,
        "Négatifs",
        bilan.negative_impacts,
        "Perspectives",
        "Maintien",
        bilan.perspective_comment,
        "Chiffres clés",
        bilan.key_figures,
        "SWOT synthétique",
        "Facteurs internes",
        "Forces / atouts",
        bilan.swot_strengths,
        "Faiblesses",
        bilan.swot_weaknesses,
        "Facteurs externes",
        "Opportunités",
        bilan.swot_opportunities,
        "Menaces",
        bilan.swot_threats,
    ]


def _cvs_financial_lines() -> list[str]:
    """The financial elements: charges and resources, totals and balance."""
    return [
        "Éléments financiers",
        "I. Charges directes affectées à l'action",
        "6 000,00 €",
        "6 000,00 €",
        "60 — Achats",
        "Achats matières et fournitures — Graines et terreau",
        "900,00 €",
        "64 — Charges de personnel",
        "Rémunération des personnels — Animatrice",
        "5 100,00 €",
        "II. Charges indirectes affectées à l'action",
        "Charges fixes de fonctionnement — Part du loyer",
        "Total des charges",
        "6 500,00 €",
        "6 500,00 €",
        "86 — Emplois des contributions volontaires en nature",
        "Personnel bénévole — Bénévoles",
        "TOTAL",
        "7 300,00 €",
        "I. Ressources directes affectées à l'action",
        "70 — Ventes, prestations de services",
        "Participation des familles",
        "74 — Subventions d'exploitation",
        "5 500,00 €",
        "État : crédits spécifiques politique de la ville — BOP 147",
        "Commune : crédits spécifiques politique de la ville (Lille) — Politique de la ville",
        "Total des produits",
        "6 500,00 €",
        "87 — Contributions volontaires en nature",
        "Bénévolat — Bénévolat valorisé",
        "TOTAL",
        "7 300,00 €",
        "Budget équilibré",
    ]


def test_cvs_bilan_pdf_flags_an_unbalanced_budget(full_cvs_bilan):
    f.CvsBudgetLineFactory(bilan=full_cvs_bilan, side="charge", account="62", planned_amount=Decimal("10"))
    _reader, text = pdf_text(render_cvs_bilan_pdf(bilan=full_cvs_bilan))
    assert "Budget non équilibré" in text
