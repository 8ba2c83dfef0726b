"""What the request tests share (application_views/, instruction/, test_edit_conflicts.py): the day they
run on, private media in a temporary folder, a logged-in client and a request filed through the services."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from applications import services
from applications.models import Application
from tests import factories as f
from tests.committee_helpers import client_for

NOW = datetime.datetime(2025, 3, 10, 9, 30, tzinfo=datetime.UTC)

# The holder step answered with a new group of residents, then « Enregistrer et continuer ».
NEW_GROUP_HOLDER = {
    "choice-holder": "new",
    "new-kind": "group",
    "new-name": "Les voisins de la rue de la Paix",
    "new-referent_name": "Amina Habitante",
    "new-co_holders_count": "2",
    "new-co_holders_first_names": "Nadia, Karim",
    "action": "next",
}


@pytest.fixture(autouse=True)
def in_march_2025():
    """The PIC 2025 call is open (1 January to 31 December 2025)."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# A test client, logged in as `user` when one is given (the request tests' name for committee_helpers.client_for).
client_of = client_for


def step_url(application, step: str) -> str:
    return reverse("applications:application_step", kwargs={"pk": application.pk, "step": step})


def detail_url(application) -> str:
    return reverse("applications:application_detail", kwargs={"pk": application.pk})


def file_request(world, owner) -> Application:
    """A request filed by `owner` through the services, with its RIB."""
    owner.email_confirmed_at = NOW
    owner.save(update_fields=["email_confirmed_at"])
    application = f.ApplicationFactory(fund=world.fund, created_by=owner, title="Fête de la soupe")
    f.AttachmentFactory(application=application)
    services.submit_application(user=owner, application=application, today=NOW.date())
    application.refresh_from_db()
    return application
