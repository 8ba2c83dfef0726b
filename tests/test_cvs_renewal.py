"""A project funded last year files its new request only once that year's annex 3 bilan is filed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications.workflow import Status
from cvs import services
from cvs.models import ProgrammingDecision
from reports.workflow import BilanStatus
from tests import factories as f
from tests.cvs_fixtures import cvs_call_fixture, fill_request  # noqa: F401  (fixtures)
from tests.factories.cvs import CvsRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_year(cvs_call, resident):
    """The resident's request of last year's call, programmed (granted)."""
    fund = f.CvsFundFactory(association=cvs_call.fund.association, year=cvs_call.fund.year - 1, slug="cvs-last-year")
    application = f.GrantedApplicationFactory(fund=fund, created_by=resident, reference="CVS-2025-0007")
    cvs = CvsRequestFactory(application=application)
    ProgrammingDecision.objects.create(
        request=cvs, decided_on=datetime.date(2025, 3, 1), attendees="MEL, État", granted=True
    )
    return application


def test_a_renewal_is_refused_until_last_year_bilan_is_filed_with_the_link(cvs_call, resident, last_year):
    application = fill_request(resident, cvs_call, previous=last_year)
    with pytest.raises(ValidationError) as error:
        services.submit_cvs_request(user=resident, application=application)
    message = " ".join(error.value.messages)
    assert "bilan (annexe 3)" in message
    assert reverse("reports:bilan", args=[last_year.pk]) in message
    application.refresh_from_db()
    assert application.status == Status.DRAFT

    f.CvsBilanFactory(application=last_year, status=BilanStatus.DRAFT)
    with pytest.raises(ValidationError):  # a draft bilan is not filed
        services.submit_cvs_request(user=resident, application=application)


def test_a_renewal_is_filed_once_the_bilan_is_filed_and_links_to_it(cvs_call, resident, last_year, client):
    f.CvsBilanFactory(application=last_year, status=BilanStatus.SUBMITTED)
    application = fill_request(resident, cvs_call, previous=last_year)
    services.submit_cvs_request(user=resident, application=application)
    assert application.status == Status.SUBMITTED
    client.force_login(resident)
    page = client.get(reverse("cvs:detail", args=[application.pk])).content.decode()
    assert reverse("reports:bilan", args=[last_year.pk]) in page
    assert "CVS-2025-0007" in page


def test_a_renewal_names_only_one_of_the_holder_own_programmed_requests(cvs_call, resident, other_resident, last_year):
    with pytest.raises(ValidationError) as error:
        fill_request(other_resident, cvs_call, previous=last_year)
    assert "previous_request" in error.value.message_dict


def test_the_draft_page_warns_before_filing(cvs_call, resident, last_year, client):
    application = fill_request(resident, cvs_call, previous=last_year)
    client.force_login(resident)
    page = client.get(reverse("cvs:detail", args=[application.pk])).content.decode()
    assert "déposez d&#x27;abord son bilan" in page or "déposez d'abord son bilan" in page
