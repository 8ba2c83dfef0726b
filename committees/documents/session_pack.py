"""The *dossier de séance*: the agenda and every dossier of a session in one PDF, for the members in mandate and the
association's staff. It can run to many pages: it is built in the background (core.generated_documents, kind
`SESSION_PACK`, registered in committees/apps.py), never in a web request."""

from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from committees import selectors
from committees.models import CommitteeSession
from core.pdf import render_pdf

SESSION_PACK = "committees.session_pack"


def _session(session_id) -> CommitteeSession:
    return CommitteeSession.objects.select_related("committee__fund__association").get(pk=int(session_id))


def render_session_pack_pdf(*, session: CommitteeSession) -> bytes:
    dossiers = selectors.session_dossiers(session=session)
    with translation.override("fr"):
        footer = _("Dossier de séance — %(committee)s — séance du %(date)s") % {
            "committee": session.committee.name,
            "date": session.date.strftime("%d/%m/%Y"),
        }
    return render_pdf(
        template="committees/pdf/session_pack.html",
        context={
            "session": session,
            "committee": session.committee,
            "fund": session.committee.fund,
            "association": session.committee.fund.association,
            "dossiers": dossiers,
            "generated_on": timezone.localdate(),
            "footer": footer,
        },
    )


def build_session_pack(key: str) -> bytes:
    """The builder the background task calls (key: the session's id)."""
    return render_session_pack_pdf(session=_session(key))


def session_pack_fingerprint(key: str) -> str:
    return selectors.session_pack_fingerprint(session_id=int(key))


def session_pack_filename(key: str) -> str:
    session = _session(key)
    return f"dossier-de-seance-{slugify(session.committee.name)}-{session.date:%Y-%m-%d}.pdf"
