"""The minutes of a session (*procès-verbal*): A4, page numbers, French dates and amounts."""

from django.utils import timezone
from django.utils.translation import gettext_lazy

from committees import selectors
from committees.documents.common import render_session_pdf
from committees.models import CommitteeSession


def render_minutes_pdf(*, session: CommitteeSession) -> bytes:
    """Attendance and quorum, recusals, votes and decision per request, money left."""
    detail = selectors.session_detail(session=session)
    recorded = {attendance.member_id for attendance in detail.attendances}
    return render_session_pdf(
        "minutes.html",
        session=detail.session,
        footer=gettext_lazy("Procès-verbal — %(committee)s — séance du %(date)s"),
        detail=detail,
        committee=detail.committee,
        fund=detail.fund,
        absent_unrecorded=[member for member in detail.absent if member.pk not in recorded],
        generated_on=timezone.localdate(),
        # "Fait à … le …": the association's town, the day the session closed (today for a draft).
        signed_on=timezone.localdate(detail.session.closed_at) if detail.session.closed_at else timezone.localdate(),
        signed_at=detail.fund.association.city,
        chair=detail.committee.chair,
    )
