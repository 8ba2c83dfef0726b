"""Helpers of the deferral tests: the session's evening, what the committee asks, page texts and URLs."""

import datetime
import html
import re

from applications import services
from tests import factories as f
from tests.committee_helpers import eligible_application

# The evening of the session of 24/05/2025; the request's project is on 14/06/2025.
EVENING = datetime.datetime(2025, 5, 24, 17, 30, tzinfo=datetime.UTC)
ASKED = "Devis du transport à fournir, et budget à préciser."


def eligible_with_rib(world, owner):
    application = eligible_application(
        world.fund, amount="250.00", created_by=owner, holder=f.HolderFactory(owner=owner)
    )
    f.AttachmentFactory(application=application)
    return application


def text(response) -> str:
    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\u00a0", " ")


def words(response) -> str:
    """The page's text without its tags, on one line."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def sent_back(application, resident, *, comment="Le devis est joint.") -> None:
    services.send_back_application(user=resident, application=application, comment=comment)
    application.refresh_from_db()
