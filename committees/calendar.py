"""The calendar invitation (.ics) attached to each member's convocation e-mail, built by the worker that
delivers the e-mail (core.outbox attachment builder "committees.session_ics", registered in apps.py)."""

import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from applications.workflow import Status
from committees.models import CommitteeSession
from core import ics

SESSION_ICS = "committees.session_ics"
PARIS = ZoneInfo("Europe/Paris")
# How long a session lasts in the calendar (the portal records only when it starts).
SESSION_LENGTH = datetime.timedelta(hours=2)


def session_uid(session: CommitteeSession) -> str:
    """Stable per session: a calendar updates the same event when the convocation is sent again."""
    host = urlsplit(getattr(settings, "PORTAL_BASE_URL", "") or "").hostname or "portail-pic.local"
    return f"seance-{session.pk}@{host}"


def session_ics(session: CommitteeSession) -> bytes:
    start = datetime.datetime.combine(session.date, session.time, tzinfo=PARIS)
    items = (
        session.items.exclude(application__status=Status.WITHDRAWN)
        .select_related("application")
        .order_by("position", "id")
    )
    association = session.committee.fund.association
    with translation.override("fr"):
        agenda = "\n".join(
            f"{item.position}. {item.application.display_reference} — {item.application.title}" for item in items
        )
        description = _(
            "Ordre du jour :\n%(agenda)s\n\nEn cas d'empêchement, prévenez %(association)s (%(email)s)."
        ) % {
            "agenda": agenda or _("à compléter"),
            "association": association.name,
            "email": association.contact_email,
        }
        summary = _("Séance du comité : %(committee)s") % {"committee": session.committee.name}
    # Each new sending of the convocations moves the sequence on, so calendars take the latest details.
    sent = session.convocations_sent_at or session.created_at
    sequence = max(int((sent - session.created_at).total_seconds()), 0)
    return ics.event_calendar(
        uid=session_uid(session),
        start=start,
        end=start + SESSION_LENGTH,
        summary=summary,
        location=session.place,
        description=description,
        sequence=sequence,
    )


def session_ics_filename(session: CommitteeSession) -> str:
    return f"seance-{slugify(session.committee.name)}-{session.date:%Y-%m-%d}.ics"


def build_session_ics(*, session_id: int) -> tuple[bytes, str]:
    """The outbox builder: (content, mimetype) of the session's invitation at delivery time."""
    session = CommitteeSession.objects.select_related("committee__fund__association").get(pk=session_id)
    return session_ics(session), ics.CONTENT_TYPE
