"""The demo data show a deferred request to complete (issue 16): what the committee asked, and a message from
the association with a model quote attached."""

from django.core.files.storage import default_storage
from django.core.management import call_command

from applications.models import Application, DeferralRevision, Message
from applications.workflow import Status
from committees.models import CommitteeSession
from committees.selectors.pages import session_page


def test_the_demo_has_a_deferred_request_to_complete_and_a_message_with_a_file(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", verbosity=0)
    application = Application.objects.get(fund__slug="pic-hommelet-2025", status=Status.DEFERRED)
    revision = DeferralRevision.objects.get(application=application)
    assert revision.reason == "Devis du transport à fournir." and revision.deferred_at.year == 2025
    message = Message.objects.get(application=application)
    assert message.attachment_name == "modele-de-devis.pdf" and default_storage.exists(message.attachment.name)
    # The session that deferred it shows no "changes since the deferral" on its own line.
    session = CommitteeSession.objects.get(committee__fund__slug="pic-hommelet-2025")
    assert all(row.deferral is None for row in session_page(session=session).rows)
