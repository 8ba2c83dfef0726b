"""The request's files: its PDF receipt, and the documents the holder attached."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import access, permissions, services
from applications.access import get_application_for_user, get_attachment_for_user, get_message_attachment_for_user
from applications.documents.receipt import receipt_filename, render_receipt_pdf
from applications.views.common import Step, step_url
from core.files import download


@login_required
def receipt_pdf(request, pk: int):
    application = get_application_for_user(request.user, pk)
    if not permissions.has_receipt(application):
        raise Http404
    response = HttpResponse(render_receipt_pdf(application=application), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{receipt_filename(application)}"'
    return response


@login_required
def download_attachment(request, pk: int, attachment_pk: int):
    attachment = get_attachment_for_user(request.user, pk, attachment_pk)
    return download(attachment.file, filename=attachment.original_name, content_type=attachment.content_type)


@login_required
def download_message_attachment(request, pk: int, message_pk: int):
    """The file of a message, for whoever may read the request's thread (404 otherwise)."""
    message = get_message_attachment_for_user(request.user, pk, message_pk)
    return download(message.attachment, filename=message.attachment_name, content_type=message.attachment_content_type)


@login_required
@require_POST
def delete_attachment(request, pk: int, attachment_pk: int):
    attachment = get_attachment_for_user(request.user, pk, attachment_pk, may=access.may_edit_attachment)
    services.delete_attachment(user=request.user, attachment=attachment)
    messages.success(request, _("Document « %(name)s » supprimé.") % {"name": attachment.original_name})
    return redirect(step_url(attachment.application, Step.ATTACHMENTS))
