"""What members read before the session: each request's dossier and its pieces, the session pack (built in the
background); and, for the staff, the printable convocation letters of members convened by post.

Every object comes from `committees.access`: 404 for whoever may not read the session, 403 (with why) for a
member once the session is closed, or for a member asking for what only the staff print.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from committees import documents, selectors
from committees.access import (
    get_dossier_attachment_for_user,
    get_dossier_for_user,
    get_dossiers_session_for_user,
    get_session_for_user,
)
from committees.views.common import pdf_response, session_url
from core import generated_documents
from core.files import download

SESSION_PACK = documents.SESSION_PACK


@login_required
def item_dossier(request, pk: int, item_pk: int):
    """The read-only dossier of one request on the agenda: project, budget, useful pieces (never the RIB)."""
    access = get_dossier_for_user(request.user, pk, item_pk)
    session = access.session
    dossier = selectors.item_dossier(item=access.item)
    context = {
        "session": session,
        "committee": session.committee,
        "fund": session.committee.fund,
        "dossier": dossier,
        "application": dossier.application,
        "takes_no_part": access.takes_no_part,
        "can_run": access.can_run,
    }
    return render(request, "committees/dossier.html", context)


@login_required
def dossier_attachment(request, pk: int, item_pk: int, attachment_pk: int):
    attachment = get_dossier_attachment_for_user(request.user, pk, item_pk, attachment_pk)
    return download(attachment.file, filename=attachment.original_name, content_type=attachment.content_type)


@login_required
def session_pack(request, pk: int):
    """GET: where the session pack stands (to prepare, being prepared, ready); POST: prepare it (or reuse the
    up-to-date one). Members in mandate until the session closes, and the staff."""
    session = get_dossiers_session_for_user(request.user, pk).session
    if request.method == "POST":
        generated_documents.request_document(kind=SESSION_PACK, key=session.pk, user=request.user)
        return redirect("committees:session_pack", pk=session.pk)
    document = generated_documents.current_document(kind=SESSION_PACK, key=session.pk)
    context = {
        "session": session,
        "committee": session.committee,
        "document": document,
        "heading": _("Dossier de séance"),
        "intro": _(
            "L'ordre du jour et le dossier de chaque demande (projet, budget, pièces utiles) en un seul fichier PDF, "
            "à lire avant la séance du %(day)s."
        )
        % {"day": session.date.strftime("%d/%m/%Y")},
        "request_url": reverse("committees:session_pack", kwargs={"pk": session.pk}),
        "download_url": reverse("committees:session_pack_pdf", kwargs={"pk": session.pk}),
        "back_url": session_url(session),
        "back_label": _("Retour à la séance"),
    }
    return render(request, "committees/session_pack.html", context)


@login_required
def session_pack_pdf(request, pk: int):
    """The ready, up-to-date session pack; while there is none, the page that prepares it."""
    session = get_dossiers_session_for_user(request.user, pk).session
    document = generated_documents.current_document(kind=SESSION_PACK, key=session.pk)
    if document is None or document.status != document.Status.READY:
        return redirect("committees:session_pack", pk=session.pk)
    return generated_documents.file_response(document)


def _letters_filename(session, suffix: str) -> str:
    return f"convocations-{slugify(session.committee.name)}-{session.date:%Y-%m-%d}{suffix}.pdf"


@login_required
def convocation_letters_pdf(request, pk: int):
    """The printable letters, one page each: members without e-mail (`?tous=1`: every member in mandate)."""
    session = get_session_for_user(request.user, pk, to_run=True).session
    members = list(selectors.committee_members_on(session=session))
    everyone = request.GET.get("tous") == "1"
    if not everyone:
        members = [member for member in members if not member.contact_email]
    if not members:
        messages.info(
            request,
            _(
                "Tous les membres ont une adresse e-mail : ils reçoivent la convocation par e-mail. Pour imprimer "
                "quand même les lettres, choisissez « Lettres de tous les membres »."
            ),
        )
        return redirect(session_url(session, "convocations-papier"))
    content = documents.render_convocation_letters_pdf(session=session, members=members)
    return pdf_response(content, _letters_filename(session, "-tous" if everyone else ""))


@login_required
def convocation_letter_pdf(request, pk: int, member_pk: int):
    """One member's printable letter (a member whose mandate covers the session's date; else 404)."""
    session = get_session_for_user(request.user, pk, to_run=True).session
    member = next((m for m in selectors.committee_members_on(session=session) if m.pk == member_pk), None)
    if member is None:
        raise Http404
    content = documents.render_convocation_letters_pdf(session=session, members=[member])
    return pdf_response(content, _letters_filename(session, f"-{slugify(member.full_name)}"))
