"""Each role sees only what it may: funds in the back office."""

import pytest
from django.urls import reverse

from funds.models import Fund
from funds.permissions import can_manage_fund, can_view_fund


def _visible_slugs(user):
    return set(Fund.objects.visible_to(user).values_list("slug", flat=True))


def test_association_staff_see_their_association_funds_only(world, staff, other_staff):
    assert _visible_slugs(staff) == {"pic-hommelet-2025"}
    assert _visible_slugs(other_staff) == {"pic-lille-sud-2025"}


def test_region_staff_see_every_fund_they_cofund(world, region_staff):
    assert _visible_slugs(region_staff) == {"pic-hommelet-2025", "pic-lille-sud-2025"}


def test_city_staff_see_only_their_city_funds(world, city_staff):
    assert _visible_slugs(city_staff) == {"pic-hommelet-2025"}


def test_residents_committee_members_and_outsiders_see_no_back_office_fund(world, resident, committee_member, outsider):
    for user in (resident, committee_member, outsider):
        assert _visible_slugs(user) == set()


def test_admin_sees_everything(world, admin_user):
    assert _visible_slugs(admin_user) == {"pic-hommelet-2025", "pic-lille-sud-2025"}


def test_funder_staff_read_but_do_not_manage(world, region_staff, staff):
    assert can_view_fund(region_staff, world.fund)
    assert not can_manage_fund(region_staff, world.fund)
    assert can_manage_fund(staff, world.fund)
    assert not can_manage_fund(staff, world.other_fund)


@pytest.mark.parametrize(
    ("persona", "hommelet", "lille_sud"),
    [
        ("staff", 200, 404),
        ("other_staff", 404, 200),
        ("region_staff", 200, 200),
        ("city_staff", 200, 404),
        ("committee_member", 404, 404),
        ("resident", 404, 404),
        ("outsider", 404, 404),
        ("admin_user", 200, 200),
    ],
)
def test_fund_page_per_persona(client, world, request, persona, hommelet, lille_sud):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("portal:fund_detail", args=["pic-hommelet-2025"])).status_code == hommelet
    assert client.get(reverse("portal:fund_detail", args=["pic-lille-sud-2025"])).status_code == lille_sud


def test_fund_page_requires_login(client, world):
    response = client.get(reverse("portal:fund_detail", args=["pic-hommelet-2025"]))
    assert response.status_code == 302


def test_fund_page_shows_cofunder_shares_in_french(client, world, staff):
    client.force_login(staff)
    html = client.get(reverse("portal:fund_detail", args=["pic-hommelet-2025"])).content.decode()
    assert "Région Hauts-de-France" in html
    assert "14\u202f000,00\u00a0€" in html
    assert "70\u00a0%" in html
    assert "20\u202f000,00\u00a0€" in html


def test_fund_list_shows_only_visible_funds(client, world, city_staff):
    client.force_login(city_staff)
    html = client.get(reverse("funds:fund_list")).content.decode()
    assert "PIC Hommelet 2025" in html
    assert "PIC Lille Sud 2025" not in html


def test_fund_list_query_count_is_constant(client, world, admin_user, django_assert_max_num_queries):
    from tests.factories import FundCoFunderFactory, FundFactory

    client.force_login(admin_user)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("funds:fund_list"))
    for _ in range(10):
        FundCoFunderFactory(fund=FundFactory(association=world.hommelet), funder=world.region)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("funds:fund_list"))
    assert len(many) == len(few)
