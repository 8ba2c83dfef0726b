"""Printable convocation letters, one page per member, for members convened by post (no e-mail address).

Rendered in the web request: a committee has a few dozen members at most and each letter is one plain page, so
the file stays a few pages long (WeasyPrint renders it in about a second). The session pack, which can be long,
is built in the background instead (committees.documents.session_pack).
"""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.workflow import Status
from committees.models import CommitteeMember, CommitteeSession
from core.pdf import render_pdf


def render_convocation_letters_pdf(*, session: CommitteeSession, members: list[CommitteeMember]) -> bytes:
    """One page per member in `members`: addressee, date, time, place and agenda of the session."""
    items = list(
        session.items.exclude(application__status=Status.WITHDRAWN)
        .select_related("application__holder")
        .order_by("position", "id")
    )
    association = session.committee.fund.association
    with translation.override("fr"):
        footer = _("%(association)s — convocation — séance du %(date)s") % {
            "association": association.name,
            "date": session.date.strftime("%d/%m/%Y"),
        }
    return render_pdf(
        template="committees/pdf/convocation_letters.html",
        context={
            "session": session,
            "committee": session.committee,
            "fund": session.committee.fund,
            "association": association,
            "members": members,
            "items": items,
            "letter_date": timezone.localdate(),
            "footer": footer,
        },
    )
