"""The resident's first steps with the keyboard alone: Tab to move, Space to check, Enter to send."""

import pytest
from django.utils import timezone

from tests.e2e.conftest import check_page

pytestmark = pytest.mark.e2e


def tab_to(page, selector: str, text: str = "", limit: int = 80) -> None:
    """Press Tab until the element (with that text, if given) is focused: it must be reachable."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "([s, t]) => { const e = document.activeElement;"
            " return !!e && e.matches(s) && e.textContent.includes(t); }",
            [selector, text],
        ):
            return
    raise AssertionError(f"{selector} is not reachable with Tab on {page.url}")


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def press_and_wait(page, selector: str, text: str = "") -> None:
    tab_to(page, selector, text)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()


def test_resident_keyboard_only(page, viewport):
    from accounts.models import User
    from applications.models import Application

    email = f"clavier.{viewport}@example.org"
    page.goto("/compte/inscription/")
    check_page(page, "inscription")
    type_into(page, "#id_first_name", "Léa")
    type_into(page, "#id_last_name", "Clavier")
    type_into(page, "#id_email", email)
    type_into(page, "#id_password", "Un-mot-de-passe-solide-2025")
    type_into(page, "#id_password_confirm", "Un-mot-de-passe-solide-2025")
    press_and_wait(page, "main button[type=submit]")
    check_page(page, "compte-cree")
    User.objects.filter(email=email).update(email_confirmed_at=timezone.now())

    page.goto("/appels-a-projets/")
    check_page(page, "appels-ouverts")
    press_and_wait(page, "main a[href^='/demandes/nouvelle/']")
    check_page(page, "nouvelle-demande")
    press_and_wait(page, "main form button[type=submit]")
    check_page(page, "etape-porteur")

    tab_to(page, "#id_new-kind_0")
    page.keyboard.press("Space")
    assert page.locator("#id_new-kind_0").is_checked()
    type_into(page, "#id_new-name", "Le collectif du clavier")
    type_into(page, "#id_new-referent_name", "Léa Clavier")
    type_into(page, "#id_new-co_holders_count", "2")
    type_into(page, "#id_new-co_holders_first_names", "Jade, Omar")
    press_and_wait(page, "main button[name='action']", "Enregistrer et continuer")
    check_page(page, "etape-projet")
    assert "/etape/project/" in page.url, page.url

    type_into(page, "#id_title", "Après-midi jeux au clavier")
    tab_to(page, "#id_theme")
    page.keyboard.press("ArrowDown")
    type_into(page, "#id_objectives", "Se retrouver entre voisin·es.")
    type_into(page, "#id_description", "Des jeux de société pour tous les âges.")
    press_and_wait(page, "main button[name='action']", "Enregistrer et quitter")
    check_page(page, "quitte")
    application = Application.objects.get(created_by__email=email)
    assert application.title == "Après-midi jeux au clavier"
    assert application.holder.name == "Le collectif du clavier"
