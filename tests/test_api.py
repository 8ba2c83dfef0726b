"""The read API: what each persona's token sees on every resource, errors, throttling, query counts, OpenAPI."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api.models import ApiToken
from tests import factories as f
from tests.api_helpers import PERSONAS, api_get, build_api_world, bulk_granted_requests

H, L, HIDDEN = "pic-hommelet-2025", "pic-lille-sud-2025", "pic-lille-sud-cache"

# What each persona's token lists on each resource: references of requests (and of the request a decision,
# payment or bilan belongs to), fund slugs for funds and annual figures.
EXPECTED = {
    "fund": {
        "resident": {H, L},
        "staff": {H, L},
        "other_staff": {H, L, HIDDEN},
        "region_staff": {H, L},
        "city_staff": {H, L},
        "admin": {H, L, HIDDEN},
    },
    "request": {
        "resident": {"PIC-2025-0101", "PIC-2025-0102", ""},
        "staff": {"PIC-2025-0101", "PIC-2025-0102"},
        "other_staff": {"PIC-2025-0001"},
        "region_staff": {"PIC-2025-0101", "PIC-2025-0102", "PIC-2025-0001"},
        "city_staff": {"PIC-2025-0101", "PIC-2025-0102"},
        "admin": {"PIC-2025-0101", "PIC-2025-0102", "PIC-2025-0001"},
    },
    "decision": {
        "resident": {"PIC-2025-0102"},
        "staff": {"PIC-2025-0102"},
        "other_staff": {"PIC-2025-0001"},
        "region_staff": {"PIC-2025-0102", "PIC-2025-0001"},
        "city_staff": {"PIC-2025-0102"},
        "admin": {"PIC-2025-0102", "PIC-2025-0001"},
    },
    "bilan": {
        # The Lille Sud bilan is a draft never filed: only its holder (not a persona here) reads it.
        "resident": {"PIC-2025-0102"},
        "staff": {"PIC-2025-0102"},
        "other_staff": set(),
        "region_staff": {"PIC-2025-0102"},
        "city_staff": {"PIC-2025-0102"},
        "admin": {"PIC-2025-0102"},
    },
    "annual-figures": {
        "resident": set(),
        "staff": {H},
        "other_staff": {L, HIDDEN},
        "region_staff": {H, L},
        "city_staff": {H},
        "admin": {H, L, HIDDEN},
    },
}
EXPECTED["payment"] = EXPECTED["decision"]
RESOURCES = tuple(EXPECTED)


@pytest.fixture
def api_world(world, resident, other_resident, staff, other_staff, region_staff, city_staff, admin_user):
    return build_api_world(
        world,
        resident=resident,
        other_resident=other_resident,
        staff=staff,
        other_staff=other_staff,
        region_staff=region_staff,
        city_staff=city_staff,
        admin_user=admin_user,
    )


def keys_of(resource: str, results: list) -> set:
    if resource in ("fund", "annual-figures"):
        return {row["slug"] if resource == "fund" else row["fund"] for row in results}
    return {row["reference"] for row in results}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("resource", RESOURCES)
def test_each_token_reads_exactly_what_its_owner_may_read(api_world, resource, persona):
    response = api_get(reverse(f"api:{resource}-list"), api_world.tokens[persona])
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert keys_of(resource, body["results"]) == EXPECTED[resource][persona]


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("key", ["none", "revoked", "wrong"])
def test_no_token_or_a_revoked_one_gets_401_in_french(api_world, resource, key):
    value = {"none": None, "revoked": api_world.revoked_key, "wrong": "pic_inconnu"}[key]
    response = api_get(reverse(f"api:{resource}-list"), value)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json()["detail"] in ("Informations d'authentification non fournies.", "Jeton invalide ou révoqué.")


def detail_url(resource: str, obj) -> str:
    return reverse(f"api:{resource}-detail", args=[obj.slug if resource == "fund" else obj.pk])


@pytest.mark.parametrize(
    ("resource", "name", "allowed"),
    [
        ("request", "filed", {"resident", "staff", "region_staff", "city_staff", "admin"}),
        ("request", "draft", {"resident"}),
        ("request", "lille", {"other_staff", "region_staff", "admin"}),
        ("decision", "decision", {"resident", "staff", "region_staff", "city_staff", "admin"}),
        ("bilan", "lille_bilan", set()),
        ("fund", "hidden_fund", {"other_staff", "admin"}),
    ],
)
def test_details_answer_404_in_french_to_whoever_may_not_read(api_world, resource, name, allowed):
    url = detail_url(resource, api_world.objects[name])
    for persona in PERSONAS:
        response = api_get(url, api_world.tokens[persona])
        expected = 200 if persona in allowed else 404
        assert response.status_code == expected, (persona, response.content)
        if expected == 404:
            assert response.json() == {"detail": "Non trouvé."}


def test_requests_never_carry_private_notes_nor_other_people_s_personal_data(api_world):
    filed = api_world.objects["filed"]
    url = detail_url("request", filed)
    for persona in PERSONAS:
        body = api_get(url, api_world.tokens[persona]).content.decode()
        assert "Note interne confidentielle" not in body
        assert "rib" not in body.lower()
    own = api_get(url, api_world.tokens["resident"]).json()
    staff = api_get(url, api_world.tokens["staff"]).json()
    region = api_get(url, api_world.tokens["region_staff"]).json()
    assert own["holder"]["referent_phone"] == staff["holder"]["referent_phone"] == "06 00 00 00 00"
    assert staff["place"] == "Chez moi, 3 rue des Lilas"
    assert region["holder"]["name"] == filed.holder.name
    assert region["holder"]["referent_phone"] is None and region["holder"]["address"] is None
    assert region["holder"]["referent_name"] is None and region["place"] is None


def test_bilan_carries_figures_and_effects(api_world):
    body = api_get(detail_url("bilan", api_world.objects["bilan"]), api_world.tokens["region_staff"]).json()
    assert body["participant_women"] == 51 and body["participant_men"] == 28
    assert body["effects"] == [
        {
            "effect": "social_ties",
            "level": "individual",
            "publics": ["neighbours"],
            "changes": ["social_ties.public_events"],
            "narrative": "Des voisins qui ne se parlaient pas ont préparé le goûter ensemble.",
        }
    ]


def test_decision_carries_the_effective_amount(api_world, staff):
    decision = api_world.objects["decision"]
    f.AmendmentFactory(decision=decision, amount_delta=Decimal("-50.00"))
    body = api_get(detail_url("decision", decision), api_world.tokens["staff"]).json()
    assert (body["amount_granted"], body["amount_effective"]) == ("250.00", "200.00")


def test_annual_figures(api_world):
    body = api_get(reverse("api:annual-figures-list"), api_world.tokens["city_staff"], year=2025).json()
    (row,) = body["results"]
    assert row["fund"] == H and row["granted"] == "250.00" and row["paid"] == "200.00"
    assert api_get(reverse("api:annual-figures-list"), api_world.tokens["admin"], fund=L).json()["count"] == 1
    assert api_get(reverse("api:annual-figures-list"), api_world.tokens["admin"], year="x").status_code == 400


def test_filters(api_world, world):
    token = api_world.tokens["admin"]
    url = reverse("api:request-list")
    assert keys_of("request", api_get(url, token, fund=L).json()["results"]) == {"PIC-2025-0001"}
    assert keys_of("request", api_get(url, token, status="submitted").json()["results"]) == {"PIC-2025-0101"}
    assert api_get(url, token, year=2024).json()["count"] == 0
    assert api_get(url, token, neighbourhood="QN05980M").json()["count"] == 2
    assert api_get(url, token, theme=world.fund.themes.first().slug).json()["count"] == 3
    assert api_get(url, token, modified_since="2999-01-01T00:00:00Z").json()["count"] == 0
    assert api_get(reverse("api:decision-list"), token, status="refused").json()["count"] == 0
    assert api_get(reverse("api:payment-list"), token, status="advance").json()["count"] == 2
    assert api_get(reverse("api:bilan-list"), token, status="submitted").json()["count"] == 1
    assert api_get(reverse("api:fund-list"), token, year=2025, fund=H).json()["count"] == 1
    assert api_get(url, token, status="nimporte").status_code == 400


def test_pagination(api_world):
    body = api_get(reverse("api:request-list"), api_world.tokens["admin"], page_size=2).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"] and body["previous"] is None


def test_read_only(api_world):
    from django.test import Client

    response = Client().post(
        reverse("api:request-list"),
        {},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_world.tokens['admin']}",
    )
    assert response.status_code == 405
    assert response.json()["detail"].startswith("Méthode")


def test_rate_limited_per_token(api_world, settings):
    settings.PORTAL_API_RATE = "2/minute"
    url = reverse("api:fund-list")
    assert [api_get(url, api_world.tokens["staff"]).status_code for _ in range(3)] == [200, 200, 429]
    assert api_get(url, api_world.tokens["staff"]).json()["detail"].startswith("Requête ralentie.")
    assert api_get(url, api_world.tokens["region_staff"]).status_code == 200  # another token, its own count


def test_last_use_is_recorded_at_most_once_a_minute(api_world):
    token = ApiToken.objects.get(name="Jeton staff")
    with time_machine.travel(datetime.datetime(2025, 6, 1, 10, 0, tzinfo=datetime.UTC), tick=False):
        api_get(reverse("api:fund-list"), api_world.tokens["staff"])
        token.refresh_from_db()
        first = token.last_used_at
        assert first is not None
    with time_machine.travel(datetime.datetime(2025, 6, 1, 10, 0, 30, tzinfo=datetime.UTC), tick=False):
        with CaptureQueriesContext(connection) as queries:
            api_get(reverse("api:fund-list"), api_world.tokens["staff"])
        assert not any(q["sql"].startswith("UPDATE") for q in queries.captured_queries)
    with time_machine.travel(datetime.datetime(2025, 6, 1, 10, 2, tzinfo=datetime.UTC), tick=False):
        api_get(reverse("api:fund-list"), api_world.tokens["staff"])
    token.refresh_from_db()
    assert token.last_used_at > first


@pytest.mark.parametrize("resource", RESOURCES)
def test_list_query_count_does_not_grow_with_rows(world, staff, resident, admin_user, resource):
    from api import services

    key = services.create_token(owner=admin_user, name="Comptage", created_by=admin_user)[1]
    holder = f.HolderFactory(owner=resident)
    url = reverse(f"api:{resource}-list")
    counts = {}
    made = 0
    for rows in (10, 1000):
        bulk_granted_requests(
            fund=world.fund, owner=resident, holder=holder, staff=staff, count=rows - made, start=5000 + made
        )
        made = rows
        api_get(url, key)  # the token's last use is recorded: not counted below
        with CaptureQueriesContext(connection) as queries:
            response = api_get(url, key, page_size=1000)
        assert response.status_code == 200
        if resource not in ("fund", "annual-figures"):
            assert len(response.json()["results"]) == rows
        counts[rows] = len(queries.captured_queries)
    print(f"\n{resource}: {counts[10]} queries at 10 rows, {counts[1000]} at 1,000")
    assert counts[10] == counts[1000]


def test_openapi_description_builds_without_warning(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/v1/requests/" in (tmp_path / "schema.yml").read_text(encoding="utf-8")


def test_openapi_description_is_served(db):
    response = api_get(reverse("api:schema"))
    assert response.status_code == 200
    assert b"openapi: 3" in response.content
