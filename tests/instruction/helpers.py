"""Shared by the tests of this folder (split from one module): constants, helpers and fixtures."""

from html import unescape

import pytest
from django.urls import reverse

from applications import services
from applications.models import Application, EligibilityCriterion
from core.models import AuditEntry
from tests.request_fixtures import NOW, client_of, in_march_2025, private_media  # noqa: F401  (re-exported)
from tests.request_fixtures import file_request as file

SECRET_NOTE = "Le trésorier du collectif est le cousin d'un membre du comité."
DEFAULT_LABELS = [label for label, _help in services.DEFAULT_CRITERIA]

# Everyone who must not instruct Hommelet's requests (the resident is the request's own holder).
REFUSED = ["other_staff", "region_staff", "city_staff", "committee_member", "resident", "other_resident", "outsider"]


@pytest.fixture
def filed(world, resident) -> Application:
    return file(world, resident)


@pytest.fixture
def reviewed(filed, staff) -> Application:
    """Under review: the fund has the default grid, nothing checked yet."""
    services.start_review(user=staff, application=filed)
    return filed


def check_all(application, user, *, met=True):
    for criterion in EligibilityCriterion.objects.filter(fund=application.fund):
        services.record_criterion_check(
            user=user, application=application, criterion=criterion, met=met, comment="" if met else "Non."
        )


def page_of(application) -> str:
    return reverse("staff:application", kwargs={"pk": application.pk})


def action_of(name: str, application, **kwargs) -> str:
    return reverse(f"staff:{name}", kwargs={"pk": application.pk, **kwargs})


def html_of(response) -> str:
    """The page's text with its HTML entities decoded (« l'instruction », not « l&#x27;instruction »)."""
    return unescape(response.content.decode())


def errors(caught) -> str:
    return " ".join(m for messages in caught.value.message_dict.values() for m in messages)


def audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action))
