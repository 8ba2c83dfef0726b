"""Loos-en-Gohelle's fifty/fifty in the browser: a resident brings an idea; the town records a meeting, what each
side brings and drafts the convention; both parties sign in the portal; the town declares the project carried out
and it appears on the showcase and the year's "temps fort" page. Then an initiative declared by the resident and
validated by the town, the town's figures and its bâtisseurs.

Runs on the demo data (devdata/demo/fifty.py), with a project and an initiative of its own per screen width.
"""

import pytest
from django.utils import timezone

from tests.e2e.conftest import click_to, fill_fields, login, logout, main_text, visit

pytestmark = pytest.mark.e2e

RESIDENT = "habitante@demo.example.org"
TOWN = "mairie@loos.demo.example.org"


def test_fifty_fifty_idea_to_showcase(page, viewport):
    today = timezone.localdate()
    title = f"Bancs pour le square ({viewport})"
    initiative = f"Goûter des voisins ({viewport})"
    fund_slug = f"fifty-fifty-loos-{today.year}"

    project_path = _bring_an_idea(page, title)
    _meet_and_draft_the_convention(page, title, today)
    _sign_for_the_town(page, project_path)
    _sign_for_the_residents(page, title, project_path)
    _declare_an_initiative(page, fund_slug, initiative, today)
    _validate_and_declare_carried_out(page, initiative, project_path)
    _find_them_on_the_showcase(page, title, initiative, today)


def _bring_an_idea(page, title: str) -> str:
    """The resident brings an idea from the showcase: the project's path."""
    login(page, RESIDENT)
    visit(page, "/fifty-fifty/", "vitrine")
    click_to(page, page.get_by_role("link", name="Proposer une idée").first, "proposer une idée")
    click_to(page, page.get_by_role("button", name="Envoyer mon idée"), "idée vide : erreurs")
    assert "informations sont à corriger" in main_text(page)
    fill_fields(
        page,
        {
            "#id_title": title,
            "#id_idea": "Fabriquer trois bancs en palettes avec les jeunes du quartier.",
            "#id_carried_by": "Nadia et les jeunes du square",
        },
    )
    click_to(page, page.get_by_role("button", name="Envoyer mon idée"), "idée envoyée")
    assert "Idée proposée" in main_text(page)
    project_path = page.url.replace(page.url.split("/fifty-fifty/")[0], "")
    # The resident may also stop it: the page that asks why, left with « Annuler ».
    click_to(page, page.get_by_role("link", name="Arrêter le projet"), "arrêter : pourquoi")
    click_to(page, page.get_by_role("link", name="Annuler"), "projet")
    logout(page)
    return project_path


def _meet_and_draft_the_convention(page, title: str, today) -> None:
    """The town meets the residents, notes what each side brings and drafts the convention."""
    login(page, TOWN)
    visit(page, "/fifty-fifty/mairie/", "mairie : projets")
    click_to(page, page.get_by_role("link", name=title), "mairie : le projet")
    click_to(page, page.get_by_role("link", name="Noter une rencontre"), "noter une rencontre")
    fill_fields(page, {"#id_notes": "Les bancs seront fabriqués à l'atelier municipal."})
    click_to(page, page.get_by_role("button", name="Enregistrer la rencontre"), "rencontre notée")
    assert "Étude de faisabilité" in main_text(page)
    click_to(page, page.get_by_role("link", name="Noter ce que chacun apporte"), "engagements")
    fill_fields(
        page,
        {
            "#id_engagement-0-description": "Trois samedis de fabrication",
            "#id_engagement-1-description": "Prêt de l'atelier municipal et conseils",
        },
    )
    page.locator("#id_engagement-1-kind").select_option("technical")
    page.locator("#id_engagement-1-value").fill("250")
    click_to(page, page.get_by_role("button", name="Enregistrer les engagements"), "engagements notés")
    assert "250,00" in main_text(page)
    click_to(page, page.get_by_role("link", name="Rédiger la convention"), "rédiger la convention")
    page.locator("#id_starts_on").fill(today.isoformat())
    page.locator("#id_ends_on").fill(today.replace(day=28).isoformat() if today.day < 28 else today.isoformat())
    click_to(page, page.get_by_role("button", name="Rédiger la convention"), "convention rédigée")
    assert "Convention à signer" in main_text(page)


def _sign_for_the_town(page, project_path: str) -> None:
    """The paper signature's form, left with « Annuler »; the town signs in the portal."""
    visit(page, project_path.rstrip("/") + "/signature-papier/", "signature papier : formulaire")
    click_to(page, page.get_by_role("link", name="Annuler"), "projet")
    click_to(page, page.get_by_role("link", name="Signer la convention"), "mairie : signer")
    fill_fields(page, {"#id_role_title": "adjointe au maire"})
    page.locator("#id_accepted").check()
    click_to(page, page.get_by_role("button", name="Je signe la convention"), "mairie : signé")
    assert "Pour la commune : Pauline Garnier" in main_text(page)
    logout(page)


def _sign_for_the_residents(page, title: str, project_path: str) -> None:
    """The resident reads the convention and signs for the residents."""
    login(page, RESIDENT)
    visit(page, "/fifty-fifty/mes-projets/", "mes projets fifty/fifty")
    click_to(page, page.get_by_role("link", name=title), "mon projet")
    pdf = page.request.get(project_path.rstrip("/") + "/convention.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    click_to(page, page.get_by_role("link", name="Signer la convention"), "habitante : signer")
    fill_fields(page, {"#id_role_title": "habitante, pour le groupe"})
    page.locator("#id_accepted").check()
    click_to(page, page.get_by_role("button", name="Je signe la convention"), "convention signée")
    assert "Convention signée" in main_text(page)


def _declare_an_initiative(page, fund_slug: str, initiative: str, today) -> None:
    """She declares an initiative and joins the bâtisseurs."""
    visit(page, f"/fifty-fifty/{fund_slug}/declarer-une-initiative/", "déclarer une initiative")
    fill_fields(
        page,
        {
            "#id_title": initiative,
            "#id_description": "Un goûter dans la cour de la résidence.",
            "#id_carried_by": "Nadia",
            "#id_residents_involved": "15",
        },
    )
    page.locator("#id_happened_on").fill(today.isoformat())
    click_to(page, page.get_by_role("button", name="Déclarer l'initiative"), "initiative déclarée")
    assert "À valider par la mairie" in main_text(page)
    visit(page, "/fifty-fifty/batisseurs/mairie-loos-en-gohelle/", "bâtisseurs : ma fiche")
    logout(page)


def _validate_and_declare_carried_out(page, initiative: str, project_path: str) -> None:
    """The town validates the initiative, declares the project carried out, and reads its figures."""
    login(page, TOWN)
    visit(page, "/fifty-fifty/mairie/", "mairie : à valider")
    click_to(page, page.get_by_role("link", name=initiative), "initiative à valider")
    page.get_by_label("Valider et publier").check()
    click_to(page, page.get_by_role("button", name="Enregistrer ma réponse"), "initiative validée")
    visit(page, project_path, "mairie : projet signé")
    click_to(page, page.get_by_role("link", name="Déclarer le projet réalisé"), "déclarer réalisé")
    fill_fields(page, {"#id_outcome": "Trois bancs installés dans le square.", "#id_residents_involved": "11"})
    click_to(page, page.get_by_role("button", name="Déclarer réalisé"), "projet réalisé")
    assert "Projet réalisé" in main_text(page)
    visit(page, "/fifty-fifty/mairie/chiffres/", "chiffres de l'année")
    visit(page, "/fifty-fifty/mairie/batisseurs/", "bâtisseurs")
    assert "Nadia Lemaire" in main_text(page)
    logout(page)


def _find_them_on_the_showcase(page, title: str, initiative: str, today) -> None:
    """Anyone finds the project and the initiative on the showcase and the year's page."""
    visit(page, "/fifty-fifty/", "vitrine publique")
    assert title in main_text(page) and initiative in main_text(page)
    click_to(page, page.get_by_role("link", name=f"Temps fort {today.year}"), "temps fort de l'année")
    assert title in main_text(page)
