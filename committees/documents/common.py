"""What every committee PDF about one session shares: its committee, fund and association, and a French footer."""

from django.utils import translation

from committees.models import CommitteeSession
from core.pdf import render_pdf


def render_session_pdf(template: str, *, session: CommitteeSession, footer, **context) -> bytes:
    """Render templates/committees/pdf/`template` for `session`, with `context`. `footer` (a lazy translation, with
    %(committee)s, %(association)s and %(date)s) is written in French at the bottom of each page."""
    committee = session.committee
    association = committee.fund.association
    with translation.override("fr"):
        footer_text = str(footer) % {
            "committee": committee.name,
            "association": association.name,
            "date": session.date.strftime("%d/%m/%Y"),
        }
    return render_pdf(
        template=f"committees/pdf/{template}",
        context={
            "session": session,
            "committee": committee,
            "fund": committee.fund,
            "association": association,
            "footer": footer_text,
            **context,
        },
    )
