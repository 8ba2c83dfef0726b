"""Review by the carrier association's staff: accept, return with a comment, close the request."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import run_action, run_service
from reports import access, forms, permissions, services
from reports.views.bilan import bilan_page
from reports.views.navigation import bilan_url


@login_required
@require_POST
def accept_bilan(request, pk: int):
    application, bilan = access.get_bilan_for_user(request.user, pk, may=permissions.can_review_filed_bilan)
    run_action(
        request,
        lambda: services.accept_bilan(user=request.user, bilan=bilan),
        success=_(
            "Le bilan est accepté et le porteur prévenu. Versez le solde s'il en reste un, puis clôturez la demande."
        ),
    )
    return redirect(bilan_url(application))


@login_required
@require_POST
def return_bilan(request, pk: int):
    application, bilan = access.get_bilan_for_user(request.user, pk, may=permissions.can_review_filed_bilan)
    form = forms.ReturnForm(request.POST)
    if run_service(
        form, lambda data: services.return_bilan(user=request.user, bilan=bilan, comment=data["comment"])
    ).done:
        messages.success(request, _("Le bilan est renvoyé au porteur, avec votre commentaire, par e-mail."))
        return redirect(bilan_url(application))
    return bilan_view_with_errors(request, pk, form)


def bilan_view_with_errors(request, pk: int, form):
    return bilan_page(request, pk, return_form=form, status=400)


@login_required
@require_POST
def close_application(request, pk: int):
    application, bilan = access.get_bilan_for_user(request.user, pk, may=permissions.can_review_filed_bilan)
    run_action(
        request,
        lambda: services.close_after_bilan(user=request.user, application=application),
        success=_("La demande est clôturée."),
    )
    return redirect(bilan_url(application))
