"""The bilan page (everyone who may see it), starting a bilan, its PDF and its documents."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import Application
from applications.workflow import Status
from core.files import download
from core.forms import run_action
from reports import access, forms, permissions, selectors, services
from reports.documents.bilan_pdf import bilan_pdf_filename, render_bilan_pdf
from reports.views.navigation import bilan_url, section_url, sections_of
from reports.workflow import OWING_STATUSES, BilanStatus


def _closable(application: Application, bilan) -> bool:
    if bilan is None or bilan.status != BilanStatus.ACCEPTED:
        return False
    if application.status == Status.BALANCE_PAID:
        return True
    return application.status == Status.BILAN_ACCEPTED and selectors.balance_due(application) <= 0


@login_required
def bilan_page(request, pk: int, *, return_form=None, status: int = 200):
    application, bilan = access.get_bilan_for_user(request.user, pk)
    user = request.user
    is_holder = permissions.is_holder(user, application)
    is_reviewer = permissions.can_review_bilan(user, application)
    cvs = selectors.uses_cvs_bilan(application)
    detail = {}
    if bilan is not None:
        detail = selectors.cvs_bilan_detail(bilan=bilan) if cvs else selectors.pic_bilan_detail(bilan=bilan)
    to_review = (
        bilan is not None and bilan.status == BilanStatus.SUBMITTED and application.status == Status.BILAN_RECEIVED
    )
    context = {
        **detail,
        "application": application,
        "bilan": bilan,
        "cvs": cvs,
        "is_holder": is_holder,
        "is_reviewer": is_reviewer,
        # A filed bilan is no longer "à déposer": the due date shows only while the bilan is owed.
        "due_date": selectors.bilan_due_date(application) if application.status in OWING_STATUSES else None,
        "can_start": is_holder and bilan is None and application.status in OWING_STATUSES,
        "can_edit": is_holder and bilan is not None and bilan.is_editable and application.status in OWING_STATUSES,
        "sections": [
            {"slug": s, "label": label, "url": section_url(application, s)} for s, label in sections_of(application)
        ],
        "can_download": is_holder or is_reviewer,
        "can_review": is_reviewer and to_review,
        "can_close": is_reviewer and _closable(application, bilan),
        "balance_due": selectors.balance_due(application) if is_reviewer and bilan is not None else None,
        "return_form": return_form or forms.ReturnForm(),
    }
    return render(request, "reports/bilan.html", context, status=status)


@login_required
@require_POST
def start_bilan(request, pk: int):
    application, bilan = access.get_bilan_for_user(request.user, pk, may=permissions.can_fill_bilan)
    start = services.start_cvs_bilan if selectors.uses_cvs_bilan(application) else services.start_bilan
    if not run_action(
        request,
        lambda: start(user=request.user, application=application),
        success=_("Votre bilan est commencé. Il est enregistré à chaque section : remplissez-le à votre rythme."),
    ).done:
        return redirect(bilan_url(application))
    return redirect(section_url(application, sections_of(application)[0][0]))


@login_required
def bilan_pdf(request, pk: int):
    """The bilan as a PDF: the holder, the association's staff and the co-funders' staff (read-only)."""
    application, bilan = access.get_started_bilan_for_user(request.user, pk)
    response = HttpResponse(render_bilan_pdf(bilan=bilan), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{bilan_pdf_filename(application)}"'
    return response


@login_required
def download_attachment(request, pk: int, attachment_pk: int):
    attachment = access.get_bilan_attachment_for_user(request.user, pk, attachment_pk)
    return download(attachment.file, filename=attachment.original_name, content_type=attachment.content_type)


@login_required
@require_POST
def delete_attachment(request, pk: int, attachment_pk: int):
    attachment = access.get_bilan_attachment_for_user(
        request.user, pk, attachment_pk, may=permissions.can_delete_bilan_attachment
    )
    application = attachment.bilan.application
    run_action(
        request,
        lambda: services.delete_bilan_attachment(user=request.user, attachment=attachment),
        success=_("« %(name)s » est retiré du bilan.") % {"name": attachment.original_name},
    )
    return redirect(section_url(application, "pieces"))
