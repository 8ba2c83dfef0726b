"""A resident files a whole request with the keyboard alone: Tab to move, Space to check, Enter to send,
typing to fill fields and pick options, Space on the file input to choose a document, Enter on the
receipt link to download it."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.conftest import check_page, link_in_last_mail, visit
from tests.e2e.test_resident import MINIMAL_PDF, tiny_png

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


def type_into(page, selector: str, text: str, limit: int = 80) -> None:
    tab_to(page, selector, limit=limit)
    page.keyboard.type(text)


def press_and_wait(page, selector: str, text: str = "", limit: int = 80) -> None:
    tab_to(page, selector, text, limit)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()


def type_all(page, values: dict[str, str]) -> None:
    """Types into each field in turn (CSS selector → text), reaching each one with Tab."""
    for selector, text in values.items():
        type_into(page, selector, text)


def continue_with_keyboard(page, step: str, path: str, limit: int = 80) -> None:
    """« Enregistrer et continuer » pressed with Enter; the next page is checked as `step` at `path`."""
    press_and_wait(page, "main button[name='action']", "Enregistrer et continuer", limit)
    check_page(page, step)
    assert path in page.url, page.url


def focused_value(page) -> str:
    return page.evaluate("document.activeElement.value")


def choose_file_with_keyboard(page, selector: str, path: Path) -> None:
    """Tab to the file input and open the file chooser with Space, as a keyboard user does; the chooser
    (a native dialog) is answered through Playwright."""
    tab_to(page, selector)
    for attempt in (1, 2):  # on a loaded machine the native dialog's event can be missed: press Space again
        try:
            with page.expect_file_chooser(timeout=20_000) as chooser:
                page.keyboard.press("Space")
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
    chooser.value.set_files(str(path))
    assert page.locator(selector).evaluate("input => input.files.length") == 1


def test_resident_keyboard_only(page, viewport, tmp_path):
    email = f"clavier.{viewport}@example.org"
    _sign_up(page, email)
    _start_a_request_and_name_the_holder(page)
    application = _describe_the_project_and_quit(page, email)
    _resume_and_give_the_date_and_place(page)
    _describe_the_public(page)
    _fill_in_the_budget(page, application)
    _send_the_documents(page, application, tmp_path)
    _file_the_request(page, application)
    _download_the_receipt(page, application)


def _sign_up(page, email: str) -> None:
    """The account created and confirmed from the link in the e-mail."""
    from accounts.models import User

    visit(page, "/compte/inscription/", "inscription")
    type_all(
        page,
        {
            "#id_first_name": "Léa",
            "#id_last_name": "Clavier",
            "#id_email": email,
            "#id_password": "Un-mot-de-passe-solide-2025",
            "#id_password_confirm": "Un-mot-de-passe-solide-2025",
        },
    )
    press_and_wait(page, "main button[type=submit]")
    check_page(page, "verifiez-vos-emails")
    page.goto(link_in_last_mail(email))
    check_page(page, "compte-cree")
    assert User.objects.get(email=email).email_confirmed_at is not None


def _start_a_request_and_name_the_holder(page) -> None:
    """From the open calls to a new request; a new holder, a collective, named."""
    visit(page, "/appels-a-projets/", "appels-ouverts")
    press_and_wait(page, "main a[href^='/demandes/nouvelle/']")
    check_page(page, "nouvelle-demande")
    press_and_wait(page, "main form button[type=submit]")
    check_page(page, "etape-porteur")

    tab_to(page, "#id_new-kind_0")
    page.keyboard.press("Space")
    assert page.locator("#id_new-kind_0").is_checked()
    type_all(
        page,
        {
            "#id_new-name": "Le collectif du clavier",
            "#id_new-referent_name": "Léa Clavier",
            "#id_new-co_holders_count": "2",
            "#id_new-co_holders_first_names": "Jade, Omar",
        },
    )
    continue_with_keyboard(page, "etape-projet", "/etape/project/")


def _describe_the_project_and_quit(page, email: str):
    """The project's title, theme and words, then « Enregistrer et quitter »: the saved draft."""
    from applications.models import Application

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
    assert application.theme is not None
    return application


def _resume_and_give_the_date_and_place(page) -> None:
    """Back to the draft from "Mes demandes", then the dates and the place."""
    assert "/mes-demandes/" in page.url, page.url
    press_and_wait(page, "main a", "Reprendre ma demande")
    check_page(page, "reprise")
    if "/etape/project/" in page.url:
        press_and_wait(page, "main button[name='action']", "Enregistrer et continuer")
    assert "/etape/when_where/" in page.url, page.url

    # Dates and place. A date typed as 12/12 reads the same day-first or month-first; "A"/"P" answer
    # the AM/PM part of a 12-hour time field and are ignored by a 24-hour one.
    year = timezone.localdate().year
    type_into(page, "#id_start_date", f"1212{year}")
    assert focused_value(page) == f"{year}-12-12", focused_value(page)
    type_into(page, "#id_start_time", "1000A")
    assert focused_value(page) == "10:00", focused_value(page)
    type_into(page, "#id_end_date", f"1212{year}")
    type_into(page, "#id_end_time", "1200P")
    assert focused_value(page) == "12:00", focused_value(page)
    type_into(page, "#id_place", "Salle du square Watteau")
    tab_to(page, "#id_neighbourhood")
    page.keyboard.press("ArrowDown")
    assert focused_value(page) != ""
    continue_with_keyboard(page, "etape-public", "/etape/people/")


def _describe_the_public(page) -> None:
    """Who the project is for, and how many residents run it."""
    type_all(
        page,
        {
            "#id_expected_public": "Les familles et les ados du square",
            "#id_expected_women": "18",
            "#id_expected_men": "14",
            "#id_residents_mobilised": "5",
        },
    )
    continue_with_keyboard(page, "etape-budget", "/etape/budget/")


def _fill_in_the_budget(page, application) -> None:
    """The budget: an option is picked by typing the first letters of its everyday words (« Ach » for « Achats :
    matériel, nourriture… (compte 60) »); one line is added with its button, which moves the focus into it."""
    tab_to(page, "#id_expense-0-category")
    page.keyboard.type("Ach")
    assert focused_value(page) == "60", focused_value(page)
    type_into(page, "#id_expense-0-label", "Jeux de société")
    type_into(page, "#id_expense-0-amount", "200")
    tab_to(page, "button[data-add-line='expense']")
    page.keyboard.press("Enter")
    added = int(page.locator("input[name='expense-TOTAL_FORMS']").input_value()) - 1
    assert page.evaluate("document.activeElement.id") == f"id_expense-{added}-category"
    page.keyboard.type("Loc")
    assert focused_value(page) == "61", focused_value(page)
    type_into(page, f"#id_expense-{added}-label", "Location de tables")
    type_into(page, f"#id_expense-{added}-amount", "100")
    type_into(page, "input[name$='amount_requested']", "250", limit=120)
    tab_to(page, "#id_resource-0-category")
    page.keyboard.type("Rec")
    assert focused_value(page) == "70", focused_value(page)
    type_into(page, "#id_resource-0-label", "Buvette")
    type_into(page, "#id_resource-0-amount", "50")
    page.keyboard.press("Tab")
    page.locator("[data-balance-message]").get_by_text("Le budget est équilibré.").wait_for()
    continue_with_keyboard(page, "etape-pieces", "/etape/attachments/", limit=120)
    assert sorted(application.budget_lines.values_list("side", "label")) == [
        ("expense", "Jeux de société"),
        ("expense", "Location de tables"),
        ("resource", "Buvette"),
    ]


def _send_the_documents(page, application, tmp_path) -> None:
    """Documents: the type by typing, the file through the chooser opened with Space, Enter to send."""
    rib, quote = tmp_path / "rib.pdf", tmp_path / "devis.png"
    rib.write_bytes(MINIMAL_PDF)
    quote.write_bytes(tiny_png())
    for kind, start, path in (("bank_details", "Rel", rib), ("quote", "Dev", quote)):
        tab_to(page, "#id_piece-kind")
        page.keyboard.type(start)
        assert focused_value(page) == kind, focused_value(page)
        choose_file_with_keyboard(page, "#id_piece-file", path)
        press_and_wait(page, "main button[value='upload']")
        check_page(page, f"piece-{kind}")
        assert path.name in page.locator("#pieces-envoyees + *").inner_text()
    assert sorted(application.attachments.values_list("kind", flat=True)) == ["bank_details", "quote"]
    continue_with_keyboard(page, "recapitulatif", "/etape/summary/")


def _file_the_request(page, application) -> None:
    """The summary: agree to the showcase with Space, file with Enter."""
    tab_to(page, "#id_showcase_consent", limit=200)
    page.keyboard.press("Space")
    assert page.locator("#id_showcase_consent").is_checked()
    press_and_wait(page, "main form button[type=submit]", "Déposer ma demande")
    check_page(page, "deposee")
    application.refresh_from_db()
    assert application.status == "submitted", application.status
    assert application.showcase_consent is True
    assert page.url.endswith(f"/demandes/{application.pk}/"), page.url
    assert f"Votre demande est déposée. Sa référence est {application.reference}" in page.locator("main").inner_text()


def _download_the_receipt(page, application) -> None:
    """The receipt, downloaded from its link with Enter."""
    tab_to(page, "main a[href$='/recepisse.pdf']", "Télécharger le récépissé (PDF)")
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    assert download.suggested_filename == f"recepisse-{application.reference}.pdf"
    assert Path(download.path()).read_bytes()[:5] == b"%PDF-"
