"""Printable convocation letters, one page per member, for members convened by post (no e-mail address).

Rendered in the web request: a committee has a few dozen members at most and each letter is one plain page, so
the file stays a few pages long (WeasyPrint renders it in about a second). The session pack, which can be long,
is built in the background instead (committees.documents.session_pack).
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy

from applications.workflow import Status
from committees.documents.common import render_session_pdf
from committees.models import CommitteeMember, CommitteeSession


def render_convocation_letters_pdf(*, session: CommitteeSession, members: list[CommitteeMember]) -> bytes:
    """One page per member in `members`: addressee, date, time, place and agenda of the session."""
    items = list(
        session.items.exclude(application__status=Status.WITHDRAWN)
        .select_related("application__holder")
        .order_by("position", "id")
    )
    return render_session_pdf(
        "convocation_letters.html",
        session=session,
        footer=gettext_lazy("%(association)s — convocation — séance du %(date)s"),
        members=members,
        items=items,
        letter_date=timezone.localdate(),
    )
