"""The public showcase of funded projects and the home page's key figures: consent, and no personal data."""

import datetime
import functools
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.text import Truncator

from applications.models import Application
from applications.workflow import Status
from committees.models import Decision
from reports.showcase import ShowcaseFilterForm, _summary, public_key_figures
from tests import factories as f

pytestmark = pytest.mark.django_db

LONG_OBJECTIVES = "Faire jardiner les enfants du quartier. " + "Apprendre à semer et à arroser. " * 12 + "FIN-DU-TEXTE"


@pytest.fixture
def holder_user(db):
    return f.UserFactory(email="nadia.porteuse@example.org", first_name="Nadia", last_name="Porteusedeprojet")


@pytest.fixture
def holder(holder_user):
    return f.HolderFactory(
        owner=holder_user,
        kind="association",
        name="Association des Jardiniers Secrets",
        referent_name="Nadia Référente-Unique",
        referent_phone="06 12 34 56 78",
        co_holders_first_names="Karimo, Lucinda",
        siret=f.make_siret(4242),
        address="12 rue des Cachettes",
        postcode="59100",
        city="Roubaix",
    )


def _granted(*, fund, title, holder, staff, consent=True, status=Status.BALANCE_PAID, **fields):
    application = f.ApplicationFactory(
        fund=fund,
        created_by=holder.owner,
        holder=holder,
        title=title,
        status=status,
        showcase_consent=consent,
        place="12 rue des Cachettes, chez Nadia",
        submitted_at=datetime.datetime(2025, 3, 1, 10, 0, tzinfo=datetime.UTC),
        **fields,
    )
    f.record_grant_for_bilan(application=application, amount="600", decided_by=staff)
    return application


@pytest.fixture
def showcase(world, staff, holder):
    """A: shown, accepted bilan, two photos (one consented). B: granted, no consent. C: shown, bilan only submitted.
    D: refused (consent given). E: unpublished fund. F: Lille Sud. G: a 2024 fund."""
    grant = functools.partial(_granted, holder=holder, staff=staff)
    a, photo, private_photo, receipt = _project_shown_with_photos(world, grant)
    b = _project_without_consent(world, grant)
    c, photo_c = _project_with_a_submitted_bilan(world, grant)
    d = _refused_project(world, staff)
    e = _project_of_an_unpublished_fund(world, grant)
    g, h = _lille_sud_projects(world, grant)
    return {
        "a": a,
        "b": b,
        "c": c,
        "d": d,
        "e": e,
        "g": g,
        "h": h,
        "photo": photo,
        "private_photo": private_photo,
        "receipt": receipt,
        "photo_c": photo_c,
    }


def _project_shown_with_photos(world, grant):
    """A: shown, accepted bilan, a consented photo, a private one and a receipt."""
    innovation, _ = world.themes
    a = grant(
        fund=world.fund,
        title="Jardin des enfants",
        theme=innovation,
        objectives=LONG_OBJECTIVES,
        description="Un carré potager au pied des immeubles.",
    )
    bilan_a = f.BilanFactory(
        application=a,
        status="accepted",
        submitted_at=a.submitted_at,
        results="Trente enfants ont planté des bulbes.",
        positive_points="Les parents sont venus aider.",
        participant_women=12,
        participant_men=9,
        mobilised_women=3,
        mobilised_men=2,
    )
    photo = f.BilanPhotoFactory(bilan=bilan_a, description="Des enfants plantent des bulbes dans le square.")
    private_photo = f.BilanPhotoFactory(bilan=bilan_a, public_consent=False, description="Photo privée du goûter.")
    receipt = f.BilanPhotoFactory(bilan=bilan_a, kind="receipt", public_consent=False, description="Ticket de caisse")
    return a, photo, private_photo, receipt


def _project_without_consent(world, grant):
    """B: granted, accepted bilan, no consent."""
    b = grant(fund=world.fund, title="Soirée jeux sans accord", consent=False)
    f.BilanFactory(
        application=b,
        status="accepted",
        participant_women=5,
        participant_men=5,
        mobilised_women=1,
        mobilised_men=1,
    )
    return b


def _project_with_a_submitted_bilan(world, grant):
    """C: shown, bilan only submitted (with a photo)."""
    _, isolement = world.themes
    c = grant(fund=world.fund, title="Repair café", theme=isolement)
    bilan_c = f.BilanFactory(application=c, status="submitted", results="Résultat pas encore accepté.")
    photo_c = f.BilanPhotoFactory(bilan=bilan_c, description="Un grille-pain réparé.")
    return c, photo_c


def _refused_project(world, staff):
    """D: refused (consent given)."""
    d = f.ApplicationFactory(
        fund=world.fund,
        title="Projet refusé",
        status=Status.REFUSED,
        showcase_consent=True,
        submitted_at=datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC),
    )
    f.record_decision(
        application=d, outcome=Decision.Outcome.REFUSED, session_date=datetime.date(2025, 4, 10), decided_by=staff
    )
    return d


def _project_of_an_unpublished_fund(world, grant):
    """E: granted in an unpublished fund, accepted bilan."""
    hidden_fund = f.FundFactory(association=world.hommelet, slug="pic-cache", is_published=False, themes=world.themes)
    e = grant(fund=hidden_fund, title="Projet d'un fonds non publié")
    f.BilanFactory(application=e, status="accepted", participant_women=100, participant_men=100)
    return e


def _lille_sud_projects(world, grant):
    """The project of Lille Sud's fund (returned as g) and the one of its 2024 fund (h)."""
    _, isolement = world.themes
    g = grant(
        fund=world.other_fund,
        title="Fresque du Secteur Sud",
        theme=isolement,
        neighbourhood=world.other_neighbourhood,
    )
    fund_2024 = f.FundFactory(
        association=world.lille_sud,
        slug="pic-lille-sud-2024",
        name="PIC Lille Sud 2024",
        year=2024,
        themes=world.themes,
        neighbourhoods=[world.other_neighbourhood],
        call_opens_on=datetime.date(2024, 1, 1),
        call_closes_on=datetime.date(2024, 12, 31),
    )
    h = grant(fund=fund_2024, title="Bal de 2024")
    return g, h


def photo_url(project, photo):
    return reverse("annual:showcase_photo", args=[project.pk, photo.pk])


def titles(response) -> list[str]:
    return [project.title for project in response.context["projects"]]


def test_urls(showcase):
    assert reverse("annual:showcase") == "/projets/"
    assert reverse("annual:showcase_project", args=[showcase["a"].pk]) == f"/projets/{showcase['a'].pk}/"


def test_list_shows_granted_projects_whose_holders_agreed(client, showcase):
    response = client.get("/projets/")
    assert response.status_code == 200
    assert sorted(titles(response)) == sorted(
        ["Jardin des enfants", "Repair café", "Fresque du Secteur Sud", "Bal de 2024"]
    )
    html = response.content.decode()
    for absent in ("Soirée jeux sans accord", "Projet refusé", "Projet d&#x27;un fonds non publié"):
        assert absent not in html


def test_list_card_has_a_trimmed_summary_highlights_and_the_consented_cover(client, showcase):
    html = client.get("/projets/").content.decode()
    assert "Faire jardiner les enfants du quartier." in html
    assert "FIN-DU-TEXTE" not in html  # trimmed
    assert "…" in html
    assert "Trente enfants ont planté des bulbes." in html
    assert photo_url(showcase["a"], showcase["photo"]) in html
    assert photo_url(showcase["a"], showcase["private_photo"]) not in html
    assert "Résultat pas encore accepté." not in html  # C's bilan is not accepted yet
    assert photo_url(showcase["c"], showcase["photo_c"]) not in html


def test_project_page(client, showcase, world):
    response = client.get(reverse("annual:showcase_project", args=[showcase["a"].pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Jardin des enfants" in html
    assert "Innovation sociale" in html
    assert world.neighbourhood.name in html
    assert "PIC Hommelet 2025" in html
    assert "Trente enfants ont planté des bulbes." in html
    assert "Les parents sont venus aider." in html
    assert "21 habitant·es y ont participé : 12 femmes et 9 hommes." in html
    assert f'src="{photo_url(showcase["a"], showcase["photo"])}"' in html
    assert 'alt="Des enfants plantent des bulbes dans le square."' in html
    assert photo_url(showcase["a"], showcase["private_photo"]) not in html
    assert photo_url(showcase["a"], showcase["receipt"]) not in html
    assert "Photo privée du goûter." not in html


@pytest.mark.parametrize("name", ["b", "d", "e"])
def test_project_page_is_404_without_consent_grant_or_publication(client, showcase, name):
    assert client.get(reverse("annual:showcase_project", args=[showcase[name].pk])).status_code == 404


@pytest.mark.parametrize("page", ["list", "a", "c", "g"])
def test_no_personal_data_anywhere_public(client, showcase, holder, holder_user, page):
    url = "/projets/" if page == "list" else reverse("annual:showcase_project", args=[showcase[page].pk])
    html = client.get(url).content.decode()
    for personal in (
        holder.name,
        "Jardiniers Secrets",
        holder.referent_name,
        "Référente-Unique",
        holder.referent_phone,
        holder.siret,
        holder.address,
        "Cachettes",
        "Karimo",
        "Lucinda",
        holder_user.email,
        holder_user.first_name,
        holder_user.last_name,
        "photo-de-madame-martin",
    ):
        assert personal not in html, personal


def test_consented_photo_is_served_as_stored(client, showcase):
    photo = showcase["photo"]
    response = client.get(photo_url(showcase["a"], photo))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert "madame-martin" not in response["Content-Disposition"]
    photo.file.open("rb")
    try:
        stored = photo.file.read()
    finally:
        photo.file.close()
    assert b"".join(response.streaming_content) == stored


@pytest.mark.parametrize(
    ("project", "photo"),
    [
        ("a", "private_photo"),  # the people on it did not agree
        ("a", "receipt"),  # a receipt is never public
        ("c", "photo_c"),  # the bilan is not accepted yet
        ("c", "photo"),  # A's photo asked through another project
        ("b", "photo"),
    ],
)
def test_other_photos_are_404(client, showcase, project, photo):
    assert client.get(photo_url(showcase[project], showcase[photo])).status_code == 404


def test_withdrawn_consent_hides_the_project_and_its_photos(client, showcase):
    a = showcase["a"]
    a.showcase_consent = False
    a.save(update_fields=["showcase_consent"])
    assert client.get(reverse("annual:showcase_project", args=[a.pk])).status_code == 404
    assert client.get(photo_url(a, showcase["photo"])).status_code == 404
    assert "Jardin des enfants" not in titles(client.get("/projets/"))


def test_filters_by_theme_neighbourhood_and_year(client, showcase, world):
    innovation, isolement = world.themes
    assert titles(client.get("/projets/", {"theme": innovation.pk})) == ["Jardin des enfants"]
    assert sorted(titles(client.get("/projets/", {"theme": isolement.pk}))) == [
        "Bal de 2024",  # the fund's first theme by default
        "Fresque du Secteur Sud",
        "Repair café",
    ]
    assert sorted(titles(client.get("/projets/", {"neighbourhood": world.other_neighbourhood.pk}))) == [
        "Bal de 2024",
        "Fresque du Secteur Sud",
    ]
    assert titles(client.get("/projets/", {"year": 2024})) == ["Bal de 2024"]
    response = client.get("/projets/", {"year": 1999})
    assert titles(response) == []
    assert response.status_code == 200


def test_a_card_names_a_theme_and_a_neighbourhood_no_published_fund_offers_any_more(client, showcase):
    """The cards take these names from the filter's choices (the published funds'), else from their tables."""
    theme = f.ThemeFactory(slug="ancienne-thematique", name="Ancienne thématique", position=9)
    neighbourhood = f.NeighbourhoodFactory(code="QN05999M", name="Ancien quartier")
    Application.objects.filter(pk=showcase["a"].pk).update(theme=theme, neighbourhood=neighbourhood)
    html = client.get("/projets/").content.decode()
    assert "Ancienne thématique — Ancien quartier — 2025" in html
    assert "Ancienne thématique</option>" not in html  # not offered as a filter


@pytest.mark.parametrize(
    "text", ["Un jardin partagé.", "Un jardin partage\u0301.", LONG_OBJECTIVES, "x" * 280, "x" * 281, "  ", ""]
)
def test_a_summary_is_what_truncator_gives(text):
    row = {"objectives": text, "description": "La description."}
    expected = Truncator(text.strip() or "La description.").chars(280)
    assert _summary(row, 280) == expected


def test_key_figures_count_every_funded_project_and_accepted_bilans(showcase):
    figures = public_key_figures()
    # A, B (no consent: counted, anonymously), C, G, H; not D (refused) nor E (unpublished fund).
    assert figures.projects == 5
    # Accepted bilans of A (12 + 9 participants, 3 + 2 mobilised) and B (5 + 5, 1 + 1).
    assert figures.residents == 38
    assert (figures.people.women, figures.people.men) == (21, 17)
    assert figures.people.women_share == Decimal("55.26")
    assert figures.people.men_share == Decimal("44.74")


def test_home_page_shows_the_key_figures(client, showcase):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    html = response.content.decode().replace("\u202f", " ").replace("\u00a0", " ")
    assert "Les projets des habitant·es en chiffres" in html
    assert '<span class="display-6 fw-bold">5</span> projets financés' in html
    assert '<span class="display-6 fw-bold">38</span> habitant·es impliqué·es' in html
    assert "55 %" in html and "45 %" in html
    assert 'href="/projets/"' in html


def test_home_page_without_funded_projects_has_no_key_figures(client, world):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert "Les projets des habitant·es en chiffres" not in response.content.decode()


def test_neighbourhoods_of_the_same_name_keep_one_order(db):
    """Two neighbourhoods may share a name (a "La Gare" in two towns): the filter lists them by name, then in the
    order they were created, whatever plan the database picks."""
    fund = f.FundFactory(is_published=True)
    # Stored in the other order than their ids (PostgreSQL then reads the later one first).
    later = f.NeighbourhoodFactory(pk=900_001, name="La Gare")
    earlier = f.NeighbourhoodFactory(pk=900_000, name="La Gare")
    fund.neighbourhoods.add(later, earlier)

    choices = [value for value, label in ShowcaseFilterForm().fields["neighbourhood"].choices if label == "La Gare"]

    assert choices == [earlier.pk, later.pk]
