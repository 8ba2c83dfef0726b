"""The *dossier de séance*: the agenda and every dossier of a session in one PDF, for the members in mandate and the
association's staff. It can run to many pages: it is built in the background (core.generated_documents, kind
`SESSION_PACK`, registered in committees/apps.py), never in a web request."""

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy

from committees import selectors
from committees.documents.common import render_session_pdf
from committees.models import CommitteeSession

SESSION_PACK = "committees.session_pack"


def _session(session_id) -> CommitteeSession:
    return CommitteeSession.objects.select_related("committee__fund__association").get(pk=int(session_id))


def render_session_pack_pdf(*, session: CommitteeSession) -> bytes:
    dossiers = selectors.session_dossiers(session=session)
    return render_session_pdf(
        "session_pack.html",
        session=session,
        footer=gettext_lazy("Dossier de séance — %(committee)s — séance du %(date)s"),
        dossiers=dossiers,
        generated_on=timezone.localdate(),
    )


def build_session_pack(key: str) -> bytes:
    """The builder the background task calls (key: the session's id)."""
    return render_session_pack_pdf(session=_session(key))


def session_pack_fingerprint(key: str) -> str:
    return selectors.session_pack_fingerprint(session_id=int(key))


def session_pack_filename(key: str) -> str:
    session = _session(key)
    return f"dossier-de-seance-{slugify(session.committee.name)}-{session.date:%Y-%m-%d}.pdf"
