"""Issue 16: a public help page per fund (the carrier association's contact, hours, address), linked from the
fund's call page, the request form's pages and the holder's space."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund(world):
    association = world.hommelet
    association.contact_phone = "03 20 99 88 77"
    association.opening_hours = "Du lundi au vendredi, de 9 h à 12 h."
    association.address = "5 rue des Arts"
    association.save()
    return world.fund


def test_anyone_reads_the_help_page(client, fund):
    page = client.get(reverse("funds:fund_help", args=[fund.slug])).content.decode()
    assert "<h1>Besoin d'aide ?</h1>" in page
    for text in ("03 20 99 88 77", "Du lundi au vendredi, de 9 h à 12 h.", "5 rue des Arts"):
        assert text in page
    assert f"mailto:{fund.association.contact_email}" in page


def test_an_unpublished_or_unknown_fund_has_no_help_page(client, fund):
    fund.is_published = False
    fund.save()
    assert client.get(reverse("funds:fund_help", args=[fund.slug])).status_code == 404
    assert client.get(reverse("funds:fund_help", args=["inconnu"])).status_code == 404


def test_missing_hours_say_what_to_do(client, world):
    page = client.get(reverse("funds:fund_help", args=[world.other_fund.slug])).content.decode()
    assert "appelez ou écrivez avant de venir" in page


def test_the_call_pages_the_form_and_the_holders_space_link_to_it(client, fund, resident):
    today = timezone.localdate()
    fund.call_opens_on, fund.call_closes_on = today - datetime.timedelta(days=5), today + datetime.timedelta(days=5)
    fund.save()
    help_url = reverse("funds:fund_help", args=[fund.slug])
    assert help_url in client.get(reverse("funds:open_calls")).content.decode()
    client.force_login(resident)
    assert help_url in client.get(reverse("applications:start_application", args=[fund.slug])).content.decode()
    draft = f.ApplicationFactory(fund=fund, created_by=resident)
    step = client.get(reverse("applications:application_step", args=[draft.pk, "project"])).content.decode()
    assert help_url in step
    for name in ("portal:dashboard", "portal:my_applications"):
        assert help_url in client.get(reverse(name)).content.decode()
