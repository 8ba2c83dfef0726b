"""Rule 7 of issue 14: a resident's draft is theirs until filed, unless they share it to get help.

The attacker: the association's staff (or the administrator) typing the URL of a draft or of one of its
attachments. They get 404 until the resident presses « Partager ce brouillon avec l'association pour obtenir
de l'aide »; the sharing and its withdrawal are in the audit log.
"""

from html import unescape

import pytest
from django.urls import reverse

from applications.models import Application, Attachment
from core.models import AuditEntry
from tests import factories as f
from tests.committee_helpers import client_for

SHARE_BUTTON = "Partager ce brouillon avec l'association pour obtenir de l'aide"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def draft(world, resident) -> Application:
    return f.ApplicationFactory(fund=world.fund, created_by=resident, title="Atelier vélo")


def _urls(draft: Application, attachment: Attachment) -> list[str]:
    return [
        reverse("applications:application_detail", kwargs={"pk": draft.pk}),
        reverse("applications:download_attachment", kwargs={"pk": draft.pk, "attachment_pk": attachment.pk}),
    ]


@pytest.mark.parametrize("persona", ["staff", "admin_user"])
def test_staff_cannot_read_a_draft_until_the_resident_shares_it(request, draft, resident, persona):
    attachment = f.AttachmentFactory(application=draft, kind=Attachment.Kind.QUOTE)
    snoop = client_for(request.getfixturevalue(persona))
    for url in _urls(draft, attachment):
        assert snoop.get(url).status_code == 404, url

    owner = client_for(resident)
    page = unescape(owner.get(reverse("applications:application_detail", kwargs={"pk": draft.pk})).content.decode())
    assert SHARE_BUTTON in page
    response = owner.post(reverse("applications:share_draft", kwargs={"pk": draft.pk}), {"share": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.draft_shared_at is not None
    assert AuditEntry.objects.filter(action="applications.share_draft", target_id=str(draft.pk)).exists()
    for url in _urls(draft, attachment):
        assert snoop.get(url).status_code == 200, url

    owner.post(reverse("applications:share_draft", kwargs={"pk": draft.pk}), {"share": "0"})
    draft.refresh_from_db()
    assert draft.draft_shared_at is None
    assert AuditEntry.objects.filter(action="applications.unshare_draft", target_id=str(draft.pk)).exists()
    for url in _urls(draft, attachment):
        assert snoop.get(url).status_code == 404, url


def test_only_the_resident_shares_their_draft(draft, staff, other_resident):
    for user in (staff, other_resident):
        response = client_for(user).post(reverse("applications:share_draft", kwargs={"pk": draft.pk}), {"share": "1"})
        assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.draft_shared_at is None


def test_the_staff_inbox_never_lists_a_draft(draft, staff):
    page = unescape(client_for(staff).get(reverse("staff:inbox")).content.decode())
    assert "Atelier vélo" not in page
